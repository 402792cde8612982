"""``--help`` everywhere, and the real program: ``python -m neuronet`` and the console script."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_cli import run_main, run_program, the_one_line

COMMANDS = ["demo", "summary", "convert", "predict", "train"]


def test_top_level_help_lists_every_command_with_examples(capsys):
    status, out, err = run_main(capsys, "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: neuronet [-h] [--version] COMMAND ...")
    for command in COMMANDS:
        assert f"    {command} " in out  # the command list, with its one-line help
    assert "examples:" in out and "neuronet train iris.csv --target species" in out
    assert "exit status: 0 success, 2 a file that cannot be used" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description_examples_and_exit_status(capsys, command):
    status, out, err = run_main(capsys, command, "--help")
    assert (status, err) == (0, "")
    assert out.startswith(f"usage: neuronet {command} [-h]")
    description = out.split("\n\n")[1]
    assert len(description) > 40  # a sentence, not just the usage line
    examples = out.split("examples:\n")[1].split("\n\n")[0].splitlines()
    assert examples and all(line.startswith("  neuronet ") or "    " in line for line in examples)
    assert f"neuronet {command}" in examples[0]
    assert "exit status: 0 success, 2 " in out


def test_predict_and_train_help_name_their_options(capsys):
    _, out, _ = run_main(capsys, "predict", "--help")
    for option in ("--input", "--output", "--batch-size", "--classes", "--header", "--columns"):
        assert option in out
    _, out, _ = run_main(capsys, "train", "--help")
    for option in (
        "--target",
        "--hidden",
        "--activation",
        "--epochs",
        "--batch-size",
        "--learning-rate",
        "--optimizer",
        "--validation-split",
        "--task",
        "--seed",
        "--save",
        "--no-standardize",
        "--ignore",
        "--overwrite",
    ):
        assert option in out


def test_help_as_a_program():
    result = run_program("--help")
    assert result.returncode == 0 and result.stderr == ""
    assert "predict" in result.stdout and "train" in result.stdout
    result = run_program("train", "--help")
    assert result.returncode == 0 and "examples:" in result.stdout


def test_train_and_predict_as_programs(tmp_path):
    with open(tmp_path / "d.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b", "y"])
        writer.writerows(
            [[i % 7, i % 5, "big" if i % 7 + i % 5 > 5 else "small"] for i in range(60)]
        )
    model = tmp_path / "m.keras"
    argv = ["train", tmp_path / "d.csv", "--target", "y", "--epochs", "3", "--save", model]
    result = run_program(*argv)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[-1] == f"wrote {model} and {tmp_path / 'm.columns.json'}"
    result = run_program("predict", model, "--input", tmp_path / "d.csv", "--classes")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[0] == "class"
    assert set(result.stdout.splitlines()[1:]) <= {"big", "small"}
    assert len(result.stdout.splitlines()) == 61
    # The same command again: the model exists; status 2, one line, nothing on stdout.
    result = run_program(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert the_one_line(result.stderr).endswith("m.keras: exists; pass --overwrite to replace it.")
    result = run_program("predict", tmp_path / "none.keras", "--input", tmp_path / "d.csv")
    assert result.returncode == 2 and result.stdout == ""
    the_one_line(result.stderr)


def test_console_script():
    # pyproject's [project.scripts] installs `neuronet` beside the venv's python.
    script = Path(sys.executable).parent / "neuronet"
    assert script.is_file(), f"{script} is missing: reinstall with pip install -e '.[dev]'"
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: neuronet ")
    result = subprocess.run(
        [str(script), "predict"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 2 and result.stdout == ""
    assert the_one_line(result.stderr) == (
        "neuronet: error: the following arguments are required: FILE, --input/-i "
        "(see 'neuronet predict --help')"
    )

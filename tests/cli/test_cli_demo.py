"""``neuronet demo [xor|digits]``, in-process; without scikit-learn, one line and status 2."""

import sys

from tests.test_cli import run_main, the_one_line


def test_digits_demo_prints_a_high_test_accuracy(capsys):
    status, out, err = run_main(capsys, "demo", "digits")
    assert (status, err) == (0, "")
    assert 'Model: "sequential"' in out and "Total params: 2410 " in out
    assert "Epoch 15/15" in out and "val_accuracy" in out
    accuracy_line = [line for line in out.splitlines() if line.startswith("Test accuracy: ")]
    assert len(accuracy_line) == 1
    assert accuracy_line[0].endswith(" on 450 images the network never saw")
    assert float(accuracy_line[0].split()[2]) >= 0.95


def test_digits_demo_without_scikit_learn(capsys, monkeypatch):
    # A None entry in sys.modules makes `import sklearn...` raise ImportError, as if absent.
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    status, out, err = run_main(capsys, "demo", "digits")
    assert status == 2 and out == ""
    assert the_one_line(err) == (
        "neuronet: error: the digits demo needs scikit-learn: pip install 'neuronet[sklearn]'"
    )


def test_xor_demo_is_the_default_and_warns_about_nothing(capsys, tmp_path):
    status, out, err = run_main(capsys, "demo", "--output-dir", tmp_path)
    assert (status, err) == (0, "")  # the book's SGD(lr=0.1) is the demo's own choice
    assert "Total params: 41" in out and "[[0]\n [1]\n [1]\n [0]]" in out
    assert (tmp_path / "basic_weights.h5").is_file()


def test_unknown_demo_and_missing_output_dir(capsys, tmp_path):
    status, _, err = run_main(capsys, "demo", "mnist")
    assert status == 2
    assert "argument name: invalid choice: 'mnist' (choose from" in the_one_line(err)
    status, _, err = run_main(capsys, "demo", "--output-dir", tmp_path / "none")
    assert status == 1 and the_one_line(err).startswith("neuronet: error: unexpected ")


def test_examples_load_from_the_checkout_when_not_installed(monkeypatch):
    # The README's quick start runs `python -m neuronet demo` inside the repository, where the
    # `neuronet` package is the checkout's folder, without neuronet/examples: the script is
    # then loaded from examples/ beside it.
    import importlib
    from pathlib import Path

    from neuronet.cli import demo

    real_import = importlib.import_module

    def not_installed(name, *args):
        if name.startswith("neuronet.examples"):
            raise ModuleNotFoundError(f"No module named {name!r}", name="neuronet.examples")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", not_installed)
    module = demo.load_example("xor")
    root = Path(__file__).resolve().parents[2]
    assert Path(module.__file__) == root / "examples" / "xor.py"
    assert module.SEED == 7 and callable(module.main)

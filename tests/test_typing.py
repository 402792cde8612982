"""The package type-checks with mypy and ships its PEP 561 marker."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_passes_on_the_package(tmp_path):
    # The cache goes to tmp_path so the test writes nothing in the repository; mypy's settings
    # come from pyproject.toml's [tool.mypy].
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy_cache"), "neuronet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Success" in output, output


def test_package_ships_py_typed():
    assert (ROOT / "neuronet" / "py.typed").is_file()
    # setuptools installs only the data files package-data names.
    with open(ROOT / "pyproject.toml", "rb") as file:
        settings = tomllib.load(file)
    assert "py.typed" in settings["tool"]["setuptools"]["package-data"]["neuronet"]

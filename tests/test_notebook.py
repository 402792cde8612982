"""examples/textbook.ipynb runs top to bottom in a fresh Jupyter kernel of this interpreter.

The kernel is started from a kernel spec written into ``tmp_path`` that names
``sys.executable``, so the notebook runs on this virtual environment's Python and neuronet,
whatever kernels the machine has installed. Jupyter's and IPython's folders (runtime files,
history) point into ``tmp_path`` as well, and the notebook's working folder is ``tmp_path``.
"""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "textbook.ipynb"
KERNEL_NAME = "python3"


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A ``python3`` kernel spec for this interpreter, found first, and private Jupyter dirs."""
    spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (neuronet tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    # JUPYTER_PATH is searched before the user's and the system's kernel folders.
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    for name, folder in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ]:
        monkeypatch.setenv(name, str(tmp_path / folder))
    # The kernel must not inherit a terminal-sized output or colours from the test's shell.
    monkeypatch.delenv("COLUMNS", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    return work


@pytest.fixture
def executed(kernel_env):
    """The notebook after a run, with one cell added at the end that names the interpreter."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    check = nbformat.v4.new_code_cell("import sys; print(sys.executable)")
    check["id"] = "which-python"
    notebook.cells.append(check)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=60,
        resources={"metadata": {"path": str(kernel_env)}},
    )
    client.execute()
    return notebook, kernel_env


def cell(notebook, cell_id):
    (found,) = [c for c in notebook.cells if c.get("id") == cell_id]
    return found


def stdout(code_cell):
    """All the text the cell wrote to stdout, as it was sent (``'\\r'`` included)."""
    return "".join(
        output["text"]
        for output in code_cell.outputs
        if output["output_type"] == "stream" and output["name"] == "stdout"
    )


def rendered(text):
    """The lines as Jupyter's output area shows them: a ``'\\r'`` starts the line over."""
    return [line.rsplit("\r", 1)[-1] for line in text.split("\n")]


def test_the_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert len(code_cells) >= 8
    for code_cell in code_cells:
        assert code_cell.outputs == [] and code_cell.execution_count is None, code_cell.id
    assert notebook.metadata.kernelspec.name == KERNEL_NAME


def test_textbook_notebook_runs_in_a_fresh_kernel(executed):
    notebook, work = executed
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    # Every cell ran (nbclient raises on an error; an error output would show here too).
    assert all(c.execution_count is not None for c in code_cells)
    assert not [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert not [o for c in code_cells for o in c.outputs if o.get("name") == "stderr"]

    # The kernel ran this interpreter, so this checkout's neuronet.
    assert stdout(cell(notebook, "which-python")).strip() == sys.executable

    # The perceptron learns AND and OR, and still makes mistakes on XOR.
    perceptron = stdout(cell(notebook, "perceptron"))
    assert "AND: predicts [0 0 0 1]" in perceptron and "OR : predicts [0 1 1 1]" in perceptron
    (xor_line,) = [line for line in perceptron.splitlines() if line.startswith("XOR")]
    assert "mistakes in the last pass: 0 " not in xor_line

    summary = stdout(cell(notebook, "model"))
    assert "Total params: 41 " in summary and "Trainable params: 41 " in summary

    # In the kernel the bar is drawn in place: each draw starts with '\r', and what Jupyter
    # shows is one Epoch line and one finished bar line per epoch.
    fit = stdout(cell(notebook, "fit"))
    bar_line = re.compile(
        r"4/4 \[=+\] - \d+s \d+[mu]?s/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$"
    )
    assert fit.count("\r4/4 [") >= 10
    shown = [line for line in rendered(fit) if line.strip()]
    assert len(shown) == 20
    for epoch in range(10):
        assert shown[2 * epoch] == f"Epoch {epoch + 1}/10"
        assert bar_line.match(shown[2 * epoch + 1].rstrip()), shown[2 * epoch + 1]

    # After 2000 epochs the net has learned XOR: evaluate's line, then the printed summary.
    shown = [line for line in rendered(stdout(cell(notebook, "evaluate"))) if line.strip()]
    assert re.fullmatch(r"4/4 \[=+\] - .* - loss: 0\.0\d{3} - accuracy: 1\.0000", shown[0].rstrip())
    assert re.fullmatch(r"final loss 0\.0\d{3}, final accuracy 1\.00", shown[1])

    predict = stdout(cell(notebook, "predict"))
    assert "[0 1 1 0]" in predict
    save = stdout(cell(notebook, "save"))
    assert save.count("same predictions: True, classes [0 1 1 0]") == 2

    # The notebook cleaned up after itself: nothing left in its working folder.
    assert list(work.iterdir()) == []

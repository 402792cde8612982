"""The documentation site: it builds with ``mkdocs build --strict``, and its code runs.

``--strict`` fails the build on any warning: a link to a missing page or anchor, a docstring
that mkdocstrings cannot parse. The code on the hand-written pages is run here too: the
``>>>`` examples as doctests (outputs compared) and the ``python`` blocks as scripts, so the
pages cannot drift from what the library does.
"""

import contextlib
import doctest
import importlib.util
import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = ["index", "quickstart", "tour", "file-formats", "keras-comparison"]
API_PAGES = [
    "models",
    "layers",
    "activations",
    "losses",
    "metrics",
    "optimizers",
    "schedules",
    "callbacks",
    "initializers",
    "regularizers",
    "saving",
    "backend",
    "utils",
    "datasets",
    "plotting",
    "sklearn",
    "errors",
    "perceptron",
]
# Objects whose generated documentation must be on a given API page.
API_ANCHORS = {
    "models": ["neuronet.models.sequential.Sequential.fit", "neuronet.models.trainer"],
    "layers": ["neuronet.layers.dense.Dense", "neuronet.layers.layer.Layer"],
    "optimizers": ["neuronet.optimizers.sgd.SGD", "neuronet.optimizers.optimizer.Optimizer"],
    "schedules": ["neuronet.optimizers.schedules.ExponentialDecay"],
    "saving": ["neuronet.saving.model_files.load_model", "neuronet.saving.hdf5.save_weights"],
    "utils": ["neuronet.utils.data.to_categorical", "neuronet.utils.sequence.PyDataset"],
    "datasets": ["neuronet.datasets.mnist.load_data"],
    "plotting": ["neuronet.utils.history_plot.plot_history"],
    "errors": ["neuronet.errors.FileFormatError"],
    "perceptron": ["neuronet.perceptron.Perceptron"],
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once for this module's tests."""
    site_dir = tmp_path_factory.mktemp("site")
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # no __pycache__ in docs/
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
        + ["--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site_dir


def test_every_page_is_built(site):
    assert (site / "index.html").is_file()
    for page in PAGES[1:]:
        assert (site / page / "index.html").is_file(), page
    for page in API_PAGES:
        assert (site / "api" / page / "index.html").is_file(), page


def test_api_pages_hold_the_docstrings(site):
    for page, anchors in API_ANCHORS.items():
        html = (site / "api" / page / "index.html").read_text(encoding="utf8")
        for anchor in anchors:
            assert f'id="{anchor}"' in html, f"{anchor} missing from api/{page}"


def test_docstring_examples_and_formulas_are_code_blocks(site):
    # Without the griffe extension, '>>>' renders as nested quotes and formulas as one line.
    dense = (site / "api" / "layers" / "index.html").read_text(encoding="utf8")
    assert "dkernel = x.T @ dz" in dense
    for page in API_PAGES:
        html = (site / "api" / page / "index.html").read_text(encoding="utf8")
        assert "<blockquote>" not in html, f"an unfenced >>> example on api/{page}"


# --- the griffe extension ---------------------------------------------------------------------
def _load_extension():
    spec = importlib.util.spec_from_file_location("griffe_blocks", DOCS / "griffe_blocks.py")
    module = importlib.util.module_from_spec(spec)
    previous = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module


def test_fence_blocks():
    fence = _load_extension().fence_blocks
    assert fence("Text.\n\n>>> 1 + 1\n2\n\nMore.") == (
        "Text.\n\n\n```pycon\n>>> 1 + 1\n2\n```\n\n\nMore."
    )
    # a titled block keeps its alignment; Google sections are left to griffe
    assert fence("Formula (t = 1):\n    a  = 1\n    bb = 2\nArgs:\n    x: y.") == (
        "Formula (t = 1):\n\n```text\na  = 1\nbb = 2\n```\n\nArgs:\n    x: y."
    )
    assert fence("Args:\n    x: the input.\n") == "Args:\n    x: the input.\n"
    # a list item's wrapped line is no block; a list needs a blank line above it
    assert fence("Steps:\n- one:\n  two") == "Steps:\n\n- one:\n  two"
    # doctest directives are for doctest, not for the reader
    assert fence(">>> f()  # doctest: +SKIP") == "\n```pycon\n>>> f()\n```\n"
    # code that is already fenced is left alone
    assert fence("```\nA:\n    b\n```") == "```\nA:\n    b\n```"


# --- the code on the pages --------------------------------------------------------------------
def _blocks(page, language):
    text = (DOCS / f"{page}.md").read_text(encoding="utf8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def _run_page(page):
    """Run a page's doctests and its python blocks; return (stdout, warning messages)."""
    # The pycon blocks, one doctest: an example's expected output ends at its block's end.
    text = "\n\n".join(_blocks(page, "pycon"))
    output = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(output):
        warnings.simplefilter("always")
        test = doctest.DocTestParser().get_doctest(text, {}, page, f"docs/{page}.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        results = runner.run(test, out=output.write)
        namespace = {"__name__": f"docs_{page}"}
        for block in _blocks(page, "python"):
            exec(compile(block, f"docs/{page}.md", "exec"), namespace)  # noqa: S102
    assert results.failed == 0, output.getvalue()
    return output.getvalue(), [str(w.message) for w in caught]


@pytest.mark.parametrize("page", ["index", "tour", "file-formats"])
def test_page_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, caught = _run_page(page)
    assert caught == []


def test_the_pages_have_examples_to_check():
    examples = doctest.DocTestParser().get_examples("\n\n".join(_blocks("tour", "pycon")))
    assert len(examples) > 20
    assert _blocks("quickstart", "python") and _blocks("file-formats", "pycon")


def test_quick_start_session_prints_what_the_page_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    printed, caught = _run_page("quickstart")
    # the page's SGD(lr=0.1) is Keras 2's spelling, and the warning the page promises
    assert caught == ["The `lr` argument is deprecated; use `learning_rate` instead."]
    summary = next(b for b in _blocks("quickstart", "text") if b.startswith("Model:"))
    lines = [line.rstrip() for line in printed.splitlines()]
    assert "\n".join(lines).find(summary.rstrip()) >= 0
    assert "Epoch 100/100" in lines
    assert printed.count("[[0]\n [1]\n [1]\n [0]]") == 2  # trained, then reloaded
    assert (tmp_path / "basic_weights.h5").is_file()

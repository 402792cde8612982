"""What the three plotting functions share: matplotlib only on demand, a clear error without
it, standalone figures that need no display, and saving like every neuronet file."""

import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from neuronet.layers import Dense, Input
from neuronet.models import Sequential
from neuronet.utils.decision_boundary import plot_decision_boundary
from neuronet.utils.history_plot import plot_history
from neuronet.utils.model_plot import plot_model
from tests.conftest import ROOT
from tests.utils.plot_images import PNG_SIGNATURE, read_png


def small_model():
    return Sequential([Input((2,)), Dense(1, activation="sigmoid")])


def draw_each(path_for):
    """Call the three functions, each saving to ``path_for(name)``; return the figures."""
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    return {
        "history": plot_history({"loss": [0.9, 0.5, 0.3]}, path_for("history")),
        "boundary": plot_decision_boundary(small_model(), x, [0, 1], path_for("boundary"), 20),
        "model": plot_model(small_model(), path_for("model")),
    }


def test_importing_neuronet_and_the_plot_modules_does_not_import_matplotlib():
    code = (
        "import sys, neuronet, neuronet.utils.plotting, neuronet.utils.history_plot, "
        "neuronet.utils.decision_boundary, neuronet.utils.model_plot; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "draw, name",
    [
        (lambda: plot_history({"loss": [1.0]}), "plot_history"),
        (lambda: plot_decision_boundary(small_model(), [[0, 0]], [0]), "plot_decision_boundary"),
        (lambda: plot_model(small_model()), "plot_model"),
    ],
    ids=["history", "boundary", "model"],
)
def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch, draw, name):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    with pytest.raises(
        ImportError, match=rf"^{name} needs matplotlib.*pip install 'neuronet\[plot\]'"
    ):
        draw()


def test_figures_are_drawn_by_agg_without_pyplot(tmp_path):
    figures = draw_each(lambda name: tmp_path / f"{name}.png")
    for figure in figures.values():
        assert type(figure.canvas) is FigureCanvasAgg
    if "matplotlib.pyplot" in sys.modules:  # another test may have imported it: none is kept
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []


def test_paths_as_strings_and_path_objects_without_leftovers(tmp_path):
    figures = draw_each(lambda name: str(tmp_path / f"{name}.png"))
    for name, figure in figures.items():
        read_png(tmp_path / f"{name}.png", figure)
    draw_each(lambda name: tmp_path / f"{name}.png")  # over the old pictures
    assert sorted(os.listdir(tmp_path)) == ["boundary.png", "history.png", "model.png"]


def test_the_extension_picks_the_format(tmp_path):
    figure = plot_history({"loss": [1.0, 0.5]}, tmp_path / "history.svg")
    assert b"<svg" in (tmp_path / "history.svg").read_bytes()[:1000]
    plot_history({"loss": [1.0, 0.5]}, tmp_path / "history")  # no extension: PNG
    read_png(tmp_path / "history", figure)
    with pytest.raises(ValueError, match=r"Cannot save a picture as '\.doc'.*\.png"):
        plot_history({"loss": [1.0, 0.5]}, tmp_path / "history.doc")
    assert sorted(os.listdir(tmp_path)) == ["history", "history.svg"]


def test_a_failed_save_keeps_the_old_picture(tmp_path, monkeypatch):
    path = tmp_path / "history.png"
    figure = plot_history({"loss": [1.0, 0.5]}, path)
    before = path.read_bytes()

    def broken_savefig(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(figure), "savefig", broken_savefig)
    with pytest.raises(OSError, match="disk full"):
        plot_history({"loss": [3.0, 2.0, 1.0]}, path)
    assert path.read_bytes() == before and before[:8] == PNG_SIGNATURE
    assert os.listdir(tmp_path) == ["history.png"]


@pytest.mark.parametrize("dpi", [0, -1, float("nan"), float("inf"), "100", True])
def test_dpi_must_be_a_positive_number(dpi):
    with pytest.raises(ValueError, match="dpi must be"):
        plot_history({"loss": [1.0]}, dpi=dpi)

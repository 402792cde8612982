"""The XOR demo saves its two pictures beside its weights, or says how to get them."""

import sys

import pytest

from examples import xor
from tests.utils.plot_images import PNG_SIGNATURE

PICTURES = ["xor_decision_boundary.png", "xor_history.png"]


def run_demo(output_dir, capsys):
    with pytest.warns(DeprecationWarning, match="learning_rate"):  # the book's SGD(lr=0.1)
        xor.main(output_dir=str(output_dir))
    return capsys.readouterr().out.splitlines()


def test_demo_saves_history_and_decision_boundary(tmp_path, capsys):
    from matplotlib import image as mimage

    lines = run_demo(tmp_path, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic_weights.h5", *PICTURES]
    history_path, boundary_path = tmp_path / "xor_history.png", tmp_path / PICTURES[0]
    assert lines[-1] == f"Saved the pictures {history_path} and {boundary_path}"
    # The book's output comes first, unchanged: the loaded model's classes.
    assert lines[-5:-1] == ["[[0]", " [1]", " [1]", " [0]]"]
    for path, (height, width) in [(history_path, (350, 900)), (boundary_path, (500, 600))]:
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        assert mimage.imread(path).shape[:2] == (height, width)


def test_demo_without_matplotlib_skips_the_pictures_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    lines = run_demo(tmp_path, capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["basic_weights.h5"]
    assert lines[-1].startswith("No pictures: matplotlib is not installed")
    assert "pip install 'neuronet[plot]'" in lines[-1]
    assert lines[-5:-1] == ["[[0]", " [1]", " [1]", " [0]]"]

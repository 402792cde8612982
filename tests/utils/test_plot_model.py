"""plot_model: the layer graph as boxes and arrows, drawn by matplotlib alone."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from neuronet.errors import NotBuiltError
from neuronet.layers import Activation, Dense, Dropout, Input
from neuronet.models import Sequential
from neuronet.utils.model_plot import plot_model
from tests.utils.plot_images import read_png, share_near, texts_of

DENSE_FILL, ACTIVATION_FILL, INPUT_FILL = "#cfe2f3", "#fde9c9", "#e3e3e3"


def textbook_model():
    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    return model


def headers(figure):
    """The bold first line of each box, in the order drawn."""
    ax = figure.axes[0]
    return [text for text in ax.texts if text.get_fontweight() == "bold"]


def test_textbook_model_draws_each_layer_with_shape_and_params(tmp_path):
    path = tmp_path / "model.png"
    figure = plot_model(textbook_model(), path)

    assert isinstance(figure, Figure)
    image = read_png(path, figure)
    names = [text.get_text() for text in headers(figure)]
    assert names == [
        "input_layer (InputLayer)",
        "dense (Dense)",
        "activation (Activation)",
        "dense_1 (Dense)",
        "activation_1 (Activation)",
    ]
    texts = texts_of(figure)
    for line in ["Params: 30", "Params: 11", "Params: 0", "Total params: 41"]:
        assert line in texts
    for shape in ["(None, 2)", "(None, 10)", "(None, 1)"]:
        assert f"Output shape: {shape}" in texts
    assert 'Model: "sequential"' in texts
    # Top to bottom: each box's header is drawn lower than the previous one, and the picture
    # is taller than wide.
    heights = [text.get_window_extent().y0 for text in headers(figure)]
    assert heights == sorted(heights, reverse=True)
    height, width = image.shape[:2]
    assert height > 2 * width
    # Five boxes, four arrows, and the fills of the three kinds of layers on the picture.
    ax = figure.axes[0]
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == 5
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 4
    for fill in [DENSE_FILL, ACTIVATION_FILL, INPUT_FILL]:
        assert share_near(image, fill, 0.02) > 0.02


def test_the_picture_size_follows_dpi(tmp_path):
    small = plot_model(textbook_model(), tmp_path / "small.png", dpi=50)
    large = plot_model(textbook_model(), tmp_path / "large.png", dpi=150)
    small_image = read_png(tmp_path / "small.png", small)
    large_image = read_png(tmp_path / "large.png", large)
    assert abs(large_image.shape[0] - 3 * small_image.shape[0]) <= 3


def test_an_input_names_the_first_box():
    model = Sequential([Input((3,), name="features"), Dense(1000), Dropout(0.5), Dense(2)])
    texts = texts_of(plot_model(model))
    assert "features (InputLayer)" in texts and "dropout (Dropout)" in texts
    # 3 * 1000 + 1000 and 1000 * 2 + 2 parameters, thousands separated.
    assert "Params: 4,000" in texts and "Params: 2,002" in texts
    assert "Total params: 6,002" in texts


def test_a_model_built_by_build_has_an_input_box():
    model = Sequential([Dense(3), Activation("relu")])
    model.build((None, 4))
    texts = texts_of(plot_model(model))
    assert "input_layer (InputLayer)" in texts and "Output shape: (None, 4)" in texts


def test_an_unbuilt_model_is_refused():
    with pytest.raises(NotBuiltError, match="not built yet"):
        plot_model(Sequential([Dense(3)]))


def test_shapes_and_params_can_be_left_out():
    texts = texts_of(plot_model(textbook_model(), show_shapes=False, show_params=False))
    assert "dense (Dense)" in texts
    assert not [text for text in texts if "shape" in text or "params" in text.lower()]


def test_keras_arguments(tmp_path):
    model = textbook_model()
    model.layers[0].trainable = False
    path = tmp_path / "keras.png"
    figure = plot_model(
        model,
        to_file=path,
        show_dtype=True,
        show_layer_names=False,
        show_layer_activations=True,
        show_trainable=True,
        expand_nested=True,
    )
    read_png(path, figure)
    texts = texts_of(figure)
    assert [text.get_text() for text in headers(figure)] == [
        "InputLayer",
        "Dense",
        "Activation",
        "Dense",
        "Activation",
    ]
    assert {"dtype: float32", "Activation: tanh", "Activation: sigmoid"} <= set(texts)
    assert {"Activation: linear", "Trainable: no", "Trainable: yes"} <= set(texts)


def test_left_to_right(tmp_path):
    figure = plot_model(textbook_model(), tmp_path / "wide.png", rankdir="LR")
    image = read_png(tmp_path / "wide.png", figure)
    assert image.shape[1] > 2 * image.shape[0]
    lefts = [text.get_window_extent().x0 for text in headers(figure)]
    assert lefts == sorted(lefts) and len(set(np.round(lefts))) == 5


def test_bad_arguments_are_refused(tmp_path):
    model = textbook_model()
    with pytest.raises(ValueError, match="rankdir"):
        plot_model(model, rankdir="BT")
    with pytest.raises(ValueError, match="not both"):
        plot_model(model, tmp_path / "a.png", to_file=tmp_path / "b.png")
    assert list(tmp_path.iterdir()) == []

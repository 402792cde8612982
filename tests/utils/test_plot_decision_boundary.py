"""plot_decision_boundary: the model's answer over the plane of a 2-D problem, samples on top."""

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.figure import Figure

from neuronet.errors import DataError, ShapeError
from neuronet.layers import Activation, Dense, Input
from neuronet.models import Sequential
from neuronet.optimizers import SGD
from neuronet.utils import set_random_seed
from neuronet.utils.decision_boundary import plot_decision_boundary
from tests.utils.plot_images import axes_pixels, pixel_at, read_png, share_near, texts_of

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
Y_XOR = np.array([[0], [1], [1], [0]])


@pytest.fixture(scope="module")
def xor_model():
    """The textbook 2-10-1 network, trained on XOR as the demo trains it (seed 7)."""
    set_random_seed(7)
    model = Sequential(name="xor")
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.1))
    model.fit(X_XOR, Y_XOR, epochs=2000, verbose=0)
    assert model.predict_classes(X_XOR).tolist() == Y_XOR.tolist()
    return model


def bluish(color):
    return color[2] > color[0] + 0.15


def reddish(color):
    return color[0] > color[2] + 0.15


def test_trained_xor_model_shows_both_classes(xor_model, tmp_path):
    path = tmp_path / "xor.png"
    figure = plot_decision_boundary(xor_model, X_XOR, Y_XOR, path)

    assert isinstance(figure, Figure)
    assert tuple(figure.get_size_inches() * figure.dpi) == (600, 500)
    image = read_png(path, figure)
    ax = figure.axes[0]
    # Beside each sample (off its marker) the plane has the colour of the sample's class.
    for (x0, x1), label in zip(X_XOR, Y_XOR[:, 0]):
        beside = (x0 + (0.12 if x0 == 0 else -0.12), x1 + (0.12 if x1 == 0 else -0.12))
        color = pixel_at(image, ax, *beside)
        assert (reddish if label == 1 else bluish)(color), (beside, color)
    # Both classes cover a good part of the plot area, and the samples are drawn in the
    # saturated ends of the map (darker than the plane beneath them).
    plot_area = axes_pixels(image, ax)
    assert np.mean([reddish(c) for c in plot_area.reshape(-1, 3)]) > 0.2
    assert np.mean([bluish(c) for c in plot_area.reshape(-1, 3)]) > 0.2
    cmap = colormaps["RdBu_r"]
    assert share_near(plot_area, cmap(0.0)[:3], 0.05) > 0
    assert share_near(plot_area, cmap(1.0)[:3], 0.05) > 0
    # The p = 0.5 boundary is drawn, the legend names both classes, the colour bar P(class 1).
    assert any(list(getattr(c, "levels", [])) == [0.5] for c in ax.collections)
    texts = texts_of(figure)
    assert {"class 0", "class 1", "P(class 1)", "Decision boundary of xor"} <= set(texts)


def test_the_grid_covers_the_samples_at_the_resolution_asked():
    class Recorder:
        """A model that records the grid it is asked about and answers x0 > x1."""

        def predict(self, grid):
            self.grid = grid
            return (grid[:, 0] > grid[:, 1]).astype("int64")

    recorder = Recorder()
    x = np.array([[-2.0, 10.0], [3.0, 20.0], [0.0, 15.0]])
    figure = plot_decision_boundary(recorder, x, [0, 1, 1], resolution=7)
    assert recorder.grid.shape == (49, 2)
    assert recorder.grid[:, 0].min() < -2 and recorder.grid[:, 0].max() > 3
    assert recorder.grid[:, 1].min() < 10 and recorder.grid[:, 1].max() > 20
    ax = figure.axes[0]
    assert ax.get_xlim()[0] < -2 and ax.get_ylim()[1] > 20
    assert "predicted class" in texts_of(figure)  # integer answers are drawn as classes


def test_softmax_model_shows_each_predicted_class_region(tmp_path):
    # Three classes by hand: scores (x0, -x0, x1): class 2 above x1 = |x0|, else by sign of x0.
    model = Sequential([Input((2,)), Dense(3, activation="softmax")])
    model.set_weights([np.array([[1, -1, 0], [0, 0, 1]], "float32"), np.zeros(3, "float32")])
    x = np.array([[1.0, -1.0], [-1.0, -1.0], [0.0, 1.0], [1.0, 1.0]])
    one_hot = np.eye(3)[[0, 1, 2, 2]]
    path = tmp_path / "three.png"
    figure = plot_decision_boundary(model, x, one_hot, path, resolution=50)

    image = read_png(path, figure)
    ax = figure.axes[0]
    for point, expected in [((1.2, -1.2), 0), ((-1.2, -1.2), 1), ((0.0, 1.2), 2)]:
        # Each region is its class's colour, lightened: alpha 0.4 over the white axes.
        region = 0.4 * np.array(colormaps["tab10"](expected)[:3]) + 0.6
        np.testing.assert_allclose(pixel_at(image, ax, *point), region, atol=0.03)
    assert {"class 0", "class 1", "class 2", "predicted class"} <= set(texts_of(figure))


def test_an_output_that_is_no_probability_is_drawn_as_a_value():
    model = Sequential([Input((2,)), Dense(1)])
    model.set_weights([np.array([[3.0], [1.0]], "float32"), np.zeros(1, "float32")])
    figure = plot_decision_boundary(model, [[-1, -1], [1, 1]], [0, 1], resolution=20)
    assert "model output" in texts_of(figure)


def test_labels_as_floats_name_their_classes():
    class Constant:
        def predict(self, grid):
            return np.full((len(grid), 1), 0.25)

    figure = plot_decision_boundary(Constant(), X_XOR, Y_XOR.astype("float32"), resolution=10)
    assert {"class 0", "class 1"} <= set(texts_of(figure))
    # No sample changes the answer: the plane never reaches 0.5, so no boundary line.
    assert not any(list(getattr(c, "levels", [])) == [0.5] for c in figure.axes[0].collections)


@pytest.mark.parametrize(
    "x",
    [np.zeros((4, 3)), np.zeros(4), np.zeros((4, 2, 1))],
    ids=["three features", "one axis", "three axes"],
)
def test_inputs_that_are_not_2d_points_are_refused(xor_model, x):
    with pytest.raises(ShapeError, match=r"2 input features.*\(n_samples, 2\), got"):
        plot_decision_boundary(xor_model, x, np.zeros(4))


def test_bad_labels_data_and_resolution_are_refused(xor_model):
    with pytest.raises(ShapeError, match=r"one label per sample \(4\)"):
        plot_decision_boundary(xor_model, X_XOR, [0, 1, 1])
    with pytest.raises(DataError, match="NaN"):
        plot_decision_boundary(xor_model, [[0, np.nan], [1, 1]], [0, 1])
    with pytest.raises(DataError, match="no samples"):
        plot_decision_boundary(xor_model, np.zeros((0, 2)), [])
    with pytest.raises(ValueError, match="at least 2"):
        plot_decision_boundary(xor_model, X_XOR, Y_XOR, resolution=1)
    with pytest.raises(TypeError, match="integer"):
        plot_decision_boundary(xor_model, X_XOR, Y_XOR, resolution=2.5)

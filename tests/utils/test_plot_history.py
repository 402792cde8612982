"""plot_history: loss and metrics per epoch, training and validation on the same axes."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuronet.callbacks import History
from neuronet.layers import Dense, Input
from neuronet.models import Sequential
from neuronet.utils.history_plot import plot_history
from tests.utils.plot_images import axes_pixels, non_white_share, read_png, share_near, texts_of

TRAINING, VALIDATION = "tab:blue", "tab:orange"


def fitted_history():
    """Five epochs of a small classifier with a validation split: loss and accuracy, both."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, :1] > 0).astype("float32")
    model = Sequential([Input((2,)), Dense(4, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=5, validation_split=0.25, verbose=0)


def visible_axes(figure):
    return [ax for ax in figure.axes if ax.get_visible()]


def test_history_of_fit_renders_one_subplot_per_quantity(tmp_path):
    history = fitted_history()
    path = tmp_path / "history.png"
    figure = plot_history(history, path)

    assert isinstance(figure, Figure)
    assert tuple(figure.get_size_inches() * figure.dpi) == (900, 350)  # two 4.5 x 3.5 cells
    image = read_png(path, figure)
    axes = visible_axes(figure)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    for ax, quantity in zip(axes, ["loss", "accuracy"]):
        training, validation = ax.get_lines()
        assert [training.get_label(), validation.get_label()] == ["training", "validation"]
        np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3, 4, 5])
        np.testing.assert_allclose(training.get_ydata(), history.history[quantity])
        np.testing.assert_allclose(validation.get_ydata(), history.history[f"val_{quantity}"])
        assert validation.get_linestyle() == "--"
        assert ax.get_xlabel() == "epoch"
        # Both curves are on the picture, inside this subplot's frame.
        plot_area = axes_pixels(image, ax)
        assert share_near(plot_area, TRAINING) > 0.002
        assert share_near(plot_area, VALIDATION) > 0.002
        assert 0.01 < non_white_share(plot_area) < 0.5
    assert {"training", "validation", "epoch"} <= set(texts_of(figure))


def test_the_history_dict_draws_the_same_as_the_history():
    history = fitted_history()
    from_object, from_dict = plot_history(history), plot_history(history.history)
    for a, b in zip(from_object.axes, from_dict.axes):
        for line_a, line_b in zip(a.get_lines(), b.get_lines()):
            np.testing.assert_array_equal(line_a.get_xydata(), line_b.get_xydata())


def test_nothing_is_saved_without_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plot_history({"loss": [1.0, 0.5]})
    assert list(tmp_path.iterdir()) == []


def test_many_quantities_wrap_three_to_a_row(tmp_path):
    logs = {name: [3.0, 2.0, 1.0] for name in ["loss", "mae", "mse", "learning_rate"]}
    figure = plot_history(logs, tmp_path / "four.png", dpi=50)
    assert tuple(figure.get_size_inches() * figure.dpi) == (675, 350)  # 3 x 4.5 by 2 x 3.5 in
    read_png(tmp_path / "four.png", figure)
    assert [ax.get_title() for ax in visible_axes(figure)] == [
        "loss",
        "mae",
        "mse",
        "learning_rate",
    ]
    assert len(figure.axes) == 6  # the last row's two spare cells are hidden


def test_validation_without_training_entry_gets_its_own_subplot():
    figure = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "val_auc": [0.6, 0.8]})
    axes = visible_axes(figure)
    assert [ax.get_title() for ax in axes] == ["loss", "auc"]
    assert [line.get_label() for line in axes[1].get_lines()] == ["validation"]


def test_validation_every_kth_epoch_is_drawn_at_those_epochs():
    # fit(validation_freq=2) over 6 epochs validates after epochs 2, 4 and 6.
    figure = plot_history({"loss": [6, 5, 4, 3, 2, 1], "val_loss": [5.5, 3.5, 1.5]})
    training, validation = figure.axes[0].get_lines()
    np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(validation.get_xdata(), [2, 4, 6])


def test_long_runs_are_drawn_without_markers():
    short = plot_history({"loss": list(range(30, 0, -1))}).axes[0].get_lines()[0]
    long = plot_history({"loss": list(range(31, 0, -1))}).axes[0].get_lines()[0]
    assert short.get_marker() == "o" and long.get_marker() in ("None", None, "")


def test_a_history_without_epochs_or_of_the_wrong_type_is_refused():
    with pytest.raises(ValueError, match="no values to plot"):
        plot_history(History())
    with pytest.raises(ValueError, match="no values to plot"):
        plot_history({"loss": []})
    with pytest.raises(TypeError, match="History that fit returns"):
        plot_history([0.5, 0.4])
    with pytest.raises(ValueError, match="'loss' must be a list of numbers"):
        plot_history({"loss": ["high", "low"]})
    with pytest.raises(ValueError, match="'loss' must be a list of numbers.*shape"):
        plot_history({"loss": [[1.0, 2.0]]})

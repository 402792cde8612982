"""ModelCheckpoint: file names, what is saved, when, and the messages."""

import os

import pytest

from neuronet.callbacks import ModelCheckpoint


def drive(callback, model, val_losses, batches=0):
    """Epochs with the given val_loss; ``batches`` training batches in each."""
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, val_loss in enumerate(val_losses):
        callback.on_epoch_begin(epoch)
        for batch in range(batches):
            callback.on_train_batch_end(batch, {"size": 2, "loss": 0.5 + batch})
        callback.on_epoch_end(epoch, {"loss": 1.0, "val_loss": val_loss})
    callback.on_train_end()


def test_saves_every_epoch_with_formatted_names(model, tmp_path):
    pattern = str(tmp_path / "weights.{epoch:02d}-{val_loss:.2f}.keras")
    drive(ModelCheckpoint(pattern), model, [0.456, 0.5, 0.321])
    names = ["weights.01-0.46.keras", "weights.02-0.50.keras", "weights.03-0.32.keras"]
    assert model.saved == [("model", str(tmp_path / name)) for name in names]
    assert sorted(os.listdir(tmp_path)) == names


def test_save_weights_only_calls_save_weights(model, tmp_path):
    path = str(tmp_path / "ckpt.weights.h5")
    drive(ModelCheckpoint(path, save_weights_only=True), model, [0.5, 0.4])
    assert model.saved == [("weights", path), ("weights", path)]


def test_save_best_only_min(model, tmp_path):
    pattern = str(tmp_path / "best-{epoch}.keras")
    callback = ModelCheckpoint(pattern, save_best_only=True)
    # 0.5 beats inf; 0.6 does not; 0.4 beats 0.5; 0.4 does not beat 0.4.
    drive(callback, model, [0.5, 0.6, 0.4, 0.4])
    assert [path for _, path in model.saved] == [
        str(tmp_path / "best-1.keras"),
        str(tmp_path / "best-3.keras"),
    ]
    assert callback.best == 0.4


def test_save_best_only_max_on_accuracy(model, tmp_path):
    callback = ModelCheckpoint(
        str(tmp_path / "m.keras"), monitor="val_accuracy", save_best_only=True
    )
    callback.set_model(model)
    for epoch, accuracy in enumerate([0.5, 0.4, 0.75]):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"val_accuracy": accuracy})
    # Auto mode maximizes accuracy: saves at 0.5 and 0.75.
    assert len(model.saved) == 2 and callback.best == 0.75


def test_initial_value_threshold(model, tmp_path):
    callback = ModelCheckpoint(
        str(tmp_path / "m.keras"), save_best_only=True, initial_value_threshold=0.45
    )
    # 0.5 does not beat the threshold 0.45; 0.44 does.
    drive(callback, model, [0.5, 0.44])
    assert len(model.saved) == 1 and callback.best == 0.44


def test_explicit_mode(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, mode="max")
    drive(callback, model, [0.5, 0.4, 0.6])
    assert len(model.saved) == 2 and callback.best == 0.6


def test_save_best_only_without_the_monitor_warns_and_saves(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_acc", save_best_only=True)
    with pytest.warns(UserWarning, match="Can save best model only with val_acc available."):
        drive(callback, model, [0.5])
    assert len(model.saved) == 1


def test_integer_save_freq_counts_batches_across_epochs(model, tmp_path):
    pattern = str(tmp_path / "e{epoch}-b{batch}.keras")
    # 3 batches per epoch, a save every 2 batches: after batches (epoch 1) 2, (1) 4 = (2) 1,
    # (2) 3; nothing at epoch ends.
    drive(ModelCheckpoint(pattern, save_freq=2), model, [0.5, 0.4], batches=3)
    assert [os.path.basename(path) for _, path in model.saved] == [
        "e1-b2.keras",
        "e2-b1.keras",
        "e2-b3.keras",
    ]


def test_batch_save_can_use_batch_logs(model, tmp_path):
    pattern = str(tmp_path / "b{batch:03d}-{loss:.1f}.keras")
    drive(ModelCheckpoint(pattern, save_freq=1), model, [0.5], batches=2)
    assert [os.path.basename(path) for _, path in model.saved] == [
        "b001-0.5.keras",
        "b002-1.5.keras",
    ]


def test_missing_folder_is_created(model, tmp_path):
    path = tmp_path / "new" / "deeper" / "m.h5"
    drive(ModelCheckpoint(path), model, [0.5])
    assert path.is_file() and model.saved == [("model", str(path))]


def test_existing_directory_as_path_is_an_error(model, tmp_path):
    (tmp_path / "taken.keras").mkdir()
    with pytest.raises(OSError, match="non-directory filepath"):
        drive(ModelCheckpoint(tmp_path / "taken.keras"), model, [0.5])


def test_unknown_format_field_is_a_clear_error(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        drive(callback, model, [0.5])


@pytest.mark.parametrize(
    "filepath, weights_only",
    [("model.txt", False), ("model.weights", False), ("w.keras", True), ("w.npz", True)],
)
def test_file_suffix_is_checked(filepath, weights_only):
    with pytest.raises(ValueError, match="must end in"):
        ModelCheckpoint(filepath, save_weights_only=weights_only)


@pytest.mark.parametrize(
    "filepath, weights_only",
    [
        ("m.keras", False),
        ("m.h5", False),
        ("m.hdf5", False),
        ("w.weights.h5", True),
        ("w.h5", True),
        ("w.hdf5", True),
    ],
)
def test_accepted_suffixes(filepath, weights_only):
    ModelCheckpoint(filepath, save_weights_only=weights_only)


@pytest.mark.parametrize("save_freq", ["batch", 0, -3, 2.5, True])
def test_bad_save_freq(save_freq):
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("m.keras", save_freq=save_freq)


def test_verbose_messages(model, tmp_path, capsys):
    path = str(tmp_path / "m.keras")
    drive(ModelCheckpoint(path, verbose=1, save_best_only=True), model, [0.5, 0.6])
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from inf to 0.50000, saving model to {path}\n"
        f"\nEpoch 1: finished saving model to {path}\n"
        "\nEpoch 2: val_loss did not improve from 0.50000\n"
    )
    drive(ModelCheckpoint(path, verbose=1), model, [0.5])
    assert capsys.readouterr().out == (
        f"\nEpoch 1: saving model to {path}\n\nEpoch 1: finished saving model to {path}\n"
    )


def test_silent_by_default(model, tmp_path, capsys):
    drive(ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True), model, [0.5, 0.6])
    assert capsys.readouterr().out == ""


def test_defaults():
    callback = ModelCheckpoint("m.keras")
    assert (callback.monitor, callback.verbose, callback.save_best_only) == ("val_loss", 0, False)
    assert (callback.save_weights_only, callback.mode, callback.save_freq) == (
        False,
        "auto",
        "epoch",
    )
    assert callback.initial_value_threshold is None and callback.best == float("inf")

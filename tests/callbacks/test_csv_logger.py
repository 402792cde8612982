"""CSVLogger: the exact bytes of the file."""

import numpy as np

from neuronet.callbacks import CSVLogger


def drive(callback, model, epoch_logs):
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, logs)
    callback.on_train_end()


def read(path):
    with open(path, "rb") as f:
        return f.read().decode()


def test_header_sorted_rows_per_epoch(model, tmp_path):
    path = tmp_path / "log.csv"
    drive(
        CSVLogger(path),
        model,
        [
            {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625},
            {"loss": 0.25, "accuracy": 1.0, "val_loss": 0.375},
        ],
    )
    # Columns: epoch, then the first epoch's names sorted; rows end in \r\n like Keras's.
    assert read(path) == (
        "epoch,accuracy,loss,val_loss\r\n0,0.75,0.5,0.625\r\n1,1.0,0.25,0.375\r\n"
    )


def test_separator(model, tmp_path):
    path = tmp_path / "log.tsv"
    drive(CSVLogger(path, separator="\t"), model, [{"loss": 0.5, "mae": 0.25}])
    assert read(path) == "epoch\tloss\tmae\r\n0\t0.5\t0.25\r\n"


def test_overwrite_by_default(model, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old content\n")
    drive(CSVLogger(path), model, [{"loss": 0.5}])
    assert read(path) == "epoch,loss\r\n0,0.5\r\n"


def test_append_continues_without_a_second_header(model, tmp_path):
    path = tmp_path / "log.csv"
    drive(CSVLogger(path), model, [{"loss": 0.5}])
    drive(CSVLogger(path, append=True), model, [{"loss": 0.25}, {"loss": 0.125}])
    assert read(path) == "epoch,loss\r\n0,0.5\r\n0,0.25\r\n1,0.125\r\n"


def test_append_to_an_empty_or_missing_file_writes_the_header(model, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    drive(CSVLogger(empty, append=True), model, [{"loss": 0.5}])
    missing = tmp_path / "missing.csv"
    drive(CSVLogger(missing, append=True), model, [{"loss": 0.5}])
    assert read(empty) == read(missing) == "epoch,loss\r\n0,0.5\r\n"


def test_a_second_run_of_one_logger_starts_the_file_again(model, tmp_path):
    path = tmp_path / "log.csv"
    callback = CSVLogger(path)
    drive(callback, model, [{"loss": 0.5}])
    drive(callback, model, [{"loss": 0.25, "mae": 1.0}])
    assert read(path) == "epoch,loss,mae\r\n0,0.25,1.0\r\n"


def test_missing_values_are_na_and_new_keys_ignored(model, tmp_path):
    path = tmp_path / "log.csv"
    drive(CSVLogger(path), model, [{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25, "x": 1}])
    assert read(path) == "epoch,loss,val_loss\r\n0,0.5,0.75\r\n1,0.25,NA\r\n"


def test_validation_columns_reserved_from_metrics_names(model, tmp_path):
    # Validation every other epoch: the first epoch has no val_* logs yet.
    model.metrics_names = ["loss", "accuracy", "val_loss", "val_accuracy"]
    path = tmp_path / "log.csv"
    drive(
        CSVLogger(path),
        model,
        [
            {"loss": 0.5, "accuracy": 0.5},
            {"loss": 0.25, "accuracy": 0.75, "val_loss": 0.5, "val_accuracy": 0.625},
        ],
    )
    assert read(path) == (
        "epoch,accuracy,loss,val_loss,val_accuracy\r\n0,0.5,0.5,NA,NA\r\n1,0.75,0.25,0.5,0.625\r\n"
    )


def test_numpy_values(model, tmp_path):
    path = tmp_path / "log.csv"
    drive(CSVLogger(path), model, [{"loss": np.float32(0.5), "per_class": np.array([1, 2])}])
    # An array becomes "[1, 2]", quoted by csv because it holds the separator.
    assert read(path) == 'epoch,loss,per_class\r\n0,0.5,"[1, 2]"\r\n'


def test_rows_are_on_disk_after_each_epoch_and_the_file_closes(model, tmp_path):
    path = tmp_path / "log.csv"
    callback = CSVLogger(path)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 0.5})
    assert read(path) == "epoch,loss\r\n0,0.5\r\n"  # flushed while training runs
    callback.on_train_end()
    assert callback.csv_file.closed


def test_defaults(tmp_path):
    callback = CSVLogger(tmp_path / "log.csv")
    assert (callback.sep, callback.append) == (",", False)
    assert callback.filename == str(tmp_path / "log.csv")

"""``neuronet train DATA.csv --target COLUMN --save MODEL``: a multilayer perceptron from a CSV.

The steps, each a function below: read the CSV (header row, numeric features), decide the task,
encode the target, shuffle once and hold out the validation rows, standardise with the training
rows' statistics, build and fit ``Dense`` layers, fold the standardisation into the first (and,
for a regression, the last) layer so that the saved model takes the raw columns, then save the
model and its columns file (``neuronet.cli.columns``).
"""

from __future__ import annotations

import argparse
import math
from typing import Any, TextIO

import numpy as np

from neuronet import activations, backend, optimizers
from neuronet.cli import columns, tables
from neuronet.cli.files import CommandError, check_target, writing
from neuronet.models import Sequential
from neuronet.models.mlp import build_mlp

DESCRIPTION = """\
Train a multilayer perceptron on a CSV file and save it.

DATA.csv must start with a header row. --target names the column to predict; every other
column (except those named by --ignore) is a feature and must hold numbers.

The task (--task auto):
  classification  when the target holds text, or whole numbers with few different values
                  (at most 20, and at most half the number of rows); the labels are sorted
                  and numbered 0, 1, 2, ...; two classes get one sigmoid output and binary
                  crossentropy, more get a softmax output and sparse categorical crossentropy;
                  the metric is accuracy;
  regression      otherwise: one linear output, mean squared error, metric mae.

The rows are shuffled once (with --seed) and the last --validation-split of them are held out
to validate each epoch. With --standardize (the default) each feature, and the target of a
regression, is scaled to mean 0 and standard deviation 1 with the training rows' statistics;
after training that scaling is folded into the first and last layers' weights, so the saved
model takes the raw columns and gives outputs in the target's own units. (Its optimizer state,
which belongs to the scaled weights, is then not saved; the compile settings are.)

Two files are written: the model (--save, .keras or .h5) and, beside it, its columns file
(the model's name with .columns.json: the feature names, the target and the class labels),
which 'neuronet predict' reads to give back the labels.
"""

EPILOG = """\
examples:
  neuronet train iris.csv --target species --save iris.keras
  neuronet train houses.csv --target price --hidden 32,16 --epochs 200 --save houses.keras
  neuronet train data.csv --target y --ignore id,name --task classification --seed 1 \\
      --save model.h5 --overwrite
  neuronet predict iris.keras --input new.csv --output species.csv --classes

exit status: 0 success, 2 a file that cannot be read or a wrong argument, 1 any other failure
(such as an output that cannot be written).
"""

MAX_CLASSES_AUTO = 20  # more different whole numbers than this read as a quantity (regression)
SAVE_SUFFIXES = (".keras", ".h5", ".hdf5")
SHOWN_LABELS = 10


def add_parser(
    commands: argparse._SubParsersAction[Any], formatter_class: type[argparse.HelpFormatter]
) -> argparse.ArgumentParser:
    """Register ``train`` with the subcommands of the main parser."""
    parser = commands.add_parser(
        "train",
        help="train a multilayer perceptron on a CSV file and save it",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter_class,
    )
    parser.add_argument("data", metavar="DATA.csv", help="the training data, with a header row")
    parser.add_argument("--target", required=True, metavar="COLUMN", help="the column to predict")
    parser.add_argument(
        "--save", required=True, metavar="MODEL", help="the model file to write (.keras or .h5)"
    )
    parser.add_argument(
        "--hidden",
        default="10,10",
        metavar="UNITS",
        help="units of the hidden layers, comma-separated (default: 10,10; '' for none)",
    )
    parser.add_argument(
        "--activation",
        default="relu",
        metavar="NAME",
        help="the hidden layers' activation (default: relu)",
    )
    parser.add_argument(
        "--epochs", type=int, default=100, metavar="N", help="passes over the data (100)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, metavar="N", help="samples per update (32)"
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=0.001,
        metavar="RATE",
        help="the optimizer's step size (0.001)",
    )
    parser.add_argument(
        "--optimizer", default="adam", metavar="NAME", help="adam, sgd, rmsprop, ... (adam)"
    )
    parser.add_argument(
        "--validation-split",
        type=float,
        default=0.2,
        metavar="FRACTION",
        help="the fraction of rows held out for validation, 0 for none (0.2)",
    )
    parser.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="what to learn (default: auto, see above)",
    )
    parser.add_argument(
        "--standardize",
        action="store_true",
        default=True,
        help="scale features (and a regression target) to mean 0, deviation 1 (the default)",
    )
    parser.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="train on the values as they are",
    )
    parser.add_argument(
        "--ignore", default="", metavar="COLUMNS", help="columns to leave out, comma-separated"
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="fix weights and shuffling: the same run twice"
    )
    parser.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        default=0,
        help="0: only the result (default), 1: a progress bar, 2: one line per epoch",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the model and columns files if they exist"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Train on ``args.data`` as the options say; write the model and its columns file."""
    settings = _check_settings(args)
    columns_path = columns.path_for(args.save)
    for path in (args.save, columns_path):
        check_target(path, args.overwrite)

    table = tables.read_csv(args.data, header="yes")
    target, features = _split_columns(table, args.target, args.ignore)
    x = tables.numbers(table, features)
    task, y, classes = encode_target(table, target, args.task)
    feature_names = [table.names[i] for i in features]
    split_at = _split_point(len(x), args.validation_split)
    print(
        f"data: {len(x)} rows, {len(features)} features ({_shown(feature_names)}), "
        f"target {args.target!r}",
        file=out,
    )
    if classes is not None:
        print(f"task: classification, {len(classes)} classes ({_shown(classes)})", file=out)
    else:
        print("task: regression", file=out)

    if args.seed is not None:
        backend.set_random_seed(args.seed)
    order = np.random.default_rng(args.seed).permutation(len(x))
    x, y = x[order], y[order]
    scaling = _scaling(x[:split_at], y[:split_at], task) if args.standardize else None

    model = build_model(len(features), settings, task, classes)
    print(f"model: {_architecture(model)}", file=out)
    x_fit, y_fit = _scaled(x, y, scaling)
    validation = (x_fit[split_at:], y_fit[split_at:]) if split_at < len(x) else None
    model.fit(
        x_fit[:split_at],
        y_fit[:split_at],
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_data=validation,
        verbose=args.verbose,
    )
    if scaling is not None:
        fold_scaling(model, *scaling)
    # Measured on the model as saved (scaling folded in), in the target's own units.
    print(f"training ({split_at} rows): {_evaluation(model, x[:split_at], y[:split_at])}", file=out)
    if validation is not None:
        rows = len(x) - split_at
        print(
            f"validation ({rows} rows): {_evaluation(model, x[split_at:], y[split_at:])}", file=out
        )

    with writing(args.save):
        model.save(args.save, overwrite=True, include_optimizer=scaling is None)
    columns.write(columns_path, columns.describe(feature_names, args.target, task, classes))
    print(f"wrote {args.save} and {columns_path}", file=out)
    return 0


def _check_settings(args):
    """Every option checked before the data is read: a wrong one costs no training."""
    if not args.save.endswith(SAVE_SUFFIXES):
        raise CommandError(f"{args.save}: --save takes a .keras or .h5 file name.")
    try:
        hidden = [int(units) for units in args.hidden.split(",") if units.strip()]
    except ValueError:
        raise CommandError(
            f"--hidden takes whole numbers separated by commas (such as 10,10), got "
            f"{args.hidden!r}."
        ) from None
    if any(units < 1 for units in hidden):
        raise CommandError(f"--hidden: every layer needs 1 unit or more, got {args.hidden!r}.")
    for name, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value < 1:
            raise CommandError(f"{name} must be 1 or more, got {value}.")
    if not args.learning_rate > 0 or not math.isfinite(args.learning_rate):
        raise CommandError(f"--learning-rate must be a positive number, got {args.learning_rate}.")
    if not 0 <= args.validation_split < 1:
        raise CommandError(
            f"--validation-split must be at least 0 and less than 1, got {args.validation_split}."
        )
    try:
        activations.get(args.activation)
    except ValueError as error:
        raise CommandError(f"--activation: {error}") from None
    optimizer = {"class_name": args.optimizer, "config": {"learning_rate": args.learning_rate}}
    try:
        optimizers.get(optimizer)
    except (ValueError, TypeError) as error:
        raise CommandError(f"--optimizer: {' '.join(str(error).split())}") from None
    return {"hidden": hidden, "activation": args.activation, "optimizer": optimizer}


def _split_columns(table, target_name, ignore):
    """``(target index, feature indices)`` from the header; features must hold numbers."""
    path, names = table.path, table.names
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CommandError(f"{path}: the header names {_listing(duplicates)} more than once.")
    ignored = [name.strip() for name in ignore.split(",") if name.strip()]
    for name in [target_name, *ignored]:
        if name not in names:
            raise CommandError(f"{path}: no column {name!r}; the columns are {_listing(names)}.")
    target = names.index(target_name)
    features = [i for i, name in enumerate(names) if i != target and name not in ignored]
    if not features:
        raise CommandError(f"{path}: no feature columns are left besides the target.")
    text = [(names[i], first) for i in features if (first := tables.first_non_number(table, i))]
    text_columns = [(name, first) for name, first in text if first[1]]
    if text_columns:
        listed = ", ".join(
            f"{name!r} (line {line}: {cell!r})" for name, (line, cell) in text_columns
        )
        leave_out = ",".join(name for name, _ in text_columns)
        raise CommandError(
            f"{path}: feature columns must hold numbers, and {listed} "
            f"{'does' if len(text_columns) == 1 else 'do'} not; leave them out with "
            f"--ignore {leave_out}, or encode them as numbers."
        )
    return target, features


def encode_target(
    table: tables.Table, target: int, task: str
) -> tuple[str, np.ndarray, list[str] | None]:
    """``(task, y, classes)``: y as float32 (class numbers for a classification) and the sorted
    class labels (None for a regression)."""
    path, cells = table.path, [row[target] for row in table.rows]
    for cell, line in zip(cells, table.lines):
        if not cell:
            raise CommandError(f"{path}: line {line}, {tables.column_label(table, target)}: empty.")
    try:
        values = np.array([float(cell) for cell in cells])
    except ValueError:
        values = None
    if task == "auto":
        task = "regression"
        if values is None:
            task = "classification"
        elif np.all(np.isfinite(values)) and np.all(values == np.round(values)):
            distinct = len(np.unique(values))
            if distinct <= min(MAX_CLASSES_AUTO, max(2, len(values) // 2)):
                task = "classification"
    if task == "regression":
        y = tables.numbers(table, [target])  # refuses text and nan, by line
        return task, y.astype("float32"), None
    if values is not None and np.all(np.isfinite(values)):
        # Numeric labels are classes by value (1 and 1.0 are one class), sorted as numbers.
        keys, indices = np.unique(values, return_inverse=True)
        classes = [_number_label(key) for key in keys]
    else:
        keys, indices = np.unique(np.array(cells), return_inverse=True)
        classes = [str(key) for key in keys]
    if len(classes) < 2:
        raise CommandError(
            f"{path}: the target {table.names[target]!r} has one value only "
            f"({classes[0]!r}); a classification needs two classes or more."
        )
    y = indices.astype("float32").reshape(-1, 1)
    return "classification", y, classes


def _number_label(value):
    return str(int(value)) if value == int(value) else str(value)


def _split_point(rows, validation_split):
    """How many of the shuffled rows train; the rest validate."""
    if not validation_split:
        return rows
    split_at = int(rows * (1.0 - validation_split))
    if split_at == 0 or split_at == rows:
        raise CommandError(
            f"--validation-split {validation_split} of {rows} rows leaves "
            f"{'no training' if split_at == 0 else 'no validation'} rows; change it, or give "
            "0 for none."
        )
    return split_at


def _scaling(x, y, task):
    """``(x_mean, x_scale, y_mean, y_scale)`` of the training rows (y's None for classes)."""
    x_scale = x.std(axis=0)
    x_scale[x_scale == 0] = 1.0  # a constant column stays constant (0) after centring
    if task != "regression":
        return x.mean(axis=0), x_scale, None, None
    y_scale = float(y.std()) or 1.0
    return x.mean(axis=0), x_scale, float(y.mean()), y_scale


def _scaled(x, y, scaling):
    if scaling is None:
        return x, y
    x_mean, x_scale, y_mean, y_scale = scaling
    x = (x - x_mean) / x_scale
    if y_mean is not None:
        y = (y - y_mean) / y_scale
    return x, y


def build_model(
    n_features: int, settings: dict, task: str, classes: list[str] | None
) -> Sequential:
    """The compiled MLP: ``n_features`` -> hidden Dense layers -> the task's output layer."""
    if task == "regression" or classes is None:
        outputs, output_activation = 1, "linear"
        loss, metrics = "mean_squared_error", ["mae"]
    elif len(classes) == 2:
        outputs, output_activation = 1, "sigmoid"
        loss, metrics = "binary_crossentropy", ["accuracy"]
    else:
        outputs, output_activation = len(classes), "softmax"
        loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    model = build_mlp(
        n_features, outputs, settings["hidden"], settings["activation"], output_activation
    )
    model.compile(optimizer=optimizers.get(settings["optimizer"]), loss=loss, metrics=metrics)
    return model


def fold_scaling(
    model: Sequential,
    x_mean: np.ndarray,
    x_scale: np.ndarray,
    y_mean: float | None,
    y_scale: float | None,
) -> None:
    """Make ``model`` take raw inputs and give raw outputs, with the same predictions.

    The model learned on ``x_s = (x - mean) / scale``. Its first layer computes
    ``x_s @ K + b = x @ (K / scale[:, None]) + (b - (mean / scale) @ K)``, so those are its new
    kernel and bias. A regression's last layer learned ``y_s = (y - y_mean) / y_scale`` and
    is linear: ``y = (h @ K + b) * y_scale + y_mean``, so ``K * y_scale``, ``b * y_scale + y_mean``.
    """
    first = model.layers[0]
    kernel, bias = (w.astype("float64") for w in first.get_weights())
    first.set_weights([kernel / x_scale[:, None], bias - (x_mean / x_scale) @ kernel])
    if y_mean is not None:
        last = model.layers[-1]
        kernel, bias = (w.astype("float64") for w in last.get_weights())
        last.set_weights([kernel * y_scale, bias * y_scale + y_mean])


def _evaluation(model, x, y):
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    return " - ".join(f"{name} {float(value):.4f}" for name, value in logs.items())


def _architecture(model):
    parts = [f"{model.input_shape[-1]} inputs"]
    for layer in model.layers:
        parts.append(f"Dense({layer.units}, {activations.serialize(layer.activation)})")
    optimizer = model.optimizer
    return (
        " -> ".join(parts) + f"; loss {model.loss}; optimizer {optimizer.name}, learning rate "
        f"{float(optimizer.learning_rate):g}"
    )


def _shown(labels):
    shown = ", ".join(str(label) for label in labels[:SHOWN_LABELS])
    return shown + (
        f", ... ({len(labels) - SHOWN_LABELS} more)" if len(labels) > SHOWN_LABELS else ""
    )


def _listing(names):
    return ", ".join(repr(name) for name in names)

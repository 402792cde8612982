"""``neuronet predict FILE --input DATA --output PREDS``: a saved model's outputs for a file."""

from __future__ import annotations

import argparse
import math
import types
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from neuronet.cli import columns, convert, files, tables
from neuronet.errors import DataError, ShapeError

if TYPE_CHECKING:
    from neuronet.models.sequential import Sequential

DESCRIPTION = """\
Compute a model's predictions for the samples in a CSV or .npy file.

FILE is any model file neuronet reads (.keras, Keras 2 full-model .h5), or an architecture JSON
file together with --weights FILE, or a weights file together with --config ARCH.json.

--input is read by its content:
  .npy   a NumPy array, one sample per row (read with allow_pickle=False);
  CSV    one sample per row, numeric columns; a first row with no number in it is a header
         (change with --header). With a header and the columns file that 'neuronet train'
         wrote beside FILE, the model's feature columns are picked by name, in any order,
         and other columns (such as the target) are left out; otherwise the columns are
         taken in order and their number must be the model's number of inputs.

--output is written by its name: .csv gets a header row (output_0, output_1, ...; with
--classes, class) and one row per sample; .npy gets the array. Without --output the CSV goes
to standard output.

--classes writes one class per sample instead of the outputs: the index of the largest output,
or 0/1 (output > 0.5) for a model with one output, as Keras 2's predict_classes. When FILE was
written by 'neuronet train', its columns file (FILE with its extension replaced by
.columns.json) turns these numbers back into the labels of the training file.
"""

EPILOG = """\
examples:
  neuronet predict model.keras --input data.csv --output preds.csv
  neuronet predict model.keras --input data.npy --output preds.npy --batch-size 256
  neuronet predict iris.keras --input iris.csv --output species.csv --classes
  neuronet predict arch.json --weights w.weights.h5 --input data.csv
  neuronet predict model.h5 --input data.csv --header no > preds.csv

exit status: 0 success, 2 a file that cannot be read or a wrong argument, 1 any other failure
(such as an output that cannot be written).
"""


def add_parser(
    commands: argparse._SubParsersAction[Any], formatter_class: type[argparse.HelpFormatter]
) -> argparse.ArgumentParser:
    """Register ``predict`` with the subcommands of the main parser."""
    parser = commands.add_parser(
        "predict",
        help="write a model's predictions for a CSV or .npy file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter_class,
    )
    parser.add_argument("input", metavar="FILE", help="the model file")
    parser.add_argument(
        "--input",
        "-i",
        dest="data",
        metavar="DATA",
        required=True,
        help="the samples: a .npy file or a CSV file",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="PREDS",
        help="where to write: a .csv or .npy file (default: CSV on standard output)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, metavar="N", help="samples per batch (default 32)"
    )
    parser.add_argument("--classes", action="store_true", help="write one class (label) per sample")
    parser.add_argument(
        "--header",
        choices=tables.HEADER_CHOICES,
        default="auto",
        help="whether the CSV input starts with a header row (default: auto, see above)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--weights", metavar="FILE", help="the weights (either layout) for an architecture FILE"
    )
    source.add_argument("--config", metavar="ARCH.json", help="the architecture for a weights FILE")
    parser.add_argument(
        "--columns",
        metavar="FILE",
        help="the columns file 'neuronet train' wrote (default: FILE's name with .columns.json)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the output file if it exists"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Write the predictions of the model ``args.input`` for ``args.data``."""
    if args.batch_size < 1:
        raise files.CommandError(f"--batch-size must be 1 or more, got {args.batch_size}.")
    if args.output is not None:
        tables.output_kind(args.output)
        files.check_target(args.output, args.overwrite)
    if args.columns is not None:
        description = columns.read(args.columns, required=True)
    else:
        description = columns.read(columns.path_for(args.input))
    if args.classes and description is not None and description["task"] == "regression":
        raise files.CommandError(
            f"--classes: {args.input} was trained for regression (see {_columns_path(args)}); "
            "leave out --classes."
        )
    if args.weights is None and files.detect_kind(args.input) == files.ARCHITECTURE:
        files.read_architecture(args.input)  # a file that is no JSON is reported as such
        raise files.CommandError(
            f"{args.input}: an architecture JSON holds no weights; give them with --weights FILE."
        )
    loading = types.SimpleNamespace(
        input=args.input, weights=args.weights, config=args.config, no_compile=True
    )
    model = convert.load(loading, needs_weights=True)
    x = read_inputs(args.data, model, description, args.header)
    try:
        outputs = model.predict(x, batch_size=args.batch_size)
    except (ShapeError, DataError) as error:  # data that the model's own checks refuse
        raise files.CommandError(files.file_message(args.data, error)) from None
    if args.classes:
        values, names = classes_of(outputs, description, args), ["class"]
    else:
        values = outputs
        names = [f"output_{i}" for i in range(math.prod(outputs.shape[1:]))]
    tables.write_table(args.output, values, names, out)
    if args.output is not None:
        what = "classes" if args.classes else f"{len(names)} output{'s' * (len(names) > 1)} each"
        print(f"wrote {args.output} ({len(values)} samples, {what})", file=out)
    return 0


def read_inputs(path: str, model: Sequential, description: dict | None, header: str) -> np.ndarray:
    """The samples in ``path`` as an array shaped for ``model``'s input."""
    expected = model.input_shape_or_none()
    per_sample = None if expected is None else tuple(expected[1:])
    if tables.is_npy(path):
        x = tables.read_npy(path)
        if per_sample is None or x.shape[1:] == per_sample:
            return x
        if x.ndim != 2:
            raise files.CommandError(
                f"{path}: samples of shape {x.shape[1:]}, but the model takes samples of "
                f"shape {per_sample}."
            )
        return _fit_rows(x, per_sample, path)
    table = tables.read_csv(path, header)
    indices = list(range(len(table.rows[0])))
    if table.names is not None and description is not None:
        # The model's columns by name, in the order it was trained on; others are left out.
        features = description["features"]
        missing = [name for name in features if name not in table.names]
        if missing:
            raise files.CommandError(
                f"{path}: no column{'s' * (len(missing) > 1)} {_listing(missing)}; the model was "
                f"trained on the columns "
                f"{_listing(features)}."
            )
        indices = [table.names.index(name) for name in features]
    return _fit_rows(tables.numbers(table, indices, finite=False), per_sample, path)


def _fit_rows(x, per_sample, path):
    """Rows of CSV values (or a 2-D array) shaped as the model's samples."""
    if per_sample is None:
        return x
    inputs = math.prod(per_sample)
    if x.shape[1] != inputs:
        shape = "" if len(per_sample) == 1 else f" (samples of shape {per_sample})"
        raise files.CommandError(
            f"{path}: {x.shape[1]} columns, but the model takes {inputs} inputs per "
            f"sample{shape}; give a file with {inputs} columns."
        )
    return x.reshape((len(x),) + per_sample)


def classes_of(
    outputs: np.ndarray, description: dict | None, args: argparse.Namespace
) -> np.ndarray:
    """One class per sample: its label from the columns file, or its number."""
    flat = outputs.reshape(len(outputs), -1)
    if flat.shape[1] == 1:
        indices = (flat[:, 0] > 0.5).astype("int32")
        count = 2
    else:
        indices = flat.argmax(axis=1).astype("int32")
        count = flat.shape[1]
    if description is None:
        return indices
    labels = description["classes"]
    if len(labels) != count:
        raise files.CommandError(
            f"{_columns_path(args)}: lists {len(labels)} classes, but {args.input} gives "
            f"{count}; is it the columns file of another model?"
        )
    return np.array(labels)[indices]


def _columns_path(args):
    return args.columns if args.columns is not None else columns.path_for(args.input)


def _listing(names):
    return ", ".join(repr(name) for name in names)

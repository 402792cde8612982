"""``neuronet convert INPUT OUTPUT``: between Keras 2 ``.h5``, Keras 3 ``.keras`` and
``.weights.h5`` + JSON.

The model is read whole (through ``neuronet.saving``) before anything is written, and every
file is written atomically, so a failed conversion leaves no half-written output.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TextIO

from neuronet.cli import files
from neuronet.saving.atomic import atomic_path

if TYPE_CHECKING:
    import argparse
    import types

    from neuronet.models.sequential import Sequential

DESCRIPTION = """\
Convert a model between Keras's file formats. INPUT's kind is read from its content; OUTPUT's
form is chosen by its name:

  OUTPUT ending in   is written as
  .keras             Keras 3 archive: architecture, weights, compile settings, optimizer state
  .h5 or .hdf5       Keras 2 full model (the same), or with --weights-only Keras 2 save_weights
                     layout plus an architecture JSON file
  .weights.h5        Keras 3 save_weights layout plus an architecture JSON file
  .json              the architecture only (Keras 3 to_json form)

The architecture JSON written beside a weights file has the weights file's name with
'.weights.h5' (or '.h5', '.hdf5') replaced by '.json': model.weights.h5 -> model.json,
w.h5 -> w.json. Choose another name with --config-out.

INPUT may be a .keras archive or a Keras 2 full-model .h5 (everything in one file), an
architecture JSON file together with --weights FILE, or a weights file together with
--config ARCH.json. An architecture JSON alone converts to a .json OUTPUT.
"""

EPILOG = """\
examples:
  neuronet convert model.h5 model.keras            Keras 2 full model -> Keras 3 archive
  neuronet convert model.keras model.h5            Keras 3 archive -> Keras 2 full model
  neuronet convert model.keras model.weights.h5    writes model.weights.h5 and model.json
  neuronet convert model.keras w.h5 --weights-only writes w.h5 (Keras 2 layout) and w.json
  neuronet convert arch.json --weights w.h5 model.keras
  neuronet convert w.weights.h5 --config arch.json model.h5
  neuronet convert keras2_arch.json keras3_arch.json

exit status: 0 success, 2 a file that cannot be read or a wrong argument, 1 any other failure
(such as an output that cannot be written).
"""

KERAS_ARCHIVE = "Keras 3 .keras archive"
KERAS2_MODEL = "Keras 2 full-model HDF5"
KERAS2_WEIGHTS = "Keras 2 weights HDF5, save_weights layout"
KERAS3_WEIGHTS = "Keras 3 weights HDF5, .weights.h5 layout"
ARCHITECTURE = "architecture JSON, Keras 3 form"


def add_parser(
    commands: argparse._SubParsersAction[Any], formatter_class: type[argparse.HelpFormatter]
) -> argparse.ArgumentParser:
    """Register ``convert`` with the subcommands of the main parser."""
    parser = commands.add_parser(
        "convert",
        help="convert between .h5 (Keras 2), .keras (Keras 3) and .weights.h5 + JSON",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter_class,
    )
    parser.add_argument("input", metavar="INPUT", help="the model, architecture or weights file")
    parser.add_argument("output", metavar="OUTPUT", help="the file to write (form from its name)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--weights", metavar="FILE", help="the weights (either layout) for an architecture INPUT"
    )
    source.add_argument(
        "--config", metavar="ARCH.json", help="the architecture for a weights-file INPUT"
    )
    parser.add_argument(
        "--weights-only",
        action="store_true",
        help="with a .h5/.hdf5 OUTPUT: write Keras 2 save_weights layout plus a JSON file",
    )
    parser.add_argument(
        "--config-out",
        metavar="FILE",
        help="where the architecture JSON beside a weights OUTPUT goes (default: see above)",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="leave out the compile settings and optimizer state (architecture and weights only)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace output files that already exist"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Convert ``args.input`` to ``args.output``; say on ``out`` what was written."""
    form = output_form(args.output, args.weights_only)
    config_out = args.config_out
    if form in (KERAS2_WEIGHTS, KERAS3_WEIGHTS):
        config_out = config_out or config_path_for(args.output)
    elif config_out is not None:
        raise files.CommandError(
            "--config-out goes with a weights OUTPUT (.weights.h5, or .h5 with --weights-only)."
        )
    targets = [args.output] + ([config_out] if config_out else [])
    for target in targets:
        files.check_target(target, args.overwrite)
    if len(set(map(os.path.abspath, targets))) != len(targets):
        raise files.CommandError(f"{config_out}: the JSON file would overwrite the weights file.")

    model = load(args, needs_weights=form != ARCHITECTURE)

    with files.writing(args.output):
        if form in (KERAS_ARCHIVE, KERAS2_MODEL):
            model.save(args.output, overwrite=True, include_optimizer=not args.no_compile)
        elif form == ARCHITECTURE:
            _write_json(model, args.output)
        else:
            model.save_weights(args.output, overwrite=True)
    print(f"wrote {args.output} ({form})", file=out)
    if config_out:
        with files.writing(config_out):
            _write_json(model, config_out)
        print(f"wrote {config_out} ({ARCHITECTURE})", file=out)
    return 0


def output_form(path: str, weights_only: bool = False) -> str:
    """What an OUTPUT name asks for; a CommandError for a name no form fits."""
    name = os.path.basename(path)
    if name.endswith(".weights.h5"):
        return KERAS3_WEIGHTS
    if name.endswith((".h5", ".hdf5")):
        return KERAS2_WEIGHTS if weights_only else KERAS2_MODEL
    if weights_only:
        raise files.CommandError(f"{path}: --weights-only goes with a .h5 or .hdf5 OUTPUT.")
    if name.endswith(".keras"):
        return KERAS_ARCHIVE
    if name.endswith(".json"):
        return ARCHITECTURE
    raise files.CommandError(
        f"{path}: cannot tell the output form from the name; end it in .keras, .h5, .hdf5, "
        ".weights.h5 or .json."
    )


def config_path_for(weights_path: str) -> str:
    """``model.weights.h5`` -> ``model.json``; ``w.h5`` -> ``w.json``."""
    for suffix in (".weights.h5", ".h5", ".hdf5"):
        if weights_path.endswith(suffix):
            return weights_path[: -len(suffix)] + ".json"
    return weights_path + ".json"


def load(args: argparse.Namespace | types.SimpleNamespace, needs_weights: bool) -> Sequential:
    """The model that INPUT (with --weights or --config) describes, compiled unless asked not."""
    compile = not args.no_compile
    kind = files.detect_kind(args.input)
    if args.config is not None:
        if kind not in files.WEIGHTS:
            raise files.CommandError(
                f"{args.input}: --config goes with a weights file as INPUT, but this is a "
                f"{_kind_name(kind)}."
            )
        model, _ = files.read_architecture(args.config, compile=compile)
        files.read_weights(model, args.input)
        return model
    if kind in files.WEIGHTS:
        raise files.CommandError(
            f"{args.input}: a weights file holds no architecture; give it with --config ARCH.json."
        )
    if kind == files.ARCHITECTURE:
        # Read first: a file that is no JSON at all is reported as such, not as missing weights.
        model, _ = files.read_architecture(args.input, compile=compile)
        if needs_weights and args.weights is None:
            raise files.CommandError(
                f"{args.input}: an architecture JSON holds no weights; give them with "
                "--weights FILE (or convert to a .json OUTPUT)."
            )
    else:
        model = files.read_model(args.input, compile=compile)
    if args.weights is not None:
        files.read_weights(model, args.weights)
    return model


def _kind_name(kind):
    if kind == files.ARCHITECTURE:
        return "architecture JSON"
    return files.DESCRIPTIONS[kind].split(" (")[0]


def _write_json(model, path):
    with atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(model.to_json(indent=2) + "\n")

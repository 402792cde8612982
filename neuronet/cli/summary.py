"""``neuronet summary FILE``: what a model, architecture or weights file holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from neuronet.cli import files
from neuronet.cli.weights_listing import weights_listing_lines
from neuronet.saving.json_config import compile_config_of

if TYPE_CHECKING:
    import argparse

DESCRIPTION = """\
Print what FILE holds. The kind of file is read from its content, not its name:

  .keras archive (Keras 3), full-model .h5 (Keras 2)
      the model's summary (layers, output shapes, parameter counts) and compile settings;
  architecture JSON (to_json of Keras 2 or 3)
      the summary of the model it describes (no weights are stored in it);
  weights file (.h5 from Keras 2 save_weights, .weights.h5 from Keras 3)
      the layers, weight names, shapes, dtypes and parameter counts in the file.
"""

EPILOG = """\
examples:
  neuronet summary model.keras
  neuronet summary model.h5
  neuronet summary model.json
  neuronet summary model.weights.h5

exit status: 0 success, 2 a file that cannot be read or a wrong argument, 1 any other failure.
"""


def add_parser(
    commands: argparse._SubParsersAction[Any], formatter_class: type[argparse.HelpFormatter]
) -> argparse.ArgumentParser:
    """Register ``summary`` with the subcommands of the main parser."""
    parser = commands.add_parser(
        "summary",
        help="print the summary of a model, architecture or weights file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter_class,
    )
    parser.add_argument("file", metavar="FILE", help="the file to describe")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Write the summary of ``args.file`` to the text stream ``out``."""
    for line in summary_lines(args.file):
        print(line, file=out)
    return 0


def summary_lines(path: str) -> list[str]:
    """The lines ``neuronet summary`` prints for ``path``."""
    kind = files.detect_kind(path)
    if kind in files.WEIGHTS:
        return weights_listing_lines(path)
    if kind == files.ARCHITECTURE:
        model, description = files.read_architecture(path)
        lines = [
            f"File: {path}",
            f"Format: {files.json_form(description)} architecture JSON (architecture only: "
            "no weights, parameter counts from the layers' shapes)",
        ]
        compile_config = (
            description.get("compile_config") if isinstance(description, dict) else None
        )
    else:
        model = files.read_model(path)
        lines = [f"File: {path}", f"Format: {files.DESCRIPTIONS[kind]}"]
        compile_config = compile_config_of(model)
    lines.append(_compile_line(compile_config))
    if not model.built:
        lines.append(
            f'Model: "{model.name}" ({len(model.layers)} layers; the file does not give the '
            "input shape, so output shapes and parameter counts are unknown)"
        )
        return lines
    model.summary(print_fn=lines.append)
    return lines


def _compile_line(compile_config):
    if not isinstance(compile_config, dict):
        return "Compiled: no (no optimizer, loss or metrics stored)"
    parts = [
        f"optimizer {_name_of(compile_config.get('optimizer'))}",
        f"loss {_name_of(compile_config.get('loss'))}",
    ]
    metrics = compile_config.get("metrics")
    if metrics:
        listed = metrics if isinstance(metrics, list) else [metrics]
        parts.append("metrics " + ", ".join(_name_of(m) for m in listed))
    return "Compiled: " + ", ".join(parts)


def _name_of(entry):
    """A short name for a serialized object: ``'mse'`` or ``{"class_name": "Adam", ...}``."""
    if isinstance(entry, dict):
        config = entry.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(entry.get("class_name", "?"))
    return str(entry)

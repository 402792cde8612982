"""``neuronet demo [xor|digits]``: the example sessions of ``examples/``, run from the package."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from neuronet.cli.files import CommandError

DESCRIPTION = """\
Run a demonstration session and print what it shows.

  xor     the textbook session (examples/xor.py): a 2-10-1 network learns XOR with plain
          gradient descent, prints its predictions before and after training, saves its
          weights (basic_weights.h5, in --output-dir; needs h5py) and loads them back;
  digits  a small multilayer perceptron (examples/digits.py) learns scikit-learn's bundled
          8x8 images of handwritten digits (no download) and prints its accuracy on test
          images it never saw; needs scikit-learn: pip install 'neuronet[sklearn]'.
"""

EPILOG = """\
examples:
  neuronet demo
  neuronet demo xor --output-dir /tmp
  neuronet demo digits

exit status: 0 success, 2 a wrong argument or a missing optional dependency, 1 any other failure.
"""

DEMOS = ("xor", "digits")


def add_parser(
    commands: argparse._SubParsersAction[Any], formatter_class: type[argparse.HelpFormatter]
) -> argparse.ArgumentParser:
    """Register ``demo`` with the subcommands of the main parser."""
    parser = commands.add_parser(
        "demo",
        help="run a demonstration session (xor, digits)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter_class,
    )
    parser.add_argument(
        "name",
        nargs="?",
        default="xor",
        choices=DEMOS,
        help="which demo (default: xor, the textbook session)",
    )
    parser.add_argument(
        "--output-dir",
        default=".",
        help="folder for the files the xor demo saves (default: current folder)",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the demo ``args.name``; its output goes to standard output, as the script's does."""
    if args.name == "digits":
        digits = load_example("digits")
        try:
            data = digits.load_data()
        except ImportError as error:  # scikit-learn is an optional extra
            raise CommandError(str(error), 2) from None
        digits.main(data)
    else:
        xor = load_example("xor")
        with warnings.catch_warnings():
            # The session keeps the book's SGD(lr=0.1) on purpose (examples/xor.py says that
            # `learning_rate` is the current name); the demo does not warn about its own code.
            warnings.filterwarnings(
                "ignore", message="The `lr` argument is deprecated", category=DeprecationWarning
            )
            xor.main(output_dir=args.output_dir)
    return 0


def load_example(name: str) -> ModuleType:
    """The example script ``examples/NAME.py`` as a module.

    Installed, the repository's ``examples/`` folder is the package ``neuronet.examples``. Run
    from a source checkout (``python -m neuronet`` in the repository, as the README's quick
    start does), the ``neuronet`` package is the checkout's own folder, which has no
    ``examples`` inside: the script is then loaded from the ``examples/`` folder beside it.
    """
    try:
        return importlib.import_module(f"neuronet.examples.{name}")
    except ModuleNotFoundError as error:
        if error.name not in ("neuronet.examples", f"neuronet.examples.{name}"):
            raise  # a module the example itself needs
    path = Path(__file__).resolve().parents[2] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"neuronet_example_{name}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise CommandError(f"the {name} example is missing: {path} does not exist", 1)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""``python -m neuronet`` (installed as the ``neuronet`` command): the command line.

- ``demo [xor|digits]`` runs the textbook XOR session or the digits demo;
- ``summary FILE`` prints what a model, architecture or weights file holds;
- ``convert INPUT OUTPUT`` converts between Keras 2 ``.h5``, Keras 3 ``.keras`` and
  ``.weights.h5`` + JSON;
- ``predict FILE --input DATA`` writes a model's predictions for a CSV or ``.npy`` file;
- ``train DATA.csv --target COLUMN --save MODEL`` trains a multilayer perceptron on a CSV file.

A file or argument that cannot be used is reported as one line on stderr,
``neuronet: error: FILE: what is wrong``, never as a traceback. Exit status: 0 success,
2 bad input or usage, 1 any other failure, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import TYPE_CHECKING, NoReturn

from neuronet import __version__
from neuronet.cli import convert, demo, predict, summary, train
from neuronet.cli.files import CommandError

if TYPE_CHECKING:
    from collections.abc import Sequence

EPILOG = """\
examples:
  neuronet demo digits
  neuronet summary model.keras
  neuronet convert model.h5 model.keras
  neuronet train iris.csv --target species --hidden 10,10 --epochs 100 --save iris.keras
  neuronet predict iris.keras --input new.csv --output species.csv --classes

Run 'neuronet COMMAND --help' for a command's options and examples.

exit status: 0 success, 2 a file that cannot be used or a wrong argument, 1 any other failure,
130 interrupted; errors are one line on stderr: 'neuronet: error: ...'.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (and status 2) instead of usage + message."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')", 2)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``neuronet`` and its subcommands."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="neuronet",
        description="Neural networks on NumPy with the Keras API.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"neuronet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (demo, summary, convert, predict, train):
        command.add_parser(commands, formatter)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help and --version print, then exit with status 0
        return done.code if isinstance(done.code, int) else 0
    except CommandError as error:
        return _report(error.message, error.status)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = args.run(args, sys.stdout)
        except CommandError as error:
            status = _report(error.message, error.status, caught)
        except KeyboardInterrupt:
            status = _report("interrupted", 130, caught)
        except BrokenPipeError:  # the reader of stdout left early (`... | head`): nothing to say
            _silence_stdout()
            status = 1
        except Exception as error:  # a bug or an unforeseen failure: still one line
            reason = " ".join(str(error).split())
            status = _report(f"unexpected {type(error).__name__}: {reason}", 1, caught)
        else:
            _report_warnings(caught)
    return status


def _silence_stdout():
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # ValueError: a stream without a file descriptor (io.StringIO)
        pass


def _report_warnings(caught):
    for warning in caught:
        print(f"neuronet: warning: {' '.join(str(warning.message).split())}", file=sys.stderr)


def _report(message, status, caught=()):
    _report_warnings(caught)
    print(f"neuronet: error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())

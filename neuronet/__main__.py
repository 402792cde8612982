"""``python -m neuronet``: the command line.

- ``demo`` runs the textbook XOR session;
- ``summary FILE`` prints what a model, architecture or weights file holds;
- ``convert INPUT OUTPUT`` converts between Keras 2 ``.h5``, Keras 3 ``.keras`` and
  ``.weights.h5`` + JSON.

A file or argument that cannot be used is reported as one line on stderr,
``neuronet: error: FILE: what is wrong``, never as a traceback. Exit status: 0 success,
2 bad input or usage, 1 any other failure.
"""

import argparse
import sys
import warnings

from neuronet import __version__
from neuronet.cli import convert, summary
from neuronet.cli.files import CommandError


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (and status 2) instead of usage + message."""

    def error(self, message):
        raise CommandError(f"{message} (see '{self.prog} --help')", 2)


def build_parser():
    """The parser of ``neuronet`` and its subcommands."""
    parser = _Parser(
        prog="neuronet",
        description="Neural networks on NumPy with the Keras API.",
        epilog="Run 'neuronet COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"neuronet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="run a demonstration session")
    demo.add_argument(
        "name",
        nargs="?",
        default="xor",
        choices=["xor"],
        help="which demo (default: xor, the textbook session)",
    )
    demo.add_argument(
        "--output-dir",
        default=".",
        help="folder for the files the demo saves (default: current folder)",
    )
    summary.add_parser(commands, argparse.RawDescriptionHelpFormatter)
    convert.add_parser(commands, argparse.RawDescriptionHelpFormatter)
    return parser


def main(argv=None):
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help and --version print, then exit with status 0
        return done.code if isinstance(done.code, int) else 0
    except CommandError as error:
        return _report(error.message, error.status)
    if args.command == "demo":
        from neuronet.examples import xor

        xor.main(output_dir=args.output_dir)
        return 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = args.run(args, sys.stdout)
        except CommandError as error:
            status = _report(error.message, error.status, caught)
        except Exception as error:  # a bug or an unforeseen failure: still one line
            reason = " ".join(str(error).split())
            status = _report(f"unexpected {type(error).__name__}: {reason}", 1, caught)
        else:
            _report_warnings(caught)
    return status


def _report_warnings(caught):
    for warning in caught:
        print(f"neuronet: warning: {' '.join(str(warning.message).split())}", file=sys.stderr)


def _report(message, status, caught=()):
    _report_warnings(caught)
    print(f"neuronet: error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())

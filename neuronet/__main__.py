"""``python -m neuronet``: the command line (``demo`` runs the textbook XOR session)."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neuronet", description="Neural networks on NumPy with the Keras API."
    )
    commands = parser.add_subparsers(dest="command", required=True)
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
    args = parser.parse_args(argv)
    if args.command == "demo":
        from neuronet.examples import xor

        xor.main(output_dir=args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())

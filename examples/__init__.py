"""Example sessions, installed as ``neuronet.examples`` for ``python -m neuronet demo``."""

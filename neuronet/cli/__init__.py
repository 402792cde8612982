"""The pieces of ``python -m neuronet``: reading any model file, ``summary`` and ``convert``.

``neuronet/__main__.py`` builds the argument parser and turns every failure into one line on
stderr; the commands live here, one per module, and load and save only through
``neuronet.saving``.
"""

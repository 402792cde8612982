"""The pieces of ``python -m neuronet``: reading any model file and the data files, and the
commands ``demo``, ``summary``, ``convert``, ``predict`` and ``train``.

``neuronet/__main__.py`` builds the argument parser and turns every failure into one line on
stderr; the commands live here, one per module, and load and save only through
``neuronet.saving``.
"""

"""Utilities with Keras's names: seeding, label encoding, progress bars."""

from neuronet.backend import set_random_seed
from neuronet.utils.data import to_categorical
from neuronet.utils.progbar import Progbar

__all__ = ["Progbar", "set_random_seed", "to_categorical"]

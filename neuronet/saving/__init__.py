"""Reading and writing models: Keras JSON configs and HDF5 weights."""

from neuronet.saving.hdf5 import load_weights, save_weights
from neuronet.saving.json_config import model_from_config, model_from_json, to_json

__all__ = ["load_weights", "model_from_config", "model_from_json", "save_weights", "to_json"]

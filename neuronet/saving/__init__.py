"""Reading and writing models: Keras JSON configs, HDF5 weights, whole-model files."""

from neuronet.saving.hdf5 import load_weights, save_weights
from neuronet.saving.json_config import model_from_config, model_from_json, to_json
from neuronet.saving.model_files import load_model, save_model

__all__ = [
    "load_model",
    "load_weights",
    "model_from_config",
    "model_from_json",
    "save_model",
    "save_weights",
    "to_json",
]

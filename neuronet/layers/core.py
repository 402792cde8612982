"""``keras.layers.core``: the module path older Keras code imports Dense and Activation from."""

from neuronet.layers.activation import Activation
from neuronet.layers.dense import Dense
from neuronet.layers.dropout import Dropout
from neuronet.layers.flatten import Flatten
from neuronet.layers.reshape import Reshape

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Reshape"]

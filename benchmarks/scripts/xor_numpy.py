"""The textbook XOR session as a minimal NumPy script (the twin of examples/xor.py).

Build a 2-10-1 tanh/sigmoid net, predict, train 100 epochs with a Keras-style line per epoch,
then 1900 quietly, predict again, save the weights and load them into a new net. Run from any
folder: the weights file goes to the current one.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from reference_numpy import XorNet  # noqa: E402

x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([[0], [1], [1], [0]])

net = XorNet(x_train, y_train, learning_rate=0.1, seed=7)
print("Params: 41 (2-10-1)")
print(net.predict())
for epoch in range(100):
    history = net.fit(1)
    print(
        f"Epoch {epoch + 1}/100 - loss: {history['loss'][-1]:.4f}"
        f" - accuracy: {history['accuracy'][-1]:.4f}"
    )
net.fit(1900)
print(net.predict())
print((net.predict() > 0.5).astype("int32"))

np.savez("basic_weights.npz", params=net.params)
loaded = XorNet(x_train, y_train, learning_rate=0.1)
loaded.params[:] = np.load("basic_weights.npz")["params"]
print((loaded.predict() > 0.5).astype("int32"))

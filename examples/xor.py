"""The textbook XOR session: a 2-10-1 network learns what a perceptron cannot.

Run it with ``python examples/xor.py`` or ``python -m neuronet demo``. It is the Keras session
from the book with ``keras`` replaced by ``neuronet`` in the imports; the seed makes the run
reproducible and is one with which plain SGD converges.
"""

import os

import numpy as np

from neuronet.layers.core import Activation, Dense
from neuronet.models import Sequential, model_from_json
from neuronet.optimizers import SGD
from neuronet.utils import set_random_seed

SEED = 7


def main(output_dir="."):
    set_random_seed(SEED)

    # The four XOR cases: the output is 1 when exactly one input is 1.
    x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y_train = np.array([[0], [1], [1], [0]])

    # Two inputs -> 10 tanh units -> 1 sigmoid unit (the probability of class 1).
    model = Sequential()
    model.add(Dense(10, input_dim=2))
    model.add(Activation("tanh"))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    model.summary()

    # Plain stochastic gradient descent; the loss for a yes/no output is binary crossentropy.
    sgd = SGD(lr=0.1)  # the book's spelling; `learning_rate=0.1` is the current name
    model.compile(loss="binary_crossentropy", optimizer=sgd, metrics=["accuracy"])

    # Before training the weights are random: the outputs are near 0.5 and mean nothing.
    print(model.predict(x_train))

    # Each epoch is one pass over the four samples (one update of the full-batch gradient).
    model.fit(x_train, y_train, epochs=100)
    # fit continues from where the last call stopped; train quietly until the net has learned.
    model.fit(x_train, y_train, epochs=1900, verbose=0)

    print(model.predict(x_train))
    print(model.predict_classes(x_train))

    # Save the architecture (JSON) and the weights (HDF5), then load them into a new model.
    json_string = model.to_json()
    weights_path = os.path.join(output_dir, "basic_weights.h5")
    model.save_weights(weights_path)
    loaded = model_from_json(json_string)
    loaded.load_weights(weights_path)
    print(loaded.predict_classes(x_train))
    return model


if __name__ == "__main__":
    main()

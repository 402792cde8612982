"""The textbook XOR session: a 2-10-1 network learns what a perceptron cannot.

Run it with ``python examples/xor.py`` or ``python -m neuronet demo``. It is the Keras session
from the book with ``keras`` replaced by ``neuronet`` in the imports; the seed makes the run
reproducible and is one with which plain SGD converges. With matplotlib installed
(``pip install 'neuronet[plot]'``) it also saves the training curves and the decision boundary
as PNGs beside the weights.
"""

import os
import sys

import numpy as np

from neuronet.layers.core import Activation, Dense
from neuronet.models import Sequential, model_from_json
from neuronet.optimizers import SGD
from neuronet.utils import plot_decision_boundary, plot_history, set_random_seed
from neuronet.utils.plotting import require_matplotlib

SEED = 7


def main(output_dir=".", pictures=True):
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
    history = model.fit(x_train, y_train, epochs=100)
    # fit continues from where the last call stopped; train quietly until the net has learned.
    more = model.fit(x_train, y_train, epochs=1900, verbose=0)

    print(model.predict(x_train))
    print(model.predict_classes(x_train))

    # Save the architecture (JSON) and the weights (HDF5), then load them into a new model.
    json_string = model.to_json()
    weights_path = os.path.join(output_dir, "basic_weights.h5")
    model.save_weights(weights_path)
    loaded = model_from_json(json_string)
    loaded.load_weights(weights_path)
    print(loaded.predict_classes(x_train))

    # Pictures of the session, beside the weights: the loss and accuracy of all 2000 epochs
    # (both fit calls, joined) and the trained net's answer over the whole input square.
    if pictures:
        save_pictures(model, history, more, x_train, y_train, output_dir)
    return model


def save_pictures(model, history, more, x_train, y_train, output_dir):
    """Save xor_history.png and xor_decision_boundary.png, or say how to get them."""
    try:
        require_matplotlib("the XOR pictures")
    except ImportError:
        print(
            "No pictures: matplotlib is not installed (pip install 'neuronet[plot]' adds "
            "xor_history.png and xor_decision_boundary.png)."
        )
        return
    epochs = {name: history.history[name] + more.history[name] for name in history.history}
    history_path = os.path.join(output_dir, "xor_history.png")
    boundary_path = os.path.join(output_dir, "xor_decision_boundary.png")
    plot_history(epochs, history_path)
    plot_decision_boundary(model, x_train, y_train, boundary_path)
    print(f"Saved the pictures {history_path} and {boundary_path}")


if __name__ == "__main__":
    # --no-pictures: the book's session alone (benchmarks/ times it against other frameworks)
    main(pictures="--no-pictures" not in sys.argv[1:])

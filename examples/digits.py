"""Handwritten digits: a small multilayer perceptron learns scikit-learn's 8x8 images.

Run it with ``python examples/digits.py`` or ``python -m neuronet demo digits``. The 1,797
images ship with scikit-learn (``sklearn.datasets.load_digits``: nothing is downloaded); each is
8x8 pixels of 17 grey levels, flattened to 64 numbers. A quarter of them are kept aside and
the accuracy on those, which the network never saw, is printed at the end.

Needs scikit-learn: ``pip install 'neuronet[sklearn]'``.
"""

from neuronet.layers import Dense, Input
from neuronet.models import Sequential
from neuronet.optimizers import Adam
from neuronet.utils import set_random_seed

SEED = 0
EPOCHS = 15


def load_data(test_fraction=0.25):
    """``(x_train, y_train, x_test, y_test)``: pixels scaled to [0, 1], labels 0-9.

    Raises:
        ImportError: scikit-learn is not installed (the message says how to install it).
    """
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ImportError(
            "the digits demo needs scikit-learn: pip install 'neuronet[sklearn]'"
        ) from None
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")  # grey levels 0..16 -> 0..1
    # stratify: every digit is a tenth of both parts, as it is of the whole set.
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=test_fraction, random_state=SEED, stratify=digits.target
    )
    return x_train, y_train, x_test, y_test


def main(data=None, epochs=EPOCHS):
    """Train on the digits and print the test accuracy; returns ``(model, accuracy)``."""
    set_random_seed(SEED)
    x_train, y_train, x_test, y_test = load_data() if data is None else data

    # 64 pixels -> 32 relu units -> 10 softmax outputs, one probability per digit.
    model = Sequential([Input(shape=(64,)), Dense(32, activation="relu")])
    model.add(Dense(10, activation="softmax"))
    model.summary()

    # The labels are the digits themselves (0-9), not one-hot rows: the sparse loss takes them.
    model.compile(
        optimizer=Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1)

    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {accuracy:.4f} on {len(x_test)} images the network never saw")
    predicted = model.predict(x_test[:10]).argmax(axis=1)
    print(f"First test images: digits {y_test[:10].tolist()}, predicted {predicted.tolist()}")
    return model, accuracy


if __name__ == "__main__":
    main()

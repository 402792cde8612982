"""The textbook XOR session with scikit-learn's MLPClassifier (the twin of examples/xor.py).

A 2-10-1 tanh/logistic net trained by plain full-batch SGD: 100 epochs with a line per epoch
(``verbose=True``), then 1900 more from there (``warm_start``), predict, pickle the model and
load it back (scikit-learn's way of saving a model).
"""

import pickle
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)

x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([0, 1, 1, 0])

model = MLPClassifier(
    hidden_layer_sizes=(10,),
    activation="tanh",
    solver="sgd",
    learning_rate_init=0.1,
    momentum=0.0,
    alpha=0.0,
    batch_size=4,
    max_iter=100,
    tol=0.0,
    n_iter_no_change=10_000,
    random_state=7,
    verbose=True,
)
print(model)
model.fit(x_train, y_train)
model.set_params(max_iter=1900, verbose=False, warm_start=True)
model.fit(x_train, y_train)
print(model.predict_proba(x_train)[:, 1:])
print(model.predict(x_train).reshape(-1, 1))

with open("basic_model.pkl", "wb") as file:
    pickle.dump(model, file)
with open("basic_model.pkl", "rb") as file:
    loaded = pickle.load(file)  # noqa: S301  (our own file, written just above)
print(loaded.predict(x_train).reshape(-1, 1))

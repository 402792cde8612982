"""The textbook XOR session in Keras 3 or tf_keras (the twin of examples/xor.py).

    python xor_keras.py keras      # or: tf_keras

Build a 2-10-1 tanh/sigmoid net, predict, train 100 epochs with the progress output, then 1900
quietly, predict again, save the architecture (JSON) and weights (HDF5), and load them into a
new model.
"""

import importlib
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
threads = os.environ.get("BENCH_THREADS")
if threads:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(int(threads))
    tf.config.threading.set_inter_op_parallelism_threads(1)

keras = importlib.import_module(sys.argv[1] if len(sys.argv) > 1 else "keras")
import numpy as np  # noqa: E402

keras.utils.set_random_seed(7)
x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([[0], [1], [1], [0]])

model = keras.models.Sequential()
model.add(keras.layers.Input(shape=(2,)))
model.add(keras.layers.Dense(10))
model.add(keras.layers.Activation("tanh"))
model.add(keras.layers.Dense(1))
model.add(keras.layers.Activation("sigmoid"))
model.summary()

sgd = keras.optimizers.SGD(learning_rate=0.1)
model.compile(loss="binary_crossentropy", optimizer=sgd, metrics=["accuracy"])
print(model.predict(x_train, verbose=0))

model.fit(x_train, y_train, epochs=100)
model.fit(x_train, y_train, epochs=1900, verbose=0)
print(model.predict(x_train, verbose=0))
print((model.predict(x_train, verbose=0) > 0.5).astype("int32"))

json_string = model.to_json()
model.save_weights("basic_weights.weights.h5")
loaded = keras.models.model_from_json(json_string)
loaded.load_weights("basic_weights.weights.h5")
print((loaded.predict(x_train, verbose=0) > 0.5).astype("int32"))

"""The near-limit reference: the benchmark's networks trained by plain, hand-written NumPy loops.

Same math as neuronet (and Keras): Glorot-uniform kernels and zero biases, float32, plain SGD
on the mean loss of each batch, the fused output gradient ``p - y`` for sigmoid + binary
crossentropy and softmax + categorical crossentropy, and the epoch's loss and accuracy as
Keras reports them (the size-weighted mean over batches, each computed before its update, with
probabilities clipped to [1e-7, 1 - 1e-7]). What makes it fast is only bookkeeping:

- every array is allocated once; each step writes into it with ``out=`` and in-place ufuncs;
- all weights live in one flat buffer and all gradients in another, so the SGD step is one
  ``params += grads``; the gradient carries the factor ``-learning_rate / batch`` from the output
  on (the chain rule is linear in it), so no separate scaling pass is needed;
- the first layer's input gradient is never computed: nothing needs it;
- ReLU keeps its mask ``z > 0`` from the forward pass: ``h = z * mask`` forward, ``dz = dh * mask``
  backward (cheaper than ``maximum`` and ``sign``);
- the shuffled batch is gathered with ``take(..., mode="clip")`` into its buffer (the default
  mode buffers the whole output to check the indices, which are valid by construction);
- in the XOR net the biases sit in the kernels' last row and the inputs carry a column of ones,
  so ``[x, 1] @ [[W], [b]] = x @ W + b`` and one product yields both gradients. The four samples
  are one batch, so the epoch's shuffle cannot change the gradient and is skipped.
"""

import numpy as np

DTYPE = np.float32
EPSILON = 1e-7


def glorot_uniform(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(DTYPE)


def _flat_views(buffer, shapes):
    """Consecutive views of ``buffer`` with the given shapes."""
    views, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(buffer[offset : offset + size].reshape(shape))
        offset += size
    return views


class XorNet:
    """2-10-1 tanh/sigmoid net, binary crossentropy, full-batch SGD (one update per epoch).

    ``history=True`` records the loss and accuracy of every epoch as Keras does;
    ``history=False`` is the bare update loop.
    """

    def __init__(self, x, y, hidden=10, learning_rate=0.1, history=True, seed=0):
        x = np.asarray(x, DTYPE)
        n, features = x.shape
        rng = np.random.default_rng(seed)
        shapes = [(features + 1, hidden), (hidden + 1, 1)]
        self.params = np.zeros(sum(a * b for a, b in shapes), DTYPE)
        self.grads = np.zeros_like(self.params)
        self.w1, self.w2 = _flat_views(self.params, shapes)  # rows: kernel, then bias
        self.g1, self.g2 = _flat_views(self.grads, shapes)
        self.w1[:features] = glorot_uniform(rng, features, hidden)
        self.w2[:hidden] = glorot_uniform(rng, hidden, 1)
        self.hidden = hidden
        self.learning_rate = learning_rate
        self.history = {"loss": [], "accuracy": []} if history else None
        self.x1 = np.ones((n, features + 1), DTYPE)
        self.x1[:, :features] = x
        self.h1 = np.ones((n, hidden + 1), DTYPE)  # tanh outputs, then the ones column
        self.y = np.asarray(y, DTYPE).reshape(n, 1)
        self.y_bool = self.y > 0.5
        # For the loss: q = p if y == 1 else 1 - p, i.e. q = (2y - 1) p + (1 - y).
        self.q_scale = 2.0 * self.y - 1.0
        self.q_shift = 1.0 - self.y
        # For the bare gradient, with sigmoid(z) = (1 + tanh(z/2)) / 2:
        # -lr/n (sigmoid(z) - y) = tanh_scale tanh(z/2) + tanh_shift
        scale = -learning_rate / n
        self.grad_scale = scale
        self.tanh_scale = 0.5 * scale
        self.tanh_shift = scale * (0.5 - self.y)

    def fit(self, epochs):
        """Run ``epochs`` full-batch SGD updates."""
        matmul, tanh, multiply, add = np.matmul, np.tanh, np.multiply, np.add
        x1, w1, w2, g1, g2 = self.x1, self.w1, self.w2, self.g1, self.g2
        h1 = self.h1
        h = h1[:, : self.hidden]
        w2_kernel_t = w2[: self.hidden].T
        params, grads = self.params, self.grads
        n = len(x1)
        z1 = np.empty_like(h)
        dz1 = np.empty_like(h)
        z2 = np.empty((n, 1), DTYPE)
        dz2 = np.empty((n, 1), DTYPE)
        history = self.history
        if history is not None:
            p = np.empty((n, 1), DTYPE)
            q = np.empty((n, 1), DTYPE)
            right = np.empty((n, 1), bool)
            losses, accuracies = history["loss"], history["accuracy"]
            y, y_bool, q_scale, q_shift = self.y, self.y_bool, self.q_scale, self.q_shift
            grad_scale = self.grad_scale
        tanh_scale, tanh_shift = self.tanh_scale, self.tanh_shift
        for _ in range(epochs):
            # forward: z1 = x @ W1 + b1, h = tanh(z1), z2 = h @ W2 + b2
            matmul(x1, w1, out=z1)
            tanh(z1, out=h)
            matmul(h1, w2, out=z2)
            if history is None:
                # dz2 = -lr/n (sigmoid(z2) - y), through tanh: no p needed
                multiply(z2, 0.5, out=dz2)
                tanh(dz2, out=dz2)
                multiply(dz2, tanh_scale, out=dz2)
                add(dz2, tanh_shift, out=dz2)
            else:
                # p = sigmoid(z2) = (1 + tanh(z2 / 2)) / 2
                multiply(z2, 0.5, out=p)
                tanh(p, out=p)
                multiply(p, 0.5, out=p)
                add(p, 0.5, out=p)
                # loss = mean(-log(q)), q = clip(p) or 1 - clip(p); accuracy = mean((p > .5) == y)
                np.clip(p, EPSILON, 1.0 - EPSILON, out=q)
                multiply(q, q_scale, out=q)
                add(q, q_shift, out=q)
                np.log(q, out=q)
                losses.append(-float(q.sum()) / n)
                np.greater(p, 0.5, out=right)
                np.equal(right, y_bool, out=right)
                accuracies.append(np.count_nonzero(right) / n)
                np.subtract(p, y, out=dz2)
                multiply(dz2, grad_scale, out=dz2)
            # backward: dW2 = [h, 1].T @ dz2, dh = dz2 @ W2.T, dz1 = dh (1 - h^2),
            # dW1 = [x, 1].T @ dz1 (all already scaled by -lr)
            matmul(h1.T, dz2, out=g2)
            matmul(dz2, w2_kernel_t, out=dz1)
            multiply(h, h, out=z1)
            np.subtract(1.0, z1, out=z1)
            multiply(dz1, z1, out=dz1)
            matmul(x1.T, dz1, out=g1)
            # SGD: W -= lr dW, for every weight at once
            add(params, grads, out=params)
        return self.history

    def predict(self):
        """Sigmoid outputs for the training inputs, a new (n, 1) array."""
        h1 = self.h1.copy()
        np.tanh(self.x1 @ self.w1, out=h1[:, : self.hidden])
        z = h1 @ self.w2
        np.multiply(z, 0.5, out=z)
        np.tanh(z, out=z)
        np.multiply(z, 0.5, out=z)
        return np.add(z, 0.5, out=z)


class MlpNet:
    """Dense ReLU layers and a softmax output, categorical crossentropy, mini-batch SGD.

    Labels are class indices; with one-hot targets ``-sum(y log p)`` is ``-log p[label]`` and
    ``p - y`` is ``p`` less 1 at the label, which is what is computed.
    """

    def __init__(self, sizes=(784, 256, 128, 10), batch_size=128, learning_rate=0.01, seed=0):
        self.rng = np.random.default_rng(seed)
        shapes = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            shapes += [(fan_in, fan_out), (fan_out,)]
        self.params = np.zeros(sum(int(np.prod(s)) for s in shapes), DTYPE)
        self.grads = np.zeros_like(self.params)
        self.weights = _flat_views(self.params, shapes)
        self.gradients = _flat_views(self.grads, shapes)
        for kernel in self.weights[::2]:
            kernel[...] = glorot_uniform(self.rng, *kernel.shape)
        self.sizes = sizes
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.history = {"loss": [], "accuracy": []}
        # one buffer per layer output and per gradient, for a full batch; partial batches
        # use the leading rows
        self.x_batch = np.empty((batch_size, sizes[0]), DTYPE)
        self.label_batch = np.empty(batch_size, np.int64)
        self.outputs = [np.empty((batch_size, units), DTYPE) for units in sizes[1:]]
        self.deltas = [np.empty((batch_size, units), DTYPE) for units in sizes[1:-1]]
        self.masks = [np.empty((batch_size, units), bool) for units in sizes[1:-1]]
        self.row = np.empty((batch_size, 1), DTYPE)
        self.rows = np.arange(batch_size)
        self._predict_buffers = {}

    def _forward(self, x, outputs, masks, row):
        """Layer outputs into ``outputs`` (ReLU hidden, softmax last); returns the last.

        ``masks[i]`` receives ``z > 0`` of hidden layer i, for the backward pass.
        """
        a = x
        last = len(outputs) - 1
        for i, out in enumerate(outputs):
            np.matmul(a, self.weights[2 * i], out=out)
            np.add(out, self.weights[2 * i + 1], out=out)
            if i < last:
                np.greater(out, 0.0, out=masks[i])
                np.multiply(out, masks[i], out=out)  # relu(z) = z (z > 0)
            a = out
        # softmax, shifted by the row maximum
        np.max(a, axis=1, keepdims=True, out=row)
        np.subtract(a, row, out=a)
        np.exp(a, out=a)
        np.sum(a, axis=1, keepdims=True, out=row)
        np.divide(a, row, out=a)
        return a

    def fit_epoch(self, x, labels):
        """One shuffled epoch; appends the epoch's loss and accuracy to ``history``."""
        n = len(x)
        batch_size = self.batch_size
        order = self.rng.permutation(n)
        weights, gradients = self.weights, self.gradients
        params, grads = self.params, self.grads
        kernels_t = [kernel.T for kernel in weights[::2]]
        layers = len(self.outputs)
        loss_sum = 0.0
        correct = 0
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            m = len(index)
            xb = self.x_batch[:m]
            yb = self.label_batch[:m]
            np.take(x, index, axis=0, out=xb, mode="clip")
            np.take(labels, index, out=yb, mode="clip")
            outputs = [out[:m] for out in self.outputs]
            deltas = [delta[:m] for delta in self.deltas]
            masks = [mask[:m] for mask in self.masks]
            rows = self.rows[:m]
            p = self._forward(xb, outputs, masks, self.row[:m])
            # Keras's epoch logs: loss = -log(clip(p[label])), accuracy = argmax(p) == label
            picked = p[rows, yb]
            np.clip(picked, EPSILON, 1.0 - EPSILON, out=picked)
            loss_sum -= float(np.log(picked, out=picked).sum())
            correct += int(np.count_nonzero(p.argmax(axis=1) == yb))
            # output gradient, already times -lr: dz = -lr/m (p - onehot)
            p[rows, yb] -= 1.0
            np.multiply(p, -self.learning_rate / m, out=p)
            delta = p
            for i in range(layers - 1, -1, -1):
                a = xb if i == 0 else outputs[i - 1]
                np.matmul(a.T, delta, out=gradients[2 * i])  # dW = a.T @ dz
                np.sum(delta, axis=0, out=gradients[2 * i + 1])  # db = sum(dz)
                if i == 0:
                    break  # the input's gradient is never needed
                previous = deltas[i - 1]
                np.matmul(delta, kernels_t[i], out=previous)  # da = dz @ W.T
                np.multiply(previous, masks[i - 1], out=previous)  # dz = da relu'(z)
                delta = previous
            np.add(params, grads, out=params)  # W -= lr dW for every weight
        self.history["loss"].append(loss_sum / n)
        self.history["accuracy"].append(correct / n)
        return self.history

    def predict(self, x, batch_size=None):
        """Softmax outputs for ``x`` in batches of ``batch_size`` (None: one batch)."""
        n = len(x)
        batch_size = n if batch_size is None else batch_size
        result = np.empty((n, self.sizes[-1]), DTYPE)
        rows = min(batch_size, n)
        if rows not in self._predict_buffers:
            self._predict_buffers[rows] = (
                [np.empty((rows, units), DTYPE) for units in self.sizes[1:-1]],
                [np.empty((rows, units), bool) for units in self.sizes[1:-1]],
                np.empty((rows, 1), DTYPE),
            )
        hidden, masks, row = self._predict_buffers[rows]
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            m = stop - start
            outputs = [out[:m] for out in hidden] + [result[start:stop]]
            self._forward(x[start:stop], outputs, [mask[:m] for mask in masks], row[:m])
        return result

"""PyTorch on the CPU: the usual training loop, written as its documentation teaches it.

``nn.Sequential`` of ``nn.Linear`` layers; the output activation is folded into the loss
(``BCEWithLogitsLoss``, ``CrossEntropyLoss`` on logits), as PyTorch recommends; ``optim.SGD``;
each epoch records its loss (``loss.item()``) and, for the MLP, its accuracy, like Keras's logs.
Mini-batches are drawn from one ``torch.randperm`` per epoch by indexing the tensors (faster than
a ``DataLoader`` over a ``TensorDataset``, which collates sample by sample).
"""

import numpy as np
import torch
from torch import nn

from frameworks import MLP_BATCH, MLP_LEARNING_RATE, MLP_SIZES, XOR_LEARNING_RATE


class _XorSession:
    def __init__(self, x, y):
        self.x = torch.tensor(x, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)
        self.model = nn.Sequential(nn.Linear(2, 10), nn.Tanh(), nn.Linear(10, 1))
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=XOR_LEARNING_RATE)
        self.losses = []

    def fit(self, epochs):
        model, loss_fn, optimizer, x, y = self.model, self.loss_fn, self.optimizer, self.x, self.y
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            self.losses.append(loss.item())

    def predict(self):
        with torch.inference_mode():
            return torch.sigmoid(self.model(self.x)).numpy()

    def loss(self):
        return self.losses[-1] if self.losses else None


class _MlpSession:
    def __init__(self, x, labels):
        self.x = torch.from_numpy(x)
        self.labels = torch.from_numpy(labels)
        layers = []
        for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        self.model = nn.Sequential(*layers[:-1])  # logits out; softmax lives in the loss
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=MLP_LEARNING_RATE)
        self.history = []

    def epoch(self):
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer
        n = len(self.x)
        order = torch.randperm(n)
        loss_sum, correct = 0.0, 0
        for start in range(0, n, MLP_BATCH):
            index = order[start : start + MLP_BATCH]
            xb, yb = self.x[index], self.labels[index]
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(index)
            correct += (logits.argmax(dim=1) == yb).sum().item()
        self.history.append((loss_sum / n, correct / n))

    def predict(self, x, batch_size):
        x = torch.from_numpy(x)
        batch_size = len(x) if batch_size == "all" else (batch_size or 32)
        with torch.inference_mode():
            parts = [
                torch.softmax(self.model(x[start : start + batch_size]), dim=1)
                for start in range(0, len(x), batch_size)
            ]
            return (parts[0] if len(parts) == 1 else torch.cat(parts)).numpy()

    def accuracy(self):
        return self.history[-1][1] if self.history else None


class TorchLoops:
    def __init__(self, threads):
        torch.set_num_threads(threads)

    def versions(self):
        return {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "torch_threads": torch.get_num_threads(),
            "mkl": torch.backends.mkl.is_available(),
            "mkldnn": torch.backends.mkldnn.is_available(),
        }

    def xor(self, x, y):
        return _XorSession(x, y)

    def mlp(self, x, labels, onehot):
        return _MlpSession(x, labels)

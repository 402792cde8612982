"""The textbook XOR session in PyTorch (the twin of examples/xor.py).

Build a 2-10-1 tanh/sigmoid net, predict, train 100 epochs with a line per epoch, then 1900
quietly, predict again, save the weights and load them into a new net.
"""

import os

import torch
from torch import nn

threads = os.environ.get("BENCH_THREADS")
if threads:
    torch.set_num_threads(int(threads))
torch.manual_seed(7)

x_train = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
y_train = torch.tensor([[0], [1], [1], [0]], dtype=torch.float32)


def make_model():
    return nn.Sequential(nn.Linear(2, 10), nn.Tanh(), nn.Linear(10, 1))


model = make_model()
print(model)
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
with torch.no_grad():
    print(torch.sigmoid(model(x_train)))


def train(epochs, verbose):
    for epoch in range(epochs):
        optimizer.zero_grad()
        logits = model(x_train)
        loss = loss_fn(logits, y_train)
        loss.backward()
        optimizer.step()
        if verbose:
            accuracy = ((logits > 0) == (y_train > 0.5)).float().mean().item()
            print(
                f"Epoch {epoch + 1}/{epochs} - loss: {loss.item():.4f} - accuracy: {accuracy:.4f}"
            )


train(100, verbose=True)
train(1900, verbose=False)
with torch.no_grad():
    probabilities = torch.sigmoid(model(x_train))
print(probabilities)
print((probabilities > 0.5).int())

torch.save(model.state_dict(), "basic_weights.pt")
loaded = make_model()
loaded.load_state_dict(torch.load("basic_weights.pt"))
with torch.no_grad():
    print((torch.sigmoid(loaded(x_train)) > 0.5).int())

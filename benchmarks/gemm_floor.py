"""The GEMM floor: exactly the matrix products of one MLP training epoch, nothing else.

Per batch of m rows, for layers i = 1..L with inputs a_i (m, fan_in) and kernels W_i:
forward ``a_i @ W_i``; backward ``a_i.T @ dz_i`` (the kernel's gradient) and, for every layer
but the first, ``dz_i @ W_i.T`` (the gradient passed down; the first layer's input gradient is
never needed). Outputs are preallocated and written with ``out=``; the operands hold random
float32 values of the right shapes. No training loop can do these products faster with NumPy.
"""

import numpy as np


def _operands(rng, rows, sizes):
    def rand(*shape):
        return rng.random(shape, dtype=np.float32)

    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers.append(
            {
                "a": rand(rows, fan_in),
                "w": rand(fan_in, fan_out),
                "z": np.empty((rows, fan_out), np.float32),  # forward output
                "dz": rand(rows, fan_out),  # the gradient arriving from above
                "dw": np.empty((fan_in, fan_out), np.float32),
                "da": np.empty((rows, fan_in), np.float32),
            }
        )
    return layers


def batch_gemms(layers):
    """The forward and backward products of one batch."""
    for layer in layers:
        np.matmul(layer["a"], layer["w"], out=layer["z"])
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        np.matmul(layer["a"].T, layer["dz"], out=layer["dw"])
        if i > 0:
            np.matmul(layer["dz"], layer["w"].T, out=layer["da"])


class GemmFloor:
    """The products of one epoch of ``samples`` rows in batches of ``batch_size``."""

    def __init__(self, samples, sizes=(784, 256, 128, 10), batch_size=128, seed=0):
        rng = np.random.default_rng(seed)
        self.full_batches = samples // batch_size
        self.full = _operands(rng, batch_size, sizes)
        remainder = samples % batch_size
        self.partial = _operands(rng, remainder, sizes) if remainder else None
        self.flops = self.full_batches * self.batch_flops(batch_size, sizes)
        self.flops += self.batch_flops(remainder, sizes)

    @staticmethod
    def batch_flops(rows, sizes):
        """2 m k n per product: forward and kernel gradient for every layer, input gradient
        for all but the first."""
        pairs = list(zip(sizes[:-1], sizes[1:]))
        flops = 2 * sum(2 * rows * fan_in * fan_out for fan_in, fan_out in pairs)
        return flops + sum(2 * rows * fan_in * fan_out for fan_in, fan_out in pairs[1:])

    def epoch(self):
        for _ in range(self.full_batches):
            batch_gemms(self.full)
        if self.partial is not None:
            batch_gemms(self.partial)

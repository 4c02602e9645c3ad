"""Layers as forward/backward pairs: forward returns ``(out, cache)``,
backward takes ``(dout, cache)`` and returns the gradient of each input."""
import numpy as np


def affine_forward(X, W, b):
    """``X @ W + b``.

    X : (N, D), W : (D, M), b : (1, M) or (M,).
    Returns out : (N, M), and the cache ``(X, W)``.
    """
    return X @ W + b, (X, W)


def affine_backward(dout, cache):
    """Gradients of ``X @ W + b``.

    dout : (N, M), the upstream gradient. Returns dX : (N, D), dW : (D, M), db : (1, M).
    """
    X, W = cache
    return dout @ W.T, X.T @ dout, dout.sum(axis=0, keepdims=True)


def relu_forward(x):
    """``max(0, x)`` elementwise; x : any shape. Returns out (same shape) and the cache ``out``."""
    out = np.maximum(0, x)
    return out, out


def relu_backward(dout, cache):
    """The ReLU is a switch: the gradient passes where the output was positive and is zeroed elsewhere.

    dout : same shape as the forward input. Returns dx of that shape.
    """
    hidden_layer = cache
    return np.where(hidden_layer > 0, dout, 0.0)

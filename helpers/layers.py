"""Layers as forward/backward pairs: forward returns ``(out, cache)``,
backward takes ``(dout, cache)`` and returns the gradient of each input."""
import numpy as np


def affine_forward(X, W, b):
    """``X @ W + b``.

    X : (n, D), W : (D, M), b : (1, M) or (M,).
    Returns out : (n, M), and the cache ``(X, W)``.
    """
    return X @ W + b, (X, W)


def affine_backward(dout, cache):
    """Gradients of ``X @ W + b``.

    dout : (n, M), the upstream gradient ∂L/∂out. Returns dX : (n, D), dW : (D, M), db : (1, M).
    """
    X, W = cache
    return dout @ W.T, X.T @ dout, dout.sum(axis=0, keepdims=True)


def relu_forward(Z):
    """The activation ``A = max(0, Z)``, elementwise.

    Z : the pre-activation, any shape, e.g. (n, H). Returns A (same shape), and the cache ``A``.
    """
    A = np.maximum(0, Z)
    return A, A


def relu_backward(dout, cache):
    """∂L/∂Z = ∂L/∂A ⊙ 1(Z > 0): the gradient passes where the unit was on, and is zeroed elsewhere.

    dout : ∂L/∂A, the shape of the forward input (e.g. (n, H); ``dhidden`` in the course).
    cache : A from ``relu_forward``; A > 0 exactly where Z > 0.
    Returns ∂L/∂Z, of that shape.
    """
    A = cache
    return np.where(A > 0, dout, 0.0)

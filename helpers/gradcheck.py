"""Numerical gradients, to check the analytic ones, and where such a check cannot be trusted.

This module owns ``numerical_gradient``, ``rel_error``, ``gradient_errors`` (the relative error of
every parameter's analytic gradient), ``near_kink`` and ``order_of_magnitude``.
"""
import math
import numbers

import numpy as np

from .checks import check_data, check_scalar


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of a scalar function at ``x``.

    f : callable taking no arguments and returning a float; it must read ``x``,
        which is nudged in place and restored after each evaluation.
    x : float array of any shape.
    eps : the finite-difference step ε.
    Returns an array shaped like x: ``(f(x + ε e_i) - f(x - ε e_i)) / 2ε`` for each entry i.
    """
    eps = check_scalar(eps, "eps", numbers.Real, min_val=0, include_boundaries="neither")
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        saved = x[ix]
        x[ix] = saved + eps
        f_plus = f()
        x[ix] = saved - eps
        f_minus = f()
        x[ix] = saved
        grad[ix] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error ``|a - b| / max(1e-8, |a| + |b|)``; a and b of the same shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_errors(loss_fn, params, eps=1e-5):
    """Relative error between analytic and numerical gradients, for each parameter.

    loss_fn : callable ``params -> (loss, grads)``, e.g. ``lambda p: loss_and_grads(p, X, y, reg)``.
    params : dict of float arrays; it is nudged in place and restored.
    eps : the finite-difference step ε.
    Returns a dict ``{name: relative error}``, the largest over the entries of each parameter.
    """
    _, grads = loss_fn(params)
    return {
        name: rel_error(grads[name], numerical_gradient(lambda: loss_fn(params)[0], params[name], eps))
        for name in params
    }



def near_kink(X, Z, eps=1e-5):
    """Which ReLU inputs a gradient check's nudge can push across the kink at 0.

    X : (n, D), the layer's input. Z : (n, H), its pre-activation ``X @ W + b``.
    eps : the finite-difference step ε.

    Nudging ``W[d, j]`` by ±ε moves ``Z[i, j]`` by ``ε * |X[i, d]|``, and nudging
    ``b[j]`` moves it by ε. So unit j of example i can change sides during the check
    when ``|Z[i, j]| <= ε * max(1, max_d |X[i, d]|)``. There the ReLU's slope differs
    on the two sides of the centred difference, and the numerical gradient is wrong.

    Returns a boolean array of shape (n, H), True where that can happen.
    """
    X = check_data(X)
    Z = check_data(Z, "Z")
    if Z.shape[0] != X.shape[0]:
        raise ValueError(f"Z must have one row per row of X, {X.shape[0]} rows; got shape {Z.shape}")
    eps = check_scalar(eps, "eps", numbers.Real, min_val=0, include_boundaries="neither")
    reach = eps * np.maximum(1.0, np.abs(X).max(axis=1, keepdims=True))
    return np.abs(Z) <= reach


def order_of_magnitude(err):
    """The power of ten at or just below ``err`` > 0, as text: 3.4e-10 -> "1e-10".

    Relative errors differ in their leading digit between machines (rounding), but
    rarely in their power of ten, so this is what the notebooks print.
    """
    return f"1e{int(math.floor(math.log10(err))):03d}"

"""Numerical gradients, to check the analytic ones."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function at ``x``.

    f : callable taking no arguments and returning a float; it must read ``x``,
        which is nudged in place and restored after each evaluation.
    x : float array of any shape.
    h : step. Returns an array shaped like x: ``(f(x + h e_i) - f(x - h e_i)) / 2h``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        saved = x[ix]
        x[ix] = saved + h
        f_plus = f()
        x[ix] = saved - h
        f_minus = f()
        x[ix] = saved
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error ``|a - b| / max(1e-8, |a| + |b|)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_gradients(loss_fn, params, h=1e-5):
    """Relative error between analytic and numerical gradients, for each parameter.

    loss_fn : callable ``params -> (loss, grads)``, e.g. ``lambda p: loss_and_grads(p, X, y, reg)``.
    params : dict of float arrays; it is nudged in place and restored.
    Returns a dict ``{name: relative error}``.
    """
    _, grads = loss_fn(params)
    return {
        name: rel_error(grads[name], numerical_gradient(lambda: loss_fn(params)[0], params[name], h))
        for name in params
    }

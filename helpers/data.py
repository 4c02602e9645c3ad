"""The toy spiral data set: this module owns ``make_spiral``, the course's K interleaved arms."""
import numbers

import numpy as np

from .checks import check_rng, check_scalar


def make_spiral(N=100, K=3, noise=0.2, *, rng):
    """Generate K interleaved spiral arms of N points each, in 2-D.

    Arm ``j`` has radius ``linspace(0, 1, N)`` and angle
    ``linspace(4j, 4(j+1), N) + noise * standard_normal(N)``; a point is
    ``(r sin t, r cos t)``. Arms are drawn in order 0, 1, ..., K-1, N normal
    draws each, so ``rng=np.random.RandomState(0)`` gives the course's data.

    Parameters
    ----------
    N : int >= 1, points per class.
    K : int >= 1, number of classes.
    noise : float >= 0, standard deviation of the angle noise.
    rng : np.random.RandomState or np.random.Generator (keyword only).

    Returns
    -------
    X : float64 array, shape (n, 2) with n = N*K examples, one point per row.
    y : uint8 array, shape (n,), class labels in [0, K).
    """
    N = check_scalar(N, "N", numbers.Integral, min_val=1)
    K = check_scalar(K, "K", numbers.Integral, min_val=1)
    noise = check_scalar(noise, "noise", numbers.Real, min_val=0)
    rng = check_rng(rng)
    if K > 256:
        raise ValueError(f"K must be at most 256 so that labels fit in uint8; got {K}")

    X = np.zeros((N * K, 2))
    y = np.zeros(N * K, dtype=np.uint8)
    r = np.linspace(0.0, 1.0, N)
    for j in range(K):
        rows = slice(N * j, N * (j + 1))
        t = np.linspace(4.0 * j, 4.0 * (j + 1), N) + noise * rng.standard_normal(N)
        X[rows, 0] = r * np.sin(t)
        X[rows, 1] = r * np.cos(t)
        y[rows] = j
    return X, y

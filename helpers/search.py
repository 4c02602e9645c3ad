"""A search for linear classifiers with high training accuracy, ignoring the loss.

Gradient descent on the softmax loss finds the linear classifier with the lowest
loss, which need not be the one that classifies the most points correctly: the
loss also rewards confidence. Accuracy itself cannot be followed downhill (it is
flat almost everywhere and jumps at each point), but it can be searched: try
random parameters, keep the best, then keep nudging them at random and accept any
nudge that does not lower the accuracy. This module owns that search,
``search_linear_classifier``.
"""
import numbers

import numpy as np

from .checks import check_data, check_labels, check_rng, check_scalar


def _linear_accuracy(X, y, W, b):
    # Scores added up column by column instead of with a matrix product, so that the
    # result does not depend on the BLAS library, and neither does the search's path.
    scores = b + sum(X[:, d:d + 1] * W[d] for d in range(X.shape[1]))
    return float(np.mean(np.argmax(scores, axis=1) == y))


def search_linear_classifier(X, y, *, rng, num_random=2000, num_nudges=3000):
    """Search for linear-classifier parameters with a high training accuracy.

    X : (n, D) data. y : (n,) labels in [0, K).
    rng : np.random.RandomState or Generator (keyword only), for the random draws.
    num_random : int >= 1, how many random (W, b) to try first, W (D, K) and b (1, K)
        drawn from standard normals (b scaled by 0.5).
    num_nudges : int >= 0, how many random nudges of the best of them to try after, of
        size 0.3, then 0.1, then 0.03 (a third of the nudges each); a nudge is kept when
        the accuracy does not drop.

    Returns ``(params, accuracy)``: ``{"W": (D, K), "b": (1, K)}`` and its training accuracy.
    """
    X = check_data(X)
    n, D = X.shape
    y = check_labels(y, n)
    K = int(y.max()) + 1
    rng = check_rng(rng)
    num_random = check_scalar(num_random, "num_random", numbers.Integral, min_val=1)
    num_nudges = check_scalar(num_nudges, "num_nudges", numbers.Integral, min_val=0)

    best, best_W, best_b = -1.0, None, None
    for _ in range(num_random):
        W, b = rng.standard_normal((D, K)), 0.5 * rng.standard_normal((1, K))
        acc = _linear_accuracy(X, y, W, b)
        if acc > best:
            best, best_W, best_b = acc, W, b
    for t in range(num_nudges):
        size = (0.3, 0.1, 0.03)[min(3 * t // num_nudges, 2)]
        W = best_W + size * rng.standard_normal((D, K))
        b = best_b + size * rng.standard_normal((1, K))
        acc = _linear_accuracy(X, y, W, b)
        if acc >= best:
            best, best_W, best_b = acc, W, b
    return {"W": best_W, "b": best_b}, best

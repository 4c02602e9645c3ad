"""The two models of the course: a linear softmax classifier and a 2-layer ReLU network.

Parameters live in a dict, ``{"W", "b"}`` for the linear classifier and
``{"W", "b", "W2", "b2"}`` for the network, with biases of shape (1, M) as in
the course. This module owns the models: their initialisation, the check of a parameter dict
(``check_params``), the forward pass (``forward``, the one every prediction uses), the backward
pass, the loss and its gradients, and predictions. These functions are the readable reference;
``helpers.train`` holds the fast training loop, which the tests hold to these.
"""
import numbers

import numpy as np

from .checks import check_data, check_labels, check_rng, check_scalar
from .layers import affine_backward, affine_forward, relu_backward, relu_forward
from .softmax import l2_penalty, softmax_loss

LINEAR_KEYS = ("W", "b")
TWO_LAYER_KEYS = ("W", "b", "W2", "b2")
# Float entries of an (n, H) array that stay in a typical L2 cache (400 kB): the size of a chunk of ``predict``.
CACHE_ENTRIES = 50_000


def init_linear(D, K, *, rng):
    """Small random weights, zero biases: W (D, K) = 0.01 * standard normal, b (1, K) = 0.

    D : input dimension. K : number of classes. rng : RandomState or Generator (keyword only).
    """
    D, K = (check_scalar(v, n, numbers.Integral, min_val=1) for v, n in ((D, "D"), (K, "K")))
    check_rng(rng)
    return {"W": 0.01 * rng.standard_normal((D, K)), "b": np.zeros((1, K))}


def init_two_layer(D, H, K, *, rng):
    """W (D, H) then W2 (H, K), each 0.01 * standard normal drawn in that order; b (1, H) and b2 (1, K) zero.

    D : input dimension. H : hidden size (``hidden_size`` in messages). K : number of classes.
    rng : RandomState or Generator (keyword only).
    """
    D, H, K = (check_scalar(v, n, numbers.Integral, min_val=1) for v, n in ((D, "D"), (H, "hidden_size"), (K, "K")))
    check_rng(rng)
    W = 0.01 * rng.standard_normal((D, H))
    W2 = 0.01 * rng.standard_normal((H, K))
    return {"W": W, "b": np.zeros((1, H)), "W2": W2, "b2": np.zeros((1, K))}


def check_params(params, D=None):
    """Check that ``params`` is a linear or 2-layer parameter dict of consistent shapes.

    D : if given, the number of rows ``params['W']`` must have (the number of columns of X).
    Returns the sorted-out dict of float arrays and ``K``, the number of classes.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {LINEAR_KEYS} or {TWO_LAYER_KEYS}; "
                        f"got {type(params).__name__}")
    keys = tuple(k for k in TWO_LAYER_KEYS if k in params)
    if set(params) != set(keys) or keys not in (LINEAR_KEYS, TWO_LAYER_KEYS):
        raise ValueError(f"params must have keys {LINEAR_KEYS} or {TWO_LAYER_KEYS}; got keys {tuple(params)}")
    arrays = {}
    for key in keys:
        value = np.asarray(params[key])
        if not np.issubdtype(value.dtype, np.floating):
            raise TypeError(f"params['{key}'] must be a float array; got dtype {value.dtype}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"params['{key}'] must be finite; it holds NaN or infinite values (did training diverge?)")
        arrays[key] = value
    layers = [("W", "b")] + ([("W2", "b2")] if len(keys) == 4 else [])
    rows_expected, rows_name = D, "the number of columns of X"
    for w_key, b_key in layers:
        W, b = arrays[w_key], arrays[b_key]
        if W.ndim != 2:
            raise ValueError(f"params['{w_key}'] must be 2-D; got shape {W.shape}")
        if rows_expected is not None and W.shape[0] != rows_expected:
            raise ValueError(f"params['{w_key}'] must have {rows_expected} rows ({rows_name}); got shape {W.shape}")
        if b.shape not in ((1, W.shape[1]), (W.shape[1],)):
            raise ValueError(f"params['{b_key}'] must have shape (1, {W.shape[1]}) to match params['{w_key}']; "
                             f"got shape {b.shape}")
        rows_expected, rows_name = W.shape[1], "the hidden size, columns of params['W']"
    return arrays, rows_expected


def is_two_layer(params):
    """Whether ``params`` are the 2-layer network's (they hold ``W2``)."""
    return "W2" in params


def forward(params, X):
    """Class scores F, shape (n, K), for inputs X of shape (n, D); also the caches for ``backward``.

    Linear: F = X W + b. 2-layer: Z = X W + b (n, H), A = max(0, Z) (n, H), F = A W2 + b2.
    """
    scores, affine_cache = affine_forward(X, params["W"], params["b"])
    if not is_two_layer(params):
        return scores, (affine_cache,)
    hidden_layer, relu_cache = relu_forward(scores)  # scores here is Z, the pre-activation
    scores, affine2_cache = affine_forward(hidden_layer, params["W2"], params["b2"])
    return scores, (affine_cache, relu_cache, affine2_cache)


def backward(dscores, caches):
    """Gradients of the data loss for every parameter, from ``dscores`` = ∂L/∂F of shape (n, K).

    Returns a dict with the keys and shapes of the parameters.
    """
    if len(caches) == 1:
        _, dW, db = affine_backward(dscores, caches[0])
        return {"W": dW, "b": db}
    affine_cache, relu_cache, affine2_cache = caches
    dhidden, dW2, db2 = affine_backward(dscores, affine2_cache)
    dhidden = relu_backward(dhidden, relu_cache)
    _, dW, db = affine_backward(dhidden, affine_cache)
    return {"W": dW, "b": db, "W2": dW2, "b2": db2}


def loss_and_grads(params, X, y, reg=1e-3):
    """Regularised softmax loss of either model, and the gradient of every parameter.

    params : dict, see the module docstring. X : (n, D). y : (n,) ints in [0, K).
    reg : float >= 0, the L2 strength; the loss adds ``0.5 * reg * sum(W*W)`` for each weight matrix.

    Returns ``(loss, grads)``, grads a dict with the keys and shapes of ``params``.
    """
    X = check_data(X)
    params, K = check_params(params, X.shape[1])
    y = check_labels(y, X.shape[0], K)
    reg = check_scalar(reg, "reg", numbers.Real, min_val=0)

    scores, caches = forward(params, X)
    data_loss, dscores = softmax_loss(scores, y)
    grads = backward(dscores, caches)
    weights = [k for k in ("W", "W2") if k in params]
    for key in weights:
        grads[key] += reg * params[key]
    loss = data_loss + l2_penalty(reg, *(params[k] for k in weights))
    return loss, grads


def predict(params, X, *, chunk_entries=CACHE_ENTRIES):
    """Predicted class of each row of X (n, D), the arg-max of its scores: an int array of shape (n,).

    chunk_entries : int >= 1; the rows go through ``forward`` in chunks of
        ``chunk_entries // H`` rows (H = the columns of params["W"]), so that each chunk's hidden
        layer stays in the CPU cache over a large grid of points.
    """
    X = check_data(X)
    params, _ = check_params(params, X.shape[1])
    chunk_entries = check_scalar(chunk_entries, "chunk_entries", numbers.Integral, min_val=1)
    rows = max(1, chunk_entries // params["W"].shape[1])
    if len(X) <= rows:
        scores, _ = forward(params, X)
        return np.argmax(scores, axis=1)
    predicted_class = np.empty(len(X), dtype=np.intp)
    for start in range(0, len(X), rows):
        scores, _ = forward(params, X[start:start + rows])
        predicted_class[start:start + rows] = np.argmax(scores, axis=1)
    return predicted_class


def accuracy(params, X, y):
    """Fraction of rows of X (n, D) whose predicted class equals y (n,): a float in [0, 1]."""
    predicted_class = predict(params, X)
    y = check_labels(y, len(predicted_class))
    return float(np.mean(predicted_class == y))


def dead_units(params, X):
    """(H,) bool: True for each hidden unit whose input is <= 0 at every row of X (n, D).

    Such a unit outputs 0 at every one of these examples, and its ReLU switch blocks the gradient of
    the data loss: it is dead. Its bias stays put; only the L2 term still moves its weights, towards 0.
    """
    if len(X) == 0:
        return np.zeros(params["W"].shape[1], dtype=bool)
    z, _ = affine_forward(X, params["W"], params["b"])  # the hidden layer's input, (n, H)
    return np.all(z <= 0, axis=0)


def hinge_segments(W, b, extent):
    """Where each hidden unit switches on, clipped to the box ``extent = (x_min, x_max, y_min, y_max)``.

    Unit j is zero on one side of the line ``x . W[:, j] + b[j] = 0`` and rises linearly on
    the other. W : (2, H), b : (1, H) or (H,). Returns (H, 2, 2): segment j runs from
    ``[j, 0]`` to ``[j, 1]``, each an (x0, x1) point; NaN where the line misses the box
    (or the unit has no line, W[:, j] = 0).
    """
    W, b = np.asarray(W, float), np.reshape(np.asarray(b, float), -1)
    norm2 = np.sum(W * W, axis=0)
    has_line = norm2 > 0
    safe = np.where(has_line, norm2, 1.0)
    origin = -(b / safe) * W  # (2, H): the point of each line nearest to (0, 0)
    direction = np.stack([-W[1], W[0]])  # (2, H): along the line
    t_low, t_high = np.full(W.shape[1], -np.inf), np.full(W.shape[1], np.inf)
    # Liang-Barsky: intersect the parameter interval with each pair of box edges
    for axis, (low, high) in enumerate((extent[:2], extent[2:])):
        d, o = direction[axis], origin[axis]
        moving = d != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t1, t2 = (low - o) / d, (high - o) / d
        t_low = np.where(moving, np.maximum(t_low, np.minimum(t1, t2)), t_low)
        t_high = np.where(moving, np.minimum(t_high, np.maximum(t1, t2)), t_high)
        has_line &= moving | ((low <= o) & (o <= high))
    has_line &= t_low < t_high
    t_low, t_high = np.where(has_line, t_low, 0.0), np.where(has_line, t_high, 0.0)  # no inf * 0 below
    segments = np.stack([origin + t_low * direction, origin + t_high * direction])  # (2 ends, 2 coords, H)
    segments = segments.transpose(2, 0, 1).copy()
    segments[~has_line] = np.nan
    return segments

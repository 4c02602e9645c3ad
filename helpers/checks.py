"""Argument checks shared by every kernel: this module owns the checks of data (``check_data``),
labels (``check_labels``), numbers (``check_scalar``) and generators (``check_rng``).

Each check raises a ``TypeError`` (wrong kind of thing) or a ``ValueError``
(right kind, wrong value) whose message names the argument, says what was
expected and what was given, so that a learner never has to read a NumPy
broadcasting traceback to find a typo.
"""
import math
import numbers

import numpy as np


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"


def _as_array(value, name, expected):
    """``np.asarray(value)``, with a message naming ``name`` when nested lists are ragged."""
    try:
        return np.asarray(value)
    except ValueError:
        lengths = sorted({len(row) for row in value if hasattr(row, "__len__")})
        raise ValueError(f"{name} must be {expected}, with rows of one length; got a ragged "
                         f"{type(value).__name__} whose rows have lengths {lengths}") from None


def check_data(X, name="X"):
    """Return ``X`` as a finite 2-D float array of shape (n, D), n >= 1 rows (examples) and D >= 1 columns."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(f"{name} must be a 2-D array of shape (n, D); got {_describe(X)}")
    X = _as_array(X, name, "a 2-D array of shape (n, D)")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D, of shape (n, D); got an array of shape {X.shape}")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column; got shape {X.shape}")
    if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)):
        raise TypeError(f"{name} must hold real numbers; got dtype {X.dtype}")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        bad = int(np.size(X) - np.count_nonzero(np.isfinite(X)))
        raise ValueError(f"{name} must be finite; got {bad} NaN or infinite value(s)")
    return X


def check_labels(y, n, K=None, name="y"):
    """Return ``y`` as a 1-D integer array of shape (n,), one label per example, with values in [0, K)."""
    y = _as_array(y, name, f"a 1-D array of shape ({n},)")
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D, of shape ({n},); got an array of shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels; got dtype {y.dtype}")
    if y.shape[0] != n:
        raise ValueError(f"{name} must have one label per example, length {n}; got length {y.shape[0]}")
    if K is not None and y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(
            f"{name} must hold labels in [0, {K}) for K = {K} classes; "
            f"got values from {y.min()} to {y.max()}"
        )
    return y


_BOUNDS = {"both": (">=", "<="), "left": (">=", "<"), "right": (">", "<="), "neither": (">", "<")}


def check_scalar(x, name, target_type, *, min_val=None, max_val=None, include_boundaries="both"):
    """Return ``x`` as an int (``target_type=numbers.Integral``) or a finite float (``numbers.Real``), within bounds.

    As ``sklearn.utils.check_scalar``: a ``TypeError`` when ``x`` is not an instance of ``target_type``
    (a bool never counts as a number here), a ``ValueError`` when it lies outside ``min_val`` ..
    ``max_val``; ``include_boundaries`` ("both", "left", "right" or "neither") says which bounds
    ``x`` may equal. Messages read ``step_size must be a real number > 0; got -0.001``.
    """
    if include_boundaries not in _BOUNDS:
        raise ValueError(f"include_boundaries must be one of {tuple(_BOUNDS)}; got {include_boundaries!r}")
    low, high = _BOUNDS[include_boundaries]
    integral = issubclass(target_type, numbers.Integral)
    expected = "an integer" if integral else "a real number"
    if min_val is not None and max_val is not None:
        expected += f" in {'[' if low == '>=' else '('}{min_val}, {max_val}{']' if high == '<=' else ')'}"
    elif min_val is not None:
        expected += f" {low} {min_val}"
    elif max_val is not None:
        expected += f" {high} {max_val}"
    if isinstance(x, bool) or not isinstance(x, target_type):
        raise TypeError(f"{name} must be {expected}; got {_describe(x)}")
    x = int(x) if integral else float(x)
    if not integral and not math.isfinite(x):
        raise ValueError(f"{name} must be finite, {expected}; got {x}")
    too_low = min_val is not None and (x < min_val if low == ">=" else x <= min_val)
    too_high = max_val is not None and (x > max_val if high == "<=" else x >= max_val)
    if too_low or too_high:
        raise ValueError(f"{name} must be {expected}; got {x}")
    return x


def check_rng(rng):
    """Return ``rng`` if it is a NumPy RandomState or Generator."""
    if not isinstance(rng, (np.random.RandomState, np.random.Generator)):
        raise TypeError(
            "rng must be a np.random.RandomState or np.random.Generator "
            f"(e.g. np.random.RandomState(0)); got {_describe(rng)}"
        )
    return rng


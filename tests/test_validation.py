"""Bad input gets an error that names the argument, what was expected and what was given."""
import numbers

import numpy as np
import pytest

from helpers.checks import check_scalar
from helpers import accuracy, init_linear, init_two_layer, loss_and_grads, predict, train

rng = np.random.RandomState(0)
X = rng.randn(6, 2)
y = np.array([0, 1, 2, 0, 1, 2], dtype=np.uint8)
LIN = init_linear(2, 3, rng=np.random.RandomState(1))
NET = init_two_layer(2, 4, 3, rng=np.random.RandomState(1))


def with_nan(a):
    a = a.copy()
    a[1, 1] = np.nan
    return a


# (call, error type, words the message must contain)
CASES = {
    "X not 2-D": (lambda: train(LIN, X.ravel(), y), ValueError, "X must be 2-D, of shape (n, D); got an array of shape (12,)"),
    "X a string": (lambda: train(LIN, "X", y), TypeError, "X must be a 2-D array"),
    "X with NaN": (lambda: train(LIN, with_nan(X), y), ValueError, "X must be finite; got 1 NaN or infinite value(s)"),
    "X with inf": (lambda: loss_and_grads(LIN, np.where(X > 1, np.inf, X), y), ValueError, "X must be finite"),
    "X empty": (lambda: train(LIN, np.zeros((0, 2)), y[:0]), ValueError, "X must have at least one row"),
    "X ragged": (lambda: train(LIN, [[1, 2], [3]], y[:2]), ValueError, "X must be a 2-D array of shape (n, D), with rows of one length; got a ragged list whose rows have lengths [1, 2]"),
    "X ragged in predict": (lambda: predict(LIN, [[1.0, 2.0], [3.0]]), ValueError, "X must be a 2-D array of shape (n, D), with rows of one length"),
    "y ragged": (lambda: train(LIN, X[:2], [[0], [1, 2]]), ValueError, "y must be a 1-D array of shape (2,), with rows of one length"),
    "X of strings": (lambda: train(LIN, np.array([["a", "b"]]), y[:1]), TypeError, "X must hold real numbers"),
    "y too short": (lambda: train(LIN, X, y[:4]), ValueError, "y must have one label per example, length 6; got length 4"),
    "y 2-D": (lambda: train(LIN, X, y[:, None]), ValueError, "y must be 1-D, of shape (6,); got an array of shape (6, 1)"),
    "y floats": (lambda: train(LIN, X, y.astype(float)), TypeError, "y must hold integer class labels; got dtype float64"),
    "y label too big": (lambda: train(LIN, X, np.array([0, 1, 2, 3, 1, 2])), ValueError, "y must hold labels in [0, 3) for K = 3 classes; got values from 0 to 3"),
    "y label negative": (lambda: loss_and_grads(NET, X, np.array([0, 1, -1, 0, 1, 2])), ValueError, "y must hold labels in [0, 3)"),
    "step size zero": (lambda: train(LIN, X, y, step_size=0), ValueError, "step_size must be a real number > 0; got 0.0"),
    "step size negative": (lambda: train(NET, X, y, step_size=-1e-3), ValueError, "step_size must be a real number > 0; got -0.001"),
    "step size nan": (lambda: train(NET, X, y, step_size=float("nan")), ValueError, "step_size must be finite, a real number > 0; got nan"),
    "step size a string": (lambda: train(NET, X, y, step_size="1"), TypeError, "step_size must be a real number > 0; got str '1'"),
    "reg negative": (lambda: train(LIN, X, y, reg=-1e-3), ValueError, "reg must be a real number >= 0; got -0.001"),
    "reg negative in loss": (lambda: loss_and_grads(NET, X, y, reg=-1.0), ValueError, "reg must be a real number >= 0; got -1.0"),
    "num_iters zero": (lambda: train(LIN, X, y, num_iters=0), ValueError, "num_iters must be an integer >= 1; got 0"),
    "num_iters float": (lambda: train(LIN, X, y, num_iters=10.5), TypeError, "num_iters must be an integer >= 1; got float 10.5"),
    "record_every zero": (lambda: train(LIN, X, y, record_every=0), ValueError, "record_every must be an integer >= 1; got 0"),
    "hidden size zero": (lambda: init_two_layer(2, 0, 3, rng=rng), ValueError, "hidden_size must be an integer >= 1; got 0"),
    "D zero": (lambda: init_linear(0, 3, rng=rng), ValueError, "D must be an integer >= 1; got 0"),
    "no generator": (lambda: init_linear(2, 3, rng=42), TypeError, "rng must be a np.random.RandomState or np.random.Generator"),
    "params not a dict": (lambda: train([LIN["W"], LIN["b"]], X, y), TypeError, "params must be a dict"),
    "params missing b2": (lambda: train({k: NET[k] for k in ("W", "b", "W2")}, X, y), ValueError, "params must have keys ('W', 'b') or ('W', 'b', 'W2', 'b2'); got keys ('W', 'b', 'W2')"),
    "W rows differ from D": (lambda: train(LIN, np.hstack([X, X]), y), ValueError, "params['W'] must have 4 rows (the number of columns of X); got shape (2, 3)"),
    "b of wrong size": (lambda: train({"W": LIN["W"], "b": np.zeros((1, 4))}, X, y), ValueError, "params['b'] must have shape (1, 3) to match params['W']; got shape (1, 4)"),
    "W2 rows differ from hidden size": (lambda: train({**NET, "W2": np.zeros((5, 3))}, X, y), ValueError, "params['W2'] must have 4 rows (the hidden size, columns of params['W']); got shape (5, 3)"),
    "b2 of wrong size": (lambda: loss_and_grads({**NET, "b2": np.zeros((1, 2))}, X, y), ValueError, "params['b2'] must have shape (1, 3) to match params['W2']; got shape (1, 2)"),
    "integer weights": (lambda: train({"W": np.ones((2, 3), dtype=int), "b": LIN["b"]}, X, y), TypeError, "params['W'] must be a float array; got dtype int64"),
    "NaN weights": (lambda: predict({"W": with_nan(NET["W"]), "b": NET["b"]}, X), ValueError, "params['W'] must be finite"),
    "predict on wrong width": (lambda: predict(NET, X[:, :1]), ValueError, "params['W'] must have 1 rows"),
    "accuracy with short y": (lambda: accuracy(LIN, X, y[:3]), ValueError, "y must have one label per example, length 6; got length 3"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_error(case):
    call, error, words = CASES[case]
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize("value, bounds, error, words", [
    (1.0, dict(min_val=0, max_val=1, include_boundaries="left"), ValueError,
     "share must be a real number in [0, 1); got 1.0"),
    (0.0, dict(min_val=0, max_val=1, include_boundaries="right"), ValueError,
     "share must be a real number in (0, 1]; got 0.0"),
    (2.0, dict(max_val=1), ValueError, "share must be a real number <= 1; got 2.0"),
    (True, dict(min_val=0), TypeError, "share must be a real number >= 0; got bool True"),
    (float("inf"), dict(), ValueError, "share must be finite, a real number; got inf"),
    (0.5, dict(include_boundaries="open"), ValueError, "include_boundaries must be one of"),
])
def test_check_scalar_names_the_bounds_it_wanted(value, bounds, error, words):
    with pytest.raises(error) as info:
        check_scalar(value, "share", numbers.Real, **bounds)
    assert words in str(info.value)


def test_check_scalar_returns_a_plain_int_or_float_and_accepts_its_boundaries():
    assert check_scalar(np.int64(3), "n", numbers.Integral, min_val=3) == 3
    assert type(check_scalar(np.int64(3), "n", numbers.Integral)) is int
    assert type(check_scalar(np.float32(0.5), "share", numbers.Real)) is float
    assert check_scalar(1.0, "share", numbers.Real, min_val=0, max_val=1) == 1.0
    assert check_scalar(7, "share", numbers.Real, min_val=0) == 7.0

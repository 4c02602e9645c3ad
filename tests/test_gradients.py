"""Every analytic gradient against a centred-difference numerical one, on random shapes."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import (affine_backward, affine_forward, gradient_errors, init_linear, init_two_layer,
                     loss_and_grads, numerical_gradient, rel_error, relu_backward, relu_forward, train)

TOL = 1e-7
shapes = st.tuples(st.integers(1, 12), st.integers(1, 5), st.integers(1, 9), st.integers(2, 5))


def random_problem(seed, N, D, K):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, D)), rng.integers(0, K, size=N).astype(np.uint8), rng


def well_scaled(params, rng):
    """Parameters of order 1/sqrt(fan-in), so that scores are O(1) and the softmax is not saturated."""
    return {k: rng.normal(size=v.shape) / np.sqrt(v.shape[0]) for k, v in params.items()}


def assume_measurable(params, X, y, reg):
    """Skip problems where a centred difference cannot resolve 1e-7 relative error.

    With h = 1e-5 in float64 a numerical derivative carries an absolute error of
    roughly 1e-11 (rounding) plus h^2 times the third derivative (truncation), so
    an element much below 1e-3 cannot be checked to 1e-7 relative; nor can a ReLU
    input within a few h of its kink. Exactly-zero elements (dead units) are fine.
    """
    if "W2" in params:
        assume(np.abs(X @ params["W"] + params["b"]).min() > 1e-3)
    _, grads = loss_and_grads(params, X, y, reg)
    flat = np.abs(np.concatenate([g.ravel() for g in grads.values()]))
    assume(flat[flat > 0].min() > 1e-3)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(shapes, st.floats(0.0, 1.0), st.integers(0, 2 ** 31))
def test_linear_gradients(shape, reg, seed):
    N, D, _, K = shape
    X, y, rng = random_problem(seed, N, D, K)
    params = well_scaled(init_linear(D, K, rng=rng), rng)
    assume_measurable(params, X, y, reg)
    errors = gradient_errors(lambda p: loss_and_grads(p, X, y, reg), params)
    assert max(errors.values()) < TOL, errors


@settings(max_examples=40, deadline=None, derandomize=True)
@given(shapes, st.floats(0.0, 1.0), st.integers(0, 2 ** 31))
def test_two_layer_gradients(shape, reg, seed):
    N, D, H, K = shape
    X, y, rng = random_problem(seed, N, D, K)
    params = well_scaled(init_two_layer(D, H, K, rng=rng), rng)
    assume_measurable(params, X, y, reg)
    errors = gradient_errors(lambda p: loss_and_grads(p, X, y, reg), params)
    assert max(errors.values()) < TOL, errors


def test_affine_and_relu_layers():
    rng = np.random.default_rng(5)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(1, 5))
    dout = rng.normal(size=(4, 5))
    out, cache = affine_forward(X, W, b)
    np.testing.assert_allclose(out, X @ W + b)
    dX, dW, db = affine_backward(dout, cache)
    for analytic, x in ((dX, X), (dW, W), (db, b)):
        numeric = numerical_gradient(lambda: np.sum(affine_forward(X, W, b)[0] * dout), x)
        assert rel_error(analytic, numeric) < TOL

    x = rng.normal(size=(4, 5))
    out, cache = relu_forward(x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0))
    dx = relu_backward(dout, cache)
    numeric = numerical_gradient(lambda: np.sum(relu_forward(x)[0] * dout), x)
    assert rel_error(dx, numeric) < TOL


def test_a_wrong_gradient_is_caught():
    """The check itself can fail: halve one gradient and the error is large."""
    X, y, rng = random_problem(0, 6, 2, 3)
    params = init_linear(2, 3, rng=rng)

    def wrong(p):
        loss, grads = loss_and_grads(p, X, y, 0.1)
        grads["W"] = grads["W"] * 0.5
        return loss, grads

    assert gradient_errors(wrong, params)["W"] > 0.1


def plain_gradient_descent(params, X, y, step_size, reg, num_iters):
    """The update rule written with the readable kernels, as a reference for the fast loop."""
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(num_iters):
        loss, grads = loss_and_grads(params, X, y, reg)
        losses.append(loss)
        for k in params:
            params[k] -= step_size * grads[k]
    return params, losses


@pytest.mark.parametrize("two_layer", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_training_loop_matches_the_plain_update(two_layer, seed):
    rng = np.random.default_rng(seed)
    N, D, H, K = rng.integers(1, 40), rng.integers(1, 6), rng.integers(1, 30), rng.integers(2, 6)
    X, y, rng = random_problem(seed, N, D, K)
    params = init_two_layer(D, H, K, rng=rng) if two_layer else init_linear(D, K, rng=rng)
    params = {k: v + 0.3 * rng.normal(size=v.shape) for k, v in params.items()}
    expected, losses = plain_gradient_descent(params, X, y, 0.5, 0.01, 25)
    result = train(params, X, y, step_size=0.5, reg=0.01, num_iters=25, record_every=1)
    assert result.diverged is None
    for k in params:
        np.testing.assert_allclose(result.params[k], expected[k], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose([loss for _, loss in result.loss_history], losses, rtol=1e-10)

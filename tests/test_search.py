"""The accuracy search of notebook 3 and the kink test of notebook 4."""
import numpy as np
import pytest

from helpers import accuracy, gradient_errors, loss_and_grads, train
from helpers.course import REG, course_linear_setup, course_net_setup
from helpers.gradcheck import near_kink
from helpers.search import search_linear_classifier


def test_search_beats_the_softmax_optimum_on_accuracy(spiral):
    X, y = spiral
    params, found = search_linear_classifier(X, y, rng=np.random.RandomState(1))
    assert set(params) == {"W", "b"} and params["W"].shape == (2, 3) and params["b"].shape == (1, 3)
    assert found == accuracy(params, X, y)
    X_, y_, start = course_linear_setup()
    softmax_optimum = accuracy(train(start, X, y, step_size=1.0, reg=REG, num_iters=200).params, X, y)
    assert softmax_optimum < 0.5 < 0.65 < found


def test_nudges_never_lose_accuracy(spiral):
    X, y = spiral
    _, random_only = search_linear_classifier(X, y, rng=np.random.RandomState(5), num_nudges=0)
    _, nudged = search_linear_classifier(X, y, rng=np.random.RandomState(5))
    assert nudged >= random_only


def test_search_rejects_bad_input(spiral):
    X, y = spiral
    with pytest.raises(ValueError, match="num_nudges must be an integer >= 0; got -1"):
        search_linear_classifier(X, y, rng=np.random.RandomState(0), num_nudges=-1)
    with pytest.raises(TypeError, match="rng must be"):
        search_linear_classifier(X, y, rng=0)


def test_near_kink_scales_with_the_input():
    X = np.array([[2.0, 0.0], [0.5, 0.0], [0.0, 0.0]])
    Z = np.array([[1.5e-5], [1.5e-5], [0.0]])
    # nudging W[0, 0] by 1e-5 moves row 0 by 2e-5 (reaches), row 1 by 5e-6; b moves it by 1e-5
    np.testing.assert_array_equal(near_kink(X, Z, eps=1e-5), [[True], [False], [True]])
    with pytest.raises(ValueError, match="Z must have one row per row of X, 3 rows; got shape \\(2, 1\\)"):
        near_kink(X, Z[:2])
    with pytest.raises(ValueError, match="eps must be a real number > 0"):
        near_kink(X, Z, eps=0)


def test_gradient_check_fails_at_the_course_start_because_of_kinks():
    X, y, params = course_net_setup()
    near = near_kink(X, X @ params["W"] + params["b"])
    assert near[[0, 100, 200]].all()          # the three origin points sit on every kink
    errors = gradient_errors(lambda p: loss_and_grads(p, X, y, reg=REG), params)
    assert errors["W"] > 1e-3 and errors["b"] > 1e-2
    keep = ~near.any(axis=1)
    errors = gradient_errors(lambda p: loss_and_grads(p, X[keep], y[keep], reg=REG), params)
    assert errors["W"] < 1e-5 and errors["b"] < 1e-5

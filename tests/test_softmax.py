import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import log_softmax, softmax, softmax_loss

moderate_scores = st.integers(1, 20).flatmap(
    lambda n: st.integers(1, 6).flatmap(
        lambda k: arrays(np.float64, (n, k), elements=st.floats(-30, 30))
    )
)


def plain_softmax(scores):
    exp_scores = np.exp(scores)
    return exp_scores / np.sum(exp_scores, axis=1, keepdims=True)


@settings(max_examples=60, deadline=None)
@given(moderate_scores)
def test_agrees_with_the_plain_formula_where_it_works(scores):
    np.testing.assert_allclose(softmax(scores), plain_softmax(scores), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_softmax(scores)), plain_softmax(scores), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(softmax(scores).sum(axis=1), 1.0)


def test_large_scores_stay_finite_and_raise_no_warning():
    scores = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = softmax(scores)
        logp = log_softmax(scores)
        loss, dscores = softmax_loss(scores, np.array([2, 0, 2]))
    np.testing.assert_allclose(probs, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]], atol=1e-300)
    np.testing.assert_allclose(logp[0], [0.0, -1e4, -2e4])
    # example 0 puts all its mass on class 0 but is class 2: it pays 2e4; example 2 pays 1e4 + log 2.
    np.testing.assert_allclose(loss, (2e4 + np.log(3) + 1e4 + np.log(2)) / 3)
    assert np.all(np.isfinite(dscores))


def test_the_plain_formula_really_fails_there():
    """The stable version is needed: without the shift these scores give nan."""
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(plain_softmax(np.array([[1e4, 0.0, -1e4]]))).any()


def test_loss_and_dscores_on_the_worked_example():
    probs = np.array([[0.2, 0.3, 0.5]])
    loss, dscores = softmax_loss(np.log(probs), np.array([1]))
    np.testing.assert_allclose(loss, -np.log(0.3))
    np.testing.assert_allclose(dscores, [[0.2, -0.7, 0.5]])


def test_loss_is_the_mean_correct_class_negative_log_probability():
    rng = np.random.default_rng(3)
    scores, y = rng.normal(size=(7, 4)), rng.integers(0, 4, size=7)
    probs = plain_softmax(scores)
    loss, dscores = softmax_loss(scores, y)
    np.testing.assert_allclose(loss, -np.log(probs[np.arange(7), y]).mean())
    expected = probs.copy()
    expected[np.arange(7), y] -= 1
    np.testing.assert_allclose(dscores, expected / 7)


def test_first_loss_is_about_log_3_with_small_scores():
    loss, _ = softmax_loss(np.zeros((5, 3)), np.array([0, 1, 2, 0, 1]))
    assert loss == pytest.approx(-np.log(1 / 3))


@pytest.mark.parametrize(
    "scores, y, error, words",
    [
        (np.zeros(3), [0], ValueError, "scores must be 2-D"),
        (np.zeros((2, 3)), [0, 1, 2], ValueError, "y must have one label per example, length 2; got length 3"),
        (np.zeros((2, 3)), [0, 3], ValueError, r"y must hold labels in \[0, 3\)"),
        (np.zeros((2, 3)), [0.0, 1.0], TypeError, "y must hold integer class labels; got dtype float64"),
    ],
)
def test_bad_input(scores, y, error, words):
    with pytest.raises(error, match=words):
        softmax_loss(scores, np.asarray(y))

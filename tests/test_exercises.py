"""The instant checks of helpers.exercises: right answers pass, each listed mistake is named,
nothing of the expected arrays is printed, a call to the helpers function an exercise rebuilds is not
accepted, every line fits nbgrader's feedback, and under nbgrader's grading the verdict goes to stderr
(a score of 0) while the cells below still get the helpers version."""
import ast
import copy
import dataclasses
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers import course, exercises
import helpers
from helpers.exercises import EXERCISES, HINTS, WIDTH
from helpers.exercises.engine import same

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def run_check(name, func, capsys):
    """Run the check of exercise ``name`` on ``func``; return (returned function, stdout)."""
    returned = getattr(exercises, f"check_{name}")(func)
    out, err = capsys.readouterr()
    assert err == "", f"the check printed to stderr: {err!r}"
    return returned, out


# ------------------------------------------------------------------ right answers, written as a learner would
def spiral_arm(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(4 * j, 4 * (j + 1), N) + 0.2 * rng.standard_normal(N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def class_scores(X, W, b):
    return X @ W + b


def softmax_probs(scores):
    e = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def softmax_loss_l2(probs, y, W, reg):
    return -np.mean(np.log(probs[range(len(y)), y])) + 0.5 * reg * np.sum(W ** 2)


def loss_from_scores(scores, y):
    f_max = np.max(scores, axis=1, keepdims=True)
    log_sum_exp = f_max[:, 0] + np.log(np.sum(np.exp(scores - f_max), axis=1))
    return np.mean(log_sum_exp - scores[np.arange(len(y)), y])


def neuron_backward(x0, x1, w0, w1, b, da):
    z = w0 * x0 + w1 * x1 + b
    dz = da if z > 0 else 0.0        # max gate
    return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz


def score_gradient(scores, y):
    d = softmax_probs(scores)
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


def linear_backward(X, dscores, W, reg):
    return np.dot(X.T, dscores) + reg * W, np.sum(dscores, axis=0, keepdims=True)


def gradient_descent_update(W, b, dW, db, step_size):
    return W - step_size * dW, b - step_size * db


def hidden_activation(z):
    return np.maximum(z, 0)


def relu_switch(dhidden, z):
    out = dhidden.copy()
    out[z <= 0] = 0
    return out


def second_layer_backward(hidden_layer, dscores, W2, reg):
    return (hidden_layer.T @ dscores + reg * W2, dscores.sum(axis=0)[None, :], dscores @ W2.T)


def numerical_gradient(f, x, eps):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + eps
        up = f()
        x.flat[i] = old - eps
        down = f()
        x.flat[i] = old
        grad.flat[i] = (up - down) / (2 * eps)
    return grad


def network_forward(X, params):
    hidden_layer = hidden_activation(np.dot(X, params["W"]) + params["b"])
    return np.dot(hidden_layer, params["W2"]) + params["b2"], hidden_layer


def network_loss(scores, y, params, reg):
    probs = softmax_probs(scores)
    rows = np.arange(len(y))
    loss = -np.mean(np.log(probs[rows, y])) + 0.5 * reg * (np.sum(params["W"] ** 2) + np.sum(params["W2"] ** 2))
    dscores = probs                     # the course's aliasing is fine once the loss is computed
    dscores[rows, y] -= 1
    return loss, dscores / len(y)


def network_backward(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    return X.T.dot(dz) + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def train_network(params, X, y, step_size, reg, num_iters):
    params = copy.deepcopy(params)
    losses = np.zeros(num_iters)        # an array of losses does as well as a list
    for i in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        losses[i], dscores = network_loss(scores, y, params, reg)
        grads = network_backward(dscores, X, hidden_layer, params, reg)
        for name, grad in zip(("W", "b", "W2", "b2"), grads):
            params[name] += -step_size * grad
    return params, losses


RIGHT = {f.__name__: f for f in (spiral_arm, class_scores, softmax_probs, softmax_loss_l2, loss_from_scores,
                                  neuron_backward, score_gradient, linear_backward, numerical_gradient,
                                  gradient_descent_update, hidden_activation, relu_switch, second_layer_backward,
                                  network_forward, network_loss, network_backward, train_network)}


def test_every_exercise_has_a_check():
    assert set(EXERCISES) == set(RIGHT)
    for name in EXERCISES:
        assert callable(getattr(exercises, f"check_{name}"))


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_right_answer_passes_in_one_line(name, capsys):
    returned, out = run_check(name, RIGHT[name], capsys)
    assert returned is RIGHT[name]
    assert out == f"\u2714 {name}: right.\n"


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_not_done_falls_back_to_helpers(name, capsys):
    def untouched(*args):
        # YOUR CODE HERE
        raise NotImplementedError()

    returned, out = run_check(name, untouched, capsys)
    assert "not done yet" in out and out.count("\n") == 1
    assert returned is EXERCISES[name].reference
    # the fallback is itself right
    assert EXERCISES[name].diagnose(returned)[0] == "right"


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_grading_mode_scores_zero_and_the_cells_below_still_run(name, monkeypatch, capsys):
    """nbgrader scores a grade cell with stderr output 0; the check must not raise, so that the
    name it binds is the helpers version and the cells below run as for a student."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def untouched(*args):
        raise NotImplementedError()

    for func, verdict in ((untouched, "not done yet"), (lambda *args: None, "not right yet")):
        returned = getattr(exercises, f"check_{name}")(func)
        out, err = capsys.readouterr()
        assert out == "" and verdict in err and "helpers version" in err
        assert returned is EXERCISES[name].reference
    assert getattr(exercises, f"check_{name}")(RIGHT[name]) is RIGHT[name]
    out, err = capsys.readouterr()
    assert err == "" and "right" in out


# ------------------------------------------------------------------ helpers calls are not the exercise
def softmax_by_helpers(scores):
    return helpers.softmax(scores)


def dscores_by_helpers(scores, y):
    return helpers.softmax_loss(scores, y)[1]


def relu_by_helpers(z):
    return helpers.relu_forward(z)[0]


def scores_by_affine(X, W, b):
    return helpers.affine_forward(X, W, b)[0]


def neuron_by_layers(x0, x1, w0, w1, b, da):
    z = np.array([[w0 * x0 + w1 * x1 + b]])
    dz = helpers.relu_backward(np.array([[da]]), np.maximum(z, 0))
    return w0 * dz[0, 0], w1 * dz[0, 0], x0 * dz[0, 0], x1 * dz[0, 0], dz[0, 0]


def numgrad_by_helpers(f, x, eps):
    return helpers.numerical_gradient(f, x, eps)


def numgrad_by_gradcheck(f, x, eps):
    from helpers.gradcheck import numerical_gradient
    return numerical_gradient(f, x, eps)


def lse_loss_by_helpers(scores, y):
    return helpers.softmax_loss(scores, y)[0]


def lse_loss_by_log_softmax(scores, y):
    from helpers.softmax import log_softmax
    return -log_softmax(scores)[np.arange(len(y)), y].mean()


CALLS_HELPERS = [("softmax_probs", softmax_by_helpers, "softmax"),
                 ("loss_from_scores", lse_loss_by_helpers, "softmax_loss"),
                 ("loss_from_scores", lse_loss_by_log_softmax, "log_softmax"),
                 ("neuron_backward", neuron_by_layers, "relu_backward"),
                 ("score_gradient", dscores_by_helpers, "softmax_loss"),
                 ("hidden_activation", relu_by_helpers, "relu_forward"),
                 ("class_scores", scores_by_affine, "affine_forward"),
                 ("numerical_gradient", numgrad_by_helpers, "numerical_gradient"),
                 ("numerical_gradient", numgrad_by_gradcheck, "numerical_gradient")]


@pytest.mark.parametrize("name, func, helper", CALLS_HELPERS)
def test_a_call_to_the_helper_it_rebuilds_is_not_right(name, func, helper, capsys):
    returned, out = run_check(name, func, capsys)
    assert "not right yet" in out and f"a call to helpers.{helper}" in out
    assert returned is EXERCISES[name].reference
    # the helpers themselves are back in place, and still right
    assert getattr(helpers, helper).__module__.startswith("helpers.")
    assert EXERCISES[name].diagnose(func) [0] == "wrong"


def test_a_helper_imported_by_name_is_caught_too(capsys):
    namespace = {}
    exec("from helpers import softmax\ndef softmax_probs(scores):\n    return softmax(scores)\n", namespace)
    _, out = run_check("softmax_probs", namespace["softmax_probs"], capsys)
    assert "a call to helpers.softmax" in out
    assert namespace["softmax"] is helpers.softmax


def test_an_allowed_helper_that_uses_a_forbidden_one_inside_still_works(capsys):
    # helpers.loss_and_grads calls affine_backward internally: with loss_and_grads allowed and
    # affine_backward forbidden, the learner may call the one, and it still reaches the other
    def linear_backward(X, dscores, W, reg):
        assert np.isfinite(helpers.loss_and_grads({"W": W, "b": np.zeros((1, W.shape[1]))},
                                                  X, np.zeros(len(X), int))[0])
        return X.T @ dscores + reg * W, dscores.sum(axis=0, keepdims=True)
    exercise = dataclasses.replace(EXERCISES["linear_backward"], forbidden=("affine_backward",))
    assert exercise.check(linear_backward) is linear_backward
    out = capsys.readouterr().out
    assert "right" in out and "not right" not in out


def test_a_list_where_an_array_belongs_is_not_right(capsys):
    def arm_as_list(j, N, rng):
        return spiral_arm(j, N, rng).tolist()
    _, out = run_check("spiral_arm", arm_as_list, capsys)
    assert "not right yet" in out and "received: a list" in out
    assert "no known mistake" not in out


def test_several_values_may_come_back_as_a_list(capsys):
    """A list is not an array, but it may stand for the tuple of an exercise that returns several values."""
    def as_a_list(X, dscores, W, reg):
        return list(linear_backward(X, dscores, W, reg))
    returned, out = run_check("linear_backward", as_a_list, capsys)
    assert returned is as_a_list and out == "\u2714 linear_backward: right.\n"


def test_with_no_mutant_matching_the_arm_is_named_by_its_radii(capsys):
    """spiral_arm's properties: right radii point at the angles' draws, wrong ones at the radii."""
    def arm_radius_to_two(j, N, rng):
        return 2.0 * spiral_arm(j, N, rng)
    _, out = run_check("spiral_arm", arm_radius_to_two, capsys)
    flat = " ".join(out.split())
    assert "likely mistake: " + HINTS["arm_radius"] in flat
    assert HINTS["arm_other_draws"] not in flat


def test_a_mistake_not_listed_is_said_to_match_none(capsys):
    def scores_twice_the_bias(X, W, b):
        return X @ W + 2 * b
    _, out = run_check("class_scores", scores_twice_the_bias, capsys)
    flat = " ".join(out.split())
    assert "received: the right shape, but" in flat and "no known mistake matches" in flat
    assert not any(text in flat for text in HINTS.values())


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_every_line_fits_nbgraders_feedback(name, capsys):
    """nbgrader validate cuts lines at 87 characters; the hints are wrapped to WIDTH."""
    for _, mutant in EXERCISES[name].mutants:
        run_check(name, mutant, capsys)
    def untouched(*args):
        raise NotImplementedError()
    for func in (untouched, lambda *args: None, lambda *args: 1 / 0):
        run_check(name, func, capsys)
    capsys.readouterr()
    for _, mutant in EXERCISES[name].mutants + [("none", lambda *args: None)]:
        getattr(exercises, f"check_{name}")(mutant)
        out = capsys.readouterr().out
        assert max(len(line) for line in out.splitlines()) <= WIDTH, out


# ------------------------------------------------------------------ the listed mistakes, each written out
def loss_without_l2(probs, y, W, reg):
    return -np.log(probs[np.arange(len(y)), y]).mean()


def loss_without_half(probs, y, W, reg):
    return -np.log(probs[np.arange(len(y)), y]).mean() + reg * np.sum(W * W)


def loss_sum_not_mean(probs, y, W, reg):
    return -np.log(probs[np.arange(len(y)), y]).sum() + 0.5 * reg * np.sum(W * W)


def lse_no_shift(scores, y):
    return np.mean(np.log(np.exp(scores).sum(axis=1)) - scores[np.arange(len(y)), y])


def lse_log_of_probs(scores, y):
    return -np.log(softmax_probs(scores)[np.arange(len(y)), y]).mean()


def lse_log_of_naive_probs(scores, y):
    e = np.exp(scores)
    return -np.mean(np.log((e / e.sum(axis=1, keepdims=True))[np.arange(len(y)), y]))


def lse_global_max(scores, y):
    f_max = scores.max()
    return np.mean(f_max + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y])


def lse_max_down_columns(scores, y):
    f_max = np.max(scores, axis=0, keepdims=True)
    log_sum_exp = f_max + np.log(np.sum(np.exp(scores - f_max), axis=1))
    return np.mean(log_sum_exp - scores[range(len(y)), y])


def lse_sum_down_columns(scores, y):
    f_max = scores.max(axis=0)
    return np.mean(np.log(np.exp(scores - f_max).sum(axis=0)) + f_max - scores[np.arange(len(y)), y])


def lse_lost_keepdims(scores, y):
    f_max = np.max(scores, axis=1)
    return np.mean(np.log(np.sum(np.exp(scores - f_max), axis=1)) + f_max - scores[np.arange(len(y)), y])


def lse_max_not_added_back(scores, y):
    f_max = scores.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y])


def lse_max_taken_out_twice(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_sum_exp = scores.max(axis=1) + np.log(np.exp(shifted).sum(axis=1))
    return np.mean(log_sum_exp - shifted[np.arange(len(y)), y])


def lse_sum_not_mean(scores, y):
    return len(y) * loss_from_scores(scores, y)


def lse_not_averaged(scores, y):
    f_max = scores.max(axis=1, keepdims=True)
    return f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y]


def lse_log_probability(scores, y):
    return -loss_from_scores(scores, y)


def dscores_sum_not_mean(scores, y):
    d = softmax_probs(scores)
    d[np.arange(len(y)), y] -= 1
    return d


def dscores_no_minus_one(scores, y):
    return softmax_probs(scores) / len(y)


def dscores_unnormalised(scores, y):
    d = np.exp(scores - scores.max(axis=1, keepdims=True))
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


def dscores_raw_scores(scores, y):
    d = scores.copy()
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


def dscores_overflow(scores, y):
    e = np.exp(scores)
    d = e / e.sum(axis=1, keepdims=True)
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


def softmax_overflow(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def softmax_wrong_axis(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_lost_keepdims(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def scores_transposed(X, W, b):
    return W.T @ X.T + b.T


def dW_transposed(X, dscores, W, reg):
    return dscores.T @ X + reg * W.T, dscores.sum(axis=0, keepdims=True)


def db_wrong_axis(X, dscores, W, reg):
    return X.T @ dscores + reg * W, dscores.sum(axis=1, keepdims=True)


def db_lost_keepdims(X, dscores, W, reg):
    return X.T @ dscores + reg * W, dscores.sum(axis=0)


def dW_no_reg(X, dscores, W, reg):
    return X.T @ dscores, dscores.sum(axis=0, keepdims=True)


def dscores_global_max(scores, y):
    e = np.exp(scores - np.max(scores))      # the whole array's maximum
    d = e / e.sum(axis=1, keepdims=True)
    d[np.arange(len(y)), y] -= 1
    return d / len(y)


def dW_divided_by_n(X, dscores, W, reg):
    return X.T @ dscores / X.shape[0] + reg * W, dscores.sum(axis=0, keepdims=True)


def dW_db_divided_by_n(X, dscores, W, reg):
    n = X.shape[0]
    return X.T @ dscores / n + reg * W, np.sum(dscores, axis=0, keepdims=True) / n


def neuron_no_upstream(x0, x1, w0, w1, b, da):
    dz = 1.0 if w0 * x0 + w1 * x1 + b > 0 else 0.0
    return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz


def neuron_mul_swapped(x0, x1, w0, w1, b, da):
    dz = da if w0 * x0 + w1 * x1 + b > 0 else 0.0
    return x0 * dz, x1 * dz, w0 * dz, w1 * dz, dz


def neuron_mul_as_add(x0, x1, w0, w1, b, da):
    dz = da if w0 * x0 + w1 * x1 + b > 0 else 0.0
    return dz, dz, dz, dz, dz


def neuron_add_divided(x0, x1, w0, w1, b, da):
    dz = da if w0 * x0 + w1 * x1 + b > 0 else 0.0
    share = dz / 3           # "distributes equally", read as "divides"
    return w0 * share, w1 * share, x0 * share, x1 * share, share


def neuron_max_both(x0, x1, w0, w1, b, da):
    dz = da                  # max(0, z) passes to z whatever z is
    return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz


def neuron_max_wrong_side(x0, x1, w0, w1, b, da):
    dz = da if w0 * x0 + w1 * x1 + b < 0 else 0.0
    return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz


def neuron_max_on_gradient(x0, x1, w0, w1, b, da):
    dz = max(0.0, da)        # a ReLU on the gradient: it passes where da > 0, whatever z was
    return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz


def update_wrong_sign(W, b, dW, db, step_size):
    return W + step_size * dW, b + step_size * db


def relu_forward_not_applied(z):
    return z


def relu_forward_wrong_side(z):
    return np.minimum(0, z)


def switch_wrong_side(dhidden, z):
    return dhidden * (z < 0)


def switch_not_applied(dhidden, z):
    return dhidden


def switch_in_place(dhidden, z):
    dhidden[z <= 0] = 0
    return dhidden


def second_dW2_transposed(hidden_layer, dscores, W2, reg):
    return dscores.T @ hidden_layer + reg * W2.T, dscores.sum(axis=0, keepdims=True), dscores @ W2.T


def second_dhidden_transposed(hidden_layer, dscores, W2, reg):
    return hidden_layer.T @ dscores + reg * W2, dscores.sum(axis=0, keepdims=True), W2 @ dscores.T


def second_db2_lost_keepdims(hidden_layer, dscores, W2, reg):
    return hidden_layer.T @ dscores + reg * W2, dscores.sum(axis=0), dscores @ W2.T


def second_no_reg(hidden_layer, dscores, W2, reg):
    return hidden_layer.T @ dscores, dscores.sum(axis=0, keepdims=True), dscores @ W2.T


def arm_transposed(j, N, rng):
    return spiral_arm(j, N, rng).T


def arm_sin_cos_swapped(j, N, rng):
    return spiral_arm(j, N, rng)[:, ::-1]


def numgrad_one_sided(f, x, eps):
    grad = np.zeros(x.shape)
    base = f()
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + eps
        grad.flat[i] = (f() - base) / eps
        x.flat[i] = old
    return grad


def numgrad_backward(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        here = f()
        x[ix] = old - eps
        grad[ix] = (here - f()) / eps
        x[ix] = old
    return grad


def numgrad_over_eps(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + eps
        up = f()
        x[ix] = old - eps
        down = f()
        x[ix] = old
        grad[ix] = (up - down) / eps
    return grad


def numgrad_reversed(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old - eps
        down = f()
        x[ix] = old + eps
        up = f()
        x[ix] = old
        grad[ix] = (down - up) / (2 * eps)
    return grad


def numgrad_left_at_minus(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += eps
        up = f()
        x[ix] -= 2 * eps
        down = f()
        grad[ix] = (up - down) / (2 * eps)
    return grad


def numgrad_left_at_plus(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old - eps
        down = f()
        x[ix] = old + eps
        up = f()
        grad[ix] = (up - down) / (2 * eps)
    return grad


def numgrad_all_at_once(f, x, eps):
    x += eps
    up = f()
    x -= 2 * eps
    down = f()
    x += eps
    return np.ones(x.shape) * (up - down) / (2 * eps)


def numgrad_on_a_copy(f, x, eps):
    x = x.copy()
    return numerical_gradient(f, x, eps)


def numgrad_f_of_x(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[ix] = eps
        grad[ix] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def numgrad_fixed_step(f, x, eps):
    h = 1e-5
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        up = f()
        x[ix] = old - h
        down = f()
        x[ix] = old
        grad[ix] = (up - down) / (2 * h)
    return grad


def numgrad_lowered_back(f, x, eps):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += eps
        up = f()
        x[ix] -= eps             # "lower it": back to x, not to x - eps
        down = f()
        grad[ix] = (up - down) / (2 * eps)
    return grad


# the whole network, exercises 14-17: each listed mistake as a learner would write it
def forward_no_relu(X, params):
    z = X @ params["W"] + params["b"]
    return z @ params["W2"] + params["b2"], z


def forward_relu_wrong_side(X, params):
    hidden_layer = np.minimum(0, X @ params["W"] + params["b"])
    return hidden_layer @ params["W2"] + params["b2"], hidden_layer


def forward_scores_from_z(X, params):
    z = X @ params["W"] + params["b"]
    hidden_layer = hidden_activation(z)
    return z @ params["W2"] + params["b2"], hidden_layer


def forward_returns_z(X, params):
    z = X @ params["W"] + params["b"]
    return hidden_activation(z) @ params["W2"] + params["b2"], z


def forward_no_first_bias(X, params):
    hidden_layer = hidden_activation(X @ params["W"])
    return hidden_layer @ params["W2"] + params["b2"], hidden_layer


def forward_swapped(X, params):
    scores, hidden_layer = network_forward(X, params)
    return hidden_layer, scores


def _probs_and_rows(scores, y):
    return softmax_probs(scores), np.arange(len(y))


def net_loss_no_l2(scores, y, params, reg):
    probs, rows = _probs_and_rows(scores, y)
    return -np.log(probs[rows, y]).mean(), score_gradient(scores, y)


def net_loss_only_W(scores, y, params, reg):
    probs, rows = _probs_and_rows(scores, y)
    return -np.log(probs[rows, y]).mean() + 0.5 * reg * np.sum(params["W"] ** 2), score_gradient(scores, y)


def net_loss_on_biases(scores, y, params, reg):
    probs, rows = _probs_and_rows(scores, y)
    reg_loss = sum(0.5 * reg * np.sum(value ** 2) for value in params.values())
    return -np.log(probs[rows, y]).mean() + reg_loss, score_gradient(scores, y)


def net_loss_no_half(scores, y, params, reg):
    probs, rows = _probs_and_rows(scores, y)
    reg_loss = reg * np.sum(params["W"] ** 2) + reg * np.sum(params["W2"] ** 2)
    return -np.log(probs[rows, y]).mean() + reg_loss, score_gradient(scores, y)


def net_loss_sum(scores, y, params, reg):
    probs, rows = _probs_and_rows(scores, y)
    reg_loss = 0.5 * reg * (np.sum(params["W"] ** 2) + np.sum(params["W2"] ** 2))
    return -np.log(probs[rows, y]).sum() + reg_loss, score_gradient(scores, y)


def net_loss_grad_not_divided(scores, y, params, reg):
    loss, dscores = network_loss(scores, y, params, reg)
    return loss, dscores * len(y)


def net_loss_probs_reused(scores, y, params, reg):
    """The course's lines in another order: dscores = probs, then the loss from probs."""
    probs, rows = _probs_and_rows(scores, y)
    dscores = probs
    dscores[rows, y] -= 1
    dscores /= len(y)
    reg_loss = 0.5 * reg * (np.sum(params["W"] ** 2) + np.sum(params["W2"] ** 2))
    return -np.log(probs[rows, y]).mean() + reg_loss, dscores


def net_loss_overflow(scores, y, params, reg):
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    reg_loss = 0.5 * reg * (np.sum(params["W"] ** 2) + np.sum(params["W2"] ** 2))
    dscores = probs.copy()
    dscores[rows, y] -= 1
    return -np.log(probs[rows, y]).mean() + reg_loss, dscores / len(y)


def net_loss_no_minus_one(scores, y, params, reg):
    loss, _ = network_loss(scores, y, params, reg)
    return loss, softmax_probs(scores) / len(y)


def back_no_switch(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    return X.T @ dhidden + reg * params["W"], dhidden.sum(axis=0, keepdims=True), dW2, db2


def back_switch_wrong_side(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = np.where(hidden_layer > 0, 0.0, dhidden)
    return X.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_switch_times_hidden(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = dhidden * hidden_layer
    return X.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_dW2_from_X(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(X, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    return X.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_dW2_from_X_no_reg(dscores, X, hidden_layer, params, reg):
    dz = relu_switch(dscores @ params["W2"].T, hidden_layer)
    dW2 = X.T @ dscores
    return X.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, dscores.sum(axis=0, keepdims=True)


def back_dW_from_hidden(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    return hidden_layer.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_no_reg_on_W(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    return X.T @ dz, dz.sum(axis=0, keepdims=True), dW2, db2


def back_half_reg(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], 0.5 * reg)
    dz = relu_switch(dhidden, hidden_layer)
    return X.T @ dz + 0.5 * reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_reg_on_biases(dscores, X, hidden_layer, params, reg):
    dW, db, dW2, db2 = network_backward(dscores, X, hidden_layer, params, reg)
    return dW, db + reg * params["b"], dW2, db2 + reg * params["b2"]


def back_dW_transposed(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    return dz.T @ X + reg * params["W"].T, dz.sum(axis=0, keepdims=True), dW2, db2


def back_db_lost_keepdims(dscores, X, hidden_layer, params, reg):
    dW, _, dW2, db2 = network_backward(dscores, X, hidden_layer, params, reg)
    return dW, relu_switch(dscores @ params["W2"].T, hidden_layer).sum(axis=0), dW2, db2


def back_course_reg_lines(dscores, X, hidden_layer, params, reg):
    """The course's last lines, dW2 += reg * W2 and dW += reg * W, after a second_layer_backward that has it."""
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    dW, db = X.T @ dz, dz.sum(axis=0, keepdims=True)
    dW2 += reg * params["W2"]
    dW += reg * params["W"]
    return dW, db, dW2, db2


def back_l2_on_b(dscores, X, hidden_layer, params, reg):
    dW, db, dW2, db2 = network_backward(dscores, X, hidden_layer, params, reg)
    return dW, db + reg * params["b"], dW2, db2


def back_minus_in_the_chain(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = -relu_switch(dhidden, hidden_layer)
    return X.T @ dz + reg * params["W"], dz.sum(axis=0, keepdims=True), dW2, db2


def back_mean_again(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    n = X.shape[0]
    return X.T @ dz / n + reg * params["W"], dz.sum(axis=0, keepdims=True) / n, dW2, db2


def back_second_layer_first(dscores, X, hidden_layer, params, reg):
    dW, db, dW2, db2 = network_backward(dscores, X, hidden_layer, params, reg)
    return dW2, db2, dW, db


def _loop(params, X, y, step_size, reg, num_iters, step):
    """A loop whose update is ``step(params, name, grad)``."""
    params = {name: value.copy() for name, value in params.items()}
    losses = []
    for _ in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        loss, dscores = network_loss(scores, y, params, reg)
        for name, grad in zip(("W", "b", "W2", "b2"), network_backward(dscores, X, hidden_layer, params, reg)):
            step(params, name, grad)
        losses.append(loss)
    return params, losses


def loop_wrong_sign(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        params[name] += step_size * grad
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_no_step_size(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        params[name] -= grad
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_course_step_size(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        params[name] -= 1.0 * grad     # the course's step size, not the argument
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_weights_only(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        if name in ("W", "W2"):
            params[name] -= step_size * grad
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_no_reg_gradient(params, X, y, step_size, reg, num_iters):
    params = {name: value.copy() for name, value in params.items()}
    losses = []
    for _ in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        loss, dscores = network_loss(scores, y, params, reg)
        dW, db, dW2, db2 = network_backward(dscores, X, hidden_layer, params, 0.0)
        params = {"W": params["W"] - step_size * dW, "b": params["b"] - step_size * db,
                  "W2": params["W2"] - step_size * dW2, "b2": params["b2"] - step_size * db2}
        losses.append(loss)
    return params, losses


def loop_course_reg(params, X, y, step_size, reg, num_iters):
    return train_network(params, X, y, step_size, 1e-3, num_iters)


def loop_local_copies(params, X, y, step_size, reg, num_iters):
    """New arrays for W ... b2, but the forward pass still reads params: nothing is trained."""
    W, b, W2, b2 = params["W"], params["b"], params["W2"], params["b2"]
    losses = []
    for _ in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        loss, dscores = network_loss(scores, y, params, reg)
        dW, db, dW2, db2 = network_backward(dscores, X, hidden_layer, params, reg)
        W, b, W2, b2 = W - step_size * dW, b - step_size * db, W2 - step_size * dW2, b2 - step_size * db2
        losses.append(loss)
    return params, losses


def loop_returns_its_argument(params, X, y, step_size, reg, num_iters):
    trained, losses = train_network(params, X, y, step_size, reg, num_iters)
    return params, losses


def loop_gradient_once(params, X, y, step_size, reg, num_iters):
    params = {name: value.copy() for name, value in params.items()}
    scores, hidden_layer = network_forward(X, params)
    _, dscores = network_loss(scores, y, params, reg)
    grads = network_backward(dscores, X, hidden_layer, params, reg)
    losses = []
    for _ in range(num_iters):
        losses.append(network_loss(network_forward(X, params)[0], y, params, reg)[0])
        for name, grad in zip(("W", "b", "W2", "b2"), grads):
            params[name] = params[name] - step_size * grad
    return params, losses


def loop_one_step_more(params, X, y, step_size, reg, num_iters):
    return train_network(params, X, y, step_size, reg, num_iters + 1)


def loop_step_size_constant(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        params[name] -= course.STEP_SIZE * grad     # the notebook's constant, not the argument
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_step_over_n(params, X, y, step_size, reg, num_iters):
    def step(params, name, grad):
        params[name] -= step_size * grad / len(y)
    return _loop(params, X, y, step_size, reg, num_iters, step)


def loop_reg_zero(params, X, y, step_size, reg, num_iters):
    return train_network(params, X, y, step_size, 0.0, num_iters)


def _loss_at(params, X, y, reg):
    return network_loss(network_forward(X, params)[0], y, params, reg)[0]


def loop_loss_after_step(params, X, y, step_size, reg, num_iters):
    params = {name: value.copy() for name, value in params.items()}
    losses = []
    for _ in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        _, dscores = network_loss(scores, y, params, reg)
        for name, grad in zip(("W", "b", "W2", "b2"), network_backward(dscores, X, hidden_layer, params, reg)):
            params[name] -= step_size * grad
        losses.append(_loss_at(params, X, y, reg))
    return params, losses


def loop_final_loss_too(params, X, y, step_size, reg, num_iters):
    trained, losses = train_network(params, X, y, step_size, reg, num_iters)
    return trained, list(losses) + [_loss_at(trained, X, y, reg)]


def loop_losses_column(params, X, y, step_size, reg, num_iters):
    trained, losses = train_network(params, X, y, step_size, reg, num_iters)
    column = np.zeros((num_iters, 1))
    column[:, 0] = losses
    return trained, column


def loop_losses_first(params, X, y, step_size, reg, num_iters):
    trained, losses = train_network(params, X, y, step_size, reg, num_iters)
    return list(losses), trained


def loop_in_place(params, X, y, step_size, reg, num_iters):
    losses = []
    for _ in range(num_iters):
        scores, hidden_layer = network_forward(X, params)
        loss, dscores = network_loss(scores, y, params, reg)
        for name, grad in zip(("W", "b", "W2", "b2"), network_backward(dscores, X, hidden_layer, params, reg)):
            params[name] -= step_size * grad
        losses.append(loss)
    return params, losses


def arm_global_noise(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(4 * j, 4 * (j + 1), N) + 0.2 * np.random.RandomState(99).standard_normal(N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def arm_one_radian(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(j, j + 1, N) + 0.2 * rng.standard_normal(N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def arm_base_in_degrees(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.deg2rad(np.linspace(4 * j, 4 * (j + 1), N)) + 0.2 * rng.standard_normal(N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def arm_all_in_degrees(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(4 * j, 4 * (j + 1), N) + 0.2 * rng.standard_normal(N)
    return np.c_[r * np.sin(np.radians(t)), r * np.cos(np.radians(t))]


def arm_step_four_over_n(j, N, rng):
    m = np.arange(N)
    t = 4 * j + 4 * m / N + 0.2 * rng.standard_normal(N)
    return np.c_[m / (N - 1) * np.sin(t), m / (N - 1) * np.cos(t)]


def arm_no_noise(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(4 * j, 4 * (j + 1), N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def arm_unscaled_noise(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(4 * j, 4 * (j + 1), N) + rng.standard_normal(N)
    return np.c_[r * np.sin(t), r * np.cos(t)]


def arm_noise_per_coordinate(j, N, rng):
    r = np.linspace(0.0, 1.0, N)
    base = np.linspace(4 * j, 4 * (j + 1), N)
    return np.c_[r * np.sin(base + 0.2 * rng.standard_normal(N)), r * np.cos(base + 0.2 * rng.standard_normal(N))]


def arm_degrees_and_other_draws(j, N, rng):
    """Two mistakes: the base angles in degrees and the noise from np.random. No mutant matches; the
    angles are further from the base angles than noise goes, so the base angles are named, not the draws."""
    return arm_base_in_degrees(j, N, np.random.RandomState(99))


def softmax_mean_shift(scores):
    e = np.exp(scores - scores.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_min_shift(scores):
    e = np.exp(scores - np.min(scores, axis=1)[:, None])
    return e / np.sum(e, axis=1)[:, None]


NOTEBOOK_X = np.zeros((300, 2))   # the notebook's X, which a learner's function may read by mistake


def loss_global_n(probs, y, W, reg):
    num_examples = NOTEBOOK_X.shape[0]
    correct_logprobs = -np.log(probs[range(num_examples), y])
    return np.sum(correct_logprobs) / num_examples + 0.5 * reg * np.sum(W * W)


def loss_divided_by_global_n(probs, y, W, reg):
    return -np.log(probs[np.arange(len(y)), y]).sum() / NOTEBOOK_X.shape[0] + 0.5 * reg * np.sum(W * W)


def loss_n_from_columns(probs, y, W, reg):
    num_examples = probs.shape[1]
    return -np.log(probs[np.arange(num_examples), y]).mean() + 0.5 * reg * np.sum(W * W)


def lse_min_shift(scores, y):
    f_min = scores.min(axis=1, keepdims=True)
    return np.mean(f_min[:, 0] + np.log(np.exp(scores - f_min).sum(axis=1)) - scores[np.arange(len(y)), y])


def lse_mean_shift(scores, y):
    c = np.mean(scores, axis=1, keepdims=True)
    return np.mean(c[:, 0] + np.log(np.sum(np.exp(scores - c), axis=1)) - scores[np.arange(len(y)), y])


def lse_column_max_kept(scores, y):
    f_max = scores.max(axis=0, keepdims=True)        # the notebook's code, with axis 0
    log_sum_exp = f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1))
    return np.mean(log_sum_exp - scores[np.arange(len(y)), y])


def lse_max_added_with_minus(scores, y):
    f_max = scores.max(axis=1, keepdims=True)
    return np.mean(-f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(len(y)), y])


def lse_no_correct_score(scores, y):
    f_max = scores.max(axis=1, keepdims=True)
    return np.mean(f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)))


def lse_global_n(scores, y):
    num_examples = NOTEBOOK_X.shape[0]
    f_max = scores.max(axis=1, keepdims=True)
    example_losses = f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[range(num_examples), y]
    return example_losses.mean()


def lse_divided_by_global_n(scores, y):
    return lse_sum_not_mean(scores, y) / NOTEBOOK_X.shape[0]


def lse_n_from_columns(scores, y):
    n = scores.shape[1]
    f_max = scores.max(axis=1, keepdims=True)
    return np.mean(f_max[:, 0] + np.log(np.exp(scores - f_max).sum(axis=1)) - scores[np.arange(n), y])


MISTAKES = [
    # (exercise, wrong implementation, the hint that must appear)
    ("softmax_loss_l2", loss_without_l2, "no_l2"),
    ("softmax_loss_l2", loss_without_half, "no_half"),
    ("softmax_loss_l2", loss_sum_not_mean, "sum_not_mean"),
    ("loss_from_scores", lse_no_shift, "lse_overflow"),
    ("loss_from_scores", lse_log_of_probs, "log_of_probs"),
    ("loss_from_scores", lse_log_of_naive_probs, "log_of_probs"),
    ("loss_from_scores", lse_global_max, "lse_global_max"),
    ("loss_from_scores", lse_max_down_columns, "lse_wrong_axis"),
    ("loss_from_scores", lse_sum_down_columns, "lse_wrong_axis"),
    ("loss_from_scores", lse_lost_keepdims, "lse_lost_keepdims"),
    ("loss_from_scores", lse_max_not_added_back, "lse_shift_unbalanced"),
    ("loss_from_scores", lse_max_taken_out_twice, "lse_shift_unbalanced"),
    ("loss_from_scores", lse_sum_not_mean, "sum_not_mean"),
    ("loss_from_scores", lse_not_averaged, "lse_not_averaged"),
    ("loss_from_scores", lse_log_probability, "log_probability_not_loss"),
    ("loss_from_scores", lse_min_shift, "shift_not_max"),
    ("loss_from_scores", lse_mean_shift, "shift_not_max"),
    ("loss_from_scores", lse_column_max_kept, "lse_wrong_axis"),
    ("loss_from_scores", lse_max_added_with_minus, "lse_shift_unbalanced"),
    ("loss_from_scores", lse_no_correct_score, "lse_no_correct_score"),
    ("loss_from_scores", lse_global_n, "n_global"),
    ("loss_from_scores", lse_divided_by_global_n, "n_global"),
    ("loss_from_scores", lse_n_from_columns, "n_from_columns"),
    ("softmax_loss_l2", loss_global_n, "n_global"),
    ("softmax_loss_l2", loss_divided_by_global_n, "n_global"),
    ("softmax_loss_l2", loss_n_from_columns, "n_from_columns"),
    ("softmax_probs", softmax_mean_shift, "shift_not_max"),
    ("softmax_probs", softmax_min_shift, "shift_not_max"),
    ("neuron_backward", neuron_no_upstream, "no_upstream"),
    ("neuron_backward", neuron_mul_swapped, "mul_swapped"),
    ("neuron_backward", neuron_mul_as_add, "mul_as_add"),
    ("neuron_backward", neuron_add_divided, "add_divided"),
    ("neuron_backward", neuron_max_both, "max_both"),
    ("neuron_backward", neuron_max_wrong_side, "max_wrong_side"),
    ("neuron_backward", neuron_max_on_gradient, "max_on_gradient"),
    ("score_gradient", dscores_sum_not_mean, "grad_no_mean"),
    ("score_gradient", dscores_no_minus_one, "no_minus_one"),
    ("score_gradient", dscores_unnormalised, "unnormalised"),
    ("score_gradient", dscores_raw_scores, "unnormalised"),
    ("score_gradient", dscores_overflow, "overflow"),
    ("score_gradient", dscores_global_max, "global_max"),
    ("softmax_probs", softmax_overflow, "overflow"),
    ("softmax_probs", softmax_wrong_axis, "wrong_axis"),
    ("softmax_probs", softmax_lost_keepdims, "lost_keepdims"),
    ("class_scores", scores_transposed, "transposed"),
    ("linear_backward", dW_transposed, "transposed"),
    ("linear_backward", db_wrong_axis, "wrong_axis"),
    ("linear_backward", db_lost_keepdims, "lost_keepdims"),
    ("linear_backward", dW_no_reg, "no_reg_grad"),
    ("linear_backward", dW_divided_by_n, "divided_twice"),
    ("linear_backward", dW_db_divided_by_n, "divided_twice"),
    ("gradient_descent_update", update_wrong_sign, "wrong_sign"),
    ("hidden_activation", relu_forward_not_applied, "relu_not_applied"),
    ("hidden_activation", relu_forward_wrong_side, "relu_wrong_side"),
    ("relu_switch", switch_wrong_side, "switch_wrong_side"),
    ("relu_switch", switch_not_applied, "switch_not_applied"),
    ("relu_switch", switch_in_place, "in_place"),
    ("second_layer_backward", second_dW2_transposed, "transposed"),
    ("second_layer_backward", second_dhidden_transposed, "transposed"),
    ("second_layer_backward", second_db2_lost_keepdims, "lost_keepdims"),
    ("second_layer_backward", second_no_reg, "no_reg_grad2"),
    ("spiral_arm", arm_transposed, "arm_transposed"),
    ("spiral_arm", arm_sin_cos_swapped, "arm_sin_cos"),
    ("spiral_arm", arm_global_noise, "arm_other_draws"),
    ("spiral_arm", arm_one_radian, "arm_no_four"),
    ("spiral_arm", arm_base_in_degrees, "arm_degrees"),
    ("spiral_arm", arm_all_in_degrees, "arm_degrees"),
    ("spiral_arm", arm_step_four_over_n, "arm_step"),
    ("spiral_arm", arm_no_noise, "arm_no_noise"),
    ("spiral_arm", arm_unscaled_noise, "arm_noise_scale"),
    ("spiral_arm", arm_noise_per_coordinate, "arm_two_draws"),
    ("spiral_arm", arm_degrees_and_other_draws, "arm_base_angles"),
    ("numerical_gradient", numgrad_one_sided, "one_sided"),
    ("numerical_gradient", numgrad_backward, "one_sided"),
    ("numerical_gradient", numgrad_lowered_back, "lowered_back_to_x"),
    ("numerical_gradient", numgrad_over_eps, "no_two"),
    ("numerical_gradient", numgrad_reversed, "difference_reversed"),
    ("numerical_gradient", numgrad_left_at_minus, "not_restored"),
    ("numerical_gradient", numgrad_left_at_plus, "not_restored"),
    ("numerical_gradient", numgrad_all_at_once, "all_at_once"),
    ("numerical_gradient", numgrad_on_a_copy, "nudged_copy"),
    ("numerical_gradient", numgrad_f_of_x, "f_called_with_x"),
    ("numerical_gradient", numgrad_fixed_step, "fixed_eps"),
    ("network_forward", forward_no_relu, "relu_not_applied"),
    ("network_forward", forward_relu_wrong_side, "relu_wrong_side"),
    ("network_forward", forward_scores_from_z, "scores_from_z"),
    ("network_forward", forward_returns_z, "forward_returns_z"),
    ("network_forward", forward_no_first_bias, "forward_no_bias"),
    ("network_forward", forward_swapped, "forward_order"),
    ("network_loss", net_loss_no_l2, "no_l2"),
    ("network_loss", net_loss_only_W, "l2_one_layer"),
    ("network_loss", net_loss_on_biases, "l2_biases"),
    ("network_loss", net_loss_no_half, "no_half"),
    ("network_loss", net_loss_sum, "sum_not_mean"),
    ("network_loss", net_loss_grad_not_divided, "grad_no_mean"),
    ("network_loss", net_loss_probs_reused, "probs_reused"),
    ("network_loss", net_loss_overflow, "overflow"),
    ("network_loss", net_loss_no_minus_one, "no_minus_one"),
    ("network_backward", back_no_switch, "switch_not_applied"),
    ("network_backward", back_switch_wrong_side, "switch_wrong_side"),
    ("network_backward", back_switch_times_hidden, "switch_times_z"),
    ("network_backward", back_dW2_from_X, "dW2_from_X"),
    ("network_backward", back_dW2_from_X_no_reg, "dW2_from_X"),
    ("network_backward", back_dW_from_hidden, "dW_from_hidden"),
    ("network_backward", back_no_reg_on_W, "reg_grad_missing"),
    ("network_backward", back_half_reg, "half_reg_grad"),
    ("network_backward", back_reg_on_biases, "l2_biases"),
    ("network_backward", back_dW_transposed, "transposed"),
    ("network_backward", back_db_lost_keepdims, "lost_keepdims"),
    ("network_backward", back_course_reg_lines, "reg_twice"),
    ("network_backward", back_l2_on_b, "l2_biases"),
    ("network_backward", back_minus_in_the_chain, "backward_sign"),
    ("network_backward", back_mean_again, "backward_over_n"),
    ("network_backward", back_second_layer_first, "backward_order"),
    ("train_network", loop_wrong_sign, "wrong_sign"),
    ("train_network", loop_no_step_size, "loop_no_step_size"),
    ("train_network", loop_course_step_size, "loop_no_step_size"),
    ("train_network", loop_step_size_constant, "loop_no_step_size"),
    ("train_network", loop_step_over_n, "loop_step_over_n"),
    ("train_network", loop_reg_zero, "loop_fixed_reg"),
    ("train_network", loop_loss_after_step, "loop_loss_after_step"),
    ("train_network", loop_final_loss_too, "loop_extra_loss"),
    ("train_network", loop_losses_column, "loop_losses_column"),
    ("train_network", loop_losses_first, "loop_order"),
    ("train_network", loop_weights_only, "loop_missing_update"),
    ("train_network", loop_no_reg_gradient, "loop_no_reg_grad"),
    ("train_network", loop_course_reg, "loop_fixed_reg"),
    ("train_network", loop_local_copies, "loop_not_updated"),
    ("train_network", loop_returns_its_argument, "loop_returns_start"),
    ("train_network", loop_gradient_once, "loop_stale_gradient"),
    ("train_network", loop_one_step_more, "loop_iterations"),
    ("train_network", loop_in_place, "loop_in_place"),
]


def expected_arrays(result):
    """The arrays of a result: itself, the items of a tuple, the values of a dict (the parameters); a single
    number (the loss) is left out, since a check says it on purpose."""
    if isinstance(result, tuple):
        return [a for item in result for a in expected_arrays(item)]
    if isinstance(result, dict):
        return [a for item in result.values() for a in expected_arrays(item)]
    return [result] if np.ndim(result) else []


def expected_numbers(name):
    """Every entry of every expected array of exercise ``name``, as the checks would format numbers."""
    ex = EXERCISES[name]
    numbers = set()
    for args in ex.cases():
        for array in expected_arrays(ex.reference(*args)):
            for value in np.ravel(array):
                for fmt in ("{:.4f}", "{:.3g}", "{:.4g}", "{}"):
                    text = fmt.format(float(value))
                    if len(text.strip("-0.")) >= 3:   # 0, 1, -1 and such say nothing
                        numbers.add(text)
    return numbers


@pytest.mark.parametrize("name, wrong, hint", MISTAKES, ids=[f"{m[0]}-{m[1].__name__}" for m in MISTAKES])
def test_each_mistake_is_named(name, wrong, hint, capsys):
    returned, out = run_check(name, wrong, capsys)
    assert out.startswith(f"\u2718 {name}: not right yet.")
    assert "expected:" in out and "received:" in out
    assert max(len(line) for line in out.splitlines()) <= WIDTH, out     # the input's label included
    flat = " ".join(out.split())        # the hints are wrapped to fit nbgrader's feedback
    assert "likely mistake: " + HINTS[hint] in flat, out
    # no other hint is named alongside it
    assert sum(text in flat for text in HINTS.values()) == 1
    assert returned is EXERCISES[name].reference
    # nothing of the expected arrays is printed: no array reprs, no entry of an expected array
    # (the learner's own line that raised, quoted under "of its cell:", is the learner's code, not ours)
    own = re.sub(r"of its cell:\n.*\n", "of its cell:\n", out)
    assert "[" not in re.sub(r"\['\w+'\]", "", own.replace("[np.arange", ""))   # params['W'] names an entry
    if not EXERCISES[name].scalar:
        leaked = [number for number in expected_numbers(name) if number in out]
        assert not leaked, f"expected values printed: {leaked}"


def test_every_listed_mistake_has_a_test():
    listed = {"no_l2", "no_half", "sum_not_mean", "grad_no_mean", "no_minus_one", "unnormalised",
              "switch_wrong_side", "switch_not_applied", "transposed", "wrong_axis", "lost_keepdims",
              "wrong_sign", "overflow", "global_max", "divided_twice",
              # the whole network: a missing ReLU mask, dW2 from X, L2 on the biases, probs changed in
              # place and reused, and a training loop without its step size or its L2 gradient
              "dW2_from_X", "l2_biases", "probs_reused", "loop_no_step_size", "loop_no_reg_grad"}
    assert listed <= {hint for _, _, hint in MISTAKES}
    # every mutant of these checks, written out as a learner would
    for name in ("loss_from_scores", "neuron_backward", "numerical_gradient"):
        assert {key for key, _ in EXERCISES[name].mutants} == {
            hint for n, _, hint in MISTAKES if n == name} - {"n_global", "n_from_columns"}, name
    for name in ("spiral_arm", "softmax_probs", "softmax_loss_l2"):
        assert {key for key, _ in EXERCISES[name].mutants} <= {
            hint for n, _, hint in MISTAKES if n == name} | {"sum_not_mean", "log_all", "no_exp", "not_normalised"}
    for name in ("network_forward", "network_backward", "train_network"):
        assert {key for key, _ in EXERCISES[name].mutants} <= {hint for n, _, hint in MISTAKES if n == name}, name
    # and the refusal that has its own hint: the training loop's params trained in place
    assert ("train_network", loop_in_place, "loop_in_place") in MISTAKES


def test_hints_never_spell_out_a_solution_line():
    solution_bits = ["X.T @", "@ W2.T", "np.maximum(0,", "(z > 0)", "np.arange(n), y]", "- step_size *",
                     "keepdims=True)\n", "rng.standard_normal(N)", "/ (2 * eps)", "saved + eps", "np.ndindex"]
    for key, text in HINTS.items():
        for bit in solution_bits:
            assert bit not in text, (key, bit)


def test_the_loss_check_reports_the_loss_values(capsys):
    _, out = run_check("softmax_loss_l2", loss_without_l2, capsys)
    expected = re.search(r"expected: loss = (\d+\.\d+)", out).group(1)
    received = re.search(r"received: loss = (\d+\.\d+)", out).group(1)
    assert expected != received


def test_course_start_cannot_tell_a_missing_l2_term_but_the_check_inputs_can():
    """Why the checks use unit-scale weights and reg 0.1: at the course's start the L2 term is invisible."""
    X, y, params = course.course_linear_setup()
    probs = softmax_probs(X @ params["W"] + params["b"])
    at_course = [softmax_loss_l2(probs, y, params["W"], course.REG), loss_without_l2(probs, y, params["W"], course.REG)]
    assert f"{at_course[0]:.6f}" == f"{at_course[1]:.6f}"
    args = EXERCISES["softmax_loss_l2"].cases()[0]      # the spiral's 300 examples
    separated = [f(*args) for f in (softmax_loss_l2, loss_without_l2, loss_without_half, loss_sum_not_mean)]
    assert len({f"{v:.3f}" for v in separated}) == 4


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_known_mistakes_differ_from_the_answer_and_from_each_other(name):
    """On the check's inputs, every known mistake gives another result than the right one, and two
    mistakes with different hints never give the same result (which would make the hint a guess)."""
    ex = EXERCISES[name]
    cases = ex.cases()
    right = ex.results(ex.reference, cases)
    seen = []
    for key, mutant in ex.mutants:
        got = ex.results(mutant, cases)
        assert not ex.agrees(got, right), f"{key} is invisible on the check's inputs"
        for other_key, other in seen:
            if other_key != key:
                assert not ex.agrees(got, other), f"{key} and {other_key} give the same result"
        seen.append((key, got))


# ------------------------------------------------------------------ bad input from the learner
@pytest.mark.parametrize("returned, received", [
    (None, "None"),
    ([[0.0, 1.0, 2.0]] * 5, "a list"),
    (np.full((5, 3), np.nan), "NaN"),
    (np.zeros((3, 5)), "shape (3, 5)"),
    ("scores", "a str"),
])
def test_bad_returns_get_a_clear_message(returned, received, capsys):
    _, out = run_check("class_scores", lambda X, W, b: returned, capsys)
    assert "expected: scores" in out and "shape (5, 3)" in out
    assert received in out
    assert "Traceback" not in out


@pytest.mark.parametrize("returned, received", [
    (None, "None"),
    ([1.0], "a list"),
    (np.zeros(6), "an array of shape (6,)"),
    ("loss", "a str"),
])
def test_bad_returns_of_the_loss_get_a_clear_message(returned, received, capsys):
    _, out = run_check("loss_from_scores", lambda scores, y: returned, capsys)
    assert "expected: loss, a single number" in out and received in out
    assert "Traceback" not in out


def test_a_nan_loss_is_reported_as_a_number(capsys):
    _, out = run_check("loss_from_scores", lambda scores, y: float("nan"), capsys)
    assert re.search(r"expected: loss = \d+\.\d{4} on random scores", out) and "received: loss = nan" in out


def test_scores_shifted_in_place_are_not_accepted(capsys):
    """`scores -= scores.max(...)` gives the right loss but changes the caller's scores."""
    def shifted_in_place(scores, y):
        scores -= scores.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(scores).sum(axis=1)) - scores[np.arange(len(y)), y])
    assert np.isclose(shifted_in_place(*copy.deepcopy(EXERCISES["loss_from_scores"].cases()[0])),
                      loss_from_scores(*EXERCISES["loss_from_scores"].cases()[0]))
    returned, out = run_check("loss_from_scores", shifted_in_place, capsys)
    assert "received: `scores` changed in place" in out
    assert HINTS["in_place"] in " ".join(out.split())
    assert returned is EXERCISES["loss_from_scores"].reference


def test_the_loss_inputs_overflow_np_exp_and_underflow_a_probability():
    """What the exercise is about: on some input the naive exp overflows, on another the correct class's
    probability is exactly 0, while the loss stays finite on every input."""
    cases = EXERCISES["loss_from_scores"].cases()
    with np.errstate(over="ignore"):
        assert any(np.isinf(np.exp(scores)).any() for scores, _ in cases)
    assert any((softmax_probs(scores)[np.arange(len(y)), y] == 0).any() for scores, y in cases)
    assert all(np.isfinite(loss_from_scores(scores, y)) for scores, y in cases)
    assert any(scores.shape[0] != scores.shape[1] for scores, _ in cases)


def test_a_broadcasting_mistake_is_named_whatever_the_operand_order(capsys):
    """A maximum taken down the columns raises on the first input with a message that depends on the order
    of the operands, so no mutant matches on every input; on the square inputs one does."""
    ex = EXERCISES["loss_from_scores"]
    cases = ex.cases()
    got = ex.results(lse_max_down_columns, cases)
    assert isinstance(got[0], ValueError)
    assert not any(ex.agrees(got, ex.results(mutant, cases)) for _, mutant in ex.mutants)
    _, out = run_check("loss_from_scores", lse_max_down_columns, capsys)
    assert "received: ValueError: operands could not be broadcast" in " ".join(out.split())
    assert "likely mistake: " + HINTS["lse_wrong_axis"] in " ".join(out.split())


def test_n_from_the_wrong_dimension_is_caught_by_the_input_that_is_not_square(capsys):
    def n_from_columns(scores, y):
        rows = np.arange(scores.shape[1])
        f_max = scores.max(axis=1, keepdims=True)
        return np.mean(f_max[rows, 0] + np.log(np.exp(scores - f_max).sum(axis=1))[rows] - scores[rows, y[rows]])
    _, out = run_check("loss_from_scores", n_from_columns, capsys)
    assert "not right yet" in out
    assert "likely mistake: " + HINTS["n_from_columns"] in " ".join(out.split())


@pytest.mark.parametrize("name, wrong", [("softmax_loss_l2", loss_global_n), ("loss_from_scores", lse_global_n)])
def test_n_read_from_the_notebook_is_caught_by_an_input_with_other_than_300_examples(name, wrong):
    """The course's own line, num_examples = X.shape[0], reads the notebook's X: right on the notebook's 300
    examples, and on no other number of them. The check has inputs of both kinds."""
    ex = EXERCISES[name]
    cases = ex.cases()
    right = [same(got, exp) for got, exp in zip(ex.results(wrong, cases), ex.results(ex.reference, cases), strict=True)]
    assert any(right) and not all(right)
    assert right == [np.shape(args[0])[0] == 300 for args in cases]
    only_300 = dataclasses.replace(ex, cases=lambda: [args for args in cases if np.shape(args[0])[0] == 300])
    assert only_300.diagnose(wrong)[0] == "right"        # the check before it had a second input
    assert ex.diagnose(wrong)[0] == "wrong"


@pytest.mark.parametrize("name, wrong", [("softmax_probs", softmax_mean_shift), ("loss_from_scores", lse_mean_shift)])
def test_a_shift_by_the_row_mean_fails_only_where_a_row_spans_3000(name, wrong):
    """Shifting by the row mean is exact in arithmetic and passes every input but the one with the row
    [1500, -1500, 0], where e^(1500 - 0) overflows."""
    ex = EXERCISES[name]
    cases = ex.cases()
    wide = [any(np.ptp(row) >= 3000 for row in args[0]) for args in cases]
    assert sum(wide) == 1
    assert ex.labels[wide.index(True)] == "where one row spans 3000"
    others = dataclasses.replace(ex, cases=lambda: [args for args, w in zip(cases, wide, strict=True) if not w],
                                 labels=())
    assert others.diagnose(wrong)[0] == "right"
    assert ex.diagnose(wrong)[0] == "wrong"


def test_the_arm_check_blames_the_draws_only_when_the_base_angles_are_right(capsys):
    """Right radii and angles within noise of the base angles: the draws. Further off: the base angles, even
    when the draws are wrong too."""
    for wrong, hint in ((arm_global_noise, "arm_other_draws"), (arm_degrees_and_other_draws, "arm_base_angles")):
        _, out = run_check("spiral_arm", wrong, capsys)
        assert "likely mistake: " + HINTS[hint] in " ".join(out.split())
    assert not any(EXERCISES["spiral_arm"].agrees(EXERCISES["spiral_arm"].results(arm_degrees_and_other_draws, cases),
                                                  EXERCISES["spiral_arm"].results(mutant, cases))
                   for cases in [EXERCISES["spiral_arm"].cases()] for _, mutant in EXERCISES["spiral_arm"].mutants)


@pytest.mark.parametrize("draw", [
    lambda rng, N: rng.standard_normal(N),
    lambda rng, N: rng.randn(N),
    lambda rng, N: np.array([rng.standard_normal() for _ in range(N)]),
    lambda rng, N: rng.normal(0.0, 1.0, N),
], ids=["one call", "randn", "one call per point", "normal(0, 1)"])
def test_the_arm_check_accepts_any_draw_of_the_same_normals(draw, capsys):
    """What the guide says: the N standard normals from rng, in order, drawn any way."""
    def arm(j, N, rng):
        r = np.linspace(0.0, 1.0, N)
        t = np.linspace(4 * j, 4 * (j + 1), N) + 0.2 * draw(rng, N)
        return np.c_[r * np.sin(t), r * np.cos(t)]
    returned, out = run_check("spiral_arm", arm, capsys)
    assert returned is arm and "right" in out and "not right" not in out


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_check_on_several_inputs_names_each_of_them(name):
    """Notebooks 1 and 2's checks label their inputs, one short distinct label each, said with what was
    expected; a check on one input needs none."""
    ex = EXERCISES[name]
    if name not in {"spiral_arm", "class_scores", "softmax_probs", "softmax_loss_l2", "loss_from_scores"}:
        return
    if len(ex.cases()) == 1:
        assert ex.labels == ()
    else:
        assert len(ex.labels) == len(ex.cases()) == len(set(ex.labels))


def test_the_verdict_names_the_input_where_the_result_differs(capsys):
    _, out = run_check("loss_from_scores", lse_log_of_probs, capsys)
    assert re.search(r"expected: loss = \d+\.\d{4} where the correct class is 800 behind\n", out)
    _, out = run_check("softmax_probs", softmax_overflow, capsys)
    assert "expected: probs of shape (2, 3) on scores near 1000, every entry finite" in out
    _, out = run_check("spiral_arm", arm_step_four_over_n, capsys)
    assert "expected: arm of shape (7, 2) with j = 1, N = 7\n" in out
    unlabelled = dataclasses.replace(EXERCISES["softmax_loss_l2"], labels=())
    unlabelled.check(loss_without_l2)
    assert re.search(r"expected: loss = \d+\.\d{4} on these inputs\n", capsys.readouterr().out)


def test_an_exception_in_the_learners_code_is_reported_not_raised(capsys):
    def broken(X, W, b):
        return X * W + b          # elementwise: the shapes do not broadcast

    _, out = run_check("class_scores", broken, capsys)
    assert "received: ValueError: operands could not be broadcast" in out
    assert "no known mistake" not in out     # an exception is the whole story: no formula to compare with


def test_not_a_function(capsys):
    _, out = run_check("gradient_descent_update", np.zeros(3), capsys)
    assert "expected: a function named gradient_descent_update" in out


def test_warnings_in_learner_code_reach_neither_stderr_nor_pytest(capsys):
    # pytest turns RuntimeWarning into errors here; the overflow must stay silent all the same
    _, out = run_check("softmax_probs", softmax_overflow, capsys)
    assert HINTS["overflow"] in " ".join(out.split())


# ------------------------------------------------------------ the neuron: several numbers, none of them printed
def test_the_neuron_check_says_which_gradients_are_wrong_but_not_their_values(capsys):
    """A multiply gate's mistake leaves db right: the verdict names the four wrong ones and the right one."""
    _, out = run_check("neuron_backward", neuron_mul_swapped, capsys)
    assert "expected: 5 numbers, dx0, dx1, dw0, dw1, db" in out
    assert "received: dx0, dx1, dw0, dw1 not right; db right" in out
    assert not re.search(r"\d\.\d", out)      # no number with decimals: neither the expected nor the received


@pytest.mark.parametrize("returned, received", [
    ((0.0, 0.0, 0.0, 0.0), "expected: 5 values"),
    ((0.0, 0.0, 0.0, 0.0, np.zeros(2)), "received: db is an array of shape (2,)"),
    ((0.0, 0.0, None, 0.0, 0.0), "received: dw0 is None"),
    ((0.0, float("nan"), 0.0, float("inf"), 0.0), "received: dx1 is nan; dw1 is inf"),
    ((1.0, 2.0, 3.0, 4.0, 5.0), "received: dx0, dx1, dw0, dw1, db not right"),
])
def test_the_neuron_check_names_what_came_back(returned, received, capsys):
    _, out = run_check("neuron_backward", lambda *args: returned, capsys)
    assert "not right yet" in out and received in out and "Traceback" not in out
    if "values" in received:         # another number of values: no formula to compare with, no advice to
        assert "no known mistake" not in out


def test_an_exception_in_the_neurons_backward_pass_is_reported(capsys):
    def broken(x0, x1, w0, w1, b, da):
        dz = da if w0 * x0 + w1 * x1 + b > 0 else 0.0
        return w0 * dz, w1 * dz, x0 * dz, x1 * dz, dz / (w0 - w0)
    _, out = run_check("neuron_backward", broken, capsys)
    assert "expected: 5 numbers, dx0, dx1, dw0, dw1, db" in out
    assert "received: ZeroDivisionError: float division by zero" in out and "Traceback" not in out
    assert "no known mistake" not in out     # an exception is the whole story


def test_the_neuron_gradients_may_come_back_as_a_list_an_array_or_0_d_arrays(capsys):
    for shape in (list, np.array, lambda values: tuple(np.array(v) for v in values)):
        def answer(*args, shape=shape):
            return shape(neuron_backward(*args))
        returned, out = run_check("neuron_backward", answer, capsys)
        assert returned is answer and out == "\u2714 neuron_backward: right.\n"
    # an array of the five that is wrong is judged on its numbers, like a tuple
    _, out = run_check("neuron_backward", lambda *args: np.array(neuron_mul_swapped(*args)), capsys)
    assert "received: dx0, dx1, dw0, dw1 not right; db right" in out
    assert "likely mistake: " + HINTS["mul_swapped"] in " ".join(out.split())
    # but not one of another shape
    _, out = run_check("neuron_backward", lambda *args: np.array([neuron_backward(*args)]), capsys)
    assert "expected: 5 values" in out and "received: an array of shape (1, 5)" in out


def test_the_neuron_reference_agrees_with_the_scalar_chain_rule():
    """The helpers version runs the array layers on one example; the written-out circuit must agree."""
    for args in EXERCISES["neuron_backward"].cases():
        np.testing.assert_allclose(EXERCISES["neuron_backward"].reference(*args), neuron_backward(*args))
    on, off, on_pushed_up = EXERCISES["neuron_backward"].cases()
    assert on[2] * on[0] + on[3] * on[1] + on[4] > 0 > off[2] * off[0] + off[3] * off[1] + off[4]
    assert on_pushed_up[2] * on_pushed_up[0] + on_pushed_up[3] * on_pushed_up[1] + on_pushed_up[4] > 0
    assert on[5] < 0 < off[5] and on_pushed_up[5] > 0


def test_a_shift_by_the_whole_arrays_maximum_needs_rows_far_apart():
    """Big scores alone do not catch it (their rows' maxima lie within about 600 of each other, and
    e^-600 does not underflow): the rows about 2000 apart do, where its exponentials of a whole row are 0."""
    ex = EXERCISES["score_gradient"]
    cases = ex.cases()
    right = ex.results(ex.reference, cases)
    shifted = ex.results(dscores_global_max, cases)
    assert ex.agrees(shifted[:2], right[:2]) and not ex.agrees(shifted[2:], right[2:])
    assert np.all(np.isfinite(right[2])) and np.isnan(shifted[2]).any()


def test_a_max_gate_switched_by_the_gradients_sign_needs_the_third_neuron():
    """On the first two neurons the gradient's sign is the opposite of z's, so a ReLU applied to the
    gradient gives the same numbers as a max gate passing where z <= 0; the third one tells them apart."""
    ex = EXERCISES["neuron_backward"]
    cases = ex.cases()
    on_gradient, wrong_side = (ex.results(f, cases) for f in (neuron_max_on_gradient, neuron_max_wrong_side))
    assert ex.agrees(on_gradient[:2], wrong_side[:2])
    assert not ex.agrees(on_gradient[2:], wrong_side[2:])


def _names_bound(tree):
    """The names a piece of code binds: assigned, looped over, defined or imported (not inside functions)."""
    names = set()
    for node in tree.body if isinstance(tree, ast.Module) else []:
        for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [node]:
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
    return names


def _locals_of(source):
    """The names the functions defined in ``source`` assign inside their bodies."""
    return {sub.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)
            for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)}


def test_no_cell_before_the_neuron_exercise_leaves_its_intermediate_values_as_globals():
    """A neuron_backward that forgets to compute z would read a global z left by the forward pass (5, so
    on), and pass the check's neuron that is on: the cells before it bind none of the circuit's values."""
    nb = nbformat.read(NOTEBOOKS / "03_backprop.ipynb", as_version=4)
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]
    solution = nb.cells[ids.index("ex6_neuron_backward")]
    before = [cell.source for cell in nb.cells[:ids.index("ex6_neuron_backward")] if cell.cell_type == "code"]
    globals_before = set().union(*(_names_bound(ast.parse(source)) for source in before))
    intermediate = (_locals_of(solution.source) | set().union(*map(_locals_of, before))) - {"x0", "x1", "w0", "w1", "b"}
    assert {"z", "dz"} <= intermediate
    assert not globals_before & intermediate, sorted(globals_before & intermediate)


# ------------------------------------------------------------ the numerical gradient: x nudged in place, then restored
def test_the_check_passes_f_the_same_x_it_passes_the_function():
    """f reads x: a closure would keep reading the check's own x after the deepcopy of the arguments;
    f is an object holding x, so that the copied f reads the copied x, the one the function nudges."""
    for args in EXERCISES["numerical_gradient"].cases():
        fresh = copy.deepcopy(args)
        assert fresh[0].x is fresh[1] and fresh[1] is not args[1]
        before = fresh[0]()
        fresh[1][0, 0] += 0.5
        assert fresh[0]() != before          # f sees the nudge of the x it was passed with
        assert args[0]() == before           # and the check's own f and x are left alone


def test_the_check_leaves_its_inputs_alone(capsys):
    cases = EXERCISES["numerical_gradient"].cases()
    for wrong in (numgrad_left_at_minus, numgrad_all_at_once):
        exercises.check_numerical_gradient(wrong)
    capsys.readouterr()
    for args, again in zip(cases, EXERCISES["numerical_gradient"].cases(), strict=True):
        assert np.array_equal(args[1], again[1])


def test_a_numerical_gradient_that_does_not_restore_x_is_named_by_its_hint(capsys):
    """x may be changed in place here, if it comes back as it was; one left nudged is named for that,
    not for the general rule against changing arguments in place."""
    for wrong in (numgrad_left_at_minus, numgrad_left_at_plus):
        returned, out = run_check("numerical_gradient", wrong, capsys)
        flat = " ".join(out.split())
        assert "expected: `x` as it was before the call" in flat and "received: `x` left changed" in flat
        assert "likely mistake: " + HINTS["not_restored"] in flat
        assert HINTS["in_place"] not in flat
        assert returned is EXERCISES["numerical_gradient"].reference


def test_x_put_back_by_arithmetic_counts_as_restored(capsys):
    """`x[i] += eps` ... `x[i] -= 2 * eps` ... `x[i] += eps` leaves x an ulp or so off: restored all the same."""
    def by_arithmetic(f, x, eps):
        grad = np.zeros(x.shape)
        for ix in np.ndindex(x.shape):
            x[ix] += eps
            up = f()
            x[ix] -= 2 * eps
            down = f()
            x[ix] += eps
            grad[ix] = (up - down) / (2 * eps)
        return grad

    args = EXERCISES["numerical_gradient"].cases()[0]
    fresh = copy.deepcopy(args)
    by_arithmetic(*fresh)
    assert not np.array_equal(fresh[1], args[1])      # not exactly: the case shows the ulp
    _, out = run_check("numerical_gradient", by_arithmetic, capsys)
    assert out == "\u2714 numerical_gradient: right.\n"


def test_other_exercises_still_refuse_any_change_in_place(capsys):
    def switch_nudged(dhidden, z):
        out = np.where(z > 0, dhidden, 0.0)
        z[0, 0] = np.nextafter(z[0, 0], np.inf)        # one ulp
        return out
    _, out = run_check("relu_switch", switch_nudged, capsys)
    assert HINTS["in_place"] in " ".join(out.split())


def test_calling_gradient_errors_is_refused_too(capsys):
    def by_gradient_errors(f, x, eps):
        helpers.gradient_errors(lambda p: (f(), {"x": np.zeros_like(x)}), {"x": x}, eps)
        return numerical_gradient(f, x, eps)
    _, out = run_check("numerical_gradient", by_gradient_errors, capsys)
    assert "a call to helpers.gradient_errors" in out
    # gradient_errors itself calls numerical_gradient, and still can, outside the learner's code
    assert helpers.gradient_errors(lambda p: (float(np.sum(p["w"] ** 3)), {"w": 3 * p["w"] ** 2}),
                                   {"w": np.array([1.0, 2.0])})["w"] < 1e-7


# ------------------------------------------------------------ the whole network: bad input from the learner
def test_the_training_loop_is_checked_against_helpers_train(capsys):
    """The reference is helpers.train itself, and a plain loop (the RIGHT one) agrees with it."""
    (args,) = EXERCISES["train_network"].cases()
    trained, losses = EXERCISES["train_network"].reference(*args)
    run = helpers.train(*args[:3], step_size=args[3], reg=args[4], num_iters=args[5], record_every=1)
    assert [loss for _, loss in run.loss_history] == list(losses) and len(losses) == args[5]
    assert all(np.array_equal(trained[name], run.params[name]) for name in trained)
    # the losses fall, and every parameter moves: a loop that forgot any of it would not pass
    assert losses[-1] < losses[0]
    assert all(not np.allclose(trained[name], args[0][name]) for name in trained)


@pytest.mark.parametrize("name, wrong, received", [
    ("network_forward", lambda X, params: (network_forward(X, params)[0].T, network_forward(X, params)[1]),
     "an array of shape (3, 6)"),
    ("network_forward", lambda X, params: [network_forward(X, params)[0].tolist(), network_forward(X, params)[1]],
     "received: a list"),
    ("network_loss", lambda scores, y, params, reg: (np.nan, network_loss(scores, y, params, reg)[1]),
     "loss = nan"),
    ("network_backward", lambda d, X, A, params, reg: network_backward(d, X, A, params, reg)[:3],
     "a tuple of length 3"),
    ("network_backward", lambda d, X, A, params, reg: np.full((2, 4), np.nan), "expected: 4 values, dW, db, dW2, db2"),
    ("train_network",
     lambda params, X, y, s, reg, n: ({k: np.full_like(v, np.nan) for k, v in params.items()}, [0.0] * n),
     "holding 10 NaN or infinite value(s)"),
    ("train_network", lambda params, X, y, s, reg, n: train_network(params, X, y, s, reg, n)[0],
     "expected: 2 values, params, losses"),
    ("train_network", lambda params, X, y, s, reg, n: ([params[k] for k in params], [0.0] * n),
     "expected: params, a dict of W, b, W2, b2"),
    ("train_network", lambda params, X, y, s, reg, n: ({"W1": params["W"]}, [0.0] * n), "received: a dict of W1"),
    ("train_network", lambda params, X, y, s, reg, n: params["W1"], "received: KeyError: 'W1'"),
])
def test_bad_results_of_the_network_get_a_verdict_naming_them(name, wrong, received, capsys):
    returned, out = run_check(name, wrong, capsys)
    assert out.startswith(f"\u2718 {name}: not right yet.") and received in out, out
    assert "Traceback" not in out
    assert returned is EXERCISES[name].reference


@pytest.mark.parametrize("name, by_helpers, helper", [
    ("network_forward", lambda X, params: (helpers.predict(params, X), X), "predict"),
    ("network_forward", lambda X, params: (helpers.affine_forward(X, params["W"], params["b"])[0], X),
     "affine_forward"),
    ("network_loss", lambda scores, y, params, reg: helpers.softmax_loss(scores, y), "softmax_loss"),
    ("network_backward", lambda d, X, A, params, reg: helpers.loss_and_grads(params, X, np.zeros(len(X), int)),
     "loss_and_grads"),
    ("network_backward", lambda d, X, A, params, reg: helpers.affine_backward(d, (A, params["W2"])), "affine_backward"),
    ("train_network", lambda params, X, y, s, reg, n: helpers.train(params, X, y, step_size=s, reg=reg, num_iters=n),
     "train"),
    # helpers' model functions, reached through their module
    ("network_forward", lambda X, params: (helpers.models.forward(params, X)[0],
                                           helpers.models.forward(params, X)[1][1]), "models.forward"),
    ("network_backward", lambda d, X, A, params, reg: tuple(helpers.models.backward(
        d, ((X, params["W"]), A, (A, params["W2"])))[k] for k in ("W", "b", "W2", "b2")), "models.backward"),
    ("second_layer_backward", lambda A, d, W2, reg: (helpers.models.backward(
        d, ((A, W2), A, (A, W2)))["W2"] + reg * W2, d.sum(axis=0, keepdims=True), d @ W2.T), "models.backward"),
])
def test_a_helpers_shortcut_in_the_network_is_not_right(name, by_helpers, helper, capsys):
    _, out = run_check(name, by_helpers, capsys)
    assert f"a call to helpers.{helper}" in out and "not right yet" in out
    # the helpers are back in place afterwards, and predict, which calls models.forward inside, still works
    assert helpers.models.forward.__module__ == "helpers.models" and helpers.models.backward.__name__ == "backward"
    (X, params), = EXERCISES["network_forward"].cases()
    assert exercises.check_network_forward(lambda X, params: (helpers.predict(params, X), X)) is not None
    assert helpers.predict(params, X).shape == (len(X),)


def loop_on_helpers_loss_and_grads(params, X, y, step_size, reg, num_iters):
    params = {name: value.copy() for name, value in params.items()}
    losses = []
    for _ in range(num_iters):
        loss, grads = helpers.loss_and_grads(params, X, y, reg=reg)
        losses.append(loss)
        params = {name: params[name] - step_size * grads[name] for name in params}
    return params, losses


def test_the_loop_on_helpers_loss_and_grads_is_pointed_to_the_notebooks(capsys):
    """The loop rebuilds helpers.train, not loss_and_grads: it is told to step with the notebook's own
    loss_and_grads, not to write the computation with NumPy."""
    _, out = run_check("train_network", loop_on_helpers_loss_and_grads, capsys)
    flat = " ".join(out.split())
    assert "received: a call to helpers.loss_and_grads" in flat
    assert "likely mistake: " + HINTS["loop_helpers_pieces"] in flat
    assert HINTS["calls_helpers"] not in flat and "the helper that this exercise rebuilds" not in flat
    # helpers.train itself is what the loop rebuilds
    _, out = run_check("train_network", lambda params, X, y, s, reg, n: helpers.train(
        params, X, y, step_size=s, reg=reg, num_iters=n), capsys)
    assert HINTS["calls_helpers"] in " ".join(out.split())


def test_arguments_changed_in_place_are_named(capsys):
    def loss_shifting_scores_in_place(scores, y, params, reg):
        scores -= scores.max(axis=1, keepdims=True)
        return network_loss(scores, y, params, reg)

    def forward_rebinding_a_weight(X, params):
        params["W"] = params["W"] * 1.0 + 1.0
        return network_forward(X, params)

    for name, func, argument in (("network_loss", loss_shifting_scores_in_place, "`scores`"),
                                 ("network_forward", forward_rebinding_a_weight, "`params`")):
        _, out = run_check(name, func, capsys)
        assert f"received: {argument} changed in place" in out
        assert HINTS["in_place"] in " ".join(out.split())
    # the training loop's own hint: the cells below would start from trained weights
    _, out = run_check("train_network", loop_in_place, capsys)
    assert "`params` changed in place" in out and HINTS["loop_in_place"] in " ".join(out.split())


def test_what_the_loop_prints_stays_out_of_the_verdict(capsys):
    def chatty(params, X, y, step_size, reg, num_iters):
        print("iteration 0: loss ...")
        return train_network(params, X, y, step_size, reg, num_iters)
    returned, out = run_check("train_network", chatty, capsys)
    assert returned is chatty and out == "\u2714 train_network: right.\n"


def test_a_loop_built_on_a_wrong_piece_is_judged_by_its_own_mistake(capsys):
    """The loop's check runs the learner's forward, loss and backward as they are in the notebook (after their
    checks, the helpers versions if they were wrong): it names the loop's mistake, not theirs."""
    namespace = {"np": np, "network_forward": network_forward, "network_loss": network_loss,
                 "network_backward": EXERCISES["network_backward"].reference}
    exec("def train_network(params, X, y, step_size, reg, num_iters):\n"
         "    params = {k: v.copy() for k, v in params.items()}\n"
         "    losses = []\n"
         "    for i in range(num_iters):\n"
         "        scores, hidden_layer = network_forward(X, params)\n"
         "        loss, dscores = network_loss(scores, y, params, reg)\n"
         "        for k, g in zip(params, network_backward(dscores, X, hidden_layer, params, reg)):\n"
         "            params[k] += step_size * g\n"
         "        losses.append(loss)\n"
         "    return params, losses\n", namespace)
    _, out = run_check("train_network", namespace["train_network"], capsys)
    assert HINTS["wrong_sign"] in " ".join(out.split())


# ------------------------------------------------------------ an exception: the learner's line, and what to do
def backward_with_a_typo(dscores, X, hidden_layer, params, reg):
    dW2, db2, dhidden = second_layer_backward(hidden_layer, dscores, params["W2"], reg)
    dz = relu_switch(dhidden, hidden_layer)
    dW = X.T @ dz + reg * params["W1"]
    return dW, dz.sum(axis=0, keepdims=True), dW2, db2


def loop_raising_on_a_long_line(params, X, y, step_size, reg, num_iters):
    return {name: value - step_size * params["no such key"] * np.ones_like(value) for name, value in params.items()}, []


def test_an_exception_names_the_learners_line_that_raised_it(capsys):
    _, out = run_check("network_backward", backward_with_a_typo, capsys)
    lines = out.splitlines()
    number = backward_with_a_typo.__code__.co_firstlineno + 3    # in a notebook, the line of the cell
    at = lines.index(f"  raised in backward_with_a_typo, line {number} of its cell:")
    assert lines[at - 1] == "  received: KeyError: 'W1'"
    assert lines[at + 1] == '      dW = X.T @ dz + reg * params["W1"]'
    assert "read the error and the line that raised it" in " ".join(out.split())
    assert messages_no_known_mistake() not in " ".join(out.split())
    # a line too long for nbgrader's feedback is cut to fit
    _, out = run_check("train_network", loop_raising_on_a_long_line, capsys)
    number = number_of(loop_raising_on_a_long_line, 1)
    assert f"raised in loop_raising_on_a_long_line, line {number} of its cell:" in out
    assert "\u2026" in out and max(len(line) for line in out.splitlines()) <= WIDTH


def number_of(func, offset):
    return func.__code__.co_firstlineno + offset


def messages_no_known_mistake():
    return " ".join(exercises.messages.NO_KNOWN_MISTAKE.split())


def test_a_name_not_defined_asks_for_the_cell_that_defines_it(capsys):
    """A loop run before the cell that defines loss_and_grads: the verdict says which cell to run."""
    namespace = {"np": np}
    exec("def train_network(params, X, y, step_size, reg, num_iters):\n"
         "    params = {k: v.copy() for k, v in params.items()}\n"
         "    losses = []\n"
         "    for i in range(num_iters):\n"
         "        loss, grads = loss_and_grads(params, X, y, reg)\n"
         "        losses.append(loss)\n"
         "    return params, losses\n", namespace)
    _, out = run_check("train_network", namespace["train_network"], capsys)
    assert "received: NameError: name 'loss_and_grads' is not defined" in out
    assert "raised in train_network, line 5 of its cell" in out
    assert "run the cell that defines loss_and_grads first, then this cell again." in out
    assert "no known mistake" not in out


# ------------------------------------------------------------ the loop and the notebook's state
LOOP_ON_LOSS_AND_GRADS = ("def train_network(params, X, y, step_size, reg, num_iters):\n"
                          "    params = {k: v.copy() for k, v in params.items()}\n"
                          "    losses = []\n"
                          "    for i in range(num_iters):\n"
                          "        loss, grads = loss_and_grads(params, X, y, reg)\n"
                          "        losses.append(loss)\n"
                          "        for k in params:\n"
                          "            params[k] = params[k] - step_size * grads[k]\n"
                          "    return params, losses\n")


def _notebook(network_forward):
    """A namespace as notebook 4's kernel holds it: the pieces, the notebook's loss_and_grads built on
    them (its cell), and the loop stepping with it."""
    namespace = {"np": np, "network_forward": network_forward, "network_loss": network_loss,
                 "network_backward": network_backward}
    exec("def loss_and_grads(params, X, y, reg):\n"
         "    scores, hidden_layer = network_forward(X, params)\n"
         "    loss, dscores = network_loss(scores, y, params, reg)\n"
         "    grads = network_backward(dscores, X, hidden_layer, params, reg)\n"
         "    return loss, dict(zip(('W', 'b', 'W2', 'b2'), grads))\n" + LOOP_ON_LOSS_AND_GRADS, namespace)
    return namespace


def test_a_piece_changed_after_its_check_is_named_not_the_loop(capsys):
    """A right loop on the notebook's loss_and_grads, with network_forward redefined wrong after its check:
    the verdict says to re-run the cells from exercise 14, not that the loop is wrong."""
    returned, out = run_check("train_network", _notebook(network_forward)["train_network"], capsys)
    assert out == "\u2714 train_network: right.\n"
    _, out = run_check("train_network", _notebook(forward_no_relu)["train_network"], capsys)
    flat = " ".join(out.split())
    assert "likely mistake: " + HINTS["loop_pieces_changed"] in flat and "not right yet" in out
    # the loop's own mistake, with the pieces as checked, is still named as such
    stepping_uphill = _notebook(network_forward)
    exec(LOOP_ON_LOSS_AND_GRADS.replace("params[k] - step_size", "params[k] + step_size"), stepping_uphill)
    _, out = run_check("train_network", stepping_uphill["train_network"], capsys)
    assert HINTS["wrong_sign"] in " ".join(out.split()) and HINTS["loop_pieces_changed"] not in " ".join(out.split())


def test_a_loop_matching_no_known_mistake_is_told_about_loops_not_formulas(capsys):
    def loop_two_steps_each(params, X, y, step_size, reg, num_iters):
        trained, losses = train_network(params, X, y, step_size, reg, 2 * num_iters)
        return trained, losses[::2]
    _, out = run_check("train_network", loop_two_steps_each, capsys)
    flat = " ".join(out.split())
    assert " ".join(EXERCISES["train_network"].no_match.split()) in flat
    assert "formula" not in flat and not any(text in flat for text in HINTS.values())

"""The slider playground of notebook 5, driven the way the front end drives it.

JupyterLab moves a slider by setting the control's ``value``; the playground's
observer then retrains and redraws synchronously. These tests do the same and
check what was computed against ``helpers.train`` called directly.
"""
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest

from helpers import accuracy, init_linear, init_two_layer, train
from helpers.models import loss_and_grads
from helpers.widgets import DEFAULTS, Playground, record_every_for

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def data(spiral):
    """The course's spiral (conftest.py, which also selects the Agg backend)."""
    return spiral


@pytest.fixture
def pg(data):
    """A fresh playground at the default settings."""
    return Playground(*data)


def direct_run(X, y, *, model="2-layer", step_size=1.0, reg=1e-3, hidden_size=100, num_iters=500, seed=0):
    """What the playground should compute, by calling helpers.train ourselves."""
    rng = np.random.RandomState(seed)
    params = init_linear(2, 3, rng=rng) if model == "linear" else init_two_layer(2, hidden_size, 3, rng=rng)
    return train(params, X, y, step_size=step_size, reg=reg, num_iters=num_iters,
                 record_every=record_every_for(num_iters))


def assert_same_run(pg, expected, X, y, reg):
    assert pg.result.diverged is None and expected.diverged is None
    got_iters, got_losses = zip(*pg.result.loss_history)
    want_iters, want_losses = zip(*expected.loss_history)
    assert got_iters == want_iters
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-12)
    want_loss = loss_and_grads(expected.params, X, y, reg)[0]
    want_acc = accuracy(expected.params, X, y)
    assert pg.final_loss == pytest.approx(want_loss, rel=1e-12)
    assert pg.train_accuracy == want_acc
    assert f"Final loss {want_loss:.3f}" in pg.status
    assert f"training accuracy {want_acc:.2f}" in pg.status


def decoded(png_bytes):
    png_bytes = bytes(png_bytes)  # the Image widget hands back a memoryview
    assert png_bytes.startswith(PNG_MAGIC)
    return np.asarray(PIL.Image.open(io.BytesIO(png_bytes)).convert("RGB"))


# ------------------------------------------------------------------ building it

def test_defaults_train_once_and_match_helpers_train(pg, data):
    X, y = data
    assert pg.redraw_count == 1
    assert pg.settings == DEFAULTS
    assert_same_run(pg, direct_run(X, y), X, y, reg=1e-3)
    assert 0.8 < pg.train_accuracy < 1.0  # the net learns something within the widget's 500 iterations


def test_widget_holds_the_controls_the_figure_and_the_status(pg):
    def descendants(w):
        yield w
        for child in getattr(w, "children", ()):
            yield from descendants(child)

    inside = list(descendants(pg.widget))
    assert isinstance(pg.widget, widgets.Box)
    assert set(pg.controls) == {"model", "step_size", "reg", "hidden_size", "num_iters"}
    for control in pg.controls.values():
        assert control in inside
    assert pg.image in inside and isinstance(pg.image, widgets.Image)
    assert any(isinstance(w, widgets.HTML) and "training accuracy" in w.value for w in inside)
    img = decoded(pg.image.value)
    assert img.shape[0] > 200 and img.shape[1] > 500


def test_sliders_are_log_scaled_update_on_release_and_span_every_failure_mode(pg):
    for name in ("step_size", "reg"):
        slider = pg.controls[name]
        assert isinstance(slider, widgets.FloatLogSlider) and slider.base == 10
    step, reg = pg.controls["step_size"], pg.controls["reg"]
    assert 10 ** step.min <= 1e-3 and 10 ** step.max >= 100  # crawl ... blow-up
    assert 10 ** reg.min <= 1e-4 and 10 ** reg.max >= 1  # none ... underfit
    assert set(pg.controls["model"].options) >= {("linear classifier", "linear"), ("2-layer net", "2-layer")}
    assert {3, 100} <= set(pg.controls["hidden_size"].options)
    assert {500, 10000} <= set(pg.controls["num_iters"].options)
    for control in pg.controls.values():
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False


def test_nothing_leaks_into_pyplot_or_stdout(data, capsys):
    before = plt.get_fignums()
    pg = Playground(*data)
    pg.controls["step_size"].value = 10.0
    pg.controls["model"].value = "linear"
    assert plt.get_fignums() == before
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ------------------------------------------------------------------ moving the sliders

def test_moving_the_step_size_retrains_redraws_and_matches_helpers_train(pg, data):
    X, y = data
    old_png, old_count = bytes(pg.image.value), pg.redraw_count
    pg.controls["step_size"].value = 10 ** -0.5
    assert pg.redraw_count == old_count + 1
    assert bytes(pg.image.value) != old_png
    assert not np.array_equal(decoded(pg.image.value), decoded(old_png))
    assert_same_run(pg, direct_run(X, y, step_size=10 ** -0.5), X, y, reg=1e-3)
    assert "step size 0.316" in pg.status


@pytest.mark.parametrize("model", ["2-layer", "linear"])
def test_top_of_the_step_size_range_diverges_and_says_so(pg, model):
    pg.controls["model"].value = model
    before = decoded(pg.image.value)
    step = pg.controls["step_size"]
    step.value = step.base ** step.max  # the slider's End key
    diverged = pg.result.diverged
    assert diverged is not None and diverged.iteration <= 5
    assert pg.status.startswith(f"Training diverged at iteration {diverged.iteration}")
    assert "step size 100 is too large" in pg.status
    assert pg.final_loss is None and pg.train_accuracy is None
    # the figure says it in words instead of drawing regions of NaN
    assert not pg.figure.regions.get_visible()
    assert pg.figure.boundary_message.get_visible()
    assert f"diverged at iteration {diverged.iteration}" in pg.figure.boundary_message.get_text()
    assert "darkred" in pg.status_widget.value
    assert not np.array_equal(decoded(pg.image.value), before)


def test_too_small_a_step_barely_learns(pg):
    default_loss = pg.final_loss
    pg.controls["step_size"].value = 1e-3
    assert pg.result.diverged is None
    start = pg.result.loss_history[0][1]
    assert start - pg.final_loss < 0.01  # hardly moved from ln 3
    assert pg.final_loss > default_loss + 0.5


def test_heavy_regularisation_underfits(pg, data):
    X, y = data
    default_accuracy = pg.train_accuracy
    pg.controls["reg"].value = 1.0
    assert pg.result.diverged is None
    assert pg.train_accuracy < default_accuracy - 0.3
    assert_same_run(pg, direct_run(X, y, reg=1.0), X, y, reg=1.0)


def test_hidden_size_and_model_change_the_trained_model(pg, data):
    X, y = data
    pg.controls["hidden_size"].value = 3
    assert pg.result.params["W"].shape == (2, 3) and pg.result.params["W2"].shape == (3, 3)
    assert_same_run(pg, direct_run(X, y, hidden_size=3), X, y, reg=1e-3)
    pg.controls["model"].value = "linear"
    assert set(pg.result.params) == {"W", "b"}
    assert pg.controls["hidden_size"].disabled
    assert_same_run(pg, direct_run(X, y, model="linear"), X, y, reg=1e-3)
    assert pg.train_accuracy < 0.6  # convex wedges cannot follow the arms
    pg.controls["model"].value = "2-layer"
    assert not pg.controls["hidden_size"].disabled


def test_num_iters_changes_the_run_length(pg, data):
    X, y = data
    pg.controls["num_iters"].value = 100
    assert pg.result.iterations == 100
    assert pg.result.loss_history[-1][0] == 99
    assert_same_run(pg, direct_run(X, y, num_iters=100), X, y, reg=1e-3)


def test_each_change_restarts_from_the_same_parameters(pg):
    first_history, first_png = list(pg.result.loss_history), bytes(pg.image.value)
    pg.controls["step_size"].value = 3.0
    pg.controls["hidden_size"].value = 20
    pg.controls["hidden_size"].value = 100
    pg.controls["step_size"].value = 1.0
    assert pg.result.loss_history == first_history
    assert bytes(pg.image.value) == first_png
    assert pg.redraw_count == 5


def test_same_seed_same_result_other_seed_other_result(data):
    a, b, c = Playground(*data, seed=1), Playground(*data, seed=1), Playground(*data, seed=2)
    assert a.result.loss_history == b.result.loss_history
    assert a.result.loss_history != c.result.loss_history


# ------------------------------------------------------------------ bad arguments

@pytest.mark.parametrize("kwargs, error, words", [
    ({"model": "3-layer"}, ValueError, "model must be one of"),
    ({"step_size": 1000.0}, ValueError, "step_size must be between"),
    ({"step_size": 0.0}, ValueError, "step_size must be positive"),
    ({"reg": 5.0}, ValueError, "reg must be between"),
    ({"reg": "0.1"}, TypeError, "reg must be a real number"),
    ({"hidden_size": 0}, ValueError, "hidden_size must be an integer >= 1"),
    ({"num_iters": 2.5}, TypeError, "num_iters must be an integer"),
    ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
    ({"mesh_step": 0.0}, ValueError, "mesh_step must be positive"),
])
def test_bad_settings_are_refused_with_a_clear_message(data, kwargs, error, words):
    with pytest.raises(error, match=words):
        Playground(*data, **kwargs)


def test_bad_data_is_refused_with_a_clear_message(data):
    X, y = data
    with pytest.raises(ValueError, match="X must have 2 columns"):
        Playground(np.c_[X, X[:, :1]], y)
    with pytest.raises(ValueError, match="one label per"):
        Playground(X, y[:-1])
    with pytest.raises(TypeError, match="integer class labels"):
        Playground(X, y.astype(float))
    with pytest.raises(ValueError, match="at least two classes"):
        Playground(X, np.zeros(len(X), dtype=int))

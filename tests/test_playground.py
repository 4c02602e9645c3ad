"""The playground of notebook 6, driven the way the front end drives it.

JupyterLab moves a slider by setting the control's ``value``, presses a button by
calling its click handlers, ticks the Play clocks by setting their ``value`` and sends
a click on the figure as an ipyevents message. These tests do the same, and check
what was computed against ``helpers.train`` and the course's set-up called directly.
"""
import io
import itertools
import json

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest

from helpers import course, train
from helpers.playground import GROUPS, Playground
from helpers.playground.controls import (CATCH_UP_TRAIN_MS, FRAME_PERIOD_MS, FRAME_TRAIN_MS, MIN_FRAME_TRAIN_MS,
                                         PLAYING_CLOCKS)
from helpers.playground.settings import DEFAULTS, SETTING, SETTINGS, as_json, check_settings
from helpers.models import hinge_segments
from helpers.playground.state import (Session, dead_units, initial_params,
                                      record_every_for, spiral_split)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def make_playground(**kwargs):
    """A playground whose frame pacing reads a clock that moves on a second at every look, so that
    every tick of the tests makes a frame whatever the real time; with no time budget (unless
    ``budget=True`` is passed), so that every frame trains its full amount."""
    pg = Playground(**{"budget": False, **kwargs})
    pg.clock_time = itertools.count(0.0, 1.0).__next__
    return shown(pg)


def shown(pg):
    """What the front end does when it puts the playground on a page: it counts each clock's view."""
    for clock in pg.clocks:
        clock._view_count = 1
    return pg


@pytest.fixture
def pg():
    """A fresh playground at the default settings (course spiral, 20% held out, course network)."""
    return make_playground()


def decoded(png_bytes):
    png_bytes = bytes(png_bytes)  # the Image widget hands back a memoryview
    assert png_bytes.startswith(PNG_MAGIC)
    return np.asarray(PIL.Image.open(io.BytesIO(png_bytes)).convert("RGB"))


def tick(pg, n=1):
    """What the front end's Play clocks do: bump their values, taking turns."""
    for i in range(n):
        pg.clocks[i % 2].value += 1


def click(pg, x1, x2, shift=False):
    """A click on the figure at the plane's (x1, x2), as ipyevents hands it to the playground."""
    px, py = pg.figure.data_to_pixel(x1, x2)
    pg.on_click({"event": "click", "type": "click", "dataX": round(px), "dataY": round(py), "shiftKey": shift})


def press(button):
    button.click()


def descendants(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from descendants(child)


# ------------------------------------------------------------------ data and starting weights

def test_default_data_are_the_course_spiral_with_a_seeded_stratified_split():
    _, X, y = course.course_data()
    data = Session().data
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y, y)
    assert data.is_held_out.sum() == 60
    assert [int(np.sum(data.is_held_out & (data.y == k))) for k in range(3)] == [20, 20, 20]
    # the split comes from the data seed: the same seed gives the same split, another seed another one
    again = spiral_split(100, 3, 0.2, 0.2, data_seed=0)
    other = spiral_split(100, 3, 0.2, 0.2, data_seed=1)
    np.testing.assert_array_equal(again.is_held_out, data.is_held_out)
    assert not np.array_equal(other.X, data.X)
    assert not np.array_equal(other.is_held_out, data.is_held_out)  # the split follows the seed too
    assert not np.array_equal(spiral_split(100, 3, 0.2, 0.2, 0).is_held_out,
                              spiral_split(100, 3, 0.2, 0.3, 0).is_held_out)
    assert spiral_split(100, 3, 0.2, 0.0, 0).is_held_out.sum() == 0


def test_seed_zero_starts_from_the_course_weights():
    _, _, linear = course.course_linear_setup()
    _, _, net = course.course_net_setup()
    for model, expected in (("linear", linear), ("2-layer", net)):
        got = initial_params(model, 3, 100, seed=0, skip=300)
        assert set(got) == set(expected)
        for key in got:
            np.testing.assert_array_equal(got[key], expected[key])
    assert not np.array_equal(initial_params("linear", 3, 100, seed=1, skip=300)["W"], linear["W"])


def test_with_nothing_held_out_the_playground_replays_the_course():
    """At the course's settings, 200 iterations of the linear classifier give the course's losses."""
    session = Session({"model": "linear", "held_out_share": 0.0, "num_iters": 200})
    X, y, params = course.course_linear_setup()
    expected = train(params, X, y, num_iters=200, record_every=10)
    session.retrain()
    for key in ("W", "b"):
        np.testing.assert_array_equal(session.params[key], expected.params[key])
    assert session.iteration == 200


# ------------------------------------------------------------------ training in chunks

def test_paused_retrain_equals_one_call_of_train(pg):
    X_train, y_train = pg.session.data.train
    direct = train(pg.session.initial_params(), X_train, y_train, step_size=1.0, reg=1e-3, num_iters=500)
    for key in direct.params:
        np.testing.assert_array_equal(pg.session.params[key], direct.params[key])
    assert pg.session.iteration == 500
    assert [h.iteration for h in pg.session.history] == list(range(0, 501, record_every_for(500)))
    final = pg.session.latest
    assert f"Iteration 500; training loss {final.train_loss:.3f}; held-out loss {final.held_out_loss:.3f}" in pg.status
    assert f"training accuracy {final.train_accuracy:.2f}; held-out accuracy {final.held_out_accuracy:.2f}" in pg.status


def test_step_is_deterministic_and_equals_the_same_iterations_in_one_run(pg):
    press(pg.buttons["reset"])
    assert pg.session.iteration == 0
    for _ in range(3):
        press(pg.buttons["step"])
    assert pg.session.iteration == 3 * DEFAULTS["speed"]
    other = make_playground()
    press(other.buttons["reset"])
    for _ in range(3):
        press(other.buttons["step"])
    X_train, y_train = pg.session.data.train
    direct = train(pg.session.initial_params(), X_train, y_train, num_iters=3 * DEFAULTS["speed"])
    for key in direct.params:
        np.testing.assert_array_equal(pg.session.params[key], other.session.params[key])
        np.testing.assert_array_equal(pg.session.params[key], direct.params[key])
    assert bytes(pg.image.value) == bytes(other.image.value)


def test_reset_returns_to_the_seeded_weights_and_draws_them(pg):
    trained_png = bytes(pg.image.value)
    press(pg.buttons["reset"])
    assert pg.session.iteration == 0 and len(pg.session.history) == 1
    for key, value in pg.session.initial_params().items():
        np.testing.assert_array_equal(pg.session.params[key], value)
    assert "Iteration 0;" in pg.status
    assert bytes(pg.image.value) != trained_png


# ------------------------------------------------------------------ a retrain drawn as it goes

SECONDS_PER_ITERATION = 2.0 ** -9  # about 2 ms, exact in binary


@pytest.fixture
def slow_machine(monkeypatch):
    """The session's clock moves on ~2 ms for every iteration trained: a machine on which one iteration
    takes that long and nothing else takes any time, so that the time budgets give exact counts."""
    monkeypatch.setattr(Session, "clock", lambda self: self.iteration * SECONDS_PER_ITERATION)


def fitting(milliseconds):
    """How many iterations of the slow machine fit in a budget of ``milliseconds``."""
    return int(milliseconds / 1000 / SECONDS_PER_ITERATION)


def assert_same_run(pg, other):
    assert pg.status == other.status
    assert pg.session.history == other.session.history
    for key in other.session.params:
        np.testing.assert_array_equal(pg.session.params[key], other.session.params[key])


def test_a_retrain_longer_than_a_frame_shows_its_first_picture_then_catches_up_tick_by_tick(slow_machine):
    pg = make_playground(budget=True, num_iters=1000)
    first = fitting(FRAME_TRAIN_MS)
    assert pg.catching_up and pg.session.iteration == first and pg.redraw_count == 1
    assert [c.playing for c in pg.clocks] == [True, False] and not pg.playing  # one clock drives the catch-up
    assert pg.status.startswith(f"Catching up with the new settings: iteration {first} of 1000; training loss")
    assert pg.figure.counter.get_text() == f"iteration {first} of 1000"
    assert pg.image.format == "jpeg"  # a frame of an animation
    seen = [pg.session.iteration]
    while pg.catching_up:
        tick(pg)
        seen.append(pg.session.iteration)
    per_tick = fitting(CATCH_UP_TRAIN_MS)
    assert seen == [min(first + i * per_tick, 1000) for i in range(len(seen))]
    assert not any(c.playing for c in pg.clocks) and pg.image.format == "png"
    assert pg.status.startswith("Iteration 1000;")
    assert_same_run(pg, make_playground(num_iters=1000))  # however it was split, the same run


def test_the_clocks_start_only_once_the_front_end_shows_them(slow_machine):
    """A Play widget that is already playing when its view appears never ticks: they must start after."""
    pg = Playground(budget=True, num_iters=1000)
    assert pg.catching_up and not any(c.playing for c in pg.clocks)
    shown(pg)
    assert [c.playing for c in pg.clocks] == [True, False]
    changes = []
    pg.clocks[0].observe(lambda change: changes.append(change["new"]), names="playing")
    pg.clocks[0]._view_count = 0  # the notebook closed: its views went
    pg.clocks[0]._view_count = 1  # and opened again: the clock is stopped and started, a change the view sees
    assert changes == [False, True] and [c.playing for c in pg.clocks] == [True, False]


def test_a_newer_change_starts_the_catch_up_again_and_wait_finishes_it(slow_machine):
    pg = make_playground(budget=True, num_iters=1000)
    tick(pg)
    pg.controls["step_size"].value = 0.1
    assert pg.catching_up and pg.session.iteration == fitting(FRAME_TRAIN_MS)
    assert pg.session.history[0].iteration == 0 and "step size 0.1," in pg.status
    pg.wait()
    assert not pg.catching_up and not any(c.playing for c in pg.clocks)
    assert_same_run(pg, make_playground(num_iters=1000, step_size=0.1))


def test_play_while_catching_up_trains_on_from_where_it_stands(slow_machine):
    pg = make_playground(budget=True, num_iters=1000, speed=10)
    at = pg.session.iteration
    pg.play()
    tick(pg)
    assert not pg.catching_up and pg.session.iteration == at + 10 and pg.status.startswith(f"Iteration {at + 10};")


def test_frames_train_less_when_drawing_and_the_browser_take_long(monkeypatch):
    """Between two frames the clock also moves on by what the drawing and the trip to the browser took;
    the next frame's training shrinks by what that passes the frame period (to at least a minimum)."""
    elsewhere = {"ms": 0.0}
    monkeypatch.setattr(Session, "clock", lambda self: self.iteration * SECONDS_PER_ITERATION + elsewhere["ms"] / 1000)
    pg = make_playground(budget=True, num_iters=50, speed=200)
    pg.wait()
    pg.play()
    trained = []
    for overhead_ms in (0, 10, 60, 200, 0):
        before = pg.session.iteration
        tick(pg)
        trained.append(pg.session.iteration - before)
        elsewhere["ms"] += overhead_ms  # drawing this frame, and the browser asking for the next one
    assert trained[:2] == [fitting(FRAME_TRAIN_MS)] * 2  # the first frame, and one after no overhead
    assert trained[2] == fitting(min(FRAME_TRAIN_MS, FRAME_PERIOD_MS - 10))
    assert trained[3] == fitting(FRAME_PERIOD_MS - 60)
    assert trained[4] == fitting(MIN_FRAME_TRAIN_MS)  # 200 ms elsewhere: the least a frame trains
    pg.pause()
    pg.play()
    tick(pg)  # after a pause, a first frame again
    assert pg.session.last_step == fitting(FRAME_TRAIN_MS)


def test_a_frame_trains_fewer_iterations_when_they_do_not_fit_and_says_so(slow_machine):
    pg = make_playground(budget=True, num_iters=50, speed=200)
    pg.wait()
    pg.play()
    tick(pg)
    fitted = fitting(FRAME_TRAIN_MS)
    assert pg.session.iteration == 50 + fitted and pg.session.last_step == fitted
    assert f"{fitted} of the 200 iterations a frame fitted in the last frame's time" in pg.status
    pg.pause()
    pg.step()  # Step trains all of them, however long that takes
    assert pg.session.iteration == 50 + fitted + 200 and "fitted" not in pg.status


# ------------------------------------------------------------------ playing

def test_play_trains_a_frame_per_tick_and_pause_stops(pg):
    start, frames = pg.session.iteration, pg.redraw_count
    pg.play()
    assert sum(c.playing for c in pg.clocks) == PLAYING_CLOCKS
    assert pg.buttons["play"].description == "Pause" and pg.buttons["step"].disabled
    pngs = set()
    for _ in range(4):
        tick(pg)
        pngs.add(bytes(pg.image.value))
    assert pg.session.iteration == start + 4 * DEFAULTS["speed"]
    assert pg.redraw_count == frames + 4 and len(pngs) == 4
    assert f"Iteration {start + 4 * DEFAULTS['speed']};" in pg.status
    pg.pause()
    assert not any(c.playing for c in pg.clocks) and not pg.buttons["step"].disabled
    tick(pg)  # a tick already on its way when Pause was pressed trains nothing
    assert pg.session.iteration == start + 4 * DEFAULTS["speed"]


def test_frames_are_paced_by_the_kernel_whichever_clock_ticks():
    pg = shown(Playground(frame_interval_ms=50, budget=False))
    now = [100.0]
    pg.clock_time = lambda: now[0]
    pg.play()
    start = pg.session.iteration
    pg.clocks[0].value += 1  # a frame
    pg.clocks[1].value += 1  # 0 ms later: skipped
    now[0] += 0.03
    pg.clocks[0].value += 1  # 30 ms after the last frame: skipped
    assert pg.session.iteration == start + DEFAULTS["speed"]
    now[0] += 0.025
    pg.clocks[1].value += 1  # 55 ms: a frame
    assert pg.session.iteration == start + 2 * DEFAULTS["speed"]


def test_step_size_and_reg_apply_at_once_while_playing_without_a_reset(pg):
    pg.play()
    tick(pg, 2)
    at, frames = pg.session.iteration, pg.redraw_count
    before = {key: value.copy() for key, value in pg.session.params.items()}
    pg.controls["step_size"].value = 10 ** -0.5  # a frame at once, with the new step size
    expected = train(before, *pg.session.data.train, step_size=10 ** -0.5, reg=1e-3, num_iters=DEFAULTS["speed"])
    assert pg.session.iteration == at + DEFAULTS["speed"] and pg.redraw_count == frames + 1  # no reset
    for key in expected.params:
        np.testing.assert_array_equal(pg.session.params[key], expected.params[key])
    assert "step size 0.316" in pg.status
    pg.controls["reg"].value = 1e-2
    expected = train(expected.params, *pg.session.data.train, step_size=10 ** -0.5, reg=1e-2,
                     num_iters=DEFAULTS["speed"])
    tick(pg)
    assert pg.session.iteration == at + 3 * DEFAULTS["speed"]
    expected = train(expected.params, *pg.session.data.train, step_size=10 ** -0.5, reg=1e-2,
                     num_iters=DEFAULTS["speed"])
    for key in expected.params:
        np.testing.assert_array_equal(pg.session.params[key], expected.params[key])


def test_speed_sets_the_iterations_per_frame(pg):
    frames = pg.redraw_count
    pg.controls["speed"].value = 5
    assert pg.session.iteration == 500 and pg.redraw_count == frames  # paused: nothing to redo
    pg.play()
    tick(pg)
    assert pg.session.iteration == 505
    pg.controls["speed"].value = 50  # while playing: a frame of the new size at once
    assert pg.session.iteration == 555


@pytest.mark.parametrize("name, value", [("model", "linear"), ("hidden_size", 20), ("classes", 4),
                                         ("points_per_class", 50), ("noise", 0.5), ("held_out_share", 0.4)])
def test_model_and_data_changes_while_playing_reset_and_keep_playing(pg, name, value):
    pg.play()
    tick(pg, 2)
    pg.controls[name].value = value
    assert pg.playing and pg.session.iteration == 0
    for key, start in pg.session.initial_params().items():
        np.testing.assert_array_equal(pg.session.params[key], start)
    tick(pg)
    assert pg.session.iteration == DEFAULTS["speed"]


def test_new_sample_draws_other_data_from_the_next_seed(pg):
    before = pg.session.data.X.copy()
    press(pg.buttons["new_sample"])
    assert pg.session.settings["data_seed"] == 1
    assert not np.array_equal(pg.session.data.X, before)
    np.testing.assert_array_equal(pg.session.data.X, spiral_split(100, 3, 0.2, 0.2, 1).X)
    assert pg.session.iteration == 500  # paused: retrained from the seed on the new data


def test_iterations_while_playing_pauses_and_retrains(pg):
    pg.play()
    tick(pg, 2)
    pg.controls["num_iters"].value = 100
    assert not pg.playing and pg.session.iteration == 100


def test_paused_slider_release_retrains_from_the_seed(pg):
    first_history, first_png = list(pg.session.history), bytes(pg.image.value)
    pg.controls["step_size"].value = 3.0
    assert pg.session.history != first_history
    pg.controls["hidden_size"].value = 20
    pg.controls["hidden_size"].value = 100
    pg.controls["step_size"].value = 1.0
    assert pg.session.history == first_history
    assert bytes(pg.image.value) == first_png


@pytest.mark.parametrize("model", ["2-layer", "linear"])
def test_a_run_that_diverges_while_playing_stops_and_says_why(model):
    pg = make_playground(model=model)
    press(pg.buttons["reset"])
    pg.play()
    pg.controls["step_size"].value = 100.0
    tick(pg, 3)
    diverged = pg.session.diverged
    assert diverged is not None and diverged.iteration <= 10
    assert not pg.playing and not any(c.playing for c in pg.clocks)
    assert pg.status.startswith(f"Training diverged at iteration {diverged.iteration}")
    assert "the step size 100 is too large" in pg.status
    assert "darkred" in pg.status_widget.value
    assert not pg.figure.regions.get_visible() and "diverged" in pg.figure.message.get_text()
    assert all(np.all(np.isfinite(v)) for v in pg.session.params.values())
    pg.play()  # Play cannot restart a diverged run
    assert not pg.playing
    pg.controls["step_size"].value = 1.0  # paused: retrain from the seed
    assert pg.session.diverged is None and pg.session.iteration == 500


def test_step_size_times_reg_above_two_is_named_as_the_cause():
    pg = Playground(step_size=10.0, reg=1.0, num_iters=200, budget=False)
    assert pg.session.diverged is not None
    assert "step size x reg = 10 is above 2" in pg.status
    assert "step size x reg = 10 is above 2" in pg.figure.message.get_text()


# ------------------------------------------------------------------ your own points

def test_pixels_and_the_plane_map_both_ways(pg):
    fig = pg.figure
    for x1, x2 in [(0.0, 0.0), (1.2, -0.7), (-1.4, 1.4)]:
        px, py = fig.data_to_pixel(x1, x2)
        back = fig.pixel_to_data(px, py)
        assert back == pytest.approx((x1, x2), abs=1e-9)
    # one pixel is about 3 / 280 of the plane; the y axis points up, pixel rows go down
    (left, top), (right, bottom) = fig.data_to_pixel(-1.5, 1.5), fig.data_to_pixel(1.5, -1.5)
    assert right - left > 250 and bottom - top > 250 and top < bottom
    assert fig.pixel_to_data(5, 5) is None  # the figure's margin
    assert fig.pixel_to_data(fig.fig.bbox.width - 20, bottom - 50) is None  # the loss plot


def test_a_click_adds_a_point_of_the_chosen_class_there(pg):
    n_train, n_test = len(pg.session.data.train[1]), len(pg.session.data.held_out[1])
    pg.click_class.value = 2
    click(pg, 1.2, -1.1)
    X, y = pg.session.data.train
    assert len(y) == n_train + 1
    assert y[-1] == 2 and X[-1] == pytest.approx([1.2, -1.1], abs=0.02)  # within a pixel
    assert pg.session.iteration == 500  # paused: retrained from the seed with the new point
    assert f"{n_train + 1} training and {n_test} held-out points" in pg.status
    click(pg, -1.2, 1.2, shift=True)
    assert len(pg.session.data.held_out[1]) == n_test + 1 and pg.session.data.held_out[1][-1] == 2
    count = len(pg.session.data.y)
    pg.on_click({"event": "click", "type": "click", "dataX": 3, "dataY": 3, "shiftKey": False})
    assert len(pg.session.data.y) == count  # off the plot: ignored


def test_clear_and_empty_plane(pg):
    click(pg, 1.2, 1.2)
    press(pg.buttons["empty_plane"])
    assert len(pg.session.data.y) == 1
    press(pg.buttons["clear_points"])
    assert len(pg.session.data.y) == 300 and pg.session.points == []
    press(pg.buttons["empty_plane"])
    assert len(pg.session.data.y) == 0
    assert pg.status.startswith("No training points: click on the plot")
    assert pg.figure.message.get_text().startswith("Click to add points")
    pg.play()
    assert not pg.playing  # nothing to train on
    click(pg, 0.5, 0.5)
    click(pg, -0.5, -0.5)
    assert pg.session.iteration == 500 and pg.session.latest.train_accuracy is not None


def test_fewer_classes_hide_points_of_the_dropped_classes():
    pg = make_playground()
    pg.click_class.value = 2
    click(pg, 1.0, 1.0)
    pg.controls["classes"].value = 2
    assert [o[1] for o in pg.click_class.options] == [0, 1] and pg.click_class.value == 0
    assert 2 not in pg.session.data.y
    pg.controls["classes"].value = 3
    assert len(pg.session.data.y) == 301


# ------------------------------------------------------------------ inside the hidden layer

def test_hinge_segments_of_known_lines():
    W = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]])
    b = np.array([-0.5, 0.25, -5.0, 1.0])
    segments = hinge_segments(W, b, (-1.5, 1.5, -1.5, 1.5))
    assert segments.shape == (4, 2, 2)
    # unit 0: x1 = 0.5, from the bottom edge to the top edge
    assert sorted(segments[0, :, 1]) == pytest.approx([-1.5, 1.5]) and segments[0, :, 0] == pytest.approx([0.5, 0.5])
    # unit 1: x2 = -0.25, across
    assert sorted(segments[1, :, 0]) == pytest.approx([-1.5, 1.5]) and segments[1, :, 1] == pytest.approx([-0.25] * 2)
    assert np.all(np.isnan(segments[2]))  # x1 + x2 = 5 misses the box
    assert np.all(np.isnan(segments[3]))  # no weights: no line


def test_hinge_segments_lie_on_their_lines_and_only_missing_lines_miss_the_box():
    rng = np.random.RandomState(4)
    W, b = rng.standard_normal((2, 500)), 2 * rng.standard_normal(500)
    box = (-1.5, 1.5, -1.0, 2.0)
    segments = hinge_segments(W, b, box)
    corners = np.array([[x, y] for x in box[:2] for y in box[2:]])
    crosses = np.ptp(np.sign(corners @ W + b), axis=0) > 0  # corners on both sides: the line crosses the box
    drawn = ~np.isnan(segments[:, 0, 0])
    np.testing.assert_array_equal(drawn, crosses)
    ends = segments[drawn]  # (m, 2, 2)
    on_line = np.einsum("mec,cm->me", ends, W[:, drawn]) + b[drawn, None]
    np.testing.assert_allclose(on_line, 0, atol=1e-9)
    assert np.all(ends[..., 0] >= box[0] - 1e-9) and np.all(ends[..., 0] <= box[1] + 1e-9)
    assert np.all(ends[..., 1] >= box[2] - 1e-9) and np.all(ends[..., 1] <= box[3] + 1e-9)


def test_dead_units_are_those_never_active_on_the_training_points():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    params = {"W": np.array([[1.0, -1.0, 0.0]] * 2), "b": np.array([[0.0, 0.5, -0.1]])}
    # unit 0: 0 then 2 (alive); unit 1: 0.5 then -1.5 (alive); unit 2: -0.1 at both (dead)
    np.testing.assert_array_equal(dead_units(params, X), [False, False, True])


def test_hinge_switch_draws_one_line_per_unit_and_counts_the_dead(pg):
    assert not pg.figure.alive_hinges.get_visible()
    pg.view["show_hinges"].value = True
    segments, dead = pg.session.hinges(pg.figure.extent)
    drawn = ~np.isnan(segments[:, 0, 0])
    assert len(pg.figure.alive_hinges.get_segments()) == int(np.sum(drawn & ~dead))
    assert len(pg.figure.dead_hinges.get_segments()) == int(np.sum(drawn & dead))
    assert pg.figure.alive_hinges.get_visible()
    assert f"{int(dead.sum())} of 100 hidden units dead" in pg.status
    assert dead.sum() == dead_units(pg.session.params, pg.session.data.train[0]).sum()
    pg.controls["model"].value = "linear"
    assert not pg.figure.alive_hinges.get_visible() and "hidden units dead" not in pg.status


# ------------------------------------------------------------------ the widget

def test_widget_holds_every_control_the_figure_and_the_status(pg):
    inside = list(descendants(pg.widget))
    for control in [*pg.controls.values(), *pg.buttons.values(), *pg.view.values(), pg.click_class, *pg.clocks]:
        assert control in inside
    assert len(pg.clocks) == 2 and all(isinstance(c, widgets.Play) and c.interval <= 66 for c in pg.clocks)
    assert pg.image in inside and pg.status_widget in inside
    img = decoded(pg.image.value)
    assert img.shape[0] > 300 and img.shape[1] > 700
    for name in ("step_size", "reg"):
        slider = pg.controls[name]
        assert isinstance(slider, widgets.FloatLogSlider) and slider.base == 10
        assert slider.continuous_update is False
    assert 10 ** pg.controls["step_size"].min <= 1e-3 and 10 ** pg.controls["step_size"].max >= 100
    assert pg.controls["classes"].min == 2 and pg.controls["classes"].max >= 5
    assert repr(pg.widget).startswith("Playground: live training")
    # clicks on the figure come from ipyevents (the browser test clicks for real)
    assert pg.events.source is pg.image and pg.events.watched_events == ["click"]


def slider_values(control):
    """Every value a control offers, as the learner sees the positions."""
    if isinstance(control, widgets.FloatLogSlider):
        n = round((control.max - control.min) / control.step)
        return tuple(control.base ** (control.min + i * control.step) for i in range(n + 1))
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        n = round((control.max - control.min) / control.step)
        return tuple(control.min + i * control.step for i in range(n + 1))
    return tuple(o[1] if isinstance(o, tuple) else o for o in control.options)


def test_every_control_offers_exactly_the_positions_of_its_setting(pg):
    for setting in SETTINGS:
        if not setting.control:
            assert setting.name not in pg.controls
            continue
        control = pg.controls[setting.name]
        assert control.description == setting.label
        if setting.kind == "option":
            assert slider_values(control) == setting.positions
        else:
            np.testing.assert_allclose(slider_values(control), setting.slider_positions(), rtol=1e-12)
        for value in setting.slider_positions():
            assert setting.check(value) == pytest.approx(value)  # every position passes the check
        if setting.kind == "option":
            assert [label for label, _ in control.options] == [setting.labels[v] for v in setting.positions]


def test_the_settings_table_exports_as_json_with_every_slider_position():
    exported = json.loads(as_json())
    assert [entry["name"] for entry in exported] == [s.name for s in SETTINGS]
    by_name = {entry["name"]: entry for entry in exported}
    assert by_name["step_size"]["positions"] == list(SETTING["step_size"].slider_positions())
    assert by_name["step_size"]["positions"][0] == pytest.approx(1e-4)
    assert by_name["step_size"]["positions"][-1] == pytest.approx(100.0)
    assert [o["value"] for o in by_name["model"]["options"]] == ["linear", "2-layer"]
    assert check_settings(**{entry["name"]: entry["default"] for entry in exported}) == DEFAULTS


def test_classroom_mode_shows_only_the_chosen_controls():
    pg = Playground(model="linear", show=("step_size", "reg"))
    inside = list(descendants(pg.widget))
    assert pg.controls["step_size"] in inside and pg.controls["reg"] in inside
    for name in ("model", "hidden_size", "num_iters", "classes", "noise", "speed"):
        assert pg.controls[name] not in inside
    assert pg.buttons["play"] not in inside and pg.click_class not in inside
    assert pg.events is None  # no drawing of points
    pg.controls["reg"].value = 1.0
    assert pg.session.settings["reg"] == 1.0 and pg.session.settings["model"] == "linear"
    assert set(GROUPS) >= {"transport", "data", "draw", "view"}


def test_nothing_leaks_into_pyplot_or_stdout(capsys):
    before = plt.get_fignums()
    pg = make_playground()
    pg.controls["step_size"].value = 10.0
    pg.play()
    tick(pg, 2)
    assert plt.get_fignums() == before
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ------------------------------------------------------------------ bad settings

@pytest.mark.parametrize("kwargs, error, words", [
    ({"model": "3-layer"}, ValueError, "model must be one of"),
    ({"step_size": 1000.0}, ValueError, "step_size must be between"),
    ({"step_size": 0.0}, ValueError, "step_size must be a real number > 0"),
    ({"reg": 5.0}, ValueError, "reg must be between"),
    ({"reg": "0.1"}, TypeError, "reg must be a real number"),
    ({"hidden_size": 0}, ValueError, "hidden_size must be an integer >= 1"),
    ({"num_iters": 2.5}, TypeError, "num_iters must be an integer"),
    ({"speed": 0}, ValueError, "speed must be an integer >= 1"),
    ({"classes": 7}, ValueError, r"classes must be an integer in \[2, 6\]; got 7"),
    ({"points_per_class": 0}, ValueError, "points_per_class must be an integer >= 1"),
    ({"noise": 2.0}, ValueError, r"noise must be a real number in \[0.0, 1.0\]; got 2.0"),
    ({"held_out_share": 0.9}, ValueError, r"held_out_share must be a real number in \[0.0, 0.5\]; got 0.9"),
    ({"data_seed": -1}, ValueError, "data_seed must be an integer >= 0"),
    ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
    ({"learning_rate": 0.1}, TypeError, r"unknown playground setting\(s\) \['learning_rate'\]"),
    ({"show": ("sliders",)}, ValueError, "show must list groups from"),
    ({"frame_interval_ms": -1}, ValueError, "frame_interval_ms must be a real number >= 0"),
])
def test_bad_settings_are_refused_with_a_clear_message(kwargs, error, words):
    with pytest.raises(error, match=words):
        Playground(**kwargs)


def test_a_click_of_a_class_that_does_not_exist_is_refused():
    session = Session()
    with pytest.raises(ValueError, match="k must be a class below classes = 3; got 3"):
        session.add_point(0.0, 0.0, 3)

"""The playground of notebook 6, driven the way its front end drives it.

The front end (helpers/playground/static/playground.js) sends the driver messages
(``{"type": "frame"}``, ``{"type": "set", ...}``, a click in data coordinates, ...) and
draws each update it gets back: the frame's numbers, the class grid as bytes, the points.
These tests send the same messages (through ``Playground``'s methods, which send them),
check what was computed against ``helpers.train`` and the course's set-up called directly,
and check the updates: where the grid's cells sit on the plane, the loss curves' increments,
the points. The front end's own functions are tested under Node (tests/js/frontend.test.mjs);
``test_the_front_end_writes_the_status_line_as_the_kernel_does`` runs its status line here.
"""
import json
import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import course, train
from helpers.models import hinge_segments, predict
from helpers.playground import GROUPS, Playground
from helpers.playground.driver import (CATCH_UP_TRAIN_MS, FIRST_PICTURE_MS, FRAME_PERIOD_MS, FRAME_TRAIN_MS,
                                       MESSAGES, MIN_FRAME_TRAIN_MS)
from helpers.playground.payload import EXTENT, GRID_SIZE, Payload, class_grid, grid_centres
from helpers.playground.settings import DEFAULTS, SETTING, SETTINGS, as_json, check_settings
from helpers.playground.state import Session, dead_units, initial_params, record_every_for, spiral_split

FRONT_END = Path(__file__).resolve().parents[1] / "helpers" / "playground" / "static" / "playground.js"


def make_playground(**kwargs):
    """A playground with no time budget (unless ``budget=True`` is passed): every frame trains its full amount."""
    return Playground(**{"budget": False, **kwargs})


@pytest.fixture
def pg():
    """A fresh playground at the default settings (course spiral, 20% held out, course network)."""
    return make_playground()


def tick(pg, n=1):
    """What the front end does while playing or catching up: ask for a frame, ``n`` times."""
    for _ in range(n):
        pg.frame_now()


def grid_of(pg):
    """The class grid the front end was sent, (G, G), row 0 at the top."""
    G = pg.frame["grid_size"]
    return np.frombuffer(pg.grid, dtype=np.uint8).reshape(G, G)


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
    pg.reset()
    assert pg.session.iteration == 0
    for _ in range(3):
        pg.step()
    assert pg.session.iteration == 3 * DEFAULTS["speed"]
    other = make_playground()
    other.reset()
    for _ in range(3):
        other.step()
    X_train, y_train = pg.session.data.train
    direct = train(pg.session.initial_params(), X_train, y_train, num_iters=3 * DEFAULTS["speed"])
    for key in direct.params:
        np.testing.assert_array_equal(pg.session.params[key], other.session.params[key])
        np.testing.assert_array_equal(pg.session.params[key], direct.params[key])
    assert pg.grid == other.grid and pg.frame["iteration"] == other.frame["iteration"] == 60


def test_reset_returns_to_the_seeded_weights_and_sends_them(pg):
    trained = pg.grid
    pg.reset()
    assert pg.session.iteration == 0 and len(pg.session.history) == 1
    for key, value in pg.session.initial_params().items():
        np.testing.assert_array_equal(pg.session.params[key], value)
    assert "Iteration 0;" in pg.status and pg.frame["iteration"] == 0
    assert pg.grid != trained and pg.grid == class_grid(pg.session.params, grid_centres())


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
    assert pg.grid == other.grid


def test_a_retrain_longer_than_a_frame_sends_its_first_picture_then_catches_up_frame_by_frame(slow_machine):
    pg = make_playground(budget=True, num_iters=1000)
    first = fitting(FIRST_PICTURE_MS)
    assert pg.catching_up and pg.session.iteration == first and not pg.playing
    frame = pg.frame
    assert frame["catching_up"] and frame["target"] == 1000 and frame["iteration"] == first and not frame["playing"]
    assert pg.status.startswith(f"Catching up with the new settings: iteration {first} of 1000; training loss")
    seen = [pg.session.iteration]
    while pg.frame["catching_up"]:  # the front end asks for frames while the update says it is catching up
        tick(pg)
        seen.append(pg.session.iteration)
    per_frame = fitting(CATCH_UP_TRAIN_MS)
    assert seen == [min(first + i * per_frame, 1000) for i in range(len(seen))]
    assert pg.frame["target"] is None and pg.status.startswith("Iteration 1000;")
    assert_same_run(pg, make_playground(num_iters=1000))  # however it was split, the same run


def test_a_newer_change_starts_the_catch_up_again_and_wait_finishes_it(slow_machine):
    pg = make_playground(budget=True, num_iters=1000)
    tick(pg)
    pg.controls["step_size"].value = 0.1
    assert pg.catching_up and pg.session.iteration == fitting(FIRST_PICTURE_MS)
    assert pg.session.history[0].iteration == 0 and "step size 0.1," in pg.status
    seq = pg.frame["seq"]
    pg.wait()
    assert not pg.catching_up and not pg.frame["catching_up"] and pg.frame["seq"] == seq + 1
    assert_same_run(pg, make_playground(num_iters=1000, step_size=0.1))


def test_play_while_catching_up_trains_on_from_where_it_stands(slow_machine):
    pg = make_playground(budget=True, num_iters=1000, speed=10)
    at = pg.session.iteration
    pg.play()
    tick(pg)
    assert not pg.catching_up and pg.session.iteration == at + 10 and pg.status.startswith(f"Iteration {at + 10};")


def test_frames_train_less_when_the_rest_of_a_frame_takes_long(monkeypatch):
    """Between two frames the clock also moves on by what the grid, the trip to the browser, its drawing and
    the next request took; the next frame's training shrinks by what that passes the frame period."""
    elsewhere = {"ms": 0.0}
    monkeypatch.setattr(Session, "clock", lambda self: self.iteration * SECONDS_PER_ITERATION + elsewhere["ms"] / 1000)
    pg = make_playground(budget=True, num_iters=50, speed=200)
    pg.wait()
    pg.play()
    trained = []
    for overhead_ms in (0, 10, 30, 200, 0):
        before = pg.session.iteration
        tick(pg)
        trained.append(pg.session.iteration - before)
        elsewhere["ms"] += overhead_ms  # this frame's grid and trip, and the browser asking for the next one
    assert trained[:2] == [fitting(FRAME_TRAIN_MS)] * 2  # the first frame, and one after no overhead
    assert trained[2] == fitting(min(FRAME_TRAIN_MS, FRAME_PERIOD_MS - 10))
    assert trained[3] == fitting(FRAME_PERIOD_MS - 30)
    assert MIN_FRAME_TRAIN_MS < FRAME_PERIOD_MS - 30 < FRAME_TRAIN_MS
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
    assert pg.frame["last_step"] == fitted and pg.frame["speed"] == 200
    assert f"{fitted} of the 200 iterations a frame fitted in the last frame's time" in pg.status
    pg.pause()
    pg.step()  # Step trains all of them, however long that takes
    assert pg.session.iteration == 50 + fitted + 200 and "fitted" not in pg.status


def test_the_same_settings_give_the_same_run_with_or_without_the_budget(slow_machine):
    """Played frame by frame under a time budget (frames of a few dozen iterations) or without (whole
    frames), the parameters at the same iteration are the same: training in pieces is one run."""
    budgeted = make_playground(budget=True, num_iters=50, speed=200)
    budgeted.wait()
    budgeted.play()
    sizes = []
    while budgeted.session.iteration < 50 + 200:
        tick(budgeted)
        sizes.append(budgeted.session.last_step)
    assert max(sizes) < 200  # the budget split the frames
    whole = Session(budgeted.settings)
    whole.retrain()
    whole.step(budgeted.session.iteration - 50)  # one piece
    assert whole.iteration == budgeted.session.iteration
    for key in whole.params:
        np.testing.assert_array_equal(whole.params[key], budgeted.session.params[key])


# ------------------------------------------------------------------ playing

def test_play_trains_a_frame_per_request_and_pause_stops(pg):
    start, seq = pg.session.iteration, pg.frame["seq"]
    pg.play()
    assert pg.frame["playing"] and pg.frame["seq"] == seq + 1
    assert pg.session.iteration == start  # Play trains nothing yet: the front end then asks for frames
    grids = set()
    for _ in range(4):
        tick(pg)
        grids.add(pg.grid)
    assert pg.session.iteration == start + 4 * DEFAULTS["speed"] and pg.frame["seq"] == seq + 5
    assert len(grids) >= 2 and f"Iteration {start + 4 * DEFAULTS['speed']};" in pg.status
    pg.pause()
    assert not pg.frame["playing"]
    tick(pg)  # a request already on its way when Pause was pressed trains nothing
    assert pg.session.iteration == start + 4 * DEFAULTS["speed"]
    pg.step()
    assert pg.session.iteration == start + 5 * DEFAULTS["speed"]
    pg.play()
    pg.step()  # nothing while playing
    assert pg.session.iteration == start + 5 * DEFAULTS["speed"]


def test_every_message_is_answered_by_exactly_one_update(pg):
    messages = [{"type": "frame"}, {"type": "set", "name": "reg", "value": 0.01}, {"type": "play"}, {"type": "frame"},
                {"type": "pause"}, {"type": "step"}, {"type": "reset"}, {"type": "new_sample"},
                {"type": "click", "x": 0.5, "y": -0.5, "k": 1, "held_out": True}, {"type": "clear_points"},
                {"type": "empty_plane"}]
    assert {m["type"] for m in messages} == set(MESSAGES)
    for message in messages:
        seq, updates = pg.frame["seq"], pg.updates
        pg.driver.handle(message)
        assert pg.frame["seq"] == seq + 1 and pg.updates == updates + 1, message
    seq = pg.frame["seq"]
    with pytest.raises(ValueError, match="reg must be between"):  # refused, and still answered
        pg.driver.handle({"type": "set", "name": "reg", "value": 50.0})
    assert pg.frame["seq"] == seq + 1
    with pytest.raises(ValueError, match=r"msg must be a dict whose 'type' is one of .*; got \{'type': 'fly'\}"):
        pg.driver.handle({"type": "fly"})


def test_messages_the_driver_does_not_know_are_left_to_others(pg):
    """anywidget's own messages share the channel: the widget passes on only the front end's."""
    seq = pg.frame["seq"]
    pg._on_msg(pg, {"kind": "anywidget-command", "id": 1}, [])
    assert pg.frame["seq"] == seq


def test_step_size_and_reg_apply_at_once_while_playing_without_a_reset(pg):
    pg.play()
    tick(pg, 2)
    at = pg.session.iteration
    before = {key: value.copy() for key, value in pg.session.params.items()}
    pg.controls["step_size"].value = 10 ** -0.5  # a frame at once, with the new step size
    expected = train(before, *pg.session.data.train, step_size=10 ** -0.5, reg=1e-3, num_iters=DEFAULTS["speed"])
    assert pg.session.iteration == at + DEFAULTS["speed"]  # no reset
    for key in expected.params:
        np.testing.assert_array_equal(pg.session.params[key], expected.params[key])
    assert "step size 0.316" in pg.status and pg.settings["step_size"] == 10 ** -0.5
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
    history = list(pg.session.history)
    pg.controls["speed"].value = 5
    assert pg.session.iteration == 500 and pg.session.history == history  # paused: nothing to redo
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
    assert pg.playing and pg.session.iteration == 0 and pg.frame["playing"]
    for key, start in pg.session.initial_params().items():
        np.testing.assert_array_equal(pg.session.params[key], start)
    tick(pg)
    assert pg.session.iteration == DEFAULTS["speed"]


def test_new_sample_draws_other_data_from_the_next_seed(pg):
    before = pg.session.data.X.copy()
    pg.driver.handle({"type": "new_sample"})
    assert pg.session.settings["data_seed"] == 1 and pg.settings["data_seed"] == 1
    assert not np.array_equal(pg.session.data.X, before)
    np.testing.assert_array_equal(pg.session.data.X, spiral_split(100, 3, 0.2, 0.2, 1).X)
    assert pg.session.iteration == 500  # paused: retrained from the seed on the new data


def test_iterations_while_playing_pauses_and_retrains(pg):
    pg.play()
    tick(pg, 2)
    pg.controls["num_iters"].value = 100
    assert not pg.playing and not pg.frame["playing"] and pg.session.iteration == 100


def test_paused_slider_release_retrains_from_the_seed(pg):
    first_history, first_grid = list(pg.session.history), pg.grid
    pg.controls["step_size"].value = 3.0
    assert pg.session.history != first_history
    pg.controls["hidden_size"].value = 20
    pg.controls["hidden_size"].value = 100
    pg.controls["step_size"].value = 1.0
    assert pg.session.history == first_history and pg.grid == first_grid


@pytest.mark.parametrize("model", ["2-layer", "linear"])
def test_a_run_that_diverges_while_playing_stops_and_says_why(model):
    pg = make_playground(model=model)
    pg.reset()
    pg.play()
    pg.controls["step_size"].value = 100.0
    tick(pg, 3)
    diverged = pg.session.diverged
    assert diverged is not None and diverged.iteration <= 10
    assert not pg.playing and not pg.frame["playing"]
    assert pg.status.startswith(f"Training diverged at iteration {diverged.iteration}")
    assert "the step size 100 is too large" in pg.status
    assert pg.frame["diverged"] == str(diverged) and pg.frame["iteration"] == diverged.iteration
    json.dumps(pg.frame, allow_nan=False)  # what JSON can carry: no inf, no NaN
    assert all(np.all(np.isfinite(v)) for v in pg.session.params.values())
    pg.play()  # Play cannot restart a diverged run
    assert not pg.playing
    pg.controls["step_size"].value = 1.0  # paused: retrain from the seed
    assert pg.session.diverged is None and pg.session.iteration == 500 and pg.frame["diverged"] is None


def test_step_size_times_reg_above_two_is_named_as_the_cause():
    pg = Playground(step_size=10.0, reg=1.0, num_iters=200, budget=False)
    assert pg.session.diverged is not None
    assert "step size x reg = 10 is above 2" in pg.status and "step size x reg = 10 is above 2" in pg.frame["diverged"]


# ------------------------------------------------------------------ your own points

def test_a_click_adds_a_point_of_the_chosen_class_there(pg):
    n_train, n_test = len(pg.session.data.train[1]), len(pg.session.data.held_out[1])
    pg.click(1.2, -1.1, k=2)
    X, y = pg.session.data.train
    assert len(y) == n_train + 1 and y[-1] == 2 and X[-1].tolist() == [1.2, -1.1]  # data coordinates, exactly
    assert pg.session.iteration == 500  # paused: retrained from the seed with the new point
    assert f"{n_train + 1} training and {n_test} held-out points" in pg.status
    pg.click(-1.2, 1.2, k=2, held_out=True)
    assert len(pg.session.data.held_out[1]) == n_test + 1 and pg.session.data.held_out[1][-1] == 2
    assert pg.points["X"][-2:] == [-1.2, 1.2] and pg.points["y"][-1] == 2 and pg.points["held_out"][-1] == 1


def test_clear_and_empty_plane(pg):
    pg.click(1.2, 1.2)
    pg.driver.handle({"type": "empty_plane"})
    assert len(pg.session.data.y) == 1 and pg.points["y"] == [0]
    pg.driver.handle({"type": "clear_points"})
    assert len(pg.session.data.y) == 300 and pg.session.points == []
    pg.driver.handle({"type": "empty_plane"})
    assert len(pg.session.data.y) == 0 and pg.frame["n_train"] == 0
    assert pg.status.startswith("No training points: click on the plot")
    json.dumps(pg.frame, allow_nan=False)
    pg.play()
    assert not pg.playing  # nothing to train on
    pg.click(0.5, 0.5)
    pg.click(-0.5, -0.5)
    assert pg.session.iteration == 500 and pg.session.latest.train_accuracy is not None


def test_fewer_classes_hide_points_of_the_dropped_classes():
    pg = make_playground()
    pg.click(1.0, 1.0, k=2)
    pg.controls["classes"].value = 2
    assert 2 not in pg.session.data.y and pg.frame["K"] == 2 and 2 not in pg.points["y"]
    pg.controls["classes"].value = 3
    assert len(pg.session.data.y) == 301


def test_a_click_of_a_class_that_does_not_exist_is_refused():
    session = Session()
    with pytest.raises(ValueError, match="k must be a class below classes = 3; got 3"):
        session.add_point(0.0, 0.0, 3)


# ------------------------------------------------------------------ the update: grid, curves, points

def test_grid_cells_are_predicted_at_their_centres_row_0_at_the_top():
    """Cell (i, j) is the class at x0 = x_min + (j + 0.5) w / G, x1 = y_max - (i + 0.5) h / G. A linear
    classifier whose borders fall between a cell's centre and its corner tells a half-cell shift apart."""
    x_min, x_max, y_min, y_max = EXTENT
    G, cell = GRID_SIZE, (x_max - x_min) / GRID_SIZE
    x_border = x_min + 27 * cell + cell / 4  # between column 26's centre and column 27's
    y_border = y_max - 60 * cell - cell / 4  # between row 59's centre and row 60's
    # class 2 above y_border; below it, class 1 right of x_border, class 0 left (scores 0, x0 - x_border,
    # 1000 (x1 - y_border): the last one dwarfs the others except near y_border, and no cell centre is near it)
    params = {"W": np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1000.0]]),
              "b": np.array([[0.0, -x_border, -1000 * y_border]])}
    centres = grid_centres()
    assert centres.shape == (G * G, 2)
    np.testing.assert_allclose(centres[:G, 1], y_max - 0.5 * cell)  # row 0: the top
    np.testing.assert_allclose(centres[::G, 0], x_min + 0.5 * cell)  # column 0: the left
    np.testing.assert_allclose(centres[G - 1], [x_max - 0.5 * cell, y_max - 0.5 * cell])
    np.testing.assert_allclose(centres[-1], [x_max - 0.5 * cell, y_min + 0.5 * cell])
    grid = np.frombuffer(class_grid(params, centres), dtype=np.uint8).reshape(G, G)
    assert grid.dtype == np.uint8 and len(class_grid(params, centres)) == G * G
    top, bottom = grid[:60], grid[60:]
    assert np.all(bottom[:, :27] == 0) and np.all(bottom[:, 27:] == 1)
    assert np.all(top == 2)
    assert grid[60, 26] == 0 and grid[60, 27] == 1 and grid[59, 26] == 2


def test_the_grid_sent_is_the_sessions_predictions(pg):
    np.testing.assert_array_equal(grid_of(pg).ravel(), predict(pg.session.params, grid_centres()))
    assert pg.frame["extent"] == list(EXTENT) and pg.frame["grid_size"] == GRID_SIZE


def test_loss_curves_are_sent_as_increments_and_whole_after_a_reset(pg):
    """Appending every update's ``curve`` since the last ``curve_reset`` gives the recorded history."""
    received = []

    def take():
        frame = pg.frame
        if frame["curve_reset"]:
            received.clear()
        received.extend(frame["curve"])

    pg2 = make_playground()  # a fresh one: its first update holds the whole history of its retrain
    assert pg2.frame["curve_reset"] and len(pg2.frame["curve"]) == len(pg2.session.history)
    take()
    pg.play()
    for _ in range(3):
        tick(pg)
        assert not pg.frame["curve_reset"] and len(pg.frame["curve"]) == 1
        take()
    pg.reset()
    assert pg.frame["curve_reset"] and pg.frame["curve"] == [[0, *pg.frame["curve"][0][1:]]]
    take()
    for _ in range(2):
        tick(pg)
        take()
    expected = [[h.iteration, h.train_loss, h.held_out_loss] for h in pg.session.history]
    assert received == expected
    seq = pg.frame["seq"]
    pg.pause()  # no new point: an empty increment
    assert pg.frame["seq"] == seq + 1 and pg.frame["curve"] == [] and not pg.frame["curve_reset"]


def test_a_view_opened_late_asks_for_the_whole_history_and_gets_it_in_one_update(pg):
    pg.play()
    tick(pg, 3)
    assert not pg.frame["curve_reset"] and len(pg.frame["curve"]) == 1  # what a view opened now would hold
    seq, iteration = pg.frame["seq"], pg.session.iteration
    pg._on_msg(pg, {"type": "history"}, [])
    expected = [[h.iteration, h.train_loss, h.held_out_loss] for h in pg.session.history]
    assert pg.frame["curve_reset"] and pg.frame["curve"] == expected
    assert pg.frame["seq"] == seq + 1 and pg.session.iteration == iteration and pg.playing, "nothing trained"
    tick(pg)  # and the increments go on from there
    assert not pg.frame["curve_reset"] and len(pg.frame["curve"]) == 1


def test_a_retrain_catching_up_sends_where_it_stands_beside_the_recorded_points(slow_machine):
    pg = make_playground(budget=True, num_iters=2000)
    frame = pg.frame
    recorded = [p[0] for p in frame["curve"]]
    assert frame["curve_reset"] and recorded[-1] < frame["iteration"]  # between two records
    now = pg.session.now()
    assert (frame["train_loss"], frame["held_out_loss"]) == (now.train_loss, now.held_out_loss)


def test_points_are_sent_when_the_data_change(pg):
    data = pg.session.data
    assert pg.points["X"] == data.X.ravel().tolist() and pg.points["y"] == data.y.tolist()
    assert pg.points["held_out"] == data.is_held_out.astype(int).tolist() and sum(pg.points["held_out"]) == 60
    version = pg.frame["data_version"]
    payload = Payload()
    _, _, first = payload.update(pg.session, playing=False)
    _, _, again = payload.update(pg.session, playing=False)
    assert first == pg.points and again is None  # unchanged: not sent again
    pg.play()
    tick(pg)
    assert pg.frame["data_version"] == version
    pg.click(0.1, 0.2, k=1)
    assert pg.frame["data_version"] == version + 1 and pg.points["X"][-2:] == [0.1, 0.2]


def test_the_frame_holds_what_the_front_end_composes_its_texts_from(pg):
    frame, now, data = pg.frame, pg.session.now(), pg.session.data
    assert frame["model"] == "2-layer" and frame["K"] == 3 and frame["H"] == 100
    assert (frame["train_loss"], frame["train_accuracy"]) == (now.train_loss, now.train_accuracy)
    assert (frame["n_train"], frame["n_held_out"]) == (len(data.train[1]), len(data.held_out[1])) == (240, 60)
    assert frame["dead_units"] == int(dead_units(pg.session.params, data.train[0]).sum())
    assert frame["num_iters"] == 500 and frame["speed"] == 20 and frame["diverged"] is None
    assert pg.settings == pg.session.settings
    json.dumps(frame, allow_nan=False)
    pg.controls["model"].value = "linear"
    assert pg.frame["H"] is None and pg.frame["dead_units"] is None and pg.frame["hinges"] == []


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


def test_hinge_lines_sent_are_the_units_whose_lines_cross_the_plane(pg):
    segments, dead = pg.session.hinges(EXTENT)
    drawn = ~np.isnan(segments[:, 0, 0])
    lines = pg.frame["hinges"]
    assert len(lines) == int(drawn.sum()) and len(lines) < 100  # some lines miss the plane
    np.testing.assert_allclose([line[:4] for line in lines], segments[drawn].reshape(-1, 4))
    assert [line[4] for line in lines] == dead[drawn].astype(int).tolist()
    assert pg.frame["dead_units"] == int(dead.sum()) and f"{int(dead.sum())} of 100 hidden units dead" in pg.status
    assert dead.sum() == dead_units(pg.session.params, pg.session.data.train[0]).sum()


# ------------------------------------------------------------------ the widget

def test_widget_carries_the_table_the_style_and_its_front_end(pg):
    assert pg.widget is pg
    assert pg.table == [s.as_dict() for s in SETTINGS] and all(entry["group"] in GROUPS for entry in pg.table)
    assert [c["marker"] for c in pg.style_table["classes"]] == ["o", "^", "D", "v", "s", "P"]
    assert pg.shown == list(GROUPS) and pg.show_held_out and not pg.show_hinges
    assert "export default" in pg._esm and "function render" in pg._esm and pg._esm == FRONT_END.read_text()
    assert repr(pg) == "Playground: live training, sliders and a figure (run the notebook in JupyterLab to use them)"
    bundle = pg._repr_mimebundle_()
    assert bundle[0]["text/plain"] == repr(pg)
    assert set(pg.controls) == {s.name for s in SETTINGS if s.control}
    assert pg.controls["step_size"].value == 1.0


def test_the_front_end_ships_with_the_package():
    try:
        import tomllib
    except ImportError:  # Python 3.10: pytest brings tomli
        import tomli as tomllib
    pyproject = tomllib.loads((FRONT_END.parents[3] / "pyproject.toml").read_text())
    assert "static/*.js" in pyproject["tool"]["setuptools"]["package-data"]["helpers.playground"]


def test_the_settings_table_exports_as_json_with_every_slider_position():
    exported = json.loads(as_json())
    assert [entry["name"] for entry in exported] == [s.name for s in SETTINGS]
    by_name = {entry["name"]: entry for entry in exported}
    assert by_name["step_size"]["positions"] == list(SETTING["step_size"].slider_positions())
    assert by_name["step_size"]["positions"][0] == pytest.approx(1e-4)
    assert by_name["step_size"]["positions"][-1] == pytest.approx(100.0)
    assert [o["value"] for o in by_name["model"]["options"]] == ["linear", "2-layer"]
    assert check_settings(**{entry["name"]: entry["default"] for entry in exported}) == DEFAULTS


def test_classroom_mode_shows_only_the_chosen_groups():
    pg = Playground(model="linear", show=("step_size", "reg"))
    assert pg.shown == ["step_size", "reg"]
    pg.controls["reg"].value = 1.0
    pg.wait()
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


def statuses_by_the_front_end(cases):
    """The status line that playground.js's ``statusLine`` composes for each (frame, settings, table), under Node."""
    script = ("import { statusLine } from " + json.dumps(FRONT_END.as_uri()) + ";\n"
              "let input = ''; process.stdin.on('data', (d) => (input += d));\n"
              "process.stdin.on('end', () => console.log(JSON.stringify("
              "JSON.parse(input).map(([f, s, t]) => statusLine(f, s, t)))));\n")
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(cases),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is needed to run the front end's functions")
def test_the_front_end_writes_the_status_line_as_the_kernel_does(slow_machine):
    """``pg.status`` (state.status_text, what notebook 6 prints) and the line the browser shows, from the
    frame's fields, are the same words for every kind of state."""
    cases, expected = [], []

    def add(pg):
        cases.append([pg.frame, pg.settings, pg.table])
        expected.append(pg.status)

    pg = make_playground(num_iters=200)
    add(pg)  # the defaults
    pg.controls["model"].value = "linear"
    add(pg)  # no hidden units
    pg.controls["reg"].value = 1e-5
    add(pg)  # a reg Python writes as 1e-05
    catching = make_playground(budget=True, num_iters=2000)
    add(catching)  # catching up
    fitted = make_playground(budget=True, num_iters=50, speed=200)
    fitted.wait()
    fitted.play()
    tick(fitted)
    add(fitted)  # fewer iterations than a frame's
    worse = make_playground(step_size=10 ** -3.5, reg=10 ** -4.5, num_iters=50, held_out_share=0.0, classes=6)
    add(worse)  # no held-out points, 6 classes
    diverged = make_playground(step_size=100.0)
    add(diverged)
    empty = make_playground()
    empty.driver.handle({"type": "empty_plane"})
    add(empty)
    tiny = make_playground(points_per_class=5, held_out_share=0.4, num_iters=50)
    add(tiny)  # accuracies such as 0.125 or 0.375: ties, rounded to even as Python does
    assert statuses_by_the_front_end(cases) == expected


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
])
def test_bad_settings_are_refused_with_a_clear_message(kwargs, error, words):
    with pytest.raises(error, match=words):
        Playground(**kwargs)

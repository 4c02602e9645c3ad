"""What the playground's front end is sent after each change: the frame, the class grid and the points.

The one place where a ``Session``'s state becomes what the browser draws. ``Payload.update``
returns three things, which the widget sets in one update:

* ``frame``: a dict of plain values (see ``frame``): the iteration, the losses and accuracies,
  the counts, the new points of the loss curves, the hinge lines, why training diverged;
* ``grid``: G * G bytes, the predicted class at the centre of each cell of the plane shown
  (``class_grid``): row 0 at the top (x1 = y_max), column 0 at the left (x0 = x_min);
* ``points``: the data as flat lists (``points``), or ``None`` when they have not changed
  since the last update.

The front end composes every text it shows from these values (``playground.js``). No widgets
and no drawing here: NumPy and ``state`` only.
"""
import math

import numpy as np

from ..models import is_two_layer, predict

EXTENT = (-1.5, 1.5, -1.5, 1.5)  # the plane shown, (x_min, x_max, y_min, y_max): the spiral's radius is at most 1
GRID_SIZE = 100  # the class grid's cells along each side: cells of 0.03 on the plane above


def grid_centres(extent=EXTENT, size=GRID_SIZE):
    """The centres of the grid's cells, (size * size, 2), one (x0, x1) a row, in the grid's order.

    Row i of the grid is at ``x1 = y_max - (i + 0.5) * (y_max - y_min) / size`` (row 0 at the top),
    column j at ``x0 = x_min + (j + 0.5) * (x_max - x_min) / size``.
    """
    x_min, x_max, y_min, y_max = extent
    steps = (np.arange(size) + 0.5) / size
    xs = x_min + steps * (x_max - x_min)
    ys = y_max - steps * (y_max - y_min)
    xx, yy = np.meshgrid(xs, ys)  # (size, size) each: row i, column j
    return np.c_[xx.ravel(), yy.ravel()]


def class_grid(params, centres):
    """The predicted class at each of ``centres`` (M, 2), as M bytes (uint8); the model's params."""
    return predict(params, centres).astype(np.uint8).tobytes()


def points(data):
    """The data (a ``state.Dataset``) as ``{"X": [x0, x1, ...], "y": [k, ...], "held_out": [0|1, ...]}``."""
    return {"X": [float(v) for v in np.ravel(data.X)], "y": [int(k) for k in data.y],
            "held_out": [int(h) for h in data.is_held_out]}


def finite(value):
    """``value`` as a float, or ``None`` if it is ``None``, infinite or NaN (JSON has no such numbers)."""
    return None if value is None or not math.isfinite(value) else float(value)


def curve_point(snapshot):
    """``[iteration, training loss, held-out loss]`` of a ``state.Snapshot``, ``None`` for a missing loss."""
    return [snapshot.iteration, finite(snapshot.train_loss), finite(snapshot.held_out_loss)]


def hinge_lines(session, extent):
    """``[[x0, y0, x1, y1, dead], ...]``: one per hidden unit whose line crosses ``extent``; ``[]`` for the linear
    classifier. ``dead`` is 1 for a unit that is zero at every training point."""
    hinges = session.hinges(extent)
    if hinges is None:
        return []
    segments, dead = hinges
    drawn = ~np.isnan(segments[:, 0, 0])
    return [[*map(float, segments[j].ravel()), int(dead[j])] for j in np.flatnonzero(drawn)]


class Payload:
    """Builds each update for one front end, remembering what it was already sent.

    The loss curves are sent as increments: the recorded history's points not sent yet
    (``curve_reset`` false), or all of them after a reset or ``resend_curve`` (``curve_reset`` true). The points are
    sent only when the data changed (``data_version`` counts the changes). ``seq`` counts updates.

    extent : (x_min, x_max, y_min, y_max) of the plane shown. grid_size : G, cells along each side.
    """

    def __init__(self, extent=EXTENT, grid_size=GRID_SIZE):
        self.extent = tuple(float(v) for v in extent)
        self.grid_size = int(grid_size)
        self.centres = grid_centres(self.extent, self.grid_size)
        self.seq = 0
        self.data_version = 0
        self._data = None  # the Dataset whose points were sent last
        self._history = None  # the history list whose points were sent, and how many of them
        self._sent = 0

    def _curve(self, history):
        """``(curve_reset, curve)``: the recorded points of ``history`` not sent yet."""
        reset = history is not self._history or len(history) < self._sent
        start = 0 if reset else self._sent
        self._history, self._sent = history, len(history)
        return reset, [curve_point(h) for h in history[start:]]

    def resend_curve(self):
        """Send the whole recorded history in the next update (``curve_reset`` true), as after a reset."""
        self._history, self._sent = None, 0

    def _points(self, data):
        """The points if ``data`` is not the data sent last (and count a new version), else ``None``."""
        if data is self._data:
            return None
        self._data = data
        self.data_version += 1
        return points(data)

    def update(self, session, *, playing):
        """``(frame, grid, points)`` for the session's state now; ``points`` is ``None`` if unchanged."""
        self.seq += 1
        new_points = self._points(session.data)
        curve_reset, curve = self._curve(session.history)
        return self.frame(session, playing=playing, curve_reset=curve_reset, curve=curve), \
            class_grid(session.params, self.centres), new_points

    def frame(self, session, *, playing, curve_reset, curve):
        """The frame dict (see the module docstring and the front end's contract)."""
        s, now, data = session.settings, session.now(), session.data
        two_layer = is_two_layer(session.params)
        catching_up = session.catching_up
        diverged = session.diverged
        return {
            "seq": self.seq,
            "playing": bool(playing),
            "catching_up": bool(catching_up),
            "iteration": int(session.iteration),
            "target": int(session.target) if catching_up else None,
            "model": s["model"],
            "K": int(data.K),
            "H": int(s["hidden_size"]) if two_layer else None,
            "extent": list(self.extent),
            "grid_size": self.grid_size,
            "train_loss": finite(now.train_loss),
            "held_out_loss": finite(now.held_out_loss),
            "train_accuracy": finite(now.train_accuracy),
            "held_out_accuracy": finite(now.held_out_accuracy),
            "n_train": int(len(data.train[1])),
            "n_held_out": int(len(data.held_out[1])),
            "last_step": int(session.last_step),
            "speed": int(s["speed"]),
            "curve_reset": curve_reset,
            "curve": curve,
            "num_iters": int(s["num_iters"]),
            "hinges": hinge_lines(session, self.extent),
            "dead_units": int(session.dead_units().sum()) if two_layer else None,
            "diverged": None if diverged is None else str(diverged),
            "data_version": self.data_version,
        }

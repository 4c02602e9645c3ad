"""Write the JSON fixtures that the JavaScript trainer's tests compare against (tests/js/*.test.mjs).

Usage: python tools/js_fixtures.py DIRECTORY

Every number comes from ``helpers`` and NumPy, so that the tests hold ``trainer.js`` to them:

* ``table.json``: the settings table, as a front end gets it;
* ``random.json``: ``np.random.RandomState`` draws: the seeded MT19937 key, doubles, normals (an odd
  count, then more from the same generator, so that the cached second value carries over) and
  permutations; and the C library's log (``math.log``), which NumPy's normals use, at random points;
* ``data.json``: ``spiral_split`` for a few settings, and ``initial_params`` for a few models;
* ``gradients.json``: ``helpers.models.loss_and_grads`` on the course's data and starting weights,
  for both models;
* ``training.json``: ``helpers.train.train``'s loss at every one of the first 1000 iterations of the
  course's 2-layer run (and the linear classifier's 200), and after the course's 10000 iterations the
  training accuracy and the class grid (``GRID_SIZE`` x ``GRID_SIZE`` cells over ``EXTENT``, row 0 at
  the top, each cell's class at its centre);
* ``sessions.json``: the playground's ``Session`` retrained from the seed at a few settings (the
  defaults, divergence of both kinds, ...): its history, divergence, dead units, hinge lines and grid.

Floats are written with ``repr`` (JSON's shortest round trip), so a double comes back bit for bit.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np

from helpers.course import HIDDEN_SIZE, NET_ITERS, REG, STEP_SIZE, course_linear_setup, course_net_setup
from helpers.models import accuracy, loss_and_grads, predict
from helpers.playground.settings import SETTINGS
from helpers.playground.state import Session, initial_params, spiral_split
from helpers.train import train

EXTENT = (-1.5, 1.5, -1.5, 1.5)  # the playground's plane: x_min, x_max, y_min, y_max
GRID_SIZE = 100
PARITY_ITERS = 1000  # the course's 2-layer run's losses compared at every iteration up to here
LINEAR_ITERS = 200
SEEDS = (0, 1, 42, 2**32 - 1)
LOG_POINTS = 20000


def cell_centres(extent=EXTENT, G=GRID_SIZE):
    """(G*G, 2): the centre of each cell, row 0 at the top (y = y_max), column 0 at the left (x = x_min)."""
    x_min, x_max, y_min, y_max = extent
    j = np.arange(G)
    xs = x_min + (j + 0.5) * (x_max - x_min) / G
    ys = y_max - (j + 0.5) * (y_max - y_min) / G
    xx, yy = np.meshgrid(xs, ys)  # yy[i, j] = ys[i]: row i
    return np.c_[xx.ravel(), yy.ravel()]


def class_grid(params, extent=EXTENT, G=GRID_SIZE):
    """(G*G,) ints: the class predicted at each cell's centre, row-major."""
    return predict(params, cell_centres(extent, G))


def as_lists(params):
    """A parameter dict as flat (row-major) lists."""
    return {key: np.ravel(value).tolist() for key, value in params.items()}


def random_fixtures():
    draws = []
    for seed in SEEDS:
        rng = np.random.RandomState(seed)
        key = rng.get_state()[1].tolist()
        doubles = rng.random_sample(7).tolist()
        normals = rng.standard_normal(1001).tolist()  # odd: the last pair's second value stays cached
        more = rng.standard_normal(4).tolist()
        draws.append({"seed": seed, "key": key, "doubles": doubles, "normals": normals, "more_normals": more})
    permutations = []
    for seed, n, skip in ((0, 1, 0), (0, 2, 0), (3, 5, 0), (7, 100, 3), (11, 1000, 300), (5, 70000, 1)):
        rng = np.random.RandomState(seed)
        rng.standard_normal(skip)
        permutations.append({"seed": seed, "n": n, "skip": skip, "permutation": rng.permutation(np.arange(n)).tolist()})
    # the C library's log, which the normals use, at points spread over (0, 1) like r2 of the polar method
    xs = np.random.default_rng(0).random(LOG_POINTS)
    return {"draws": draws, "permutations": permutations, "logs": {"x": xs.tolist(), "log": [math.log(x) for x in xs]}}


SPIRALS = (  # points_per_class, classes, noise, held_out_share, data_seed
    (100, 3, 0.2, 0.2, 0), (5, 6, 1.0, 0.5, 3), (200, 6, 0.2, 0.1, 1), (1, 2, 0.0, 0.0, 0), (50, 4, 0.5, 0.3, 9),
)
PARAMS = (  # model, K, H, seed, skip
    ("linear", 3, 100, 0, 300), ("2-layer", 3, 100, 0, 300), ("2-layer", 6, 200, 5, 1200), ("2-layer", 2, 1, 0, 0),
)


def data_fixtures():
    spirals = []
    for ppc, classes, noise, held_out_share, data_seed in SPIRALS:
        d = spiral_split(ppc, classes, noise, held_out_share, data_seed)
        spirals.append({"args": [ppc, classes, noise, held_out_share, data_seed], "X": d.X.ravel().tolist(),
                        "y": d.y.tolist(), "held_out": d.is_held_out.astype(int).tolist()})
    params = [{"args": list(args), "params": as_lists(initial_params(*args[:4], skip=args[4]))} for args in PARAMS]
    return {"spirals": spirals, "params": params}


def gradient_fixtures():
    out = {}
    for name, (X, y, params) in (("linear", course_linear_setup()), ("2-layer", course_net_setup())):
        loss, grads = loss_and_grads(params, X, y, reg=REG)
        out[name] = {"X": X.ravel().tolist(), "y": y.tolist(), "reg": REG, "params": as_lists(params),
                     "loss": loss, "grads": as_lists(grads)}
    return out


def training_fixtures():
    X, y, params = course_net_setup()
    first = train(params, X, y, step_size=STEP_SIZE, reg=REG, num_iters=PARITY_ITERS, record_every=1)
    full = train(params, X, y, step_size=STEP_SIZE, reg=REG, num_iters=NET_ITERS, record_every=1000)
    X_lin, y_lin, params_lin = course_linear_setup()
    linear = train(params_lin, X_lin, y_lin, step_size=STEP_SIZE, reg=REG, num_iters=LINEAR_ITERS, record_every=1)
    return {
        "step_size": STEP_SIZE, "reg": REG, "hidden_size": HIDDEN_SIZE,
        "losses": [loss for _, loss in first.loss_history],
        "linear_losses": [loss for _, loss in linear.loss_history],
        "num_iters": NET_ITERS,
        "recorded": full.loss_history,
        "train_accuracy": accuracy(full.params, X, y),
        "extent": list(EXTENT), "grid_size": GRID_SIZE,
        "grid": class_grid(full.params).tolist(),
    }


SESSIONS = (  # settings of a Session retrained from the seed: the defaults, divergence of both kinds, others
    {}, {"step_size": 100.0}, {"model": "linear", "step_size": 100.0}, {"step_size": 10.0, "reg": 1.0},
    {"classes": 5, "points_per_class": 50, "noise": 0.5, "held_out_share": 0.3, "data_seed": 4, "hidden_size": 20,
     "num_iters": 300},
    {"hidden_size": 5, "num_iters": 1000}, {"model": "linear", "classes": 6, "num_iters": 2000},
)


def finite_or_none(x):
    return None if x is None or not math.isfinite(x) else x


def session_fixtures():
    """``Session(settings).retrain()``: its settings, where it stopped, its history, dead units, hinges and grid."""
    out = []
    for settings in SESSIONS:
        session = Session(settings)
        session.retrain()
        d = session.diverged
        hinges = session.hinges(EXTENT)
        out.append({
            "settings": session.settings, "iteration": session.iteration,
            "diverged": None if d is None else {"iteration": d.iteration, "reason": d.reason, "text": str(d)},
            "history": [[h.iteration, finite_or_none(h.train_loss), finite_or_none(h.held_out_loss), h.train_accuracy,
                         h.held_out_accuracy] for h in session.history],
            "dead": None if hinges is None else hinges[1].astype(int).tolist(),
            "hinges": None if hinges is None else [[finite_or_none(v) for v in seg.ravel()] for seg in hinges[0]],
            "grid": class_grid(session.params).tolist(),
        })
    return out


FIXTURES = {"table": lambda: [s.as_dict() for s in SETTINGS], "random": random_fixtures, "data": data_fixtures,
            "gradients": gradient_fixtures, "training": training_fixtures, "sessions": session_fixtures}


def main(argv):
    if len(argv) != 1:
        raise SystemExit("usage: python tools/js_fixtures.py DIRECTORY")
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        (out / f"{name}.json").write_text(json.dumps(make()))
    print(f"JavaScript trainer fixtures written to {out}/: {', '.join(f'{name}.json' for name in FIXTURES)}")


if __name__ == "__main__":
    main(sys.argv[1:])

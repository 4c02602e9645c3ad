"""The playground's state and training: settings, data, parameters, history. No widgets, no drawing.

A ``Session`` holds one data set (training points and held-out points), one
model's parameters and how far training has got. It trains in chunks with
``helpers.train`` (a chunk is one frame of the Play button, or one press of
Step), and after each chunk records the training and held-out loss and
accuracy. It says why, and when, if training diverged.

Everything here is deterministic: the data come from ``data_seed``, the split
into training and held-out points from the same generator, and the starting
weights from ``seed``, so the same settings always give the same run.
"""
import math
from dataclasses import dataclass

import numpy as np

from ..checks import check_positive_int, check_real
from ..data import make_spiral
from ..models import dead_units, forward, init_linear, init_two_layer, predict
from ..softmax import softmax_loss
from ..train import Divergence, train

MODELS = ("linear", "2-layer")
MODEL_LABELS = {"linear": "linear classifier", "2-layer": "2-layer net"}

# Slider ranges, as powers of ten. The step size runs from "barely moves" (1e-4)
# to "blows up within a few iterations" (100, for both models); reg from
# "practically none" to "so strong that the weights stay near zero" (1).
STEP_SIZE_EXPONENTS = (-4.0, 2.0)
REG_EXPONENTS = (-5.0, 0.0)
HIDDEN_SIZES = (1, 2, 3, 5, 10, 20, 50, 100, 200)
NUM_ITERS_CHOICES = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200)  # iterations per frame
CLASS_RANGE = (2, 6)
POINTS_PER_CLASS = (5, 10, 20, 50, 100, 200)
NOISE_RANGE = (0.0, 1.0)
TEST_SHARE_RANGE = (0.0, 0.5)

DEFAULTS = {
    "model": "2-layer", "step_size": 1.0, "reg": 1e-3, "hidden_size": 100, "num_iters": 500, "speed": 20,
    "classes": 3, "points_per_class": 100, "noise": 0.2, "test_share": 0.2, "data_seed": 0,
}
# What a change of each setting does while training runs (see ``Session.apply``):
# these apply from the next chunk, everything else starts again from the seeded weights.
LIVE_SETTINGS = frozenset({"step_size", "reg", "speed"})
DATA_SETTINGS = frozenset({"classes", "points_per_class", "noise", "test_share", "data_seed"})

LOSS_POINTS = 50  # a run of num_iters iterations records about this many points


# --------------------------------------------------------------------------- checks

def _check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {value!r}")
    return value


def _check_in_range(value, name, low, high, *, log=False):
    value = check_real(value, name, positive=log)
    # a small tolerance: 10 ** -4 computed here and in the browser may differ in the last bit
    if not low - 1e-9 * abs(low) <= value <= high + 1e-9 * abs(high):
        raise ValueError(f"{name} must be between {low:g} and {high:g} (the slider's range); got {value:g}")
    return value


def _check_log_range(value, name, exponents):
    return _check_in_range(value, name, 10.0 ** exponents[0], 10.0 ** exponents[1], log=True)


def check_settings(**settings):
    """Validate playground settings; return a complete dict keyed like ``DEFAULTS``.

    Missing keys take their default. model : "linear" or "2-layer". step_size : float in
    [1e-4, 100]. reg : float in [1e-5, 1]. hidden_size : int >= 1. num_iters : int >= 0,
    the length of a paused retrain. speed : int >= 1, iterations per frame. classes : int
    in [2, 6]. points_per_class : int >= 1. noise : float in [0, 1], the angle noise.
    test_share : float in [0, 0.5], the share of each class held out. data_seed : int >= 0.
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; the settings are {sorted(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    return {
        "model": _check_choice(s["model"], "model", MODELS),
        "step_size": _check_log_range(s["step_size"], "step_size", STEP_SIZE_EXPONENTS),
        "reg": _check_log_range(s["reg"], "reg", REG_EXPONENTS),
        "hidden_size": check_positive_int(s["hidden_size"], "hidden_size"),
        "num_iters": check_positive_int(s["num_iters"], "num_iters", minimum=0),
        "speed": check_positive_int(s["speed"], "speed"),
        "classes": _check_classes(s["classes"]),
        "points_per_class": check_positive_int(s["points_per_class"], "points_per_class"),
        "noise": _check_in_range(s["noise"], "noise", *NOISE_RANGE),
        "test_share": _check_in_range(s["test_share"], "test_share", *TEST_SHARE_RANGE),
        "data_seed": check_positive_int(s["data_seed"], "data_seed", minimum=0),
    }


def _check_classes(value):
    value = check_positive_int(value, "classes")
    if not CLASS_RANGE[0] <= value <= CLASS_RANGE[1]:
        raise ValueError(f"classes must be between {CLASS_RANGE[0]} and {CLASS_RANGE[1]}; got {value}")
    return value


def record_every_for(num_iters):
    """Record about ``LOSS_POINTS`` times over ``num_iters`` iterations."""
    return max(1, num_iters // LOSS_POINTS)


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Dataset:
    """Points with labels, each either a training point or a held-out one.

    X : (n, 2) float. y : (n,) int in [0, K). held_out : (n,) bool. K : number of classes.
    """

    X: np.ndarray
    y: np.ndarray
    held_out: np.ndarray
    K: int

    @property
    def train(self):
        """``(X, y)`` of the training points."""
        return self.X[~self.held_out], self.y[~self.held_out]

    @property
    def test(self):
        """``(X, y)`` of the held-out points."""
        return self.X[self.held_out], self.y[self.held_out]


def spiral_split(points_per_class, classes, noise, test_share, data_seed):
    """The spiral drawn from ``RandomState(data_seed)``, and a held-out share of each class.

    The spiral's draws come first, so ``data_seed=0`` with the course's N = 100, K = 3 and
    noise 0.2 gives the course's 300 points; the same generator then picks
    ``round(test_share * points_per_class)`` points of each class to hold out.
    Returns a ``Dataset``.
    """
    rng = np.random.RandomState(data_seed)
    X, y = make_spiral(points_per_class, classes, noise, rng=rng)
    held_out = np.zeros(len(y), dtype=bool)
    n_test = round(test_share * points_per_class)
    for k in range(classes):
        members = np.flatnonzero(y == k)
        held_out[rng.permutation(members)[:n_test]] = True
    return Dataset(X, y.astype(np.int64), held_out, classes)


def with_points(data, points):
    """``data`` with ``points`` added: each a tuple ``(x1, x2, k, held_out)``.

    Points of a class that ``data`` does not have (k >= data.K) are left out, so that
    lowering the number of classes hides them and raising it brings them back.
    """
    kept = [p for p in points if p[2] < data.K]
    if not kept:
        return data
    X = np.vstack([data.X, np.array([p[:2] for p in kept], dtype=float)])
    y = np.concatenate([data.y, np.array([p[2] for p in kept], dtype=np.int64)])
    held_out = np.concatenate([data.held_out, np.array([bool(p[3]) for p in kept])])
    return Dataset(X, y, held_out, data.K)


def empty_dataset(K):
    return Dataset(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), K)


# --------------------------------------------------------------------------- the model

def initial_params(model, K, hidden_size, seed, skip=0):
    """The starting parameters, the same every time for the same arguments.

    Drawn as the course draws them: from ``np.random.RandomState(seed)``, after ``skip``
    normal draws (the course's data take N * K = 300), the linear classifier's ``W`` (2, K),
    then, for the network, ``W`` (2, H) and ``W2`` (H, K). So ``seed=0, skip=300`` gives
    the course's starting weights for both models. Biases start at zero.
    """
    _check_choice(model, "model", MODELS)
    rng = np.random.RandomState(seed)
    rng.standard_normal(skip)
    linear = init_linear(2, K, rng=rng)
    return linear if model == "linear" else init_two_layer(2, hidden_size, K, rng=rng)


def loss_and_accuracy(params, X, y):
    """The data loss (mean cross-entropy, no L2 term) and the accuracy on ``X, y``; ``None``s if empty."""
    if len(y) == 0:
        return None, None
    scores, _ = forward(params, X)
    data_loss, _ = softmax_loss(scores, y)
    return float(data_loss), float(np.mean(np.argmax(scores, axis=1) == y))


def hinge_segments(W, b, extent):
    """Where each hidden unit switches on, clipped to the box ``extent = (x_min, x_max, y_min, y_max)``.

    Unit j is zero on one side of the line ``x . W[:, j] + b[j] = 0`` and rises linearly on
    the other. W : (2, H), b : (1, H) or (H,). Returns (H, 2, 2): segment j runs from
    ``[j, 0]`` to ``[j, 1]``, each an (x1, x2) point; NaN where the line misses the box
    (or the unit has no line, W[:, j] = 0).
    """
    W, b = np.asarray(W, float), np.reshape(np.asarray(b, float), -1)
    norm2 = np.sum(W * W, axis=0)
    has_line = norm2 > 0
    safe = np.where(has_line, norm2, 1.0)
    origin = -(b / safe) * W  # (2, H): the point of each line nearest to (0, 0)
    direction = np.stack([-W[1], W[0]])  # (2, H): along the line
    t_low, t_high = np.full(W.shape[1], -np.inf), np.full(W.shape[1], np.inf)
    # Liang-Barsky: intersect the parameter interval with each pair of box edges
    for axis, (low, high) in enumerate((extent[:2], extent[2:])):
        d, o = direction[axis], origin[axis]
        moving = d != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t1, t2 = (low - o) / d, (high - o) / d
        t_low = np.where(moving, np.maximum(t_low, np.minimum(t1, t2)), t_low)
        t_high = np.where(moving, np.minimum(t_high, np.maximum(t1, t2)), t_high)
        has_line &= moving | ((low <= o) & (o <= high))
    has_line &= t_low < t_high
    t_low, t_high = np.where(has_line, t_low, 0.0), np.where(has_line, t_high, 0.0)  # no inf * 0 below
    segments = np.stack([origin + t_low * direction, origin + t_high * direction])  # (2 ends, 2 coords, H)
    segments = segments.transpose(2, 0, 1).copy()
    segments[~has_line] = np.nan
    return segments


# --------------------------------------------------------------------------- a training run

@dataclass(frozen=True)
class Snapshot:
    """Where training stood after some iterations. Losses are data losses (no L2 term); ``None`` when there are no such points."""

    iteration: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float


class Session:
    """One data set, one model, and the training run on them.

    settings : dict, see ``check_settings``. seed : int >= 0, for the starting weights.
    points : list of ``(x1, x2, k, held_out)`` added by hand. spiral : whether the spiral's
    points are there too (False: only the points added by hand).

    Attributes: ``settings``, ``data`` (a ``Dataset``), ``params``, ``iteration``,
    ``history`` (list of ``Snapshot``, one at iteration 0 and one after every chunk),
    ``diverged`` (``None`` or a ``Divergence`` with the absolute iteration).
    """

    def __init__(self, settings=None, *, seed=0, points=(), spiral=True):
        self.settings = check_settings(**(settings or {}))
        self.seed = check_positive_int(seed, "seed", minimum=0)
        self.points = [tuple(p) for p in points]
        self.spiral = bool(spiral)
        self.data = self._make_data()
        self.reset()

    # ----------------------------------------------------------------- data and parameters

    def _make_data(self):
        s = self.settings
        base = (spiral_split(s["points_per_class"], s["classes"], s["noise"], s["test_share"], s["data_seed"])
                if self.spiral else empty_dataset(s["classes"]))
        return with_points(base, self.points)

    def initial_params(self):
        s = self.settings
        return initial_params(s["model"], s["classes"], s["hidden_size"], self.seed,
                              skip=s["points_per_class"] * s["classes"])

    def reset(self):
        """Back to the seeded starting weights, iteration 0."""
        self.params = self.initial_params()
        self.iteration = 0
        self.diverged = None
        self._reference_loss = None
        self.history = [self.snapshot()]

    def snapshot(self):
        train_loss, train_acc = loss_and_accuracy(self.params, *self.data.train)
        test_loss, test_acc = loss_and_accuracy(self.params, *self.data.test)
        return Snapshot(self.iteration, train_loss, test_loss, train_acc, test_acc)

    @property
    def latest(self):
        return self.history[-1]

    @property
    def can_train(self):
        """Whether there is something to train on and training has not diverged."""
        return self.diverged is None and len(self.data.train[1]) > 0

    # ----------------------------------------------------------------- training

    def step(self, num_iters):
        """Train ``num_iters`` more iterations from where training stands; record a snapshot.

        Does nothing if training diverged or there are no training points. Returns
        whether training can go on.
        """
        num_iters = check_positive_int(num_iters, "num_iters")
        if not self.can_train:
            return False
        s = self.settings
        result = train(self.params, *self.data.train, step_size=s["step_size"], reg=s["reg"],
                       num_iters=num_iters, record_every=num_iters, reference_loss=self._reference_loss)
        if self._reference_loss is None and result.loss_history:
            self._reference_loss = result.loss_history[0][1]
        self.params = result.params
        self.iteration += result.iterations
        if result.diverged is not None:
            d = result.diverged
            self.diverged = Divergence(self.iteration - result.iterations + d.iteration, d.loss, d.reason)
        if result.iterations:
            self.history.append(self.snapshot())
        return self.diverged is None

    def run(self, num_iters, chunk):
        """Train ``num_iters`` more iterations in chunks of ``chunk`` (a snapshot after each)."""
        end = self.iteration + num_iters
        while self.iteration < end and self.step(min(chunk, end - self.iteration)):
            pass

    def retrain(self):
        """Start again from the seeded weights and train ``settings['num_iters']`` iterations."""
        self.reset()
        n = self.settings["num_iters"]
        self.run(n, record_every_for(n))

    # ----------------------------------------------------------------- changes

    def apply(self, **changes):
        """Change settings; return what that needs: "live", "reset" or "nothing".

        "live" : only step_size, reg or speed changed. Training goes on from where it is,
            with the new values from the next chunk on.
        "reset" : the model, the hidden size or the data changed: the parameters are back
            at the seeded starting weights (new data are drawn first if needed).
        "nothing" : no value changed (num_iters alone is just stored: it is the length of
            the next ``retrain``).
        """
        new = check_settings(**{**self.settings, **changes})
        changed = {k for k in new if new[k] != self.settings[k]}
        self.settings = new
        if changed & DATA_SETTINGS:
            self.data = self._make_data()
        if changed - LIVE_SETTINGS - {"num_iters"}:
            self.reset()
            return "reset"
        return "live" if changed & LIVE_SETTINGS else "nothing"

    def add_point(self, x1, x2, k, held_out=False):
        """Add a point of class ``k`` at (x1, x2); the data changed, so the weights are reset."""
        x1, x2 = check_real(x1, "x1"), check_real(x2, "x2")
        k = check_positive_int(k, "k", minimum=0)
        if k >= self.settings["classes"]:
            raise ValueError(f"k must be a class below classes = {self.settings['classes']}; got {k}")
        self.points.append((x1, x2, k, bool(held_out)))
        self.data = self._make_data()
        self.reset()

    def set_points(self, points, spiral):
        """Replace the hand-added points and say whether the spiral is there too; reset."""
        self.points, self.spiral = [tuple(p) for p in points], bool(spiral)
        self.data = self._make_data()
        self.reset()

    # ----------------------------------------------------------------- what to show

    def loss_curves(self):
        """``(training, held_out)``: two lists of ``(iteration, data loss)``, ready for ``plot_loss_curve``."""
        train = [(h.iteration, h.train_loss) for h in self.history if h.train_loss is not None]
        held_out = [(h.iteration, h.test_loss) for h in self.history if h.test_loss is not None]
        return train, held_out

    def predict(self, P):
        """Predicted class of each row of P (M, 2)."""
        return predict(self.params, P)

    def hinges(self, extent):
        """``(segments (H, 2, 2), dead (H,) bool)`` for the network; ``None`` for the linear classifier."""
        if "W2" not in self.params:
            return None
        return hinge_segments(self.params["W"], self.params["b"], extent), dead_units(self.params, self.data.train[0])


def describe_settings(settings):
    """One line naming the model and its training settings."""
    model = MODEL_LABELS[settings["model"]]
    if settings["model"] == "2-layer":
        model += f", hidden size {settings['hidden_size']}"
    return f"{model}, step size {settings['step_size']:.3g}, reg {settings['reg']:.3g}"


def divergence_cause(settings):
    """Why a run at these settings blows up, in a few words."""
    product = settings["step_size"] * settings["reg"]
    if product > 2:
        return f"step size x reg = {product:.3g} is above 2"
    return f"step size {settings['step_size']:.3g} is too large"


def status_text(session):
    """The line under the figure: iteration, losses and accuracies, dead units, or why training stopped.

    Losses have three decimals and accuracies two, so that the text is the same on any CPU
    and BLAS for the playground's short runs.
    """
    s, snap, data = session.settings, session.latest, session.data
    where = f"[{describe_settings(s)}]"
    if session.diverged is not None:
        d = session.diverged
        text = str(d)
        return (f"{text[0].upper()}{text[1:]}. Nothing worth plotting was learned; "
                f"set a smaller step size (releasing the slider trains again from the start). {where}")
    n_train, n_test = len(data.train[1]), len(data.test[1])
    if n_train == 0:
        return f"No training points: click on the plot to add some (shift-click adds a held-out point). {where}"
    parts = [f"Iteration {snap.iteration}", f"training loss {snap.train_loss:.3f}"]
    if n_test:
        parts.append(f"held-out loss {snap.test_loss:.3f}")
    parts.append(f"training accuracy {snap.train_accuracy:.2f}")
    if n_test:
        parts.append(f"held-out accuracy {snap.test_accuracy:.2f}")
    chance = math.log(data.K)
    if snap.train_loss > chance + 5e-4:
        parts.append(f"worse than guessing every class equally (ln {data.K} = {chance:.3f})")
    if "W2" in session.params:
        dead = dead_units(session.params, data.train[0])
        parts.append(f"{int(dead.sum())} of {len(dead)} hidden units dead")
    counts = f"{n_train} training and {n_test} held-out points"
    return "; ".join(parts) + f". {counts} {where}"

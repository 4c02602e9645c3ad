"""The playground's state and training: data, parameters, history. No widgets, no drawing.

A ``Session`` holds one data set (training points and held-out points), one
model's parameters and how far training has got. It trains in chunks with
``helpers.train`` (a chunk is one frame of the Play button, or one press of
Step), and after each chunk records the training and held-out loss and
accuracy. It says why, and when, if training diverged.

A retrain after a change can also run in pieces, each ending at a deadline
(``start_retrain``, then ``advance`` until it says it is done), so that a front end
can draw it as it goes; the pieces give exactly the run that ``retrain`` gives at once.
The settings and their checks are in ``helpers.playground.settings``.

Everything here is deterministic: the data come from ``data_seed``, the split
into training and held-out points from the same generator, and the starting
weights from ``seed``, so the same settings always give the same run.
"""
import math
import numbers
import time
from dataclasses import dataclass

import numpy as np

from ..checks import check_scalar
from ..data import make_spiral
from ..models import dead_units, forward, hinge_segments, init_linear, init_two_layer, is_two_layer, predict
from ..softmax import softmax_loss
from ..train import Divergence, divergence_cause as training_divergence_cause, train
from .settings import DATA_SETTINGS, LIVE_SETTINGS, MODEL_LABELS, MODELS, check_settings

LOSS_POINTS = 50  # a run of num_iters iterations records about this many points


def record_every_for(num_iters):
    """Record about ``LOSS_POINTS`` times over ``num_iters`` iterations."""
    return max(1, num_iters // LOSS_POINTS)


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Dataset:
    """Points with labels, each either a training point or a held-out one.

    X : (n, 2) float. y : (n,) int in [0, K). is_held_out : (n,) bool. K : number of classes.
    """

    X: np.ndarray
    y: np.ndarray
    is_held_out: np.ndarray
    K: int

    @property
    def train(self):
        """``(X, y)`` of the training points."""
        return self.X[~self.is_held_out], self.y[~self.is_held_out]

    @property
    def held_out(self):
        """``(X, y)`` of the held-out points."""
        return self.X[self.is_held_out], self.y[self.is_held_out]


def spiral_split(points_per_class, classes, noise, held_out_share, data_seed):
    """The spiral drawn from ``RandomState(data_seed)``, and a held-out share of each class.

    The spiral's draws come first, so ``data_seed=0`` with the course's N = 100, K = 3 and
    noise 0.2 gives the course's 300 points; the same generator then picks
    ``round(held_out_share * points_per_class)`` points of each class to hold out.
    Returns a ``Dataset``.
    """
    rng = np.random.RandomState(data_seed)
    X, y = make_spiral(points_per_class, classes, noise, rng=rng)
    is_held_out = np.zeros(len(y), dtype=bool)
    n_held_out = round(held_out_share * points_per_class)
    for k in range(classes):
        members = np.flatnonzero(y == k)
        is_held_out[rng.permutation(members)[:n_held_out]] = True
    return Dataset(X, y.astype(np.int64), is_held_out, classes)


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
    is_held_out = np.concatenate([data.is_held_out, np.array([bool(p[3]) for p in kept])])
    return Dataset(X, y, is_held_out, data.K)


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
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}; got {model!r}")
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


# --------------------------------------------------------------------------- a training run

@dataclass(frozen=True)
class Snapshot:
    """Where training stood after some iterations.

    Losses are data losses (no L2 term); ``None`` when there are no such points.
    """

    iteration: int
    train_loss: float
    held_out_loss: float
    train_accuracy: float
    held_out_accuracy: float


class Session:
    """One data set, one model, and the training run on them.

    settings : dict, see ``check_settings``. seed : int >= 0, for the starting weights.
    points : list of ``(x1, x2, k, held_out)`` added by hand. spiral : whether the spiral's
    points are there too (False: only the points added by hand).

    Attributes: ``settings``, ``data`` (a ``Dataset``), ``params``, ``iteration``,
    ``history`` (list of ``Snapshot``, one at iteration 0 and one after every chunk),
    ``diverged`` (``None`` or a ``Divergence`` with the absolute iteration).
    ``clock`` is what deadlines are read on, ``time.perf_counter`` (a test can put a fake one here).
    """

    clock = staticmethod(time.perf_counter)

    def __init__(self, settings=None, *, seed=0, points=(), spiral=True):
        self.settings = check_settings(**(settings or {}))
        self.seed = check_scalar(seed, "seed", numbers.Integral, min_val=0)
        self.points = [tuple(p) for p in points]
        self.spiral = bool(spiral)
        self.data = self._make_data()
        self.reset()

    # ----------------------------------------------------------------- data and parameters

    def _make_data(self):
        s = self.settings
        base = (spiral_split(s["points_per_class"], s["classes"], s["noise"], s["held_out_share"], s["data_seed"])
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
        self.target = None  # while a retrain catches up: the iteration it trains to
        self.last_step = 0  # how many iterations the last ``step`` ran
        self._reference_loss = None
        self._seconds_per_iteration = None  # measured while training, for the deadlines
        self._now = None  # the snapshot ``now`` made last
        self._dead = None  # (params, their dead units), see ``dead_units``
        self.history = [self.snapshot()]

    def snapshot(self):
        train_loss, train_acc = loss_and_accuracy(self.params, *self.data.train)
        held_out_loss, held_out_acc = loss_and_accuracy(self.params, *self.data.held_out)
        return Snapshot(self.iteration, train_loss, held_out_loss, train_acc, held_out_acc)

    @property
    def latest(self):
        """The last recorded ``Snapshot``."""
        return self.history[-1]

    def now(self):
        """A ``Snapshot`` of where training stands: the latest, or, between two records of a retrain
        that is catching up, a new one (not recorded)."""
        if self.latest.iteration == self.iteration or self.diverged is not None:
            return self.latest
        if self._now is None or self._now.iteration != self.iteration:
            self._now = self.snapshot()
        return self._now

    def shown_history(self):
        """The history, with where training stands added at its end: what a front end draws."""
        now = self.now()
        return self.history if now is self.latest else self.history + [now]

    @property
    def can_train(self):
        """Whether there is something to train on and training has not diverged."""
        return self.diverged is None and len(self.data.train[1]) > 0

    # ----------------------------------------------------------------- training

    def _train(self, num_iters):
        """Train ``num_iters`` iterations from where training stands, without a snapshot; return how many ran.

        Training in pieces gives exactly the parameters of one long call: ``train`` starts each call
        from the parameters it is given, and ``reference_loss`` keeps the divergence test the same.
        """
        s = self.settings
        start = self.clock()
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
            measured = (self.clock() - start) / result.iterations
            previous = self._seconds_per_iteration
            # smoothed, so that one piece slowed by something else does not shrink the next ones
            self._seconds_per_iteration = measured if previous is None else 0.7 * previous + 0.3 * measured
        return result.iterations

    def _affordable(self, most, deadline):
        """How many of ``most`` iterations fit before ``deadline`` (a ``clock()`` time) at the measured rate.

        All of them with no deadline; one while the rate is not yet known (that piece measures it).
        """
        if deadline == math.inf:
            return most
        if self._seconds_per_iteration is None:
            return min(1, most)
        return max(0, min(most, int((deadline - self.clock()) / self._seconds_per_iteration)))

    def step(self, num_iters, deadline=math.inf):
        """Train up to ``num_iters`` more iterations from where training stands; record a snapshot.

        deadline : a ``clock()`` time; training stops once no more iterations fit before it at
            the measured rate (but at least one runs). ``last_step`` then says how many ran.
        Does nothing if training diverged or there are no training points. Returns whether
        training can go on.
        """
        num_iters = check_scalar(num_iters, "num_iters", numbers.Integral, min_val=1)
        self.target = None
        if not self.can_train:
            return False
        done = 0
        while done < num_iters and self.can_train:
            n = self._affordable(num_iters - done, deadline)
            if n == 0 and done:
                break
            done += self._train(max(n, 1))
        self.last_step = done
        if done:
            self.history.append(self.snapshot())
        return self.diverged is None

    def start_retrain(self):
        """Back to the seeded starting weights, with ``settings['num_iters']`` iterations to train (see ``advance``)."""
        self.reset()
        self.target = self.settings["num_iters"]

    @property
    def catching_up(self):
        """Whether a retrain started by ``start_retrain`` has iterations left to train."""
        return self.target is not None and self.iteration < self.target and self.can_train

    def advance(self, deadline=math.inf):
        """Train the retrain under way towards its ``target``, until done or past ``deadline``; return whether done.

        deadline : a ``clock()`` time, as for ``step`` (at least one iteration runs per call).
        A snapshot is recorded every ``record_every_for(target)`` iterations and at the end, so
        the run, its history and its result are the same however the deadlines split it.
        """
        every = record_every_for(self.target or 1)
        done = 0
        while self.catching_up:
            boundary = min(self.target, (self.iteration // every + 1) * every)
            n = self._affordable(boundary - self.iteration, deadline)
            if n == 0 and done:
                break
            done += self._train(max(n, 1))
            if self.iteration == boundary or (self.diverged and self.iteration > self.latest.iteration):
                self.history.append(self.snapshot())
        if not self.catching_up:
            self.target = None
        return self.target is None

    def retrain(self):
        """Start again from the seeded weights and train ``settings['num_iters']`` iterations, all at once."""
        self.start_retrain()
        self.advance()

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
        x1, x2 = check_scalar(x1, "x1", numbers.Real), check_scalar(x2, "x2", numbers.Real)
        k = check_scalar(k, "k", numbers.Integral, min_val=0)
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
        held_out = [(h.iteration, h.held_out_loss) for h in self.history if h.held_out_loss is not None]
        return train, held_out

    def predict(self, P):
        """Predicted class of each row of P (M, 2)."""
        return predict(self.params, P)

    def hinges(self, extent):
        """``(segments (H, 2, 2), dead (H,) bool)`` for the network; ``None`` for the linear classifier."""
        if not is_two_layer(self.params):
            return None
        return hinge_segments(self.params["W"], self.params["b"], extent), self.dead_units()

    def dead_units(self):
        """(H,) bool: the hidden units that are zero at every training point, for the current parameters.

        Kept until the parameters change, since a frame asks twice (the hinge lines and the status line).
        """
        if self._dead is None or self._dead[0] is not self.params:
            self._dead = (self.params, dead_units(self.params, self.data.train[0]))
        return self._dead[1]


def describe_settings(settings):
    """One line naming the model and its training settings."""
    model = MODEL_LABELS[settings["model"]]
    if settings["model"] == "2-layer":
        model += f", hidden size {settings['hidden_size']}"
    return f"{model}, step size {settings['step_size']:.3g}, reg {settings['reg']:.3g}"


def divergence_cause(settings):
    """Why a run at these settings blows up, in a few words (``helpers.train.divergence_cause``)."""
    return training_divergence_cause(settings["step_size"], settings["reg"])


def status_text(session):
    """The line under the figure: iteration, losses and accuracies, dead units, or why training stopped.

    Losses have three decimals and accuracies two, so that the text is the same on any CPU
    and BLAS for the playground's short runs.
    """
    s, snap, data = session.settings, session.now(), session.data
    where = f"[{describe_settings(s)}]"
    if session.diverged is not None:
        d = session.diverged
        text = str(d)
        return (f"{text[0].upper()}{text[1:]}. Nothing worth plotting was learned; "
                f"set a smaller step size (releasing the slider trains again from the start). {where}")
    n_train, n_held_out = len(data.train[1]), len(data.held_out[1])
    if n_train == 0:
        return f"No training points: click on the plot to add some (shift-click adds a held-out point). {where}"
    parts = [f"Iteration {snap.iteration}", f"training loss {snap.train_loss:.3f}"]
    if session.catching_up:  # drawn as it trains: say how far it has got
        parts[0] = f"Catching up with the new settings: iteration {snap.iteration} of {session.target}"
    if n_held_out:
        parts.append(f"held-out loss {snap.held_out_loss:.3f}")
    parts.append(f"training accuracy {snap.train_accuracy:.2f}")
    if n_held_out:
        parts.append(f"held-out accuracy {snap.held_out_accuracy:.2f}")
    if 0 < session.last_step < s["speed"]:
        parts.append(f"{session.last_step} of the {s['speed']} iterations a frame fitted in the last frame's time")
    chance = math.log(data.K)
    if snap.train_loss > chance + 5e-4:
        parts.append(f"worse than guessing every class equally (ln {data.K} = {chance:.3f})")
    if is_two_layer(session.params):
        dead = session.dead_units()
        parts.append(f"{int(dead.sum())} of {len(dead)} hidden units dead")
    counts = f"{n_train} training and {n_held_out} held-out point{'' if n_held_out == 1 else 's'}"
    return "; ".join(parts) + f". {counts} {where}"

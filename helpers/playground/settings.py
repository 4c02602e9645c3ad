"""The playground's settings, in one table: each one's range, scale, slider positions, label and effect.

Everything else is derived from ``SETTINGS``: the checks (``check_settings``), and,
through ``as_dict()`` / ``as_json()``, the browser's controls and the book's reading of
a link's settings (``book/static/live-playground.js``). No widget code here.

A setting is one of three kinds, in the spirit of scikit-learn's ``Interval`` and
``StrOptions``:

* ``"log"``: a float on a log scale, from ``10**low`` to ``10**high``; a slider moves
  in steps of ``10**step``;
* ``"number"``: a float or int from ``low`` to ``high`` (``None``: no upper bound); a
  slider offers ``positions`` if given, else steps of ``step``;
* ``"option"``: one of ``positions``, each shown by its entry in ``labels``.

Its ``effect`` says what a change does (see ``Session.apply``): "live" applies from the
next frame of training; "reset" goes back to the seeded starting weights; "data" draws
new data and resets; "length" only sets the length of the next retrain.
"""
import json
import numbers
from dataclasses import dataclass, field

from ..checks import check_scalar


@dataclass(frozen=True)
class Setting:
    """One playground setting. See the module docstring for ``kind`` and ``effect``."""

    name: str
    label: str
    kind: str
    default: object
    effect: str
    group: str  # the group of controls it belongs to (see GROUPS): what an instructor's ``show=`` names
    low: float = None
    high: float = None
    step: float = None
    integer: bool = False
    positions: tuple = ()
    labels: dict = field(default_factory=dict)
    help: str = ""
    readout: str = ""  # how a slider shows its value (a Python format spec); "" for the default
    control: bool = True  # whether the playground has a control for it

    @property
    def bounds(self):
        """The smallest and largest value allowed (``None``: no bound); for "log", the values, not exponents."""
        if self.kind == "log":
            return 10.0 ** self.low, 10.0 ** self.high
        return self.low, self.high

    def slider_positions(self):
        """Every value a slider can take."""
        if self.kind == "log":
            n = round((self.high - self.low) / self.step)
            return tuple(10.0 ** round(self.low + i * self.step, 10) for i in range(n + 1))
        if self.positions:
            return self.positions
        n = round((self.high - self.low) / self.step)
        return tuple(round(self.low + i * self.step, 10) for i in range(n + 1))

    def check(self, value):
        """Return ``value`` checked against this setting; raise a ``TypeError`` or ``ValueError`` naming it."""
        if self.kind == "option":
            if value not in self.positions:
                raise ValueError(f"{self.name} must be one of {self.positions}; got {value!r}")
            return value
        if self.kind == "log":
            value = check_scalar(value, self.name, numbers.Real, min_val=0, include_boundaries="neither")
            low, high = self.bounds
            # a small tolerance: 10 ** -4 computed here and in the browser may differ in the last bit
            if not low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                raise ValueError(f"{self.name} must be between {low:g} and {high:g} (the slider's range); "
                                 f"got {value:g}")
            return value
        return check_scalar(value, self.name, numbers.Integral if self.integer else numbers.Real,
                            min_val=self.low, max_val=self.high)

    def as_dict(self):
        """This setting as plain JSON-ready values."""
        out = {"name": self.name, "label": self.label, "kind": self.kind, "default": self.default,
               "effect": self.effect, "help": self.help, "readout": self.readout, "control": self.control,
               "group": self.group}
        if self.kind == "option":
            out["options"] = [{"value": v, "label": self.labels.get(v, str(v))} for v in self.positions]
        else:
            out.update(low=self.low, high=self.high, integer=self.integer)
            out["positions"] = list(self.slider_positions()) if self.high is not None else list(self.positions)
        if self.kind == "log":
            out["step"] = self.step
        return out


SETTINGS = (
    Setting("model", "model", "option", "2-layer", "reset", "model", positions=("linear", "2-layer"),
            labels={"linear": "linear classifier", "2-layer": "2-layer net"},
            help="the linear softmax classifier on the raw (x0, x1), or the network with one hidden ReLU layer"),
    # From "barely moves" (1e-4) to "blows up within a few iterations" (100, for both models).
    Setting("step_size", "step size", "log", 1.0, "live", "step_size", low=-4.0, high=2.0, step=0.5,
            help="the gradient-descent step size; a change applies from the next frame, without a reset"),
    # From "practically none" to "so strong that the weights stay near zero" (1).
    Setting("reg", "reg", "log", 1e-3, "live", "reg", low=-5.0, high=0.0, step=0.5,
            help="the L2 regularisation strength; a change applies from the next frame, without a reset"),
    Setting("hidden_size", "hidden size H", "number", 100, "reset", "hidden_size", low=1, integer=True,
            positions=(1, 2, 3, 5, 10, 20, 50, 100, 200), help="the number of hidden units of the network"),
    Setting("num_iters", "iterations", "number", 500, "length", "num_iters", low=0, integer=True,
            positions=(50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000),
            help="how many iterations a retrain after a change runs"),
    Setting("speed", "iterations/frame", "number", 20, "live", "transport", low=1, integer=True,
            positions=(1, 2, 5, 10, 20, 50, 100, 200), help="iterations per frame while playing, and per Step"),
    Setting("classes", "classes K", "number", 3, "data", "data", low=2, high=6, step=1, integer=True,
            help="the number of spiral arms, one class each"),
    Setting("points_per_class", "points per class", "number", 100, "data", "data", low=1, integer=True,
            positions=(5, 10, 20, 50, 100, 200), help="points drawn per class, training and held out together"),
    Setting("noise", "noise", "number", 0.2, "data", "data", low=0.0, high=1.0, step=0.1, readout=".1f",
            help="the spread of the points around each arm (the angle noise)"),
    Setting("held_out_share", "held out", "number", 0.2, "data", "data", low=0.0, high=0.5, step=0.1, readout=".0%",
            help="the share of each class kept out of training and drawn hollow"),
    Setting("data_seed", "data seed", "number", 0, "data", "data", low=0, integer=True, control=False,
            help="the seed the spiral is drawn from (the New sample button adds one)"),
)
SETTING = {s.name: s for s in SETTINGS}
DEFAULTS = {s.name: s.default for s in SETTINGS}
MODELS = SETTING["model"].positions
MODEL_LABELS = SETTING["model"].labels
# The groups of controls, in the order the playground lays them out: Play/Step/Reset (with the speed),
# then each setting's group in the table's order, then the points you draw and the view's switches.
GROUPS = tuple(dict.fromkeys(("transport", *(s.group for s in SETTINGS), "draw", "view")))
LIVE_SETTINGS = frozenset(s.name for s in SETTINGS if s.effect == "live")
DATA_SETTINGS = frozenset(s.name for s in SETTINGS if s.effect == "data")


def check_settings(**settings):
    """Validate playground settings against ``SETTINGS``; return a complete dict keyed like ``DEFAULTS``.

    Missing keys take their default; an unknown key is a ``TypeError`` that lists the known ones.
    """
    unknown = set(settings) - set(SETTING)
    if unknown:
        raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; the settings are {sorted(SETTING)}")
    return {s.name: s.check(settings.get(s.name, s.default)) for s in SETTINGS}


def as_json():
    """The table as a JSON string, for a front end written in another language."""
    return json.dumps([s.as_dict() for s in SETTINGS], indent=1)

"""The ``Playground`` that notebook 6 shows: an anywidget whose front end is ``static/playground.js``.

The kernel trains (``driver``, on a ``state.Session``) and the browser draws: after each
message from the front end the widget sends one update, built by ``payload``: the class
grid as bytes, the frame's numbers, and the points when they changed. One message is the
widget's own, not the driver's: ``{"type": "history"}``, from a view that opens on a frame
holding only an increment of the loss curves, is answered by the whole history
(``send_history``). The traits are the contract between the front end and a back end; the
offline book gives the same module a JavaScript back end with the same traits.
"""
import pathlib

import anywidget
import traitlets

from ..style import as_dict as style_as_dict
from .driver import MESSAGES, Driver
from .payload import Payload
from .settings import GROUPS, SETTINGS
from .state import Session, status_text

STATIC = pathlib.Path(__file__).parent / "static"


class SettingControl:
    """One setting as a cell sees it: ``pg.controls[name].value`` reads it, and setting it does what
    moving its control in the browser does (a message to the driver; see ``driver``)."""

    def __init__(self, playground, name):
        self._playground, self.name = playground, name

    @property
    def value(self):
        return self._playground.session.settings[self.name]

    @value.setter
    def value(self, value):
        self._playground.set(self.name, value)

    def __repr__(self):
        return f"SettingControl({self.name!r}, value={self.value!r})"


class Playground(anywidget.AnyWidget):
    """Train either model on a spiral, live, and watch its decision regions and losses.

    Parameters
    ----------
    **settings : starting settings, see ``helpers.playground.settings.check_settings``
        (model, step_size, reg, hidden_size, num_iters, speed, classes, points_per_class,
        noise, held_out_share, data_seed). Defaults: the course's spiral with 20% of each
        class held out, the course's network and its starting weights.
    seed : int >= 0, the starting weights' seed. Seed 0 gives the course's weights.
    show : which groups of controls to show, from ``GROUPS``; default all. Hidden controls keep
        their values; a click on the plot adds points only if "draw" is shown.
        ``Playground(model="linear", show=("step_size", "reg"))`` is a two-slider panel.
    show_held_out, show_hinges : the view's starting switches.
    budget : whether training keeps to each frame's time budget (``driver.FRAME_TRAIN_MS``,
        ``driver.FIRST_PICTURE_MS`` and ``driver.CATCH_UP_TRAIN_MS``), so that the playground answers at
        once at any setting. False trains every frame's full amount and every retrain to its end before
        answering.

    Attributes
    ----------
    session : the ``Session`` (data, parameters, history). driver : the ``Driver``. controls : dict of
    ``SettingControl`` by setting name, for cells. status : the status line as text. playing,
    catching_up : where the run stands. updates : how many updates were sent.

    Training while paused: a change (or building the playground) retrains from the seed for
    *iterations* iterations; the first picture comes after ``FIRST_PICTURE_MS`` of training, and the
    front end asks for the rest frame by frame ("Catching up" in the status line). ``wait()``
    finishes it at once. The finished run is the same however it was split into frames.
    """

    _esm = STATIC / "playground.js"

    table = traitlets.List().tag(sync=True)  # the settings table, Setting.as_dict() each
    style_table = traitlets.Dict().tag(sync=True)  # helpers.style.as_dict() (a widget's "style" is a style widget)
    settings = traitlets.Dict().tag(sync=True)  # the current settings, keyed like DEFAULTS
    shown = traitlets.List(traitlets.Unicode()).tag(sync=True)  # the groups of controls shown
    show_held_out = traitlets.Bool(True).tag(sync=True)  # set by the front end
    show_hinges = traitlets.Bool(False).tag(sync=True)  # set by the front end
    points = traitlets.Dict().tag(sync=True)  # {"X": [x0, x1, ...], "y": [...], "held_out": [...]}
    grid = traitlets.Bytes().tag(sync=True)  # G * G class indices, row 0 at the top
    frame = traitlets.Dict().tag(sync=True)  # see payload.Payload.frame

    def __init__(self, *, seed=0, show=None, show_held_out=True, show_hinges=False, budget=True, **settings):
        session = Session(settings, seed=seed)
        show = GROUPS if show is None else tuple(show)
        unknown = set(show) - set(GROUPS)
        if unknown:
            raise ValueError(f"show must list groups from {GROUPS}; got unknown {sorted(unknown)}")
        super().__init__(table=[s.as_dict() for s in SETTINGS], style_table=style_as_dict(), shown=list(show),
                         show_held_out=bool(show_held_out), show_hinges=bool(show_hinges))
        self.session = session
        self.updates = 0
        self._payload = Payload()
        self.driver = Driver(session, self._publish, budget=budget)
        self.controls = {s.name: SettingControl(self, s.name) for s in SETTINGS if s.control}
        self.on_msg(self._on_msg)
        with self.driver.lock:
            self.driver.retrain()
            self._publish()

    def __repr__(self):
        """The text form, shown where the widget cannot be drawn (no live kernel, a plain-text viewer, nbval)."""
        return "Playground: live training, sliders and a figure (run the notebook in JupyterLab to use them)"

    # ----------------------------------------------------------------- the front end

    def _on_msg(self, _widget, content, _buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "history":
            self.send_history()
        elif kind in MESSAGES:
            self.driver.handle(content)

    def send_history(self):
        """Send one update whose ``curve`` is the whole recorded loss history (``curve_reset`` true), nothing
        trained. The curves go as increments, so a view opened later (a second view, a notebook reopened
        on a live kernel) holds only the last one: it asks for the rest with ``{"type": "history"}``."""
        with self.driver.lock:
            self._payload.resend_curve()
            self._publish()

    def _publish(self):
        """Send the front end the state now: one update of frame, grid, settings (and points if new)."""
        frame, grid, points = self._payload.update(self.session, playing=self.driver.playing)
        with self.hold_sync():
            if points is not None:
                self.points = points
            self.settings = dict(self.session.settings)
            self.grid = grid
            self.frame = frame
        self.updates += 1

    # ----------------------------------------------------------------- for cells and scripts

    @property
    def widget(self):
        """What to display: the playground itself (kept for cells that display ``pg.widget``)."""
        return self

    @property
    def status(self):
        """The status line as text (the one the front end shows, composed here by ``state.status_text``)."""
        return status_text(self.session)

    @property
    def playing(self):
        return self.driver.playing

    @property
    def catching_up(self):
        return self.driver.catching_up

    def play(self):
        self.driver.handle({"type": "play"})

    def pause(self):
        self.driver.handle({"type": "pause"})

    def step(self):
        """One frame's worth of training, all of it (nothing while playing)."""
        self.driver.handle({"type": "step"})

    def reset(self):
        """Back to the seeded starting weights, iteration 0."""
        self.driver.handle({"type": "reset"})

    def frame_now(self):
        """One frame, as the front end asks for it while playing or catching up."""
        self.driver.handle({"type": "frame"})

    def set(self, name, value):
        """Change setting ``name`` to ``value``, as its control does."""
        self.driver.handle({"type": "set", "name": name, "value": value})

    def click(self, x, y, k=0, held_out=False):
        """Add a point of class ``k`` at the plane's (x, y), as a click on the plot does (shift: held out)."""
        self.driver.handle({"type": "click", "x": x, "y": y, "k": k, "held_out": held_out})

    def wait(self):
        """Finish a retrain that is still catching up, at once, and send the result.

        The front end shows a retrain as it goes; a cell that changes a setting and then reads
        ``status`` calls this first.
        """
        self.driver.wait()

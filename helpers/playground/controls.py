"""The playground's controls and what each one does: the ``Playground`` that notebook 6 shows.

Callbacks from the front end run one at a time, but may run beside a cell (see
``Playground``), so every method that trains holds one lock. Training while playing
is driven by a hidden ``ipywidgets.Play`` widget used as a clock: a tick is a frame,
in which the kernel trains ``speed`` iterations (or what fits in the frame's time)
and redraws. The front end keeps at most one message per widget in flight and
merges the ones that wait, so a slow kernel drops frames instead of queueing them,
and a slider change waits behind at most the frame being made. The kernel also
paces the frames: a tick that comes less than ``frame_interval_ms`` after the last
frame started is skipped. There are two clocks: with both running (``PLAYING_CLOCKS
= 2``) the next tick is already waiting when a frame ends, which gave a few more
frames a second but a change one frame later; one runs.

What each control does (tested in tests/test_playground.py):

==========================  ============================================  ===========================================
control                     when paused                                   while playing
==========================  ============================================  ===========================================
Play                        trains ``speed`` iterations a frame, from     (becomes Pause)
                            where training stands
Pause                       --                                            stops after the current frame
Step                        trains one frame's ``speed`` iterations       (disabled)
                            (all of them, however long that takes)
Reset                       back to the seeded starting weights,          the same, and training goes on from there
                            iteration 0
step size, reg              retrain from the seed for ``iterations``      a frame with the new value at once, and
                            iterations and redraw (deterministic)         every frame after it; no reset
speed                       stored for the next frame                     the same as step size
iterations                  retrain from the seed for that many           pauses, then the same as when paused
model, hidden size          retrain from the seed, as above               reset to the seeded weights, keep playing
data: classes, points per   new data, then retrain from the seed          new data, reset, keep playing
class, noise, held-out
share, New sample
a click on the plot         adds a point, then retrain from the seed      adds a point, reset, keep playing
Clear my points / Empty     new data, then retrain from the seed          new data, reset, keep playing
show held-out, hinge lines  redraw                                        shown from the next frame
==========================  ============================================  ===========================================

A retrain while paused is drawn as it goes (see ``Playground``). A run that diverges
stops playing and says why; Reset (or any change that resets) starts again.
"""
import functools
import html
import math
import numbers
import threading
import time

import ipywidgets as widgets

from .render import PlaygroundFigure
from .settings import GROUPS, SETTINGS
from .state import Session, status_text
from ..checks import check_scalar
from ..plotting import class_colour, text_colour_on

CLOCK_INTERVAL_MS = 50  # each clock's tick
FRAME_INTERVAL_MS = 30  # the shortest time between two frames: at most about 33 a second
# How long one frame may train before it is drawn. While playing, a frame that cannot train all of
# iterations/frame in its time trains fewer (the status line says how many), so that frames keep
# coming at 10 or more a second at any setting: its time is FRAME_TRAIN_MS, less whatever the last
# frame's drawing and its trip to the browser and back took beyond FRAME_PERIOD_MS, and at least
# MIN_FRAME_TRAIN_MS. A retrain after a change while paused shows its first picture after
# FRAME_TRAIN_MS of training and then catches up, frame by frame, CATCH_UP_TRAIN_MS at a time.
FRAME_TRAIN_MS = 40
FRAME_PERIOD_MS = 80
MIN_FRAME_TRAIN_MS = 15
CATCH_UP_TRAIN_MS = 50
# One clock while playing: a slider change then waits behind at most the frame being made (two clocks
# would keep a second tick queued ahead of it: a few more frames a second, one frame more of delay).
PLAYING_CLOCKS = 1


def _choices_with(choices, value):
    """The sorted slider choices, with ``value`` added if it is not one of them."""
    return tuple(sorted(set(choices) | {value}))


def make_control(setting, value):
    """The widget for one ``Setting`` (see ``helpers.playground.settings``), set to ``value``.

    "option": ToggleButtons. "log": FloatLogSlider. "number": a SelectionSlider over its
    positions, else an IntSlider or FloatSlider. Sliders update on release.
    """
    style = {"description_width": "110px"}
    common = {"value": value, "description": setting.label, "tooltip": setting.help}
    if setting.kind == "option":
        return widgets.ToggleButtons(options=[(setting.labels[v], v) for v in setting.positions],
                                     style={**style, "button_width": "130px"}, **common)
    common.update(style=style, continuous_update=False, layout=widgets.Layout(width="360px"),
                  readout_format=setting.readout or (".3" if setting.kind == "log" else None))
    if common["readout_format"] is None:
        del common["readout_format"]
    if setting.kind == "log":
        return widgets.FloatLogSlider(base=10, min=setting.low, max=setting.high, step=setting.step, **common)
    if setting.positions:
        return widgets.SelectionSlider(options=_choices_with(setting.positions, value), **common)
    slider = widgets.IntSlider if setting.integer else widgets.FloatSlider
    return slider(min=setting.low, max=setting.high, step=setting.step, **common)


def make_controls(s):
    """The setting controls, in a dict keyed by setting name, set to the (checked) settings ``s``."""
    controls = {setting.name: make_control(setting, s[setting.name]) for setting in SETTINGS if setting.control}
    controls["hidden_size"].disabled = s["model"] == "linear"
    for name, control in controls.items():
        control.add_class(f"playground-{name.replace('_', '-')}")
    return controls


def _one_at_a_time(method):
    """Run ``method`` holding the playground's lock (see ``Playground``).

    While a caller waits for the lock, clock ticks give way to it (``_on_tick``), so that a
    cell or a slider is never starved by a stream of frames.
    """
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._count_lock:
            self._waiting += 1
        try:
            with self._lock:
                return method(self, *args, **kwargs)
        finally:
            with self._count_lock:
                self._waiting -= 1
    return locked


def _button(description, name, icon="", tooltip=""):
    button = widgets.Button(description=description, icon=icon, tooltip=tooltip,
                            layout=widgets.Layout(width="auto"))
    button.add_class(f"playground-{name}")
    return button


def make_buttons():
    """Play (a ToggleButton), Step, Reset, New sample, Clear my points and Empty plane, keyed by name."""
    buttons = {
        "play": widgets.ToggleButton(value=False, description="Play", icon="play", tooltip="train, frame by frame",
                                     layout=widgets.Layout(width="90px")),
        "step": _button("Step", "step", "step-forward", "one frame of training"),
        "reset": _button("Reset", "reset", "undo", "back to the starting weights, iteration 0"),
        "new_sample": _button("New sample", "new-sample", "random", "draw the spiral again, from the next seed"),
        "clear_points": _button("Clear my points", "clear-points", "eraser", "remove the points you added"),
        "empty_plane": _button("Empty plane", "empty-plane", "square-o", "remove the spiral, keep your points"),
    }
    buttons["play"].add_class("playground-play")
    return buttons


def make_view_switches(show_held_out, show_hinges):
    """The two checkboxes of the view, keyed 'show_held_out' and 'show_hinges'."""
    view = {
        "show_held_out": widgets.Checkbox(value=bool(show_held_out), description="show held-out points",
                                          indent=False),
        "show_hinges": widgets.Checkbox(value=bool(show_hinges), indent=False,
                                        description="show where each hidden unit switches on"),
    }
    for name, box in view.items():
        box.add_class(f"playground-{name.replace('_', '-')}")
    return view


def make_clocks():
    """The two hidden ``Play`` widgets whose ticks are frames, each counting the views the front end shows."""
    clocks = tuple(widgets.Play(value=0, min=0, max=2**31 - 1, step=1, interval=CLOCK_INTERVAL_MS,
                                show_repeat=False, layout=widgets.Layout(display="none")) for _ in range(2))
    for clock in clocks:
        clock._view_count = 0  # 0, not None: the front end then counts the views it shows
    return clocks


class PlaygroundBox(widgets.VBox):
    """The playground's container, a ``VBox``.

    Its text form is what a notebook shows where the widget cannot be drawn (no live
    kernel, a plain-text viewer, nbval's comparison): one line saying what is there.
    """

    def __repr__(self):
        return "Playground: live training, sliders and a figure (run the notebook in JupyterLab to use them)"


class Playground:
    """Train either model on a spiral, live, and watch its decision regions and losses.

    Parameters
    ----------
    **settings : starting settings, see ``helpers.playground.state.check_settings``
        (model, step_size, reg, hidden_size, num_iters, speed, classes, points_per_class,
        noise, held_out_share, data_seed). Defaults: the course's spiral with 20% of each
        class held out, the course's network and its starting weights.
    seed : int >= 0, the starting weights' seed. Seed 0 gives the course's weights.
    show : which groups of controls to show, from ``GROUPS``; default all. Hidden
        controls keep their values; a click on the plot adds points only if "draw" is shown.
        ``Playground(model="linear", show=("step_size", "reg"))`` is a two-slider panel.
    show_held_out, show_hinges : the view's starting switches.
    frame_interval_ms : the shortest time between two frames while playing (default 30).
    budget : whether training keeps to each frame's time budget (``FRAME_TRAIN_MS`` and
        ``CATCH_UP_TRAIN_MS``), so that the playground answers at once at any setting. False
        trains every frame's full amount and every retrain to its end before drawing, however
        long that takes: for scripts that want exact, repeatable frames.

    Attributes
    ----------
    widget : the ``PlaygroundBox`` to display. session : the ``Session`` (data, parameters,
    history). controls : dict of setting controls. buttons : dict of buttons ('play' is a
    ToggleButton). clocks : the two ``ipywidgets.Play`` whose ticks are frames. image, status_widget :
    the figure and the text under it. status : that text. figure : the ``PlaygroundFigure``.
    redraw_count : how many frames were drawn. catching_up : whether a retrain is still being drawn.

    Training while paused: a change (or building the playground) retrains from the seed for
    *iterations* iterations. The first picture comes after ``FRAME_TRAIN_MS`` of training; if the
    retrain is not done by then, the clocks that drive Play drive it on, frame by frame, and the
    status line says how far it has got. A newer change starts it again. ``wait()`` finishes it at
    once. The finished run is the same however it was split into frames.

    Callbacks from the front end run one at a time, and under JupyterLab's comms over kernel
    subshells they may run beside a cell (``pg.controls['reg'].value = 0.1`` in a cell, say). Every
    method that changes the session holds one lock, so the two never train at once; a clock tick
    that finds the lock taken is skipped.
    """

    def __init__(self, *, seed=0, show=None, show_held_out=True, show_hinges=False,
                 frame_interval_ms=FRAME_INTERVAL_MS, budget=True, **settings):
        self._lock = threading.RLock()
        self._waiting = 0  # callers waiting for the lock, or holding it
        self._count_lock = threading.Lock()  # guards _waiting
        self.budget = bool(budget)
        self.session = Session(settings, seed=seed)
        show = GROUPS if show is None else tuple(show)
        unknown = set(show) - set(GROUPS)
        if unknown:
            raise ValueError(f"show must list groups from {GROUPS}; got unknown {sorted(unknown)}")
        self.shown = show
        s = self.session.settings

        self.controls = make_controls(s)
        self.buttons, self.view = make_buttons(), make_view_switches(show_held_out, show_hinges)
        self.click_class = widgets.ToggleButtons(description="click adds", style={"button_width": "70px"})
        self.click_class.add_class("playground-click-class")
        self.click_swatches = widgets.HTML()
        self._set_click_classes(s["classes"])
        self.clocks = make_clocks()
        self.clocks[0].observe(self._on_clocks_shown, names="_view_count")
        self.frame_interval = check_scalar(frame_interval_ms, "frame_interval_ms", numbers.Real, min_val=0) / 1000
        self.clock_time = time.perf_counter  # what pacing reads; a test can put a fake clock here
        self._last_frame = -math.inf
        self._frame_start = None  # when the last frame while playing started, on the session's clock
        self._frame_trained_ms = 0.0  # how long it trained

        self.figure = PlaygroundFigure()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{self.figure.fig.bbox.width:.0f}px"))
        self.image.add_class("playground-figure")
        self.status_widget = widgets.HTML()
        self.status_widget.add_class("playground-status")
        self.status = ""
        self.redraw_count = 0
        self.events = self._click_events() if "draw" in show else None

        self.widget = PlaygroundBox(self._layout(), layout=widgets.Layout(width="auto"))
        self.widget.add_class("playground")
        self._connect()
        self._retrain()

    def _connect(self):
        """Every control, button, switch and clock to what it does."""
        for control in self.controls.values():
            control.observe(self._on_setting, names="value")
        self.buttons["play"].observe(self._on_play, names="value")
        self.buttons["step"].on_click(lambda _: self.step())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.buttons["new_sample"].on_click(
            lambda _: self._change_data(data_seed=self.session.settings["data_seed"] + 1))
        self.buttons["clear_points"].on_click(lambda _: self._set_points([], spiral=True))
        self.buttons["empty_plane"].on_click(lambda _: self._set_points(self.session.points, spiral=False))
        for box in self.view.values():
            box.observe(lambda _: self.draw(), names="value")
        for clock in self.clocks:
            clock.observe(self._on_tick, names="value")

    # ----------------------------------------------------------------- layout

    def _layout(self):
        c, b, shown = self.controls, self.buttons, self.shown
        rows = []
        if "transport" in shown:
            rows.append(widgets.HBox([b["play"], b["step"], b["reset"], c["speed"], *self.clocks]))
        if "model" in shown:
            rows.append(widgets.HBox([c["model"]]))
        left = [c[n] for n in ("step_size", "reg", "hidden_size", "num_iters") if n in shown]
        right = ([c["classes"], c["points_per_class"], c["noise"], c["held_out_share"], b["new_sample"]]
                 if "data" in shown else [])
        if left or right:
            rows.append(widgets.HBox([widgets.VBox(left), widgets.VBox(right)]))
        if "draw" in shown:
            rows.append(widgets.HBox([self.click_class, self.click_swatches, b["clear_points"], b["empty_plane"]]))
        if "view" in shown:
            rows.append(widgets.HBox([self.view["show_held_out"], self.view["show_hinges"]]))
        return rows + [self.image, self.status_widget]

    def _click_events(self):
        from ipyevents import Event  # only the "draw" group needs it

        events = Event(source=self.image, watched_events=["click"], prevent_default_action=True)
        events.on_dom_event(self.on_click)
        return events

    def _set_click_classes(self, K):
        """One button per class, each with a swatch of the class's colour."""
        value = self.click_class.value if self.click_class.value is not None and self.click_class.value < K else 0
        self.click_class.options = [(f"class {k}", k) for k in range(K)]
        self.click_class.value = value
        swatches = "".join(
            f'<span style="background: {class_colour(k)}; color: {text_colour_on(class_colour(k))}; '
            f'border: 1px solid black; padding: 0 6px; margin-right: 4px">{k}</span>' for k in range(K))
        self.click_swatches.value = f'<span style="font-size: 0.9em">{swatches}</span>'

    # ----------------------------------------------------------------- state

    @property
    def settings(self):
        return dict(self.session.settings)

    @property
    def playing(self):
        return self.buttons["play"].value

    def play(self):
        self.buttons["play"].value = True

    def pause(self):
        self.buttons["play"].value = False

    @property
    def catching_up(self):
        return self.session.catching_up

    # ----------------------------------------------------------------- actions

    def _deadline(self, milliseconds):
        return self.session.clock() + milliseconds / 1000 if self.budget else math.inf

    def _run_clocks(self, running):
        """Start or stop the clocks: ``PLAYING_CLOCKS`` of them while playing, one while catching up.

        A Play widget ticks only if its ``playing`` turns true while its view is on the page, so
        none is started before the front end has shown one (see ``_on_clocks_shown``).
        """
        wanted = (PLAYING_CLOCKS if self.playing else 1) if running and self.clocks[0]._view_count else 0
        for i, clock in enumerate(self.clocks):
            clock.playing = i < wanted

    @_one_at_a_time
    def _on_clocks_shown(self, change):
        """The front end put the clocks on a page (a first view, or the notebook opened again): restart them."""
        if change["new"]:
            for clock in self.clocks:
                clock.playing = False  # so that starting them below is a change the new views see
            self._run_clocks(self.playing or self.catching_up)

    @_one_at_a_time
    def _on_play(self, change):
        playing = change["new"]
        if playing and not self.session.can_train:
            self.buttons["play"].value = False  # nothing to train on, or diverged: stay paused
            self.draw()
            return
        self.buttons["play"].description = "Pause" if playing else "Play"
        self.buttons["play"].icon = "pause" if playing else "play"
        self.buttons["step"].disabled = playing
        self._frame_start = None
        self._run_clocks(playing or self.catching_up)

    def _on_tick(self, change):
        if self._waiting or not self._lock.acquire(blocking=False):
            return  # a cell or a control is changing the playground: this tick is skipped
        try:
            now = self.clock_time()
            if now - self._last_frame < self.frame_interval:
                return
            self._last_frame = now
            if self.playing:
                self.frame()
            elif self.catching_up:
                self._catch_up()
            else:
                self._run_clocks(False)
        finally:
            self._lock.release()

    @_one_at_a_time
    def frame(self):
        """One frame of playing: train ``speed`` iterations (fewer if they do not fit in the frame), redraw."""
        start = self.session.clock()
        budget = self._frame_budget_ms(start)
        self.session.step(self.session.settings["speed"], self._deadline(budget))
        self._frame_trained_ms = 1000 * (self.session.clock() - start)
        if not self.session.can_train:
            self.pause()
        self.draw(moving=self.playing)

    def _frame_budget_ms(self, now):
        """This frame's training time: ``FRAME_TRAIN_MS``, less what the last frame's drawing and the trip
        to the browser and back took beyond ``FRAME_PERIOD_MS`` (but at least ``MIN_FRAME_TRAIN_MS``)."""
        last, self._frame_start = self._frame_start, now
        if last is None or now - last > 1.0:  # the first frame of a run, or one after a pause
            return FRAME_TRAIN_MS
        overhead_ms = 1000 * (now - last) - self._frame_trained_ms
        return min(FRAME_TRAIN_MS, max(MIN_FRAME_TRAIN_MS, FRAME_PERIOD_MS - overhead_ms))

    @_one_at_a_time
    def step(self):
        """The Step button: one frame's worth of training (all of it), from where training stands."""
        if not self.playing:
            self.session.step(self.session.settings["speed"])
            self.draw()

    @_one_at_a_time
    def reset(self):
        """The Reset button: back to the seeded starting weights, iteration 0."""
        self.session.reset()
        self.draw()

    @_one_at_a_time
    def wait(self):
        """Finish a retrain that is still catching up, at once, and draw the result.

        The front end shows a retrain as it goes; a notebook cell that changes a control and
        then reads ``status`` calls this first.
        """
        if self.catching_up:
            self.session.advance()
            self.draw()
        if not self.playing:
            self._run_clocks(False)

    def _retrain(self):
        """Start a retrain from the seed: train for the first picture, then let the clocks draw the rest."""
        self.session.start_retrain()
        self._catch_up(FRAME_TRAIN_MS)

    def _catch_up(self, milliseconds=CATCH_UP_TRAIN_MS):
        done = self.session.advance(self._deadline(milliseconds))
        self.draw(moving=not done)
        self._run_clocks(self.playing or not done)

    @_one_at_a_time
    def _on_setting(self, change):
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        if name == "model":
            self.controls["hidden_size"].disabled = change["new"] == "linear"
        if name == "num_iters" and self.playing:
            self.pause()
        kind = self.session.apply(**{name: change["new"]})
        if name == "classes":
            self._set_click_classes(change["new"])
        self._after_change(kind, name)

    def _after_change(self, kind, name=None):
        if self.playing:
            if kind == "live":
                # the next frame at once, rather than after the ticks already waiting in the queue
                self._last_frame = self.clock_time()
                self.frame()
            elif kind == "reset":
                self.draw()  # the live frames go on from iteration 0
            return
        if name == "speed":
            return
        self._retrain()

    @_one_at_a_time
    def _change_data(self, **changes):
        self._after_change(self.session.apply(**changes))

    @_one_at_a_time
    def _set_points(self, points, spiral):
        self.session.set_points(points, spiral)
        self._after_change("reset")

    @_one_at_a_time
    def on_click(self, event):
        """A click on the figure (an ipyevents message): add a point of the chosen class there.

        event : dict with 'dataX', 'dataY' (pixels of the PNG, origin top left) and 'shiftKey'
        (shift-click adds a held-out point). Clicks outside the decision-region plot are ignored.
        """
        if event.get("type", "click") != "click" or "dataX" not in event:
            return
        where = self.figure.pixel_to_data(event["dataX"], event["dataY"])
        if where is None:
            return
        self.session.add_point(*where, self.click_class.value, held_out=bool(event.get("shiftKey")))
        self._after_change("reset")

    # ----------------------------------------------------------------- drawing

    @_one_at_a_time
    def draw(self, moving=False):
        """Redraw the figure and the status line from the session.

        moving : a frame of a running animation, sent as JPEG (fast to encode); otherwise PNG (sharp).
        """
        self.figure.update(self.session, show_held_out=self.view["show_held_out"].value,
                           show_hinges=self.view["show_hinges"].value)
        frame = self.figure.jpeg() if moving else self.figure.png()
        # the status first: the browser then shows each figure with its own status line already in place
        self.status = status_text(self.session)
        color = "darkred" if self.session.diverged is not None else "black"
        self.status_widget.value = f'<span style="color: {color}; font-size: 1.05em">{html.escape(self.status)}</span>'
        with self.image.hold_sync():
            self.image.format = "jpeg" if moving else "png"
            self.image.value = frame
        self.redraw_count += 1

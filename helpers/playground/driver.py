"""The playground's frame driver: what each message from the front end does to the ``Session``.

The front end (``static/playground.js``) asks for one frame at a time: it sends
``{"type": "frame"}`` while playing or catching up, only after it has drawn the last
answer, so a slow kernel drops frames instead of queueing them. Every message is
answered by exactly one update (``publish``), under one lock: messages and cells that
change the playground (``pg.controls['reg'].value = 0.1``) may run side by side under
JupyterLab's comms over kernel subshells, and never train at once.

What each message does (tested in tests/test_playground.py):

==========================  ============================================  ===========================================
message                     when paused                                   while playing
==========================  ============================================  ===========================================
play                        trains ``speed`` iterations a frame, from     --
                            where training stands
pause                       --                                            stops after the current frame
frame                       a frame of a retrain still catching up        trains ``speed`` iterations (or what fits in
                            (else nothing)                                the frame's time)
step                        trains one frame's ``speed`` iterations       nothing
                            (all of them, however long that takes)
reset                       back to the seeded starting weights,          the same, and training goes on from there
                            iteration 0
set step_size, reg          retrain from the seed for ``num_iters``       a frame with the new value at once, and
                            iterations (deterministic)                    every frame after it; no reset
set speed                   stored for the next frame                     the same as step size
set num_iters               retrain from the seed for that many           pauses, then the same as when paused
set model, hidden_size      retrain from the seed, as above               reset to the seeded weights, keep playing
set classes, points_per_    new data, then retrain from the seed          new data, reset, keep playing
class, noise, held_out_
share; new_sample
click (x, y, k, held_out)   adds a point, then retrain from the seed      adds a point, reset, keep playing
clear_points, empty_plane   new data, then retrain from the seed          new data, reset, keep playing
==========================  ============================================  ===========================================

A retrain while paused answers with its first picture after ``FIRST_PICTURE_MS`` of training;
if it is not done, the front end asks for frames until it is, each ``CATCH_UP_TRAIN_MS`` of
training (``catching_up``). A newer change starts it again. The finished run is the same
however it was split. A run that diverges stops playing and says why; Reset (or any change
that resets) starts again. The front end owns the view switches (held-out points, hinge
lines): they need no message.
"""
import math
import threading

# How long one frame may train before it is drawn. While playing, a frame that cannot train all of
# iterations/frame in its time trains fewer (the status line says how many), so that frames keep
# coming at any setting: its time is FRAME_TRAIN_MS, less whatever the rest of the last frame (the
# class grid, the trip to the browser, its drawing and the request back) took beyond FRAME_PERIOD_MS,
# and at least MIN_FRAME_TRAIN_MS. A retrain after a change while paused answers after
# FIRST_PICTURE_MS of training, so that the change shows at once, and then catches up, frame by
# frame, CATCH_UP_TRAIN_MS at a time (a newer change waits behind at most one of those).
FRAME_TRAIN_MS = 30
FRAME_PERIOD_MS = 55
MIN_FRAME_TRAIN_MS = 20
FIRST_PICTURE_MS = 15
CATCH_UP_TRAIN_MS = 25
MESSAGES = ("frame", "set", "play", "pause", "step", "reset", "new_sample", "clear_points", "empty_plane", "click")


class Driver:
    """Runs a ``Session`` as the front end's messages say, and publishes the state after each one.

    session : the ``state.Session``. publish : called with no argument, holding the lock, after
    every message (the widget sends the front end its update there). budget : whether training
    keeps to each frame's time budget; False trains every frame's full amount and every retrain
    to its end before answering, however long that takes (exact, repeatable frames for scripts).

    Attributes: ``playing``, ``session``, ``budget``.
    """

    def __init__(self, session, publish, *, budget=True):
        self.session = session
        self.publish = publish
        self.budget = bool(budget)
        self.playing = False
        self.lock = threading.RLock()
        self._frame_start = None  # when the last frame while playing started, on the session's clock
        self._frame_trained_ms = 0.0  # how long it trained

    @property
    def catching_up(self):
        """Whether a retrain after a change is still training towards its target."""
        return self.session.catching_up

    # ----------------------------------------------------------------- messages

    def handle(self, msg):
        """Do what ``msg`` (a dict with a "type" from ``MESSAGES``, see the module docstring) says; publish.

        Every message is answered by exactly one ``publish``, also when it is refused (the
        error is raised after it), so that the front end never waits for an answer that does not come.
        """
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind not in MESSAGES:
            raise ValueError(f"msg must be a dict whose 'type' is one of {MESSAGES}; got {msg!r}")
        with self.lock:
            try:
                if kind == "set":
                    self.set(msg["name"], msg["value"])
                elif kind == "click":
                    self.click(msg["x"], msg["y"], msg["k"], msg.get("held_out", False))
                else:
                    getattr(self, kind)()
            finally:
                self.publish()

    # ----------------------------------------------------------------- what each one does

    def _deadline(self, milliseconds):
        return self.session.clock() + milliseconds / 1000 if self.budget else math.inf

    def frame(self):
        """One frame: while playing, train ``speed`` iterations (fewer if they do not fit in the frame's
        time); while catching up, train the retrain on for ``CATCH_UP_TRAIN_MS``; else nothing."""
        if self.playing:
            start = self.session.clock()
            budget = self._frame_budget_ms(start)
            self.session.step(self.session.settings["speed"], self._deadline(budget))
            self._frame_trained_ms = 1000 * (self.session.clock() - start)
            if not self.session.can_train:
                self.playing = False
        elif self.catching_up:
            self.session.advance(self._deadline(CATCH_UP_TRAIN_MS))

    def _frame_budget_ms(self, now):
        """This frame's training time: ``FRAME_TRAIN_MS``, less what the rest of the last frame took beyond
        ``FRAME_PERIOD_MS`` (but at least ``MIN_FRAME_TRAIN_MS``)."""
        last, self._frame_start = self._frame_start, now
        if last is None or now - last > 1.0:  # the first frame of a run, or one after a pause
            return FRAME_TRAIN_MS
        overhead_ms = 1000 * (now - last) - self._frame_trained_ms
        return min(FRAME_TRAIN_MS, max(MIN_FRAME_TRAIN_MS, FRAME_PERIOD_MS - overhead_ms))

    def play(self):
        """Play, unless there is nothing to train on or training diverged."""
        self.playing = self.session.can_train
        self._frame_start = None

    def pause(self):
        self.playing = False

    def step(self):
        """One frame's worth of training (all of it), from where training stands; nothing while playing."""
        if not self.playing:
            self.session.step(self.session.settings["speed"])

    def reset(self):
        """Back to the seeded starting weights, iteration 0."""
        self.session.reset()

    def set(self, name, value):
        """Change one setting (a ``SETTINGS`` name); see the module docstring for what follows."""
        if name == "num_iters" and self.playing:
            self.playing = False
        self._after_change(self.session.apply(**{name: value}), name)

    def new_sample(self):
        """New data from the next data seed."""
        self._after_change(self.session.apply(data_seed=self.session.settings["data_seed"] + 1))

    def clear_points(self):
        """Remove the points added by hand; the spiral is back."""
        self.session.set_points([], spiral=True)
        self._after_change("reset")

    def empty_plane(self):
        """Remove the spiral, keep the points added by hand."""
        self.session.set_points(self.session.points, spiral=False)
        self._after_change("reset")

    def click(self, x, y, k, held_out=False):
        """Add a point of class ``k`` at the plane's (x, y) (held out if ``held_out``)."""
        self.session.add_point(x, y, k, held_out=bool(held_out))
        self._after_change("reset")

    def wait(self):
        """Finish a retrain that is still catching up, at once (for a cell that reads the result next)."""
        with self.lock:
            if self.catching_up:
                self.session.advance()
                self.publish()

    def retrain(self):
        """Start a retrain from the seed and train it for the first picture (the rest: ``frame``)."""
        self.session.start_retrain()
        self.session.advance(self._deadline(FIRST_PICTURE_MS))

    def _after_change(self, kind, name=None):
        if self.playing:
            if kind == "live":
                self.frame()  # a frame with the new value at once
            return  # "reset": the frames go on from iteration 0
        if name != "speed":
            self.retrain()


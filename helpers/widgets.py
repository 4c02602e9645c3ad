"""A playground of sliders: retrain either model on the spiral and watch the decision boundary move.

``Playground(X, y)`` builds the controls, trains once at the default settings
and draws; ``display(pg.widget)`` (or ``pg.widget`` as the last line of a cell)
shows it. Each change of a control retrains from the same initial parameters
and redraws, synchronously, in the observer of the control's ``value``; so a
test (or a notebook cell) can set ``pg.controls['step_size'].value = 10`` the
way the front end does and read ``pg.result`` and ``pg.status`` right after.

Design, for a live feel on a small machine:

* the sliders update on release (``continuous_update=False``), so one drag
  means one retraining, not dozens;
* the network trains for 500 iterations by default (the course's 10000 are one
  click away on the iterations slider): enough to bend the boundary round the
  arms, a fraction of the time;
* one matplotlib ``Figure`` (object API, Agg canvas, never pyplot, so nothing
  leaks into the notebook's outputs) is made once; a redraw updates its
  artists in place (the class image, the loss line, the titles) and renders it
  to PNG bytes, which go into an ``ipywidgets.Image`` that is updated in place;
* the decision regions are an image of the predicted class on a mesh of
  spacing 0.03 (coarser than the 0.02 of the static plots), predicted in chunks
  that stay in the CPU cache.
"""
import html
import io
import math

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .checks import check_data, check_labels, check_positive_int, check_real
from .models import init_linear, init_two_layer, loss_and_grads, predict
from .plotting import CMAP, class_legend, decision_mesh
from .train import train

MODELS = ("linear", "2-layer")
MODEL_LABELS = {"linear": "linear classifier", "2-layer": "2-layer net"}

# Slider ranges, as powers of ten. The step size runs from "barely moves" (1e-4)
# to "blows up within a few iterations" (100, for both models); reg from
# "practically none" to "so strong that the weights stay near zero" (1).
STEP_SIZE_EXPONENTS = (-4.0, 2.0)
REG_EXPONENTS = (-5.0, 0.0)
LOG_STEP = 0.5  # one arrow-key press: a factor of sqrt(10) ~ 3.16
HIDDEN_SIZES = (2, 3, 5, 10, 20, 50, 100, 200)
NUM_ITERS_CHOICES = (50, 100, 200, 500, 1000, 2000, 5000, 10000)

DEFAULTS = {"model": "2-layer", "step_size": 1.0, "reg": 1e-3, "hidden_size": 100, "num_iters": 500}

MESH_STEP = 0.03
PREDICT_CHUNK = 2048  # rows of mesh points per predict() call: 2048 x H floats stay in cache
LOSS_POINTS = 100  # about this many points on the loss curve
FIGSIZE, DPI = (9.6, 4.2), 80  # 768 x 336 pixels


# --------------------------------------------------------------------------- checks

def _check_model(model):
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}; got {model!r}")
    return model


def _check_in_log_range(value, name, exponents):
    value = check_real(value, name, positive=True)
    low, high = (10.0 ** e for e in exponents)
    # a small tolerance: 10 ** -4 computed here and in the browser may differ in the last bit
    if not low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
        raise ValueError(f"{name} must be between {low:g} and {high:g} (the slider's range); got {value:g}")
    return value


def check_settings(model, step_size, reg, hidden_size, num_iters):
    """Validate one set of playground settings and return them as a dict.

    model : "linear" or "2-layer". step_size : float in [1e-4, 100].
    reg : float in [1e-5, 1]. hidden_size : int >= 1. num_iters : int >= 1.
    """
    return {
        "model": _check_model(model),
        "step_size": _check_in_log_range(step_size, "step_size", STEP_SIZE_EXPONENTS),
        "reg": _check_in_log_range(reg, "reg", REG_EXPONENTS),
        "hidden_size": check_positive_int(hidden_size, "hidden_size"),
        "num_iters": check_positive_int(num_iters, "num_iters"),
    }


# --------------------------------------------------------------------------- controls

def _choices_with(choices, value):
    """The sorted slider choices, with ``value`` added if it is not one of them."""
    return tuple(sorted(set(choices) | {value}))


def make_controls(model, step_size, reg, hidden_size, num_iters):
    """The five controls, in a dict keyed like ``DEFAULTS``, set to the given (checked) values.

    'model' : ToggleButtons, values "linear" / "2-layer".
    'step_size', 'reg' : FloatLogSlider (base 10, a step of half a decade per arrow key).
    'hidden_size', 'num_iters' : SelectionSlider over a few sizes (ints).
    All update on release (``continuous_update=False``).
    """
    s = check_settings(model, step_size, reg, hidden_size, num_iters)
    style = {"description_width": "90px"}
    wide = widgets.Layout(width="380px")
    controls = {
        "model": widgets.ToggleButtons(
            options=[(MODEL_LABELS[m], m) for m in MODELS], value=s["model"], description="model",
            style={**style, "button_width": "130px"},
            tooltips=["softmax on the raw (x1, x2)", "one hidden ReLU layer"]),
        "step_size": widgets.FloatLogSlider(
            value=s["step_size"], base=10, min=STEP_SIZE_EXPONENTS[0], max=STEP_SIZE_EXPONENTS[1], step=LOG_STEP,
            readout_format=".3", continuous_update=False, description="step size", style=style, layout=wide),
        "reg": widgets.FloatLogSlider(
            value=s["reg"], base=10, min=REG_EXPONENTS[0], max=REG_EXPONENTS[1], step=LOG_STEP,
            readout_format=".3", continuous_update=False, description="reg", style=style, layout=wide),
        "hidden_size": widgets.SelectionSlider(
            options=_choices_with(HIDDEN_SIZES, s["hidden_size"]), value=s["hidden_size"],
            continuous_update=False, description="hidden size", style=style, layout=wide,
            disabled=s["model"] == "linear"),
        "num_iters": widgets.SelectionSlider(
            options=_choices_with(NUM_ITERS_CHOICES, s["num_iters"]), value=s["num_iters"],
            continuous_update=False, description="iterations", style=style, layout=wide),
    }
    for name, control in controls.items():
        control.add_class(f"playground-{name.replace('_', '-')}")
    return controls


def initial_params(model, D, K, hidden_size, seed):
    """The starting parameters for ``model``, the same every time for the same arguments.

    Drawn from ``np.random.RandomState(seed)``: ``{"W" (D, K), "b" (1, K)}`` for
    "linear", ``{"W" (D, H), "b" (1, H), "W2" (H, K), "b2" (1, K)}`` for "2-layer".
    """
    rng = np.random.RandomState(seed)
    if _check_model(model) == "linear":
        return init_linear(D, K, rng=rng)
    return init_two_layer(D, hidden_size, K, rng=rng)


def record_every_for(num_iters):
    """Record the loss about ``LOSS_POINTS`` times over ``num_iters`` iterations."""
    return max(1, num_iters // LOSS_POINTS)


# --------------------------------------------------------------------------- text

def _fmt(value):
    return f"{value:.3g}"


def describe_settings(settings):
    """One line naming the model and its training settings."""
    model = MODEL_LABELS[settings["model"]]
    if settings["model"] == "2-layer":
        model += f", hidden size {settings['hidden_size']}"
    return (f"{model}, step size {_fmt(settings['step_size'])}, reg {_fmt(settings['reg'])}, "
            f"{settings['num_iters']} iterations")


def status_text(settings, result, final_loss=None, train_accuracy=None, K=3):
    """The words under the figure: final loss and training accuracy, or why training diverged.

    settings : dict keyed like ``DEFAULTS``. result : the ``TrainingResult``.
    final_loss, train_accuracy : of the trained parameters (unused if training diverged).
    K : number of classes; a loss above ln K is worse than guessing every class equally.

    Losses have three decimals and the accuracy two, so that the text is the same on any
    CPU and BLAS for the playground's short runs.
    """
    where = describe_settings(settings)
    if result.diverged is not None:
        text = str(result.diverged)
        text = text[0].upper() + text[1:] + "."
        return f"{text} Nothing worth plotting was learned; try a smaller step size. [{where}]"
    start = result.loss_history[0][1]
    chance = math.log(K)
    worse = (f", worse than guessing every class equally (ln {K} = {chance:.3f})"
             if final_loss > chance + 5e-4 else "")
    return (f"Final loss {final_loss:.3f} (started at {start:.3f}){worse}; "
            f"training accuracy {train_accuracy:.2f}. [{where}]")


# --------------------------------------------------------------------------- figure

def predict_mesh(params, xx, yy, chunk=PREDICT_CHUNK):
    """Predicted class at every mesh point: an int array shaped like ``xx`` (rows, cols)."""
    points = np.c_[xx.ravel(), yy.ravel()]
    Z = np.concatenate([predict(params, points[i:i + chunk]) for i in range(0, len(points), chunk)])
    return Z.reshape(xx.shape)


class PlaygroundFigure:
    """One persistent figure, decision regions on the left and the loss curve on the right.

    Made once; ``update`` changes its artists in place and ``png`` renders it.
    X : (N, 2) points, y : (N,) labels in [0, K).
    """

    def __init__(self, X, y, K, *, mesh_step=MESH_STEP, figsize=FIGSIZE, dpi=DPI):
        self.X, self.y, self.K = X, y, K
        self.xx, self.yy = decision_mesh(X, mesh_step)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.ax_boundary, self.ax_loss = self.fig.subplots(1, 2, width_ratios=(1, 1.25))
        norm = Normalize(vmin=0, vmax=max(K - 1, 1))

        ax = self.ax_boundary
        half = mesh_step / 2
        extent = (self.xx.min() - half, self.xx.max() + half, self.yy.min() - half, self.yy.max() + half)
        self.regions = ax.imshow(np.zeros(self.xx.shape), origin="lower", extent=extent, cmap=CMAP, norm=norm,
                                 alpha=0.8, interpolation="nearest", aspect="equal")
        scatter = ax.scatter(X[:, 0], X[:, 1], c=y, s=22, cmap=CMAP, norm=norm, edgecolors="k", linewidths=0.4)
        class_legend(ax, scatter, K)
        ax.set(xlabel="$x_1$", ylabel="$x_2$", xlim=extent[:2], ylim=extent[2:])
        self.boundary_message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=11, color="darkred",
            wrap=True, bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "darkred", "alpha": 0.95})

        ax = self.ax_loss
        chance = math.log(K)
        self.chance_line = ax.axhline(chance, color="grey", linestyle=":", label=f"chance level, ln {K} = {chance:.3f}")
        (self.loss_line,) = ax.plot([], [], marker="o", markersize=2.5, color="tab:blue", label="loss (data + L2)")
        (self.blowup_line,) = ax.plot([], [], linestyle="--", marker="X", markersize=9, color="darkred",
                                      label="the loss when training stopped")
        ax.set(title="Training loss", xlabel="iteration", ylabel="loss")
        ax.grid(alpha=0.3)
        self.loss_message = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                                    fontsize=10, color="darkred")

    def update(self, settings, result, mesh_classes=None, final_loss=None):
        """Show one training run.

        settings : dict keyed like ``DEFAULTS``. result : its ``TrainingResult``.
        mesh_classes : (rows, cols) ints, the class at each mesh point; ``None`` if training diverged.
        final_loss : the loss of the trained parameters, drawn at the last iteration.
        """
        name = MODEL_LABELS[settings["model"]]
        if settings["model"] == "2-layer":
            name += f" (H = {settings['hidden_size']})"
        history = list(result.loss_history)
        diverged = result.diverged
        color = "black" if diverged is None else "darkred"

        # left: the decision regions, or the reason there are none
        if diverged is None:
            self.regions.set_data(mesh_classes)
            self.ax_boundary.set_title(f"Decision boundary: {name}", color=color)
        else:
            product = settings["step_size"] * settings["reg"]
            cause = (f"step size {_fmt(settings['step_size'])} is too large" if product <= 2
                     else f"step size x reg = {_fmt(product)} is above 2")
            self.boundary_message.set_text(
                f"Training diverged at iteration {diverged.iteration}\n({cause}).\n\n"
                "There is no decision boundary to show:\ntry a smaller step size.")
            self.ax_boundary.set_title(f"Diverged: {name}", color=color)
        self.regions.set_visible(diverged is None)
        self.boundary_message.set_visible(diverged is not None)

        # right: the loss curve, ending at the trained parameters' loss or at the blow-up
        if diverged is None:
            history.append((result.iterations, final_loss))
            self.blowup_line.set_data([], [])
        elif math.isfinite(diverged.loss) and history:
            self.blowup_line.set_data([history[-1][0], diverged.iteration], [history[-1][1], diverged.loss])
            self.loss_message.set_text(f"diverged at iteration {diverged.iteration}:\n"
                                       f"the loss jumped to {diverged.loss:.4g}")
        else:
            self.blowup_line.set_data([], [])
            self.loss_message.set_text(f"diverged at iteration {diverged.iteration}:\n"
                                       "the loss is no longer finite")
        self.loss_message.set_visible(diverged is not None)
        self.loss_line.set_data([i for i, _ in history], [loss for _, loss in history])
        ax = self.ax_loss
        # The legend lists the stop marker only when there is one, and sits where the curve is not:
        # bottom left under a falling curve, top right when the curve shoots up at the start.
        handles = [self.loss_line, self.chance_line] + ([self.blowup_line] if diverged is not None else [])
        ax.legend(handles=handles, loc="lower left" if diverged is None else "upper right", fontsize="small")
        top = max([math.log(self.K)] + [loss for _, loss in history] + list(self.blowup_line.get_ydata()))
        ax.set_ylim(0, 1.12 * top)
        ax.set_xlim(-0.02 * settings["num_iters"], 1.02 * settings["num_iters"])
        ax.set_title(f"Training loss: step size {_fmt(settings['step_size'])}, reg {_fmt(settings['reg'])}",
                     color=color)

    def png(self):
        """The figure as PNG bytes: one Agg draw, encoded with light compression (fast)."""
        canvas = self.fig.canvas
        canvas.draw()
        if not isinstance(self.fig.get_layout_engine(), PlaceHolderLayoutEngine):
            # The first draw placed the axes; keep them there (and skip the layout pass) from now on.
            self.fig.set_layout_engine("none")
        buf = io.BytesIO()
        PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buf, format="png", compress_level=1)
        return buf.getvalue()


# --------------------------------------------------------------------------- the playground

class PlaygroundBox(widgets.VBox):
    """The playground's container, a ``VBox``.

    Its text form is what a notebook shows where the widget cannot be drawn (no live
    kernel, a plain-text viewer, nbval's comparison): one line saying what is there,
    instead of a repr of the first controls cut off at 110 characters.
    """

    def __repr__(self):
        return "Playground: sliders and a figure (run the notebook in JupyterLab to use them)"


class Playground:
    """Sliders that retrain a model on ``X, y`` and redraw its decision boundary and loss curve.

    Parameters
    ----------
    X : (N, 2) float array, the points. y : (N,) int array, labels in [0, K), K >= 2.
    model, step_size, reg, hidden_size, num_iters : the starting settings (``DEFAULTS``);
        step_size must lie in [1e-4, 100] and reg in [1e-5, 1], the sliders' ranges.
    seed : int >= 0; the initial parameters of each (model, hidden size) are drawn from
        ``np.random.RandomState(seed)``, so the same settings always give the same run.
    mesh_step : spacing of the mesh on which the decision regions are drawn.

    Attributes
    ----------
    widget : ``PlaygroundBox`` (an ipywidgets ``VBox``): the controls, the figure (an ``ipywidgets.Image``)
        and the status text (an ``ipywidgets.HTML``).
    controls : dict of the controls, keys 'model', 'step_size', 'reg', 'hidden_size', 'num_iters'.
    result : the last ``TrainingResult``.
    final_loss : loss of the trained parameters (``None`` after a divergence).
    train_accuracy : their training accuracy (``None`` after a divergence).
    status : the text shown under the figure.
    redraw_count : how many times the figure was drawn (1 after construction).
    image : the ``ipywidgets.Image`` holding the figure; ``figure`` : the ``PlaygroundFigure``.
    """

    def __init__(self, X, y, *, model=DEFAULTS["model"], step_size=DEFAULTS["step_size"], reg=DEFAULTS["reg"],
                 hidden_size=DEFAULTS["hidden_size"], num_iters=DEFAULTS["num_iters"], seed=0,
                 mesh_step=MESH_STEP):
        X = check_data(X)
        if X.shape[1] != 2:
            raise ValueError(f"X must have 2 columns (points in the plane) to be drawn; got shape {X.shape}")
        y = check_labels(y, X.shape[0])
        if y.min() < 0:
            raise ValueError(f"y must hold labels >= 0; got a minimum of {y.min()}")
        self.K = int(y.max()) + 1
        if self.K < 2:
            raise ValueError("y must hold at least two classes (labels 0 and 1); got only label 0")
        seed = check_positive_int(seed, "seed", minimum=0)
        mesh_step = check_real(mesh_step, "mesh_step", positive=True)
        self.X, self.y, self.seed = X, y, int(seed)

        self.controls = make_controls(model, step_size, reg, hidden_size, num_iters)
        self.figure = PlaygroundFigure(X, y, self.K, mesh_step=mesh_step)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{self.figure.fig.bbox.width:.0f}px"))
        self.image.add_class("playground-figure")
        self.status_widget = widgets.HTML()
        self.status_widget.add_class("playground-status")
        self.result = None
        self.final_loss = self.train_accuracy = None
        self.status = ""
        self.redraw_count = 0
        self._initial = {}

        c = self.controls
        self.widget = PlaygroundBox(
            [widgets.HBox([c["model"]]),
             widgets.HBox([widgets.VBox([c["step_size"], c["reg"]]), widgets.VBox([c["hidden_size"], c["num_iters"]])]),
             self.image, self.status_widget],
            layout=widgets.Layout(width="auto"))
        self.widget.add_class("playground")
        for control in c.values():
            control.observe(self._on_change, names="value")
        self.retrain()

    @property
    def settings(self):
        """The current settings, read from the controls: a dict keyed like ``DEFAULTS``."""
        return {name: control.value for name, control in self.controls.items()}

    def initial_params(self, settings=None):
        """The (cached) starting parameters for the current or given settings; see ``initial_params``."""
        s = settings or self.settings
        key = (s["model"], s["hidden_size"] if s["model"] == "2-layer" else None)
        if key not in self._initial:
            self._initial[key] = initial_params(s["model"], self.X.shape[1], self.K, s["hidden_size"], self.seed)
        return self._initial[key]

    def _on_change(self, change):
        if change["owner"] is self.controls["model"]:
            self.controls["hidden_size"].disabled = change["new"] == "linear"
        self.retrain()

    def retrain(self):
        """Train at the current settings from the initial parameters, and redraw. Returns the result."""
        s = check_settings(**self.settings)
        result = train(self.initial_params(s), self.X, self.y, step_size=s["step_size"], reg=s["reg"],
                       num_iters=s["num_iters"], record_every=record_every_for(s["num_iters"]))
        if result.diverged is None:
            self.final_loss = float(loss_and_grads(result.params, self.X, self.y, s["reg"])[0])
            mesh_classes = predict_mesh(result.params, self.figure.xx, self.figure.yy)
            self.train_accuracy = float(np.mean(predict(result.params, self.X) == self.y))
        else:
            self.final_loss = self.train_accuracy = mesh_classes = None
        self.result = result
        self.status = status_text(s, result, self.final_loss, self.train_accuracy, self.K)
        self.figure.update(s, result, mesh_classes, self.final_loss)
        self._show()
        return result

    def _show(self):
        self.image.value = self.figure.png()
        color = "darkred" if self.result.diverged is not None else "black"
        self.status_widget.value = f'<span style="color: {color}; font-size: 1.05em">{html.escape(self.status)}</span>'
        self.redraw_count += 1

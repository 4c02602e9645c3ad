"""Figures for the lessons: the data, softmax, the gradient on the scores, decision boundaries, loss curves.

Each function draws on an ``ax`` that the caller may pass (so that several
plots can sit side by side) and returns the matplotlib objects it made.
"""
import matplotlib.patheffects as patheffects
import matplotlib.pyplot as plt
import numpy as np

from .checks import check_data, check_labels, check_real
from .softmax import softmax

CMAP = plt.cm.Spectral
# red where gradient descent raises a score, blue where it lowers it, white where it leaves it
PUSH_CMAP = plt.cm.coolwarm


def _axes(ax, figsize=(5, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def class_legend(ax, scatter, K):
    """A legend naming each colour of ``scatter`` 'class k', for k in [0, K)."""
    handles, _ = scatter.legend_elements()
    ax.legend(handles, [f"class {k}" for k in range(K)], loc="upper right", fontsize="small", framealpha=0.8)


def plot_spiral(X, y, *, ax=None, title="The spiral data"):
    """Scatter the points X (n, 2) coloured by their class y (n,). Returns ``(ax, scatter)``."""
    X = check_data(X)
    y = check_labels(y, X.shape[0])
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns to be plotted; got shape {X.shape}")
    ax = _axes(ax)
    K = int(y.max()) + 1
    scatter = ax.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=CMAP, vmin=0, vmax=max(K - 1, 1), edgecolors="k", linewidths=0.3)
    class_legend(ax, scatter, K)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    return ax, scatter


def decision_mesh(X, spacing=0.02, margin=1.0):
    """Grid over the data's range widened by ``margin``, with points ``spacing`` apart.

    X : (n, 2) points. Returns ``xx, yy``, the two coordinates, each of shape (rows, cols).
    """
    X = check_data(X)
    spacing = check_real(spacing, "spacing", positive=True)
    x_min, x_max = X[:, 0].min() - margin, X[:, 0].max() + margin
    y_min, y_max = X[:, 1].min() - margin, X[:, 1].max() + margin
    return np.meshgrid(np.arange(x_min, x_max, spacing), np.arange(y_min, y_max, spacing))


def plot_decision_boundary(predict_fn, X, y, *, ax=None, spacing=0.02, title="Decision boundary",
                           held_out=None):
    """Fill each region of the plane with the class ``predict_fn`` gives it, and put the points on top.

    predict_fn : callable mapping an (M, 2) array of points to M integer classes,
        e.g. ``lambda P: helpers.predict(params, P)``.
    X : (n, 2) points, y : (n,) labels. spacing : distance between neighbouring mesh points.
    held_out : optional ``(X_held_out, y_held_out)``, points kept out of training, drawn
        as squares so that they can be told apart from the training points (circles).
    Returns ``(ax, contour, scatter)``; the held-out points' scatter is ``ax.collections[-1]``.
    """
    X = check_data(X)
    y = check_labels(y, X.shape[0])
    if held_out is not None:
        X_held_out = check_data(held_out[0], "held_out[0]")
        y_held_out = check_labels(held_out[1], X_held_out.shape[0], name="held_out[1]")
    ax = _axes(ax)
    xx, yy = decision_mesh(X if held_out is None else np.vstack([X, X_held_out]), spacing)
    Z = np.asarray(predict_fn(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    K = int(max(y.max(), Z.max())) + 1
    contour = ax.contourf(xx, yy, Z, levels=np.arange(K + 1) - 0.5, cmap=CMAP, vmin=0, vmax=max(K - 1, 1), alpha=0.8)
    scatter = ax.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=CMAP, vmin=0, vmax=max(K - 1, 1), edgecolors="k", linewidths=0.3)
    if held_out is not None:
        ax.scatter(X_held_out[:, 0], X_held_out[:, 1], c=y_held_out, s=45, marker="s", cmap=CMAP, vmin=0,
                   vmax=max(K - 1, 1), edgecolors="k", linewidths=1.2)
    class_legend(ax, scatter, K)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
    return ax, contour, scatter


def plot_loss_curve(loss_history, *, ax=None, label=None, title="Training loss", marker="o"):
    """Plot ``(iteration, loss)`` pairs, with the loss axis starting at 0. Returns ``(ax, line)``.

    Every loss curve of the series starts its y-axis at 0, the lowest loss possible, so that
    curves from different notebooks can be compared by eye. marker : a matplotlib marker for
    each recorded loss, or ``None`` for a plain line (better when there are thousands).
    """
    ax = _axes(ax, figsize=(6, 4))
    iterations, losses = zip(*loss_history) if loss_history else ((), ())
    (line,) = ax.plot(iterations, losses, marker=marker, markersize=3, label=label)
    ax.set(title=title, xlabel="iteration", ylabel="loss")
    # from 0 to above the highest curve drawn so far, so that several calls on one ax all fit
    top = max([ax.get_ylim()[1]] + [1.05 * max(losses)] if losses else [ax.get_ylim()[1]])
    ax.set_ylim(0, top)
    if label is not None:
        ax.legend()
    return ax, line


def plot_softmax_sweep(scores, k, values, *, ax=None):
    """How the softmax probabilities of one example change as its score for class ``k`` varies.

    scores : (K,), one example's class scores f; every score except ``f_k`` stays fixed.
    k : the class whose score is varied. values : 1-D array of the values ``f_k`` takes.
    Draws one curve per class, p_0 ... p_{K-1} against f_k, in the classes' colours, and a
    dotted vertical line at the given ``scores[k]``.
    Returns ``(ax, lines)``, lines a list of K matplotlib lines, line c holding p_c.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1 or scores.size < 2:
        raise ValueError(f"scores must be 1-D, one score per class, K >= 2; got shape {scores.shape}")
    K = scores.size
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < K:
        raise ValueError(f"k must be a class index in [0, {K}); got {k!r}")
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"values must be 1-D with at least 2 entries; got shape {values.shape}")
    sweep = np.tile(scores, (values.size, 1))
    sweep[:, k] = values
    probs = softmax(sweep)  # (len(values), K)
    ax = _axes(ax, figsize=(6, 4))
    lines = []
    for c in range(K):
        colour = CMAP(c / max(K - 1, 1))
        fixed = "varied" if c == k else f"fixed at {scores[c]:g}"
        # a thin dark outline keeps the pale middle colours of the map visible on white
        (line,) = ax.plot(values, probs[:, c], color=colour, linewidth=2.5,
                          path_effects=[patheffects.Stroke(linewidth=3.5, foreground="0.3"), patheffects.Normal()],
                          label=f"$p_{c}$ (class {c}, score {fixed})")
        lines.append(line)
    ax.axvline(scores[k], color="gray", linestyle=":", linewidth=1)
    ax.set(title=f"Softmax probabilities as the score $f_{k}$ varies", xlabel=f"score $f_{k}$",
           ylabel="probability", ylim=(0, 1))
    ax.legend(fontsize="small")
    return ax, lines


def plot_score_gradients(X, dscores, *, axes=None, title=None):
    """Which examples push which class scores, and how hard: one panel per class.

    X : (n, 2) points. dscores : (n, K), the gradient of the loss on the scores,
    ``(p_ik - 1(y_i = k)) / n``.

    Panel k colours each point by ``-n * dscores[i, k] = 1(y_i = k) - p_ik``, which lies in
    [-1, 1]: the direction, and the relative size, of the change gradient descent makes
    to that point's score for class k. Red: raised (the point belongs to class k and its
    probability is below 1); blue: lowered (it does not, and p_ik > 0); white: left alone.

    axes : K matplotlib axes to draw on, or None for a new row of K panels.
    Returns ``(axes, scatters, colorbar)``.
    """
    X = check_data(X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns to be plotted; got shape {X.shape}")
    dscores = np.asarray(dscores, dtype=np.float64)
    if dscores.ndim != 2 or dscores.shape[0] != X.shape[0]:
        raise ValueError(f"dscores must have shape (n, K) with n = {X.shape[0]} rows like X; got shape {dscores.shape}")
    n, K = dscores.shape
    if axes is None:
        _, axes = plt.subplots(1, K, figsize=(4 * K + 1, 4), layout="constrained", sharey=True)
    axes = np.atleast_1d(axes)
    if axes.size != K:
        raise ValueError(f"axes must hold one axis per class, {K}; got {axes.size}")
    push = -n * dscores
    scatters = []
    for k, ax in enumerate(axes.flat):
        scatter = ax.scatter(X[:, 0], X[:, 1], c=push[:, k], s=25, cmap=PUSH_CMAP, vmin=-1, vmax=1,
                             edgecolors="k", linewidths=0.2)
        ax.set(title=f"score of class {k}", xlabel="$x_1$", aspect="equal")
        scatters.append(scatter)
    axes.flat[0].set_ylabel("$x_2$")
    colorbar = axes.flat[0].figure.colorbar(scatters[0], ax=list(axes.flat), shrink=0.8)
    colorbar.set_label(r"$-n\,\partial L/\partial f_{ik} = 1(y_i = k) - p_{ik}$")
    if title is not None:
        axes.flat[0].figure.suptitle(title)
    return axes, scatters, colorbar

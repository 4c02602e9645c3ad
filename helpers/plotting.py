"""Figures for the lessons: the data, decision boundaries and loss curves.

Each function draws on an ``ax`` that the caller may pass (so that several
plots can sit side by side) and returns the matplotlib objects it made.
"""
import matplotlib.pyplot as plt
import numpy as np

from .checks import check_data, check_labels, check_real

CMAP = plt.cm.Spectral


def _axes(ax, figsize=(5, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def class_legend(ax, scatter, K):
    """A legend naming each colour of ``scatter`` 'class k', for k in [0, K)."""
    handles, _ = scatter.legend_elements()
    ax.legend(handles, [f"class {k}" for k in range(K)], loc="upper right", fontsize="small", framealpha=0.8)


def plot_spiral(X, y, *, ax=None, title="The spiral data"):
    """Scatter the points X (N, 2) coloured by their class y (N,). Returns ``(ax, scatter)``."""
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


def decision_mesh(X, h=0.02, margin=1.0):
    """Grid over the data's range widened by ``margin``: returns ``xx, yy`` of shape (rows, cols)."""
    X = check_data(X)
    h = check_real(h, "h", positive=True)
    x_min, x_max = X[:, 0].min() - margin, X[:, 0].max() + margin
    y_min, y_max = X[:, 1].min() - margin, X[:, 1].max() + margin
    return np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))


def plot_decision_boundary(predict_fn, X, y, *, ax=None, h=0.02, title="Decision boundary"):
    """Fill each region of the plane with the class ``predict_fn`` gives it, and put the points on top.

    predict_fn : callable mapping an (M, 2) array of points to M integer classes,
        e.g. ``lambda P: helpers.predict(params, P)``.
    X : (N, 2) points, y : (N,) labels. h : mesh spacing.
    Returns ``(ax, contour, scatter)``.
    """
    X = check_data(X)
    y = check_labels(y, X.shape[0])
    ax = _axes(ax)
    xx, yy = decision_mesh(X, h)
    Z = np.asarray(predict_fn(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    K = int(max(y.max(), Z.max())) + 1
    contour = ax.contourf(xx, yy, Z, levels=np.arange(K + 1) - 0.5, cmap=CMAP, vmin=0, vmax=max(K - 1, 1), alpha=0.8)
    scatter = ax.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=CMAP, vmin=0, vmax=max(K - 1, 1), edgecolors="k", linewidths=0.3)
    class_legend(ax, scatter, K)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
    return ax, contour, scatter


def plot_loss_curve(loss_history, *, ax=None, label=None, title="Training loss"):
    """Plot ``(iteration, loss)`` pairs. Returns ``(ax, line)``."""
    ax = _axes(ax, figsize=(6, 4))
    iterations, losses = zip(*loss_history) if loss_history else ((), ())
    (line,) = ax.plot(iterations, losses, marker="o", markersize=3, label=label)
    ax.set(title=title, xlabel="iteration", ylabel="loss")
    if label is not None:
        ax.legend()
    return ax, line

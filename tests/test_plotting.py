import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import init_linear, predict
from helpers.plotting import (CLASS_CMAP, HELD_OUT_LINESTYLE, REGION_CMAP, SETTING_COLOURS, TRAINING_LINESTYLE,
                              decision_mesh, plot_decision_boundary, plot_loss_curve, plot_spiral)


def test_mesh_spacing_and_range(spiral):
    X, _ = spiral
    xx, yy = decision_mesh(X)
    assert xx.shape == yy.shape
    np.testing.assert_allclose(np.diff(xx[0]), 0.02)
    np.testing.assert_allclose(np.diff(yy[:, 0]), 0.02)
    assert xx.min() == pytest.approx(X[:, 0].min() - 1)
    assert yy.min() == pytest.approx(X[:, 1].min() - 1)
    assert X[:, 0].max() + 1 - 0.02 <= xx.max() < X[:, 0].max() + 1


def test_decision_boundary_fills_the_predicted_classes(spiral):
    X, y = spiral
    params = init_linear(2, 3, rng=np.random.RandomState(3))
    calls = []

    def predict_fn(P):
        calls.append(P.shape)
        return predict(params, P)

    fig, axes = plt.subplots(1, 2)
    ax, contour, scatter = plot_decision_boundary(predict_fn, X, y, ax=axes[1], title="Linear")
    assert ax is axes[1] and ax.get_title() == "Linear"
    assert ax.get_xlabel() and ax.get_ylabel()
    assert contour.cmap is REGION_CMAP and scatter.cmap is CLASS_CMAP
    xx, _ = decision_mesh(X)
    assert calls == [(xx.size, 2)]
    np.testing.assert_array_equal(scatter.get_offsets(), X)
    assert ax.get_legend() is not None


def test_spiral_plot_and_loss_curve(spiral):
    X, y = spiral
    ax, scatter = plot_spiral(X, y)
    assert len(scatter.get_offsets()) == 300
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    ax, line = plot_loss_curve([(0, 1.1), (10, 0.9), (20, 0.8)])
    np.testing.assert_array_equal(line.get_xdata(), [0, 10, 20])
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel() == "loss"


def test_plotting_rejects_bad_input(spiral):
    X, y = spiral
    with pytest.raises(ValueError, match="X must have 2 columns to be plotted"):
        plot_spiral(np.hstack([X, X]), y)
    with pytest.raises(ValueError, match="spacing must be a real number > 0"):
        plot_decision_boundary(lambda P: np.zeros(len(P), int), X, y, spacing=0)
    with pytest.raises(ValueError, match="at most 6 classes can be drawn"):
        plot_spiral(X, np.arange(len(y)) % 7)


def test_loss_curve_takes_a_line_style_and_a_colour():
    """Training solid, held out dashed; one colour per run. Without them, matplotlib's defaults as before."""
    history = [(0, 1.1), (10, 0.9), (20, 0.8)]
    ax, training = plot_loss_curve(history, marker=None, linestyle=TRAINING_LINESTYLE, color=SETTING_COLOURS[1],
                                   label="training")
    _, held_out = plot_loss_curve(history, ax=ax, marker=None, linestyle=HELD_OUT_LINESTYLE,
                                  color=SETTING_COLOURS[1], label="held out")
    assert training.get_linestyle() == "-" and held_out.get_linestyle() == "--"
    assert training.get_color() == held_out.get_color() == SETTING_COLOURS[1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "held out"]
    # the old way still works: a default line, restyled afterwards
    _, line = plot_loss_curve(history, ax=ax, marker=None)
    line.set_linestyle(":")
    assert line.get_linestyle() == ":" and line.get_color() not in (SETTING_COLOURS[1],)


def test_the_style_table_is_what_matplotlib_draws_with():
    """One table: a scatter, a region and a hinge line use the values ``helpers.style`` sends the browser."""
    import json

    from matplotlib.colors import to_hex

    from helpers import style
    from helpers.plotting import plot_hinge_lines, scatter_classes

    table = json.loads(json.dumps(style.as_dict()))
    fig, ax = plt.subplots()
    X = np.array([[0.1, 0.2], [-0.3, 0.4]])
    scatter = scatter_classes(ax, X, np.array([0, 2]))
    assert scatter.get_sizes()[0] == pytest.approx(table["marker_diameter_pt"] ** 2)
    assert scatter.get_linewidths()[0] == table["training_edge_pt"]
    regions = [to_hex(REGION_CMAP(k)).upper() for k in range(len(table["classes"]))]
    assert regions == [c["region"].upper() for c in table["classes"]]
    ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5))
    params = {"W": np.array([[1.0, 0.0], [0.0, 1.0]]), "b": np.array([[0.0, -5.0]])}
    live, dead = plot_hinge_lines(ax, params, X)  # unit 1 is below zero at both points: dead
    assert live.get_linewidths()[0] == table["hinge"]["width_pt"] and live.get_alpha() == table["hinge"]["alpha"]
    offset, dashes = dead.get_linestyles()[0]
    assert np.allclose(np.array(dashes) / table["hinge"]["width_pt"], table["hinge"]["dead_dash"])
    plt.close(fig)


def test_nothing_in_helpers_imports_the_playground():
    """The playground sits on top: no module outside it imports it (so plotting cannot reach up into it)."""
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1] / "helpers"
    for path in root.rglob("*.py"):
        if "playground" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any("playground" in name for name in names), f"{path} imports {names}"

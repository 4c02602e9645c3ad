"""The figures added to notebooks 2-4: what they draw, not just that they draw."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.text import Annotation

from helpers import softmax, softmax_loss
from helpers.plotting import (CIRCUIT_BACKWARD, CIRCUIT_FORWARD, CLASS_MARKERS, PUSH_CMAP, class_colour,
                              plot_circuit, plot_loss_curve, plot_score_gradients, plot_softmax_sweep)

# notebook 3's neuron a = max(0, w0 x0 + w1 x1 + b), as a circuit
NEURON = [("p0", "×", ("w0", "x0")), ("p1", "×", ("w1", "x1")), ("z", "+", ("p0", "p1", "b")),
          ("a", "max", ("zero", "z"))]


def test_a_circuit_shows_each_wires_value_above_it_and_its_gradient_below():
    values = {"x0": 2.0, "x1": -3.0, "w0": -1.0, "w1": -2.0, "b": 1.0, "p0": -2.0, "p1": 6.0, "z": 5.0,
              "zero": 0.0, "a": 5.0}
    grads = {"a": 1.0, "z": 1.0, "p0": 1.0, "p1": 1.0, "b": 1.0, "w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0,
             "zero": 0.0}                        # z > 0: the max gate passes nothing to its constant input
    ax, texts = plot_circuit(NEURON, values, grads, labels={"a": "$a$", "zero": "0"}, title="A neuron")
    assert set(texts) == set(values)
    def written(number):                         # three significant digits, with a true minus sign
        return f"{number:.3g}".replace("-", "\u2212")

    for name, (value, gradient) in texts.items():
        assert value.get_text() == written(values[name]) and value.get_color() == CIRCUIT_FORWARD
        assert gradient.get_text() == written(grads[name]) and gradient.get_color() == CIRCUIT_BACKWARD
        assert value.get_position()[1] > gradient.get_position()[1]      # the value above, the gradient below
    # a wire without a gradient has none drawn: the forward pass alone
    _, forward_only = plot_circuit(NEURON, values, {})
    assert all(gradient is None for _, gradient in forward_only.values())
    # the gates from left to right in the order of the computation, the inputs left of their gates
    gates = {t.get_text(): t.get_position() for t in ax.texts if t.get_text() in {"×", "+", "max"}}
    assert gates["×"][0] < gates["+"][0] < gates["max"][0]
    labels = [t for t in ax.texts if t.get_text() in {"$a$", "0", "w0", "x0"}]
    assert {t.get_text() for t in labels} == {"$a$", "0", "w0", "x0"}
    assert ax.get_title() == "A neuron" and not ax.axison


def _segment_to_box(start, end, box):
    """The distance in pixels from the segment start-end to the rectangle box (0 if they meet)."""
    t = np.linspace(0.0, 1.0, 400)[:, None]
    points = start + t * (end - start)
    dx = np.maximum(np.maximum(box.x0 - points[:, 0], 0), points[:, 0] - box.x1)
    dy = np.maximum(np.maximum(box.y0 - points[:, 1], 0), points[:, 1] - box.y1)
    return np.hypot(dx, dy).min()


def test_each_number_of_a_circuit_sits_by_its_own_wire():
    """Where wires meet at a gate, a number halfway along sat between two wires (w0's gradient just above
    x0's value): every number must be at least three times as far from any other wire as from its own."""
    values = {"x0": 2.0, "x1": -3.0, "w0": -1.0, "w1": -2.0, "b": 1.0, "p0": -2.0, "p1": 6.0, "z": 5.0,
              "zero": 0.0, "a": 5.0}
    grads = {"a": 1.0, "z": 1.0, "p0": 1.0, "p1": 1.0, "b": 1.0, "w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0,
             "zero": 0.0}
    ax, texts = plot_circuit(NEURON, values, grads, labels={"a": "$a$", "zero": "0"})
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]      # one wire per name, drawn in its order
    assert len(arrows) == len(texts)
    wires = {name: (ax.transData.transform(a.xyann), ax.transData.transform(a.xy)) for name, a in zip(texts, arrows)}
    for name, pair in texts.items():
        for text in pair:
            box = text.get_window_extent(renderer)
            own = _segment_to_box(*wires[name], box)
            nearest_other = min(_segment_to_box(*wire, box) for other, wire in wires.items() if other != name)
            assert nearest_other >= 3 * max(own, 1.0), (name, text.get_text(), own, nearest_other)


def test_a_circuit_rejects_missing_values():
    with pytest.raises(ValueError, match="gates must list at least one gate"):
        plot_circuit([], {}, {})
    with pytest.raises(ValueError, match=r"values must give every wire's value; missing \['p1', 'z'\]"):
        plot_circuit(NEURON, {"x0": 1, "x1": 1, "w0": 1, "w1": 1, "b": 1, "p0": 1, "zero": 0, "a": 1}, {})


def test_softmax_sweep_draws_each_probability_against_the_varied_score():
    scores, values = np.array([0.5, 1.0, -1.0]), np.linspace(-6, 6, 25)
    ax, lines = plot_softmax_sweep(scores, 0, values)
    assert len(lines) == 3
    expected = softmax(np.c_[values, np.full_like(values, 1.0), np.full_like(values, -1.0)])
    for c, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), values)
        np.testing.assert_allclose(line.get_ydata(), expected[:, c])
        assert to_rgba(line.get_color()) == to_rgba(class_colour(c))
        assert line.get_marker() == CLASS_MARKERS[c]  # the class's shape along its curve
    # the varied class's probability rises, every other one falls, and they always sum to 1
    assert np.all(np.diff(lines[0].get_ydata()) > 0)
    assert np.all(np.diff(lines[1].get_ydata()) < 0) and np.all(np.diff(lines[2].get_ydata()) < 0)
    np.testing.assert_allclose(sum(line.get_ydata() for line in lines), 1.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["$p_0$ (class 0, score varied)", "$p_1$ (class 1, score fixed at 1)",
                      "$p_2$ (class 2, score fixed at -1)"]
    assert ax.get_xlabel() == "score $f_0$" and ax.get_ylabel() == "probability"
    assert ax.get_ylim() == (0, 1)
    marker = [line for line in ax.get_lines() if line not in lines]
    assert len(marker) == 1 and list(marker[0].get_xdata()) == [0.5, 0.5]


def test_softmax_sweep_rejects_bad_input():
    with pytest.raises(ValueError, match="k must be a class index in \\[0, 3\\); got 3"):
        plot_softmax_sweep([0.0, 1.0, 2.0], 3, np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="scores must be 1-D"):
        plot_softmax_sweep([[0.0, 1.0]], 0, np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="values must be 1-D with at least 2 entries"):
        plot_softmax_sweep([0.0, 1.0], 0, [1.0])


def test_score_gradients_colour_each_point_by_its_push_on_each_class(spiral):
    X, y = spiral
    rng = np.random.RandomState(0)
    scores = rng.standard_normal((len(y), 3))
    _, dscores = softmax_loss(scores, y)
    axes, scatters, colorbar = plot_score_gradients(X, dscores, title="At the start", y=y)
    assert len(axes) == len(scatters) == 3
    p = softmax(scores)
    for k, (ax, scatter) in enumerate(zip(axes, scatters)):
        np.testing.assert_array_equal(scatter.get_offsets(), X)
        push = scatter.get_array()
        np.testing.assert_allclose(push, (y == k) - p[:, k])
        # points of class k are pushed up (>= 0), all others down (<= 0)
        assert np.all(push[y == k] >= 0) and np.all(push[y != k] <= 0)
        assert scatter.get_clim() == (-1, 1) and scatter.cmap.name == PUSH_CMAP.name
        assert ax.get_title() == f"score of class {k}"
    assert colorbar.mappable is scatters[0]
    assert r"\mathbb{1}(y_i = k) - p_{ik}" in colorbar.ax.get_ylabel()   # the indicator, drawn as 𝟙
    # large enough for its double stroke to show: at 10 points it reads as a bold 1, the vector of ones
    assert colorbar.ax.yaxis.label.get_fontsize() >= 12
    assert axes[0].figure.get_suptitle() == "At the start"
    # with the labels, each point has its class's shape, and a legend names the shapes
    fig = axes[0].figure
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["class 0", "class 1", "class 2"]
    assert [h.get_marker() for h in fig.legends[0].legend_handles] == list(CLASS_MARKERS[:3])
    assert len({tuple(np.round(scatters[0].get_paths()[i].vertices.ravel()[:6], 6))
                for i in (np.flatnonzero(y == k)[0] for k in range(3))}) == 3


def test_score_gradients_centre_is_white_and_the_titles_do_not_collide(spiral):
    """The text calls a point left alone "white": the map's centre must be near-white (it was
    coolwarm's grey, #dddddd). The figure's title must sit clear above the panels' titles."""
    centre = np.array(to_rgb(PUSH_CMAP(0.5)))
    assert centre.min() > 0.95, centre
    lowest, highest = to_rgb(PUSH_CMAP(0.0)), to_rgb(PUSH_CMAP(1.0))
    assert lowest[2] > lowest[0] and highest[0] > highest[2]  # blue for pushed down, red for pushed up
    X, y = spiral
    _, dscores = softmax_loss(np.zeros((len(y), 3)), y)
    axes, _, _ = plot_score_gradients(X, dscores, title="The gradient on the scores at the start", y=y)
    fig = axes[0].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    suptitle = fig._suptitle.get_window_extent(renderer)
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in axes:
        assert suptitle.y0 >= ax.title.get_window_extent(renderer).y1  # above every panel's title
        assert legend.y1 <= ax.xaxis.label.get_window_extent(renderer).y0 + 1  # below every x label
    assert suptitle.y1 <= fig.bbox.height and legend.y0 >= 0  # and inside the figure


def test_score_gradients_rejects_mismatched_shapes(spiral):
    X, y = spiral
    with pytest.raises(ValueError, match="dscores must have shape \\(n, K\\) with n = 300"):
        plot_score_gradients(X, np.zeros((299, 3)))
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="axes must hold one axis per class, 3; got 2"):
        plot_score_gradients(X, np.zeros((300, 3)), axes=axes)


def test_loss_curves_start_at_zero_and_can_drop_markers():
    history = [(i, 1.1 - 0.001 * i) for i in range(0, 500, 10)]
    ax, line = plot_loss_curve(history, marker=None, label="run")
    assert ax.get_ylim()[0] == 0
    assert line.get_marker() in (None, "None", "")
    np.testing.assert_allclose(line.get_ydata(), [loss for _, loss in history])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["run"]
    _, dotted = plot_loss_curve(history)
    assert dotted.get_marker() == "o"

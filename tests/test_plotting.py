import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import init_linear, predict
from helpers.plotting import decision_mesh, plot_decision_boundary, plot_loss_curve, plot_spiral


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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
    assert contour.cmap.name == "Spectral" and scatter.cmap.name == "Spectral"
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
    with pytest.raises(ValueError, match="spacing must be positive"):
        plot_decision_boundary(lambda P: np.zeros(len(P), int), X, y, spacing=0)

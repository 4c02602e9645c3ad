"""What the decision-boundary figures contain: regions, points, legend, labels, mesh and colours.

Checked on the matplotlib artists and on the rendered pixels, against predictions
computed independently with ``helpers.predict``: a figure that loses its regions,
points, legend or labels, a coarser mesh, or colours that stop matching the
classes all fail here.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest
from matplotlib.colors import Normalize, to_rgb

from helpers import course, predict
from helpers.playground import Playground
from helpers.playground.render import EXTENT, MESH_STEP
from helpers.plotting import CMAP, plot_decision_boundary


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def trained_net():
    X, y, params = course.course_net_setup()
    from helpers import train
    return X, y, train(params, X, y, num_iters=2000, record_every=1000).params


def class_rgb(k, K, alpha=1.0):
    """Class k's colour, as drawn with ``alpha`` over white."""
    rgb = np.array(to_rgb(CMAP(Normalize(0, K - 1)(k))))
    return alpha * rgb + (1 - alpha)


def pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0


def pixel_of(ax, fig, x1, x2):
    """Row and column of the rendered figure where data point (x1, x2) of ``ax`` lands."""
    px, py = ax.transData.transform((x1, x2))
    return int(round(fig.bbox.height - py)), int(round(px))


def clear_cells(classes, xx, yy, X, k, margin=0.15):
    """Mesh cells predicted as class k whose 5x5 neighbourhood is all k and that lie ``margin`` from every point."""
    rows, cols = classes.shape
    found = []
    for r in range(2, rows - 2, 3):
        for c in range(2, cols - 2, 3):
            if np.all(classes[r - 2:r + 3, c - 2:c + 3] == k):
                p = np.array([xx[r, c], yy[r, c]])
                if np.min(np.linalg.norm(X - p, axis=1)) > margin:
                    found.append(p)
    return found


# ------------------------------------------------------------------ plotting.plot_decision_boundary

def test_decision_boundary_has_regions_points_legend_and_labels(trained_net):
    X, y, params = trained_net
    fig, ax = plt.subplots(figsize=(5, 5))
    _, contour, scatter = plot_decision_boundary(lambda P: predict(params, P), X, y, ax=ax, title="Net")
    assert len(contour.collections if hasattr(contour, "collections") else contour.get_paths()) >= 3
    np.testing.assert_array_equal(scatter.get_offsets(), X)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$" and ax.get_title() == "Net"


def test_decision_boundary_mesh_is_the_courses_0_02(trained_net):
    X, y, params = trained_net
    seen = []

    def predict_fn(P):
        seen.append(P)
        return predict(params, P)

    plot_decision_boundary(predict_fn, X, y)
    P = seen[0]
    np.testing.assert_allclose(np.diff(np.unique(P[:, 0])), 0.02, atol=1e-9)
    np.testing.assert_allclose(np.diff(np.unique(P[:, 1])), 0.02, atol=1e-9)


def test_decision_boundary_colours_match_the_classes(trained_net):
    """Points, legend and regions: class k has the same colour in all three, and each region's
    pixels have the colour of the class ``predict`` gives there."""
    X, y, params = trained_net
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    _, _, scatter = plot_decision_boundary(lambda P: predict(params, P), X, y, ax=ax)
    faces = scatter.to_rgba(scatter.get_array())[:, :3]  # the colours drawn
    handles = ax.get_legend().legend_handles
    for k in range(3):
        np.testing.assert_allclose(faces[y == k], np.tile(class_rgb(k, 3), (np.sum(y == k), 1)), atol=1e-6)
        np.testing.assert_allclose(handles[k].get_facecolor()[:3] if hasattr(handles[k], "get_facecolor")
                                   else to_rgb(handles[k].get_markerfacecolor()), class_rgb(k, 3), atol=1e-6)
    image = pixels(fig)
    xx, yy = np.meshgrid(np.linspace(-1.5, 1.5, 61), np.linspace(-1.5, 1.5, 61))
    classes = predict(params, np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    checked = 0
    for k in range(3):
        for x1, x2 in clear_cells(classes, xx, yy, X, k)[:5]:
            r, c = pixel_of(ax, fig, x1, x2)
            np.testing.assert_allclose(image[r, c], class_rgb(k, 3, alpha=0.8), atol=0.02)
            checked += 1
    assert checked >= 10


def test_held_out_points_are_drawn_as_squares(trained_net):
    X, y, params = trained_net
    fig, ax = plt.subplots()
    test = np.random.RandomState(0).permutation(len(y))[:60]
    train = np.setdiff1d(np.arange(len(y)), test)
    plot_decision_boundary(lambda P: predict(params, P), X[train], y[train], ax=ax, held_out=(X[test], y[test]))
    held = ax.collections[-1]
    np.testing.assert_array_equal(held.get_offsets(), X[test])
    square = held.get_paths()[0].vertices
    assert len(np.unique(np.round(np.abs(square), 6), axis=0)) == 1  # 4 corners at the same |x|, |y|: a square


# ------------------------------------------------------------------ the playground's figure

@pytest.fixture(scope="module")
def pg():
    return Playground(show_hinges=True)


def test_playground_regions_are_the_predictions_on_a_0_03_mesh(pg):
    regions = pg.figure.regions
    classes = np.asarray(regions.get_array())
    rows = round((EXTENT[3] - EXTENT[2]) / MESH_STEP)
    cols = round((EXTENT[1] - EXTENT[0]) / MESH_STEP)
    assert MESH_STEP <= 0.03 and classes.shape == (rows, cols)
    assert tuple(regions.get_extent()) == EXTENT
    P = np.c_[pg.figure.xx.ravel(), pg.figure.yy.ravel()]
    np.testing.assert_allclose(np.diff(np.unique(P[:, 0])), MESH_STEP, atol=1e-9)
    np.testing.assert_array_equal(classes.ravel(), predict(pg.session.params, P))
    assert regions.get_visible()


def test_playground_has_points_legend_and_labels(pg):
    fig = pg.figure
    X_train, y_train = pg.session.data.train
    X_test, _ = pg.session.data.test
    np.testing.assert_array_equal(fig.train_points.get_offsets(), X_train)
    np.testing.assert_array_equal(fig.test_points.get_offsets(), X_test)
    labels = [t.get_text() for t in fig.ax_boundary.get_legend().get_texts()]
    assert labels[:5] == ["class 0", "class 1", "class 2", "training point", "held-out point"]
    assert fig.ax_boundary.get_xlabel() == "$x_1$" and fig.ax_boundary.get_ylabel() == "$x_2$"
    assert fig.ax_loss.get_xlabel() == "iteration" and "loss" in fig.ax_loss.get_ylabel()
    loss_labels = [t.get_text() for t in fig.ax_loss.get_legend().get_texts()]
    assert loss_labels[:2] == ["training loss", "held-out loss"]
    train_curve, test_curve = pg.session.loss_curves()
    np.testing.assert_allclose(fig.train_line.get_ydata(), [loss for _, loss in train_curve])
    np.testing.assert_allclose(fig.test_line.get_ydata(), [loss for _, loss in test_curve])
    # held-out points are told apart by their marker
    assert not np.allclose(fig.train_points.get_paths()[0].vertices[:4], fig.test_points.get_paths()[0].vertices[:4])


def test_playground_pixels_have_the_colour_of_the_predicted_class(pg):
    image = np.asarray(PIL.Image.open(io.BytesIO(bytes(pg.image.value))).convert("RGB")) / 255.0
    fig, session = pg.figure, pg.session
    classes = fig.mesh_classes(session.params)
    checked = 0
    for k in range(3):
        for x1, x2 in clear_cells(classes, fig.xx, fig.yy, session.data.X, k)[:5]:
            # stay clear of the hinge lines too: sample where no line passes within two pixels
            r, c = pixel_of(fig.ax_boundary, fig.fig, x1, x2)
            patch = image[r - 2:r + 3, c - 2:c + 3].reshape(-1, 3)
            if np.ptp(patch, axis=0).max() > 0.02:
                continue
            np.testing.assert_allclose(image[r, c], class_rgb(k, 3, alpha=0.8), atol=0.02)
            checked += 1
    assert checked >= 5
    # the scatter's colours are the classes' colours too
    faces = fig.train_points.to_rgba(fig.train_points.get_array())[:, :3]
    y_train = session.data.train[1]
    for k in range(3):
        np.testing.assert_allclose(faces[y_train == k], np.tile(class_rgb(k, 3), (np.sum(y_train == k), 1)),
                                   atol=1e-6)


def test_playground_switches_hide_and_show(pg):
    pg.view["show_test"].value = False
    assert not pg.figure.test_points.get_visible()
    pg.view["show_test"].value = True
    assert pg.figure.test_points.get_visible()
    assert pg.figure.alive_hinges.get_visible()


@pytest.mark.parametrize("show_test, show_hinges", [(True, True), (False, False)])
def test_playground_frame_equals_drawing_every_artist(show_test, show_hinges):
    """The frame lays kept pixels of the regions and the points instead of drawing those artists;
    the result must be what matplotlib draws with them, to within rounding."""
    pg = Playground(show_test=show_test, show_hinges=show_hinges, num_iters=200)
    fig = pg.figure
    fast = np.asarray(fig.render()).astype(int)
    canvas = fig.fig.canvas
    canvas.restore_region(fig._background)
    for artist in fig.animated_artists():
        if artist.get_visible():
            artist.axes.draw_artist(artist)  # the regions too, with matplotlib's own image drawing
    slow = np.asarray(canvas.buffer_rgba()).astype(int)
    differ = np.abs(fast - slow).max(axis=2)
    # matplotlib's resampling may put a cell edge one pixel off; the colours never differ otherwise
    assert np.mean(differ > 3) < 0.01
    assert fig.test_points.get_visible() == show_test

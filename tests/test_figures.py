"""What the decision-boundary figures contain: regions, points, legend, labels, mesh, colours and shapes.

Checked on the matplotlib artists and on the rendered pixels, against predictions
computed independently with ``helpers.predict``: a figure that loses its regions,
points, legend or labels, a coarser mesh, colours or marker shapes that stop matching
the classes, held-out points that look like training points, or seams between the
regions all fail here.
"""
import io
import math

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle

from helpers import course, predict
from helpers.playground import Playground
from helpers.playground.render import EXTENT, MESH_STEP, PlaygroundFigure
from helpers.plotting import (CLASS_MARKERS, MAX_CLASSES, class_colour, decision_mesh, plot_decision_boundary,
                              plot_spiral, region_colour)


@pytest.fixture(scope="module")
def trained_net():
    X, y, params = course.course_net_setup()
    from helpers import train
    return X, y, train(params, X, y, num_iters=2000, record_every=1000).params


def class_rgb(k):
    """Class k's colour: its points, its legend entry."""
    return np.array(to_rgb(class_colour(k)))


def region_rgb(k):
    """The colour of class k's decision region, a light tint of the class's colour."""
    rgb = np.array(to_rgb(region_colour(k)))
    assert np.all(rgb > class_rgb(k) - 1e-9) and np.any(rgb > class_rgb(k) + 0.1)  # lighter
    return rgb


def shape_of(path):
    """A marker path's outline, up to scale: its vertices divided by their largest |coordinate|."""
    v = path.vertices
    return np.round(v / np.abs(v).max(), 6)


def class_shape(k):
    style = MarkerStyle(CLASS_MARKERS[k])
    return shape_of(style.get_path().transformed(style.get_transform()))


def press(button):
    button.click()


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
    _, regions, scatter = plot_decision_boundary(lambda P: predict(params, P), X, y, ax=ax, title="Net")
    assert set(np.unique(regions.get_array())) == {0, 1, 2}
    np.testing.assert_array_equal(scatter.get_offsets(), X)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    assert ax.get_xlabel() == "$x_0$" and ax.get_ylabel() == "$x_1$" and ax.get_title() == "Net"


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
        np.testing.assert_allclose(faces[y == k], np.tile(class_rgb(k), (np.sum(y == k), 1)), atol=1e-6)
        np.testing.assert_allclose(to_rgb(handles[k].get_markerfacecolor()), class_rgb(k), atol=1e-6)
    image = pixels(fig)
    xx, yy = np.meshgrid(np.linspace(-1.5, 1.5, 61), np.linspace(-1.5, 1.5, 61))
    classes = predict(params, np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    checked = 0
    for k in range(3):
        for x1, x2 in clear_cells(classes, xx, yy, X, k)[:5]:
            r, c = pixel_of(ax, fig, x1, x2)
            np.testing.assert_allclose(image[r, c], region_rgb(k), atol=0.02)
            checked += 1
    assert checked >= 10


def test_each_class_has_its_own_marker_shape_in_points_and_legend(spiral):
    """Shape as well as colour: each point is drawn with its class's marker, the legend shows the
    same shapes (with a black edge), and no two classes share a shape."""
    X, y = spiral
    assert len({CLASS_MARKERS[k] for k in range(MAX_CLASSES)}) == MAX_CLASSES
    for draw in (lambda ax: plot_spiral(X, y, ax=ax)[1],
                 lambda ax: plot_decision_boundary(lambda P: np.zeros(len(P), int), X, y, ax=ax)[2]):
        fig, ax = plt.subplots()
        scatter = draw(ax)
        paths = scatter.get_paths()
        assert len(paths) == len(y)
        for i in np.flatnonzero(np.r_[True, np.diff(y) != 0]):  # the first point of each class
            np.testing.assert_array_equal(shape_of(paths[i]), class_shape(y[i]))
        handles = ax.get_legend().legend_handles
        assert [h.get_marker() for h in handles[:3]] == list(CLASS_MARKERS[:3])
        assert all(to_rgb(h.get_markeredgecolor()) == (0, 0, 0) for h in handles[:3])
        plt.close(fig)


def test_held_out_points_are_hollow_with_their_class_shape_and_in_the_legend(trained_net):
    """Held-out points keep their class's shape and colour (a ring of it round a white centre), so
    that they can be told from the filled training points; the legend says which is which."""
    X, y, params = trained_net
    fig, ax = plt.subplots()
    test = np.random.RandomState(0).permutation(len(y))[:60]
    train = np.setdiff1d(np.arange(len(y)), test)
    _, _, training = plot_decision_boundary(lambda P: predict(params, P), X[train], y[train], ax=ax,
                                            held_out=(X[test], y[test]))
    held = ax.collections[-1]
    np.testing.assert_array_equal(held.get_offsets(), X[test])
    np.testing.assert_allclose(held.get_facecolor()[:, :3], 1.0)  # white inside
    np.testing.assert_allclose(held.get_edgecolor()[:, :3], [class_rgb(k) for k in y[test]], atol=1e-6)
    assert held.get_linewidths()[0] > 2 * training.get_linewidths()[0]
    assert held.get_path_effects()  # the black outline round the ring
    for i, k in enumerate(y[test][:10]):
        np.testing.assert_array_equal(shape_of(held.get_paths()[i]), class_shape(k))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "class 2", "training point", "held-out point"]
    training_handle, held_handle = ax.get_legend().legend_handles[3:]
    assert to_rgb(held_handle.get_markerfacecolor()) == (1, 1, 1)
    assert to_rgb(training_handle.get_markerfacecolor()) != (1, 1, 1)
    # without held-out points, the legend does not mention them
    fig, ax = plt.subplots()
    plot_decision_boundary(lambda P: predict(params, P), X, y, ax=ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]


def test_each_region_cell_is_centred_on_its_mesh_point():
    """The region image puts the class predicted at mesh point (i, j) in a cell centred on that point:
    its extent reaches half a step beyond the first and last mesh points, with row 0 at the bottom."""
    X = np.array([[-1.0, -0.5], [1.0, 0.5]])
    fig, ax = plt.subplots()
    _, regions, _ = plot_decision_boundary(lambda P: (P[:, 0] > 2 * P[:, 1]).astype(int) + (P[:, 1] > 1),
                                           X, np.array([0, 1]), ax=ax)
    xx, yy = decision_mesh(X, 0.02)
    half = 0.01
    np.testing.assert_allclose(regions.get_extent(), (xx[0, 0] - half, xx[0, -1] + half,
                                                      yy[0, 0] - half, yy[-1, 0] + half), atol=1e-12)
    assert regions.origin == "lower"
    expected = (xx > 2 * yy).astype(int) + (yy > 1)
    np.testing.assert_array_equal(regions.get_array(), expected)
    plt.close(fig)


def test_regions_meet_without_seams_or_slivers():
    """Two regions side by side, class 0 left and class 2 right: every pixel of the axes is one of
    the two tints or the boundary line between them. (Filled contours left near-white seams along
    the border and a sliver of class 1's colour where class 0 met class 2.)"""
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    fig, ax = plt.subplots(figsize=(4, 4), dpi=150)
    _, regions, scatter = plot_decision_boundary(lambda P: np.where(P[:, 0] + 0.3 * P[:, 1] < 0.1, 0, 2),
                                                 X, np.array([0, 2]), ax=ax)
    scatter.set_visible(False)
    ax.get_legend().set_visible(False)
    image = pixels(fig)
    x0, y0, x1, y1 = ax.bbox.extents
    height = fig.bbox.height
    inside = image[int(height - y1) + 3:int(height - y0) - 3, int(x0) + 3:int(x1) - 3].reshape(-1, 3)
    tints = np.array([region_rgb(0), region_rgb(2)])
    nearest = np.abs(inside[:, None, :] - tints[None]).max(axis=2).min(axis=1)
    off_tint = inside[nearest > 0.02]
    # what is neither tint is the boundary line: darker than both tints, never lighter
    assert len(off_tint) < 0.02 * len(inside)
    assert np.all(off_tint.mean(axis=1) < tints.mean(axis=1).max())
    assert not np.any(np.all(inside > 0.96, axis=1))  # no near-white pixel at all
    sliver = np.abs(inside - region_rgb(1)).max(axis=1) < 0.03
    assert not sliver.any()


# ------------------------------------------------------------------ the playground's figure

@pytest.fixture(scope="module")
def pg():
    return Playground(show_hinges=True, budget=False)


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
    X_test, _ = pg.session.data.held_out
    np.testing.assert_array_equal(fig.train_points.get_offsets(), X_train)
    np.testing.assert_array_equal(fig.held_out_points.get_offsets(), X_test)
    labels = [t.get_text() for t in fig.ax_boundary.get_legend().get_texts()]
    assert labels[:5] == ["class 0", "class 1", "class 2", "training point", "held-out point"]
    assert fig.ax_boundary.get_xlabel() == "$x_0$" and fig.ax_boundary.get_ylabel() == "$x_1$"
    assert fig.ax_loss.get_xlabel() == "iteration" and "loss" in fig.ax_loss.get_ylabel()
    loss_labels = [t.get_text() for t in fig.ax_loss.get_legend().get_texts()]
    assert loss_labels[:2] == ["training loss", "held-out loss"]
    train_curve, held_out_curve = pg.session.loss_curves()
    np.testing.assert_allclose(fig.train_line.get_ydata(), [loss for _, loss in train_curve])
    np.testing.assert_allclose(fig.held_out_line.get_ydata(), [loss for _, loss in held_out_curve])
    # held-out points are told apart by being hollow: white inside a ring of their class's colour
    np.testing.assert_allclose(fig.held_out_points.get_facecolor()[:, :3], 1.0)
    assert fig.held_out_points.get_path_effects()
    handles = fig.ax_boundary.get_legend().legend_handles
    assert [h.get_marker() for h in handles[:3]] == list(CLASS_MARKERS[:3])
    assert to_rgb(handles[4].get_markerfacecolor()) == (1, 1, 1)
    # the two loss curves: one colour, told apart by the line style
    assert fig.train_line.get_color() == fig.held_out_line.get_color()
    assert fig.train_line.get_linestyle() == "-" and fig.held_out_line.get_linestyle() == "--"


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
            np.testing.assert_allclose(image[r, c], region_rgb(k), atol=0.02)
            checked += 1
    assert checked >= 5
    # the scatter's colours and shapes are the classes' too
    faces = fig.train_points.to_rgba(fig.train_points.get_array())[:, :3]
    y_train = session.data.train[1]
    for k in range(3):
        np.testing.assert_allclose(faces[y_train == k], np.tile(class_rgb(k), (np.sum(y_train == k), 1)),
                                   atol=1e-6)
        first = np.flatnonzero(y_train == k)[0]
        np.testing.assert_array_equal(shape_of(fig.train_points.get_paths()[first]), class_shape(k))
    y_test = session.data.held_out[1]
    np.testing.assert_allclose(fig.held_out_points.get_edgecolor()[:, :3], [class_rgb(k) for k in y_test], atol=1e-6)


def test_playground_switches_hide_and_show(pg):
    pg.view["show_held_out"].value = False
    assert not pg.figure.held_out_points.get_visible()
    pg.view["show_held_out"].value = True
    assert pg.figure.held_out_points.get_visible()
    assert pg.figure.alive_hinges.get_visible()


def full_draw_and_frame(pg):
    """The playground's state drawn twice: by a figure that draws every artist with matplotlib at once
    (``fast=False``) and by the playground's own figure (a frame). Returns the two pictures (int RGBA)
    and a mask of the loss legend's box, where a frame's loss curves pass over the legend (it is part
    of the kept background) instead of under it."""
    view = {"show_held_out": pg.view["show_held_out"].value, "show_hinges": pg.view["show_hinges"].value}
    plain = PlaygroundFigure(fast=False)
    plain.update(pg.session, **view)
    pg.figure.update(pg.session, **view)
    full = np.asarray(plain.render()).astype(int)
    frame = np.asarray(pg.figure.render()).astype(int)
    x0, y0, x1, y1 = plain.ax_loss.get_legend().get_window_extent().extents
    height = plain.fig.bbox.height
    legend = np.zeros(full.shape[:2], dtype=bool)
    legend[int(height - y1):math.ceil(height - y0) + 1, int(x0):math.ceil(x1) + 1] = True
    return full, frame, legend


def assert_frame_is_full_draw(pg):
    full, frame, legend = full_draw_and_frame(pg)
    assert legend.mean() < 0.05
    differ = np.abs(frame - full).max(axis=2)[~legend]
    # the points are laid as one layer that Agg blends, where a full draw blends marker by marker: a
    # few edge pixels round differently. A missing or shifted point, region or line differs by far more.
    assert np.mean(differ > 3) < 0.001
    assert differ.max() <= 40


@pytest.mark.parametrize("settings", [{"show_held_out": True, "show_hinges": True, "num_iters": 200},
                                      {"show_held_out": False, "show_hinges": False, "num_iters": 200},
                                      {"num_iters": 50, "hidden_size": 200, "classes": 6, "points_per_class": 200}])
def test_playground_frame_equals_a_full_draw(settings):
    """A frame lays kept pixels of the background, the regions and the points instead of drawing
    those artists; the result must be what matplotlib draws with every artist, to within rounding."""
    pg = Playground(budget=False, **settings)
    assert_frame_is_full_draw(pg)
    assert pg.figure.held_out_points.get_visible() == settings.get("show_held_out", True)
    assert pg.figure.regions.get_visible() and pg.figure.train_points.get_visible()


def test_playground_frame_follows_each_change_as_a_full_draw_does():
    """What a frame keeps (background, regions' pixel map, points layer) is redrawn when it changes:
    a switch, an added point, the number of classes, points of one kind only, no regions."""
    pg = Playground(num_iters=100, budget=False)
    assert_frame_is_full_draw(pg)
    pg.view["show_held_out"].value = False
    assert_frame_is_full_draw(pg)
    pg.view["show_hinges"].value = True
    pg.session.add_point(1.2, -1.2, 2)
    assert_frame_is_full_draw(pg)
    pg.controls["classes"].value = 4
    pg.wait()
    assert_frame_is_full_draw(pg)
    press(pg.buttons["clear_points"])
    press(pg.buttons["empty_plane"])
    assert_frame_is_full_draw(pg)  # the message, no points
    assert not pg.figure.train_points.get_visible() and pg.figure.message.get_visible()
    pg.view["show_held_out"].value = True
    pg.session.add_point(0.5, 0.5, 1, held_out=True)
    assert_frame_is_full_draw(pg)  # a held-out point and no training point
    assert not pg.figure.train_points.get_visible() and pg.figure.held_out_points.get_visible()
    pg.controls["step_size"].value = pg.controls["step_size"].max
    pg.session.add_point(-0.5, -0.5, 0)
    pg.wait()
    assert_frame_is_full_draw(pg)


def test_playground_frame_differs_from_a_full_draw_where_a_point_is_missing():
    """The comparison above sees one point fewer (so it can fail)."""
    pg = Playground(num_iters=100, budget=False)
    full, frame, legend = full_draw_and_frame(pg)
    X, y = pg.session.data.train
    # as if the last training point, at the end of its arm (where no other point covers it), were not there
    pg.figure.train_points.set_offsets(X[:-1])
    pg.figure.train_points.set_paths(pg.figure.train_points.get_paths()[:-1])
    pg.figure.train_points.set_array(y[:-1].astype(float))
    without = np.asarray(pg.figure.render()).astype(int)
    differ = np.abs(without - full).max(axis=2)[~legend]
    assert differ.max() > 40 or np.mean(differ > 3) >= 0.001

"""What the decision-boundary figures contain: regions, points, legend, labels, mesh, colours and shapes.

Checked on the matplotlib artists and on the rendered pixels, against predictions
computed independently with ``helpers.predict``: a figure that loses its regions,
points, legend or labels, a coarser mesh, colours or marker shapes that stop matching
the classes, held-out points that look like training points, or seams between the
regions all fail here.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle

from helpers import course, predict
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

"""The playground's figure: decision regions, points and hinge lines on the left, the losses on the right.

This module owns the picture: the layout of the figure, the artists in it, how a session's
state sets them (``PlaygroundFigure.update``), how a frame is drawn (``render``) and encoded
(``png``, ``jpeg``), and the mapping between the picture's pixels and the plane
(``pixel_to_data``, ``data_to_pixel``) that a click uses.

One matplotlib ``Figure`` on an Agg canvas (never pyplot, so nothing leaks into the
notebook's outputs), made once and rendered to image bytes for an ``ipywidgets.Image``.

While training plays, most of the figure stays the same from frame to frame: the
axes, ticks, labels and legends. Those are drawn once into a background that is
kept as pixels; each frame restores it and draws only the artists that move (the
regions, the points, the hinge lines, the loss curves, the counter and the axes'
frames), which are marked ``animated``, in the order of their ``zorder`` as a full draw
would. The background is redrawn only when something in it changes: the number of
classes, the model, an axis range. The regions and the points, the slow part of a
frame, are laid from pixels kept by ``RegionsAndPoints``.

``PlaygroundFigure(fast=False)`` draws the same figure with nothing kept: every frame is one
``canvas.draw()`` of every artist. The tests compare the two. The one place where they
differ is the loss legend: in a frame it is part of the background, so the loss curves
pass over it instead of under it.
"""
import io
import math

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..plotting import (CLASS_CMAP, CLASS_NORM, HELD_OUT_LINESTYLE, HELD_OUT_RING, REGION_CMAP,
                        SETTING_COLOURS, TRAINING_EDGE, TRAINING_LINESTYLE, class_colour, class_handles,
                        held_out_effects, marker_paths, split_handles)
from ..models import predict
from .settings import MODEL_LABELS
from .state import divergence_cause

EXTENT = (-1.5, 1.5, -1.5, 1.5)  # the plane shown: the spiral's radius is at most 1
MESH_STEP = 0.03  # spacing of the mesh whose predicted classes colour the regions: 100 x 100 cells
FIGSIZE, DPI = (10.0, 4.4), 80  # 800 x 352 pixels
# Axes positions as fractions of the figure, fixed so that a click maps to the same point of the
# plane in every frame. The decision-region axes are square in pixels (0.80 * 352 = 0.352 * 800);
# its legend sits in the gap to its right.
BOUNDARY_RECT = (0.07, 0.11, 0.352, 0.80)
LOSS_RECT = (0.665, 0.11, 0.31, 0.80)
# Each class has its shape (helpers.plotting.CLASSES); training points are filled, held-out points hollow.
POINT_SIZE, HELD_OUT_SIZE = 22, 30  # a held-out point a little larger, so that its white centre shows
LOSS_COLOUR = SETTING_COLOURS[0]  # one run: the two loss curves share a colour, the line style tells them apart
# Drawing order, set explicitly so that a frame (background, then the moving artists by zorder) and a full
# draw stack the artists alike: regions (0) < hinge lines < points (1) < axes frame (2.5) < message (3);
# grid (1.5) < chance line < loss curves (2) < axes frame (2.5) < counter (3).
HINGE_ZORDER = 0.5
CHANCE_ZORDER = 1.9


def mesh(extent=EXTENT, spacing=MESH_STEP):
    """Cell centres covering ``extent``: ``(xx, yy)``, each (rows, cols), rows along x2."""
    x_min, x_max, y_min, y_max = extent
    xs = np.arange(x_min + spacing / 2, x_max, spacing)
    ys = np.arange(y_min + spacing / 2, y_max, spacing)
    return np.meshgrid(xs, ys)


def nice_ceiling(value, steps=(1, 2, 5)):
    """The smallest number of the form s * 10**k (s in ``steps``) that is >= ``value`` > 0."""
    exponent = math.floor(math.log10(value))
    for power in (exponent, exponent + 1):
        for s in steps:
            if s * 10.0 ** power >= value:
                return s * 10.0 ** power
    return 10.0 ** (exponent + 1)


class RegionsAndPoints:
    """Draws the decision regions and the points of one axes from pixels it keeps, through the renderer.

    Drawn by matplotlib, these are the slow part of a frame: Agg resamples the regions image, and strokes
    every marker (hundreds; each held-out one twice, for its outline). Here each is one
    ``renderer.draw_image`` of an RGBA array, which Agg copies (the opaque regions) or blends (the points)
    into the canvas. What it keeps:

    * the index map: for each pixel of the axes, the mesh cell that matplotlib's nearest-neighbour
      resampling takes there (the image fills the axes: its extent is their limits). It is read off
      matplotlib itself, which draws the regions image once with each cell's number as its colour: the
      rule differs between releases (3.11 takes the cell under the pixel's centre; 3.8 to 3.10 take its
      neighbour at about one pixel in five). Built for the axes' pixel box and the mesh's shape, and
      rebuilt by ``prepare`` when either changes. Each frame looks the classes up through it and colours
      them with the regions' colours: the image's colormap, opaque, as matplotlib draws the image
      (extended when a class above the highest so far appears).
    * the points layer: the visible scatters drawn once on a transparent canvas, kept as their RGBA pixels
      (cropped to the box they cover). Rebuilt by ``prepare`` when the points' positions, classes
      (colours and shapes) or visibility, or the axes' pixel box, change.
    """

    def __init__(self, canvas, ax, regions, scatters):
        self.canvas = canvas  # the FigureCanvasAgg drawn into
        self.ax = ax  # the axes of the regions and the points
        self.regions = regions  # the AxesImage whose array holds the class of each mesh cell
        self.scatters = tuple(scatters)  # the PathCollections laid as one layer, in this order
        self._index_key = None  # (axes pixel box, mesh shape) that the index map was built for
        self._index = None  # (rows, cols) intp: flat mesh cell under each pixel of the box, bottom row first
        self._regions_out = None  # (rows, cols) uint32: one RGBA pixel a word, refilled each frame
        self._regions_at = None  # display (x, y) of the box's bottom-left pixel
        self._colours = np.zeros(0, dtype=np.uint32)  # class k's region colour, one opaque RGBA pixel a word
        self._points_key = None  # what the points looked like when their layer was drawn
        self._points_rgba = None  # (h, w, 4) uint8, straight alpha, bottom row first; None: no point shown
        self._points_at = None  # display (x, y) of the layer's bottom-left pixel

    def prepare(self):
        """Rebuild the index map if the axes' pixel box or the mesh changed, and redraw the points layer if
        the points changed. Both draw on the canvas, so call it before the frame's background is restored."""
        if self.regions.get_visible():
            self._build_index(np.shape(self.regions.get_array()))
        key = (tuple(self.ax.bbox.extents),) + tuple(
            (s.get_visible(), np.asarray(s.get_offsets()).tobytes(),
             None if s.get_array() is None else np.asarray(s.get_array()).tobytes(),
             np.asarray(s.get_edgecolor()).tobytes()) for s in self.scatters)
        if key == self._points_key:
            return
        renderer = self.canvas.get_renderer()
        renderer.clear()  # all transparent
        for scatter in self.scatters:
            if scatter.get_visible():
                self.ax.draw_artist(scatter)
        layer = np.asarray(self.canvas.buffer_rgba())
        covered = layer[..., 3] > 0
        rows, cols = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
        if len(rows):
            box = layer[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
            self._points_rgba = np.ascontiguousarray(box[::-1])  # draw_image takes the bottom row first
            self._points_at = (int(cols[0]), layer.shape[0] - 1 - int(rows[-1]))
        else:
            self._points_rgba = None
        self._points_key = key

    def draw_points(self, renderer):
        """Lay the points layer over what is drawn (Agg blends it: colour * alpha + below * (1 - alpha))."""
        if self._points_rgba is not None:
            gc = renderer.new_gc()
            renderer.draw_image(gc, *self._points_at, self._points_rgba)
            gc.restore()

    def draw_regions(self, renderer):
        """Draw the regions: each pixel of the axes takes its mesh cell's region colour, opaque."""
        classes = np.asarray(self.regions.get_array())
        if classes.max() >= len(self._colours):
            lut = np.round(255 * self.regions.to_rgba(np.arange(int(classes.max()) + 1))).astype(np.uint8)
            lut[:, 3] = 255
            self._colours = lut.view(np.uint32)[:, 0].copy()
        np.take(self._colours, classes.ravel().take(self._index), out=self._regions_out)
        gc = renderer.new_gc()
        renderer.draw_image(gc, *self._regions_at, self._regions_out.view(np.uint8).reshape(self._index.shape + (4,)))
        gc.restore()

    def _build_index(self, shape):
        """The index map for the axes' current pixel box and a mesh of ``shape``, unless it is already built:
        matplotlib draws the regions image with each mesh cell's number as its colour (red + 256 green +
        65536 blue), and the map is what it drew, bottom row first."""
        x0, y0, x1, y1 = self.ax.bbox.extents
        if self._index_key == ((x0, y0, x1, y1), shape):
            return
        cells = np.arange(shape[0] * shape[1]).reshape(shape)
        numbers = np.stack([cells & 255, cells >> 8 & 255, cells >> 16 & 255, np.full(shape, 255)], axis=-1)
        classes = self.regions.get_array()
        renderer = self.canvas.get_renderer()
        renderer.clear()
        self.regions.set_data(numbers.astype(np.uint8))
        try:
            self.ax.draw_artist(self.regions)
        finally:
            self.regions.set_data(classes)
        drawn = np.asarray(self.canvas.buffer_rgba())
        covered = drawn[..., 3] == 255
        rows, cols = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
        box = drawn[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1][::-1].astype(np.intp)
        self._index = box[..., 0] | box[..., 1] << 8 | box[..., 2] << 16
        self._regions_out = np.empty(self._index.shape, dtype=np.uint32)
        self._regions_at = (int(cols[0]), drawn.shape[0] - 1 - int(rows[-1]))
        self._index_key = ((x0, y0, x1, y1), shape)


class PlaygroundFigure:
    """The playground's figure; ``update(session, ...)`` then ``png()`` or ``jpeg()``.

    extent : (x_min, x_max, y_min, y_max) of the plane shown. mesh_step : spacing of the
    mesh of predicted classes. fast : keep the background and lay the regions and points from
    kept pixels (``RegionsAndPoints``); False: draw every artist with matplotlib at every frame.
    """

    def __init__(self, *, extent=EXTENT, mesh_step=MESH_STEP, figsize=FIGSIZE, dpi=DPI, fast=True):
        self.extent = tuple(extent)
        self.xx, self.yy = mesh(self.extent, mesh_step)  # the mesh's cell centres, (rows, cols) each
        self.mesh_points = np.c_[self.xx.ravel(), self.yy.ravel()]  # the same, one (x1, x2) a row
        self.fast = fast
        self.fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_boundary = self.fig.add_axes(BOUNDARY_RECT)
        self.ax_loss = self.fig.add_axes(LOSS_RECT)
        self._background = None  # fast: the canvas's pixels without the animated artists, from copy_from_bbox
        self._layout_key = None  # what the legends, titles and axis ranges were last set for
        self.full_draws = 0  # how many times the whole figure was drawn: the background, or a frame if not fast
        self.K = None  # the number of classes the legends show
        animated = fast  # the artists that change from frame to frame, and the axes' frames drawn over them

        ax = self.ax_boundary
        self.regions = ax.imshow(np.zeros(self.xx.shape), origin="lower", extent=self.extent, cmap=REGION_CMAP,
                                 norm=CLASS_NORM, interpolation="nearest", aspect="equal", animated=animated)
        self.alive_hinges = LineCollection([], colors="black", linewidths=0.7, alpha=0.45, zorder=HINGE_ZORDER,
                                           animated=animated)
        self.dead_hinges = LineCollection([], colors="dimgrey", linewidths=0.7, linestyles="dashed", alpha=0.45,
                                          zorder=HINGE_ZORDER, animated=animated)
        ax.add_collection(self.alive_hinges)
        ax.add_collection(self.dead_hinges)
        self.train_points = ax.scatter([], [], s=POINT_SIZE, edgecolors="black", linewidths=TRAINING_EDGE,
                                       animated=animated)
        self.train_points.set_cmap(CLASS_CMAP)  # class k's colour, whatever the number of classes
        self.train_points.set_norm(CLASS_NORM)
        self.held_out_points = ax.scatter([], [], s=HELD_OUT_SIZE, facecolors="white", edgecolors="black",
                                      linewidths=HELD_OUT_RING, path_effects=held_out_effects(), animated=animated)
        self.message = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=11,
                               color="darkred", animated=animated,
                               bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "darkred", "alpha": 0.95})
        ax.set(xlabel="$x_0$", ylabel="$x_1$", xlim=self.extent[:2], ylim=self.extent[2:])

        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], color=LOSS_COLOUR, linewidth=1.6, linestyle=TRAINING_LINESTYLE,
                                     animated=animated)
        (self.held_out_line,) = ax.plot([], [], color=LOSS_COLOUR, linewidth=1.6, linestyle=HELD_OUT_LINESTYLE,
                                    animated=animated)
        self.chance_line = ax.axhline(math.log(3), color="grey", linestyle=":", zorder=CHANCE_ZORDER)
        self.stop_line = ax.axvline(0, color="darkred", linestyle="--", animated=animated)
        self.counter = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=12,
                               fontweight="bold", animated=animated)
        ax.set(xlabel="iteration", ylabel="loss (cross-entropy)")
        ax.grid(alpha=0.3)
        for spine in [*self.ax_boundary.spines.values(), *self.ax_loss.spines.values()]:
            spine.set_animated(animated)
        # fast: draws the regions and the points of each frame
        self.regions_and_points = (RegionsAndPoints(self.fig.canvas, self.ax_boundary, self.regions,
                                                    (self.train_points, self.held_out_points)) if fast else None)

    # ----------------------------------------------------------------- geometry

    def pixel_to_data(self, px, py):
        """The plane's (x1, x2) under pixel (px, py) of the PNG (origin top left); ``None`` off the plot."""
        height = self.fig.bbox.height
        display = (px, height - py)
        if not self.ax_boundary.bbox.contains(*display):
            return None
        x1, x2 = self.ax_boundary.transData.inverted().transform(display)
        return float(x1), float(x2)

    def data_to_pixel(self, x1, x2):
        """The PNG pixel (px, py) (origin top left) where the plane's point (x1, x2) is drawn."""
        x, y = self.ax_boundary.transData.transform((x1, x2))
        return float(x), float(self.fig.bbox.height - y)

    # ----------------------------------------------------------------- drawing

    def mesh_classes(self, params):
        """The predicted class at every mesh cell, (rows, cols) (``helpers.models.predict``, in cache-sized chunks)."""
        return predict(params, self.mesh_points).reshape(self.xx.shape)

    def update(self, session, *, show_held_out=True, show_hinges=False):
        """Show the session's current state: regions, points, hinge lines, losses."""
        s, data, K = session.settings, session.data, session.data.K
        diverged = session.diverged

        # left: the regions (or why there are none), the hinge lines and the points
        if diverged is None:
            self.regions.set_data(self.mesh_classes(session.params))
            self.message.set_text("" if len(data.train[1]) else
                                  "Click to add points\n(shift-click: a held-out point)")
        else:
            self.message.set_text(f"Training diverged at iteration {diverged.iteration}\n"
                                  f"({divergence_cause(s)}).\n\nSet a smaller step size: releasing\n"
                                  "the slider trains again from the start.")
        self.regions.set_visible(diverged is None)
        self.message.set_visible(bool(self.message.get_text()))
        hinges = session.hinges(self.extent) if show_hinges else None
        if hinges is not None:
            segments, dead = hinges
            drawn = ~np.isnan(segments[:, 0, 0])
            self.alive_hinges.set_segments(list(segments[drawn & ~dead]))
            self.dead_hinges.set_segments(list(segments[drawn & dead]))
        for collection in (self.alive_hinges, self.dead_hinges):
            collection.set_visible(hinges is not None)
        for scatter, (X, y), visible in ((self.train_points, data.train, True),
                                         (self.held_out_points, data.held_out, show_held_out)):
            scatter.set_offsets(X if len(y) else np.zeros((0, 2)))
            scatter.set_paths(marker_paths(y))
            if scatter is self.train_points:  # filled with the class's colour
                scatter.set_array(y.astype(float))
            else:  # hollow: a ring of the class's colour
                scatter.set_edgecolor([to_rgb(class_colour(k)) for k in y] or "black")
            scatter.set_visible(visible and len(y) > 0)

        # right: the training and held-out losses, and the iteration counter
        history = session.shown_history()
        iterations = [h.iteration for h in history]
        train_losses = [h.train_loss for h in history if h.train_loss is not None]
        held_out_losses = [h.held_out_loss for h in history if h.held_out_loss is not None]
        self.train_line.set_data(iterations[:len(train_losses)], train_losses)
        self.held_out_line.set_data(iterations[:len(held_out_losses)], held_out_losses)
        self.held_out_line.set_visible(bool(held_out_losses))
        self.stop_line.set_xdata([diverged.iteration] * 2 if diverged else [0, 0])
        self.stop_line.set_visible(diverged is not None)
        self.counter.set_text(f"iteration {session.iteration}"
                              + (f" of {session.target}" if session.catching_up else ""))

        x_max = nice_ceiling(max(100, session.iteration, s["num_iters"]))
        y_max = math.ceil(1.1 * max([math.log(K)] + train_losses + held_out_losses) / 0.5) * 0.5
        if diverged:  # the last losses shoot off the scale: show the run up to the blow-up, at a readable scale
            y_max = min(y_max, math.ceil(3 * math.log(K)))
            x_max = nice_ceiling(max(10, 1.2 * diverged.iteration))
        title = MODEL_LABELS[s["model"]] + (f" (H = {s['hidden_size']})" if s["model"] == "2-layer" else "")
        layout_key = (K, title, x_max, y_max, bool(held_out_losses), hinges is not None, diverged is not None)
        if layout_key != self._layout_key:
            self._set_layout(K, title, x_max, y_max, bool(held_out_losses), hinges is not None, diverged)
            self._layout_key = layout_key

    def _set_layout(self, K, title, x_max, y_max, has_held_out, has_hinges, diverged):
        """Set what stays the same between frames (titles, legends, axis ranges); fast: draw it and keep
        it as pixels, the background of the frames."""
        training, held_out = split_handles(markersize=6)
        handles = class_handles(K) + [training] + ([held_out] if has_held_out else [])
        if has_hinges:
            handles += [Line2D([], [], color="black", alpha=0.55, label="a unit turns on"),
                        Line2D([], [], color="dimgrey", linestyle="--", alpha=0.55, label="dead unit")]
        self.ax_boundary.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                                borderaxespad=0)
        self.ax_boundary.set_title(("Diverged: " if diverged else "Decision regions: ") + title,
                                   color="darkred" if diverged else "black")

        ax = self.ax_loss
        chance = math.log(K)
        self.chance_line.set_ydata([chance, chance])
        loss_handles = [Line2D([], [], color=LOSS_COLOUR, linewidth=1.6, linestyle=TRAINING_LINESTYLE,
                               label="training loss")]
        if has_held_out:
            loss_handles.append(Line2D([], [], color=LOSS_COLOUR, linewidth=1.6, linestyle=HELD_OUT_LINESTYLE,
                                       label="held-out loss"))
        loss_handles.append(Line2D([], [], color="grey", linestyle=":", label=f"chance, ln {K} = {chance:.3f}"))
        if diverged:
            loss_handles.append(Line2D([], [], color="darkred", linestyle="--", label="training diverged"))
        ax.legend(handles=loss_handles, loc="lower left", fontsize="small")
        ax.set_xlim(0, x_max)
        ax.set_ylim(0, y_max)
        ax.set_title("Loss on the data (no L2 term)")
        self.K = K

        if self.fast:
            canvas = self.fig.canvas
            canvas.draw()  # draws everything but the animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1

    def animated_artists(self):
        """The artists that a frame draws over the kept background (fast mode), in the order drawn:
        each axes' animated artists by zorder, as ``Axes.draw`` orders them. Empty if not fast."""
        return [artist for ax in (self.ax_boundary, self.ax_loss)
                for artist in sorted((a for a in ax.get_children() if a.get_animated()), key=lambda a: a.get_zorder())]

    def render(self):
        """Draw the frame into the canvas and return it as a PIL image (RGBA) sharing the canvas's pixels.

        Fast: the kept background, then the animated artists, the regions and the points laid from the
        pixels that ``regions_and_points`` keeps. Otherwise one ``canvas.draw()`` of every artist."""
        canvas = self.fig.canvas
        if not self.fast:
            canvas.draw()
            self.full_draws += 1
        else:
            layers = self.regions_and_points
            layers.prepare()
            canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            points_drawn = False
            for artist in self.animated_artists():
                if not artist.get_visible():
                    continue
                if artist is self.regions:
                    layers.draw_regions(renderer)
                elif artist in layers.scatters:  # one layer for all of them, at the first one's turn
                    if not points_drawn:
                        layers.draw_points(renderer)
                    points_drawn = True
                else:
                    artist.axes.draw_artist(artist)
        return PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def png(self):
        """The frame as PNG bytes, lightly compressed: sharp, for a figure at rest."""
        buf = io.BytesIO()
        self.render().save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def jpeg(self):
        """The frame as JPEG bytes (quality 85, no chroma subsampling): several times faster to encode
        than PNG, for the frames of a running animation."""
        buf = io.BytesIO()
        self.render().convert("RGB").save(buf, format="jpeg", quality=85, subsampling=0)
        return buf.getvalue()

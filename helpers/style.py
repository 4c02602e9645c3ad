"""How the series draws things, in one table: the classes' colours and shapes, point sizes, hinge lines, loss curves.

Matplotlib's figures (``helpers.plotting``) and the playground's browser front end
(``as_dict()``, sent to it as JSON) both read these values, so that a class, a held-out
point or a dead unit looks the same everywhere. Plain Python: no Matplotlib, no NumPy.

Sizes are in typographic points (1/72 inch; a CSS pixel is 3/4 of a point); a dash pattern is its
on and off lengths in multiples of the line's width, as Matplotlib scales its own. Every class has a
colour from Okabe and Ito's colour-blind-safe palette, a lighter tint of it for its decision
region, and a marker shape, so that classes can be told apart without colour too. Training
points are filled; held-out points are hollow (white inside a ring of the class's colour, with a
black outline). The colours are measured in tests/test_colours.py: under normal vision, simulated
protanopia, deuteranopia and tritanopia, and in greyscale.
"""
from dataclasses import dataclass

REGION_TINT = 0.3  # a decision region's colour: this share of its class's colour, the rest white


def _tint(colour, share):
    """The hex colour ``share`` of the way from white to ``colour`` (hex "#rrggbb")."""
    rgb = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 * (share * c + (1 - share))):02x}" for c in rgb)


@dataclass(frozen=True)
class ClassStyle:
    """How one class is drawn: ``name`` is the colour's name as the text calls it, ``colour``
    (hex) fills its points and draws its lines, ``region`` (hex) fills its decision region,
    ``marker`` is its Matplotlib marker code (the browser draws the same shapes)."""
    name: str
    colour: str
    marker: str

    @property
    def region(self):
        return _tint(self.colour, REGION_TINT)


# Classes 0-2 are the course's red, yellow and blue, in the order matplotlib's Spectral gave them
# before (dark red, pale yellow, purple-blue), as on the CS231n page. Red is Okabe and Ito's
# vermillion. Their yellow, #F0E442, is too light on white and on its own region; #F0C020 lies
# between it and their orange. Their blue, #0072B2, is darkened to #005A9C so that the three also
# differ in lightness (J' 59, 83, 38) and stay apart in greyscale. Classes 3-5 appear only in the
# playground (up to 6 classes), where the marker shapes carry more of the difference. Measured
# in tests/test_colours.py (run it as a script for the table).
CLASSES = (
    ClassStyle("vermillion", "#D55E00", "o"),
    ClassStyle("yellow", "#F0C020", "^"),
    ClassStyle("blue", "#005A9C", "D"),
    ClassStyle("sky blue", "#56B4E9", "v"),
    ClassStyle("bluish green", "#009E73", "s"),
    ClassStyle("reddish purple", "#CC79A7", "P"),
)
MAX_CLASSES = len(CLASSES)
CLASS_COLOURS = tuple(c.colour for c in CLASSES)
REGION_COLOURS = tuple(c.region for c in CLASSES)
CLASS_MARKERS = tuple(c.marker for c in CLASSES)

# Points: Matplotlib's scatter size, the square of a circle's diameter; the other shapes are scaled
# between the circle's size and its area (helpers.plotting.MARKER_SCALE).
POINT_SIZE = 40
TRAINING_EDGE = 0.4  # black edge of a filled (training) marker
HELD_OUT_RING, HELD_OUT_OUTLINE = 1.6, 2.8  # a hollow (held-out) marker: its coloured ring, and the black one under it
BOUNDARY_COLOUR, BOUNDARY_WIDTH = "#333333", 0.7  # the thin line where the predicted class changes

# Where a hidden unit switches on: solid for a live unit, dashed for a dead one.
HINGE = {"colour": "#000000", "dead_colour": "#696969", "width": 0.7, "alpha": 0.5,
         "dead_dash": (3.7, 1.6)}  # Matplotlib's "--"

# Loss curves: the line style tells the data apart (training solid, held out dashed); the colour
# tells the runs or settings apart, from SETTING_COLOURS: near-black, then colours that none of
# the course's three classes has (they are the playground's classes 3-5, never on a loss plot).
TRAINING_LINESTYLE, HELD_OUT_LINESTYLE = "-", "--"
SETTING_COLOURS = ("#222222", "#CC79A7", "#009E73", "#56B4E9")
LOSS_WIDTH = 1.6
HELD_OUT_DASH = (3.7, 1.6)  # Matplotlib's "--"
# the loss of guessing every class equally, ln K, dotted (Matplotlib's ":")
CHANCE = {"colour": "#808080", "width": 1.0, "dash": (1.0, 1.65)}

TEXT_COLOUR = "#000000"
DIVERGENCE_COLOUR = "#8B0000"  # what says that training diverged (dark red: 10:1 on white)


def as_dict():
    """The table as plain JSON-ready values, for the playground's browser front end."""
    return {
        "classes": [{"name": c.name, "colour": c.colour, "region": c.region, "marker": c.marker} for c in CLASSES],
        "marker_diameter_pt": POINT_SIZE ** 0.5,
        "training_edge_pt": TRAINING_EDGE,
        "held_out_ring_pt": HELD_OUT_RING,
        "held_out_outline_pt": HELD_OUT_OUTLINE,
        "boundary": {"colour": BOUNDARY_COLOUR, "width_pt": BOUNDARY_WIDTH},
        "hinge": {"colour": HINGE["colour"], "width_pt": HINGE["width"], "alpha": HINGE["alpha"],
                  "dead_colour": HINGE["dead_colour"], "dead_dash": list(HINGE["dead_dash"])},
        "loss": {"colour": SETTING_COLOURS[0], "width_pt": LOSS_WIDTH, "training_dash": [],
                 "held_out_dash": list(HELD_OUT_DASH), "chance_colour": CHANCE["colour"],
                 "chance_width_pt": CHANCE["width"], "chance_dash": list(CHANCE["dash"])},
        "text_colour": TEXT_COLOUR,
        "divergence_colour": DIVERGENCE_COLOUR,
    }

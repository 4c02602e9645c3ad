"""Can everyone tell the classes apart? The class colours, measured with colorspacious.

Distances are CAM02-UCS ΔE (Luo et al. 2006), a space where equal distances look about
equally different; J' is its lightness (0 black, 100 white). Colour-vision deficiency is
simulated with Machado et al.'s model at severity 100, i.e. protanopia, deuteranopia and
tritanopia, the strongest forms (``cspace_convert(rgb, {"name": "sRGB1+CVD", ...}, "sRGB1")``).

The thresholds, and why:

* MARKER_DE = 20, between any two of the course's three class colours, in normal vision and
  under each simulated dichromacy. About 1 ΔE is just noticeable between two large patches
  side by side; a point is a few pixels across, among others, so it needs many times that.
  20 is the usual rule of thumb for small markers that must be told apart at a glance.
* GREY_DJ = 15, the lightness difference J' between any two of those three, so that they stay
  apart in greyscale (a black-and-white printout, or a reader who sees no hue at all).
* WHITE_DE = 20, each of the six colours against the white page, in all four visions:
  the probability curves of notebook 2 are lines of these colours on white.
* OWN_REGION_DE = 15, each colour against its own region's tint, in all four visions: a point
  in the region of its own class must not vanish into it. (The markers also have a black edge.)
* ALL_NORMAL_DE = 20 and ALL_CVD_DE = 12, between any two of all six colours (the playground
  draws up to six classes): 20 in normal vision; under the dichromacies six colours cannot all
  be 20 apart, so 12 there, and the marker shapes (each class has its own) carry the rest.
* REGION_DE = 5, between the region tints of the three classes, in all four visions: large
  patches side by side, and a dark line is drawn along every boundary as well.

The old palette (matplotlib's Spectral, as drawn with 3 classes, regions at alpha 0.8) must
fail these checks, and does: its class 1, #ffffbf, nearly vanishes on white and on its own
region, and classes 0 and 2 have almost the same lightness.

Run ``python tests/test_colours.py`` for the table of all the measures, old and new.
"""
import itertools

import matplotlib.pyplot as plt
import numpy as np
from colorspacious import cspace_convert
from matplotlib.colors import to_hex, to_rgb

from helpers.plotting import CLASS_COLOURS, MAX_CLASSES, PUSH_CMAP, REGION_COLOURS

MARKER_DE, GREY_DJ, WHITE_DE, OWN_REGION_DE = 20, 15, 20, 15
ALL_NORMAL_DE, ALL_CVD_DE, REGION_DE = 20, 12, 5
VISIONS = {"normal": None, "protanopia": "protanomaly", "deuteranopia": "deuteranomaly",
           "tritanopia": "tritanomaly"}
WHITE = "#ffffff"

OLD_ALPHA = 0.8  # the old regions: the class colour at alpha 0.8 over the white axes
OLD_COLOURS = tuple(to_hex(plt.cm.Spectral(t)) for t in (0.0, 0.5, 1.0))  # Spectral with K = 3
OLD_REGIONS = tuple(to_hex(OLD_ALPHA * np.array(to_rgb(c)) + (1 - OLD_ALPHA)) for c in OLD_COLOURS)


def seen(colour, vision):
    """sRGB (0-1) of ``colour`` as seen with ``vision`` (a key of VISIONS)."""
    rgb = np.array(to_rgb(colour))
    if VISIONS[vision] is None:
        return rgb
    simulated = cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": VISIONS[vision], "severity": 100}, "sRGB1")
    return np.clip(simulated, 0, 1)


def delta_e(a, b, vision="normal"):
    """CAM02-UCS distance between colours a and b as seen with ``vision``."""
    ucs = cspace_convert(np.array([seen(a, vision), seen(b, vision)]), "sRGB1", "CAM02-UCS")
    return float(np.linalg.norm(ucs[0] - ucs[1]))


def lightness(colour):
    """CAM02-UCS J' of ``colour``."""
    return float(cspace_convert(np.array(to_rgb(colour)), "sRGB1", "CAM02-UCS")[0])


def problems(colours, regions, course_classes=3):
    """Every way the palette ``colours`` (with its region tints ``regions``) misses a threshold."""
    found = []
    n = len(colours)
    for i, j in itertools.combinations(range(n), 2):
        for vision in VISIONS:
            d = delta_e(colours[i], colours[j], vision)
            course = j < course_classes
            limit = MARKER_DE if course else (ALL_NORMAL_DE if vision == "normal" else ALL_CVD_DE)
            if d < limit:
                found.append(f"classes {i} and {j}, {vision}: ΔE {d:.1f} < {limit}")
            if course:
                r = delta_e(regions[i], regions[j], vision)
                if r < REGION_DE:
                    found.append(f"regions {i} and {j}, {vision}: ΔE {r:.1f} < {REGION_DE}")
        if j < course_classes:
            dj = abs(lightness(colours[i]) - lightness(colours[j]))
            if dj < GREY_DJ:
                found.append(f"classes {i} and {j}, greyscale: ΔJ' {dj:.1f} < {GREY_DJ}")
    for k in range(n):
        for vision in VISIONS:
            w = delta_e(colours[k], WHITE, vision)
            if w < WHITE_DE:
                found.append(f"class {k} on white, {vision}: ΔE {w:.1f} < {WHITE_DE}")
            o = delta_e(colours[k], regions[k], vision)
            if o < OWN_REGION_DE:
                found.append(f"class {k} on its own region, {vision}: ΔE {o:.1f} < {OWN_REGION_DE}")
    return found


def test_the_class_colours_can_be_told_apart_in_every_vision_and_in_greyscale():
    assert len(CLASS_COLOURS) == len(REGION_COLOURS) == MAX_CLASSES == 6
    assert problems(CLASS_COLOURS, REGION_COLOURS) == []


def test_the_old_spectral_palette_fails_the_same_checks():
    """The measure must be able to fail: it does on the colours the figures had before."""
    found = problems(OLD_COLOURS, OLD_REGIONS)
    assert any(p.startswith("class 1 on white, tritanopia") for p in found), found
    assert any(p.startswith("class 1 on its own region, normal") for p in found), found
    assert any(p.startswith("classes 0 and 2, greyscale") for p in found), found


def test_the_regions_are_lighter_tints_of_the_class_colours():
    for colour, region in zip(CLASS_COLOURS, REGION_COLOURS):
        assert lightness(region) > lightness(colour) + 5
        # the same hue: mixing with white in sRGB turns it by at most 15 degrees (measured: 4-15)
        ucs = cspace_convert(np.array([to_rgb(colour), to_rgb(region)]), "sRGB1", "CAM02-UCS")
        hue = np.degrees(np.arctan2(ucs[:, 2], ucs[:, 1]))
        assert abs((hue[1] - hue[0] + 180) % 360 - 180) < 16


def test_the_push_maps_centre_is_white_enough_to_call_white():
    """Notebook 3 says that points left alone are white: the diverging map's centre must be within
    a just-noticeable-ish distance of white (coolwarm's grey centre was not)."""
    assert delta_e(to_hex(PUSH_CMAP(0.5)), WHITE) < 3
    assert delta_e(to_hex(plt.cm.coolwarm(0.5)), WHITE) > 10


# --------------------------------------------------------------------------- the table

def table():
    """The measures, old palette and new, as text."""
    lines = []

    def section(name, colours, regions):
        lines.append(f"\n{name}: " + ", ".join(f"{k} {c}" for k, c in enumerate(colours)))
        lines.append("  J': " + ", ".join(f"{k} {lightness(c):.1f}" for k, c in enumerate(colours)))
        grey_heading = "grey ΔJ'"
        lines.append(f"  {'pair':<10}" + "".join(f"{v:>14}" for v in VISIONS)
                     + f"{grey_heading:>10}{'regions min':>13}")
        for i, j in itertools.combinations(range(len(colours)), 2):
            cells = "".join(f"{delta_e(colours[i], colours[j], v):14.1f}" for v in VISIONS)
            grey = abs(lightness(colours[i]) - lightness(colours[j]))
            region = min(delta_e(regions[i], regions[j], v) for v in VISIONS)
            lines.append(f"  {f'{i}-{j}':<10}{cells}{grey:10.1f}{region:13.1f}")
        for label, other in (("on white", lambda k: WHITE), ("own region", lambda k: regions[k])):
            for k in range(len(colours)):
                cells = "".join(f"{delta_e(colours[k], other(k), v):14.1f}" for v in VISIONS)
                lines.append(f"  {f'{k} {label}':<10}{cells}")

    section("old: Spectral, K = 3, regions at alpha 0.8", OLD_COLOURS, OLD_REGIONS)
    section("new: helpers.plotting.CLASSES, regions = REGION_COLOURS", CLASS_COLOURS, REGION_COLOURS)
    lines.append(f"\npush map centre vs white: coolwarm {to_hex(plt.cm.coolwarm(0.5))} "
                 f"ΔE {delta_e(to_hex(plt.cm.coolwarm(0.5)), WHITE):.1f}; "
                 f"{PUSH_CMAP.name} {to_hex(PUSH_CMAP(0.5))} ΔE {delta_e(to_hex(PUSH_CMAP(0.5)), WHITE):.1f}")
    lines.append("\nold palette misses:\n  " + "\n  ".join(problems(OLD_COLOURS, OLD_REGIONS)))
    return "\n".join(lines)


def test_the_table_has_both_palettes():
    text = table()
    assert "old palette misses" in text and CLASS_COLOURS[0] in text


if __name__ == "__main__":
    print(table())

"""The colours book/static/book.css sets over JupyterLab's export template reach WCAG AA's 4.5:1.

No page of the book shows an error today, so axe-core (tests/book/test_accessibility.py) sees no
console colour: this checks every one the stylesheet sets, against the backgrounds it is drawn on.
"""
import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "book" / "static" / "book.css"
CODE_BACKGROUND = "#f5f5f5"  # --jp-cell-editor-background: the syntax colours are drawn on it
OUTPUT_BACKGROUNDS = ("#ffffff", "#ffdddd")  # an output's white, an error's pink (--jp-rendermime-error-background)
AA = 4.5


def luminance(colour):
    """WCAG's relative luminance of a '#rrggbb' or '#rgb' colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG's contrast ratio of two colours, >= 1."""
    low, high = sorted([luminance(a), luminance(b)])
    return (high + 0.05) / (low + 0.05)


def test_contrast_of_a_known_pair():
    assert contrast("#b0b0b0", "#ffffff") == pytest.approx(2.16, abs=0.01)  # the template's own prompts


def test_the_syntax_colours_reach_aa_on_the_code_background():
    syntax = dict(re.findall(r"--jp-mirror-editor-([a-z0-9-]+)-color:\s*(#[0-9a-f]{3,6})", CSS.read_text()))
    assert len(syntax) >= 4, syntax
    low = {name: round(contrast(c, CODE_BACKGROUND), 2) for name, c in syntax.items()
           if contrast(c, CODE_BACKGROUND) < AA}
    assert low == {}


def test_the_console_colours_reach_aa_on_outputs_and_errors():
    ansi = dict(re.findall(r"\.(ansi-[a-z-]+-fg)\s*\{\s*color:\s*(#[0-9a-f]{3,6})", CSS.read_text()))
    assert len(ansi) >= 8, ansi
    low = {(name, bg): round(contrast(c, bg), 2) for name, c in ansi.items() for bg in OUTPUT_BACKGROUNDS
           if contrast(c, bg) < AA}
    assert low == {}

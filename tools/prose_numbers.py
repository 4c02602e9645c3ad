"""Every decimal number in a notebook's markdown is a course constant, printed by the notebook, or allowed.

    python tools/prose_numbers.py [notebooks/*.ipynb]      (tests/test_prose_numbers.py runs it in make test)

nbval checks what a notebook prints, never its markdown. A number quoted in prose
can drift from what the code computes, or record one machine's rounding. So each
number written in a markdown cell must be one of:

(a) a course constant, from ``course_constants()``: the course's settings, read from
    ``helpers`` (step size, reg, the weight scale, the angle noise, the mesh spacing,
    the finite-difference step, the relative error's floor, the sizes and iteration
    counts) and the course's printed losses and
    accuracies (``helpers.course``, which the notebooks check against the run);
(b) printed by a code cell of the same notebook, in the saved outputs nbval compares;
(c) an entry of the allow-list, ``tests/prose_numbers_allowed.toml``, which names
    the notebook, the number, the words around it and the reason it holds.

What counts as a number (``find_numbers``):

* decimals: ``0.49``, ``.5``, ``3.16``, ``-0.015`` (a minus sign directly before a
  number, not after a digit or a letter, belongs to it); each end of a range
  ("0.6 to 0.8", "0.6-0.8") is a number of its own;
* e-notation and powers of ten, wherever written: ``1e-3``, ``2.5e-4``, ``10⁻²``,
  ``10⁴``, ``$10^{-3}$``, ``$2.5 \\cdot 10^{-5}$``, ``2.5 × 10⁻⁵``; LaTeX and inline
  code count like plain text;
* integers written without a decimal point or an exponent (100, 300, 10000, 63%) are
  left out: counts and sizes, whose mistakes a reader sees; written as powers
  (``10⁴``, ``1e4``) they count. Version-like strings (``3.10.2``), numbers glued to
  letters (``W2``, ``x0.5``), colours (``#1E88E5``), URLs, link targets and HTML tags
  are not numbers.

How a number matches: a prose number ``q`` stands for every value that rounds to it at its
last written digit, its *quantum* (0.49: 0.01; 2.5e-4: 1e-5; 10⁻³: 1e-3; ``Number.rounds_to``).
The sign counts, and a zero matches only zero.

* A printed number ``p`` matches ``q`` when every value ``p`` can stand for (``p`` give or
  take half its own quantum) rounds to ``q`` (``Number.backed_by``): printed 0.244925 backs
  "0.245" and "0.24"; printed 0.245 backs neither "0.24" nor "0.25"; printed 0.2 does not
  back "0.20", which claims a digit the output does not show. The printed text is first passed
  through nbval's own sanitizing rules (``tests/nbval_sanitize.cfg``), so that a digit
  nbval masks ("iteration 9000: loss 0.24....") backs nothing: only what nbval compares
  counts. Outputs are the stream text and every ``text/*`` representation (text/plain,
  and the alt text inside the text/html of a figure), of every code cell whose output
  nbval checks (not NBVAL_SKIP or NBVAL_IGNORE_OUTPUT). The match is by value alone: it
  shows that the notebook prints the number, not that the printed number is the one
  the sentence means.
* A course setting matches when its value equals ``q`` (0.001, 1e-3 and 10⁻³ are all
  ``reg``) and its sentence names it (``Constant.words``: "reg", "λ", "L2", ... for
  ``reg``): settings are round numbers (1, 0.01, 0.02, 0.2, 1e-3, 1e-5) that other
  quantities equal by chance, such as a gap "within about 0.02" that is not the mesh
  spacing.
* A course result (a printed loss or accuracy) matches when it equals ``q``, or, if ``q``
  has three significant digits or more, when it rounds to ``q`` ("about 1.097" is the
  first linear loss, 1.096919). Two digits are not enough: the course's 30 losses round
  to eleven two-decimal values (0.24 to 0.29, 0.79 to 0.85, 0.92, 1.10), which another
  quantity hits by chance (notebook 4's loss bumps "to about 0.85").
* An allow-list entry covers the numbers inside its ``number`` text, where that text
  occurs inside its ``context`` text in a markdown cell of its notebook (whitespace
  need not match). It covers only numbers that (a) and (b) do not accept; an entry that
  covers none is *stale* and reported, so the list cannot keep entries the text no
  longer needs.
"""
import argparse
import inspect
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ROOT / "tests" / "prose_numbers_allowed.toml"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"

# ---------------------------------------------------------------- finding numbers
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUP = "[⁰¹²³⁴⁵⁶⁷⁸⁹]"


def _exp(plain, superscript):
    """After a 10: an exponent written ^{-3}, ^-3 or ⁻³, in the named groups ``plain`` or ``superscript``."""
    return r"(?:\^\{?(?P<" + plain + r">[-−+]?\d+)\}?|(?P<" + superscript + r">[⁻⁺]?" + _SUP + "+))"


_NUMBER = re.compile(
    r"(?<![\w.#])(?:"
    + r"(?P<scaled>\d+(?:\.\d+)?)\s*(?:×|\\times|\\cdot|·|⋅)\s*10" + _exp("se", "ss")  # 2.5 \cdot 10^{-5}
    + r"|10" + _exp("pe", "ps")                                                           # 10^{-3}, 10⁴
    + r"|(?P<mant>\d+(?:\.\d+)?|\.\d+)[eE](?P<ee>[-−+]?\d+)"                            # 1e-3, 2.5e-4
    + r"|(?P<dec>\d+\.\d+|\.\d+)"                                                        # 0.49, .5
    + r"|(?P<int>\d+)"
    + r")(?!\d|\.\d)"
)
# Spans of markdown that hold no prose numbers: URLs, link and image targets, HTML tags.
_NOT_PROSE = re.compile(r"https?://\S+|\]\([^)]*\)|<[^>\n]+>|attachment:\S+")
_BEFORE_SIGN = " \t\n([{=,$:;/"  # a minus sign after one of these (or first in the text) is the number's


@dataclass(frozen=True)
class Number:
    """A number as written: its text, its value and where it stands in the text it was found in.

    ``value`` keeps the digits written (Decimal("0.50") is not Decimal("0.5")), so that
    ``quantum`` is the unit of the last written digit.
    """

    text: str
    value: Decimal
    start: int = 0
    end: int = 0

    @property
    def quantum(self):
        return Decimal(1).scaleb(self.value.as_tuple().exponent)

    @property
    def significant_digits(self):
        return len(self.value.as_tuple().digits)  # Decimal keeps trailing zeros and drops leading ones

    def rounds_to(self, reference):
        """Whether ``reference`` (a Decimal, float or int, exact) rounds to this number at its last written digit."""
        reference = Decimal(repr(reference)) if isinstance(reference, float) else Decimal(reference)
        if self.value == 0:
            return reference == 0
        return abs(reference - self.value) <= self.quantum / 2

    def backed_by(self, printed):
        """Whether every value the ``printed`` Number can stand for (its value, give or take half its
        quantum) rounds to this number: printed 0.244925 backs 0.245, printed 0.245 backs neither 0.24
        nor 0.25, printed 0.2 does not back 0.20."""
        if self.value == 0:
            return printed.value == 0
        return abs(printed.value - self.value) + printed.quantum / 2 <= self.quantum / 2


def _exponent(text):
    return int(text.translate(_SUPERSCRIPT).replace("−", "-"))


def find_numbers(text, *, integers=False):
    """Every number written in ``text``, in order, as ``Number``s (integers only if ``integers``).

    A plain integer (no decimal point, no exponent) is a number only with ``integers=True``,
    as for printed outputs; prose leaves them out (see the module's docstring).
    """
    found = []
    for m in _NUMBER.finditer(text):
        g = m.groupdict()
        if g["scaled"] is not None:
            digits, exp = g["scaled"], _exponent(g["se"] or g["ss"])
        elif g["pe"] is not None or g["ps"] is not None:
            digits, exp = "1", _exponent(g["pe"] or g["ps"])
        elif g["mant"] is not None:
            digits, exp = g["mant"], _exponent(g["ee"])
        elif g["dec"] is not None:
            digits, exp = g["dec"], 0
        elif integers:
            digits, exp = g["int"], 0
        else:
            continue
        start = m.start()
        if start > 0 and text[start - 1] in "-−" and (start == 1 or text[start - 2] in _BEFORE_SIGN):
            start -= 1
            digits = "-" + digits
        found.append(Number(text[start:m.end()], Decimal(f"{digits}e{exp}"), start, m.end()))
    return found


def prose_numbers(source):
    """The numbers of a markdown cell's ``source`` (URLs, link targets and HTML tags blanked out first)."""
    return find_numbers(_NOT_PROSE.sub(lambda m: " " * len(m.group()), source))


# Where a sentence ends: at ". ", "! ", "? ", a blank line, or a line that starts a list item,
# a table row, a heading or a quote.
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\n(?=\s*(?:[*+-]\s|\d+\.\s|\||#|>))")


def sentence_at(text, start, end):
    """The sentence of ``text`` around ``text[start:end]``."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0:after.start() if after else len(text)]


def context(text, start, end, width=60):
    """``text[start:end]`` marked with »« inside up to ``width`` characters either side, on one line."""
    left = " ".join(text[max(0, start - width):start].split())
    right = " ".join(text[end:end + width].split())
    lead = "…" if start > width else ""
    tail = "…" if end + width < len(text) else ""
    return f"{lead}{left} »{text[start:end]}« {right}{tail}".strip()


# ---------------------------------------------------------------- (a) the course's constants
@dataclass(frozen=True)
class Constant:
    """A number of the course. ``words``: a pattern its sentence must hold for a setting, None for a result."""

    name: str
    value: float
    words: str = None

    def matches(self, number, sentence):
        if self.words is not None:
            return number.value == Decimal(repr(self.value)) and re.search(self.words, sentence, re.I) is not None
        return number.value == Decimal(repr(self.value)) or (
            number.significant_digits >= 3 and number.rounds_to(self.value))


def _default(function, argument):
    return inspect.signature(function).parameters[argument].default


def _weight_scale():
    """The factor init_linear puts in front of its standard normals (the course's 0.01), read off one draw."""
    import numpy as np

    from helpers.models import init_linear
    W = init_linear(1, 1, rng=np.random.RandomState(0))["W"][0, 0]
    return float(f"{W / np.random.RandomState(0).standard_normal():.12g}")


def _rel_error_floor():
    """The floor of rel_error's denominator (the series' 1e-8), read off a comparison with zero."""
    import numpy as np

    from helpers.gradcheck import rel_error
    tiny = 1e-300  # below any floor: rel_error(tiny, 0) = tiny / floor
    return float(f"{tiny / rel_error(np.array([tiny]), np.array([0.0])):.12g}")


def course_constants():
    """The one list of the course's constants: settings read from ``helpers``, and the course's printed results."""
    from helpers import course
    from helpers.data import make_spiral
    from helpers.gradcheck import numerical_gradient
    from helpers.plotting import decision_mesh

    settings = [
        ("step size (helpers.course.STEP_SIZE)", course.STEP_SIZE, r"step|\\eta|η|learning rate"),
        ("L2 strength (helpers.course.REG)", course.REG, r"\breg|regulari[sz]|\\lambda|λ|\bL2\b|penalty"),
        ("weight scale (helpers.models.init_linear)", _weight_scale(),
         r"weight|\bW2?\b|\\mathcal\{N\}|\bscale|start|init"),
        ("angle noise (make_spiral's noise)", _default(make_spiral, "noise"), r"noise|angle|\\xi|ξ|radian"),
        ("mesh spacing (decision_mesh's spacing)", _default(decision_mesh, "spacing"), r"spacing|grid|mesh"),
        ("finite-difference step (numerical_gradient's eps)", _default(numerical_gradient, "eps"),
         r"\beps|\\varepsilon|ε|finite.difference|nudge|centred|centered"),
        ("relative error's floor (helpers.gradcheck.rel_error)", _rel_error_floor(), r"relative error|\\max|floor"),
        ("points per class (helpers.course.N)", course.N, r"points|examples|class"),
        ("hidden size (helpers.course.HIDDEN_SIZE)", course.HIDDEN_SIZE, r"hidden|units|neurons"),
        ("linear iterations (helpers.course.LINEAR_ITERS)", course.LINEAR_ITERS, r"iteration|step"),
        ("network iterations (helpers.course.NET_ITERS)", course.NET_ITERS, r"iteration|step"),
    ]
    results = [(f"the course's linear loss at iteration {i}", v) for i, v in course.COURSE_LINEAR_LOSSES.items()]
    results += [(f"the course's network loss at iteration {i}", v) for i, v in course.COURSE_NET_LOSSES.items()]
    results += [("the course's linear training accuracy", course.COURSE_LINEAR_ACCURACY),
                ("the course's network training accuracy", course.COURSE_NET_ACCURACY)]
    return [Constant(n, float(v), w) for n, v, w in settings] + [Constant(n, float(v)) for n, v in results]


# ---------------------------------------------------------------- (b) what the notebook prints
def sanitize_patterns(path=SANITIZE):
    """nbval's (regex, replace) pairs from its sanitize file, read as nbval reads them."""
    from nbval.plugin import get_sanitize_patterns
    return get_sanitize_patterns(Path(path).read_text())


_NBVAL_UNCHECKED = {"NBVAL_IGNORE_OUTPUT", "PYTEST_VALIDATE_IGNORE_OUTPUT", "NBVAL_SKIP"}


def _output_checked(cell):
    """Whether nbval compares this code cell's outputs (no skip or ignore-output comment or tag)."""
    comments = {line.strip().lstrip("#").strip() for line in cell.source.splitlines() if line.strip().startswith("#")}
    tags = {t.upper().replace("-", "_") for t in cell.get("metadata", {}).get("tags", [])}
    return not (comments | tags) & _NBVAL_UNCHECKED


def printed_texts(nb, patterns=()):
    """``(cell index, text)`` of every output nbval compares, after nbval's sanitizing ``patterns``."""
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not _output_checked(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                pieces = [output.get("text", "")]
            else:
                pieces = [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
            for text in pieces:
                text = "".join(text) if isinstance(text, list) else text
                for regex, replace in patterns:
                    text = re.sub(regex, replace, text)
                texts.append((index, text))
    return texts


def printed_numbers(nb, patterns=()):
    """Every number, integers included, in the outputs of ``nb`` that nbval compares."""
    return [n for _, text in printed_texts(nb, patterns) for n in find_numbers(text, integers=True)]


# ---------------------------------------------------------------- (c) the allow-list
@dataclass(frozen=True)
class Allowed:
    """An allow-list entry: ``number`` (as written, a range allowed) inside ``context`` in ``notebook``."""

    notebook: str
    number: str
    context: str
    reason: str

    def __str__(self):
        return f"{self.notebook}: {self.number!r} in {self.context!r}"

    def problems(self):
        """What is wrong with the entry itself, as sentences (empty if nothing)."""
        wrong = []
        if not self.reason.strip():
            wrong.append(f"{self}: the reason is empty")
        if _flexible(self.number).search(self.context) is None:
            wrong.append(f"{self}: the context does not contain the number")
        if not prose_numbers(self.number):
            wrong.append(f"{self}: the number field holds no number")
        return wrong

    def covered_spans(self, source):
        """The spans of ``source`` that this entry's number takes, wherever its context occurs."""
        spans = []
        for m in _flexible(self.context).finditer(source):
            inner = _flexible(self.number).search(source, m.start(), m.end())
            if inner is not None:
                spans.append((inner.start(), inner.end()))
        return spans


def _flexible(text):
    """A pattern for ``text`` in which any run of whitespace matches any other."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def load_allowed(path=ALLOWED):
    """The allow-list's entries, from a TOML file of ``[[allow]]`` tables."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(data) - {"allow"}
    if unknown:
        raise ValueError(f"{path} must hold only [[allow]] tables; got {sorted(unknown)}")
    entries = []
    for i, entry in enumerate(data.get("allow", [])):
        keys = {"notebook", "number", "context", "reason"}
        if set(entry) != keys or not all(isinstance(v, str) for v in entry.values()):
            raise ValueError(f"{path}: allow entry {i} must have the string fields {sorted(keys)}; "
                             f"got {sorted(entry)}")
        entries.append(Allowed(**entry))
    return entries


# ---------------------------------------------------------------- the check
@dataclass(frozen=True)
class Flagged:
    """A prose number that is none of the three, with where it stands."""

    notebook: str
    cell: int
    number: str
    context: str

    def __str__(self):
        return f"{self.notebook}, cell {self.cell}: {self.number} in “{self.context}”"


@dataclass
class Result:
    """What ``check_notebook`` found: the numbers accepted, those flagged, the stale allow-list entries.

    accepted : ``(kind, Flagged-like record, why)`` for each accepted number, kind one of
    "constant", "printed", "allowed".
    """

    notebook: str
    flagged: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    accepted: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.flagged and not self.stale

    def count(self, kind):
        return sum(k == kind for k, _, _ in self.accepted)

    def report(self, verbose=False):
        lines = [f"{self.notebook}: {len(self.accepted) + len(self.flagged)} numbers in markdown: "
                 f"{self.count('constant')} course constants, {self.count('printed')} printed, "
                 f"{self.count('allowed')} allowed, {len(self.flagged)} flagged; "
                 f"{len(self.stale)} stale allow-list entries"]
        if verbose:
            lines += [f"  ok ({kind}: {why}): {where}" for kind, where, why in self.accepted]
        lines += [f"  FLAGGED {f}" for f in self.flagged]
        lines += [f"  STALE allow-list entry (it covers no number that needs it): {s}" for s in self.stale]
        return "\n".join(lines)


def check_notebook(path, allowed=(), constants=None, patterns=None):
    """Check every number in the markdown of the notebook at ``path``; return a ``Result``.

    allowed : the allow-list's entries (those of other notebooks are ignored).
    constants : the course's ``Constant``s (default ``course_constants()``).
    patterns : nbval's sanitizing (regex, replace) pairs (default: ``tests/nbval_sanitize.cfg``'s).
    """
    path = Path(path)
    constants = course_constants() if constants is None else constants
    patterns = sanitize_patterns() if patterns is None else patterns
    nb = nbformat.read(path, as_version=4)
    printed = printed_numbers(nb, patterns)
    mine = [a for a in allowed if a.notebook == path.name]
    used = set()
    result = Result(path.name)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        spans = {a: a.covered_spans(source) for a in mine}
        for number in prose_numbers(source):
            where = Flagged(path.name, index, number.text, context(source, number.start, number.end))
            sentence = sentence_at(source, number.start, number.end)
            constant = next((c for c in constants if c.matches(number, sentence)), None)
            shown = next((p for p in printed if number.backed_by(p)), None)
            covering = [a for a, s in spans.items() if any(b <= number.start and number.end <= e for b, e in s)]
            if constant is not None:
                result.accepted.append(("constant", where, constant.name))
            elif shown is not None:
                result.accepted.append(("printed", where, f"printed {shown.text}"))
            elif covering:
                used.update(covering)
                result.accepted.append(("allowed", where, covering[0].reason))
            else:
                result.flagged.append(where)
    result.stale = [a for a in mine if a not in used]
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--allowed", type=Path, default=ALLOWED, help="the allow-list (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list each accepted number and why")
    args = parser.parse_args(argv)
    allowed = load_allowed(args.allowed)
    constants, patterns = course_constants(), sanitize_patterns()
    results = [check_notebook(p, allowed, constants, patterns) for p in args.notebooks]
    for r in results:
        print(r.report(args.verbose))
    present = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    orphans = [a for a in allowed if a.notebook not in present]
    for a in orphans:
        print(f"allow-list entry for a notebook not in notebooks/: {a}")
    return 0 if all(r.ok for r in results) and not orphans else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

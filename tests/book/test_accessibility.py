"""axe-core, the accessibility engine, on every page of the built book: no critical and no serious violation.

axe-core is pinned in tools/axe/package.json and installed by ``make test-book`` into build/axe; the
test injects its ``axe.min.js`` into each page (inline: the page asks nothing of any host) after
the page has loaded and MathJax has typeset it, and prints each page's violations by impact.
"""
from collections import Counter
from pathlib import Path

import pytest
from test_book import open_page

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "build" / "book"
AXE = REPO / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")

pytestmark = [pytest.mark.browser, pytest.mark.book]


def book_pages():
    """Every HTML page of the built book, by name."""
    return sorted(p.name for p in BOOK.glob("*.html"))


def axe_violations(page):
    """axe-core's violations on the page as it is now: [{id, impact, help, nodes: [selector, ...]}]."""
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: `make book` installs it (book/package.json)")
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")


def impact_counts(violations):
    """How many elements violate a rule, by the rule's impact: {impact: count} for every impact."""
    counts = Counter()
    for v in violations:
        counts[v["impact"]] += len(v["nodes"])
    return {impact: counts[impact] for impact in IMPACTS}


def report(name, violations):
    """One line per page: its counts by impact, then each rule that fired, with its count."""
    counts = impact_counts(violations)
    rules = ", ".join(f"{v['id']} ({v['impact']}) {len(v['nodes'])}" for v in violations)
    return f"axe-core {name}: " + " ".join(f"{k} {n}" for k, n in counts.items()) + (f"; {rules}" if rules else "")


@pytest.mark.parametrize("name", book_pages())
def test_no_critical_or_serious_violation(watched_page, origin, book, name, capsys):
    page, watch = watched_page
    open_page(page, origin, name)
    violations = axe_violations(page)
    with capsys.disabled():
        print("\n    " + report(name, violations))
    blocking = [f"{v['id']} ({v['impact']}): {v['help']}; " + ", ".join(v["nodes"][:5])
                for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(blocking)
    assert not watch.problems(), watch.problems()

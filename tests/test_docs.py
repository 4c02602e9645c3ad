"""Facts stated in two places stay the same in both."""
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _table(text):
    return [line for line in text.splitlines() if line.startswith("|")]


def test_readme_notation_table_is_notebook_1s():
    nb = nbformat.read(ROOT / "notebooks" / "01_data.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("## Notation used in the series"))
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Notation"):readme.index("## The playground")]
    assert _table(section) == _table(cell.source)
    assert len(_table(section)) > 20

"""The playground of notebook 5: live training, held-out points, your own points, the hidden layer's hinge lines.

Three modules, each importing only the ones before it:

* ``state``: settings, data, the training run (NumPy and ``helpers`` only);
* ``render``: the figure (matplotlib, Agg);
* ``controls``: the widgets and what each one does (ipywidgets, ipyevents).

Nothing else in ``helpers`` imports this package.
"""
from .controls import GROUPS, Playground
from .state import DEFAULTS, Session

__all__ = ["Playground", "Session", "DEFAULTS", "GROUPS"]

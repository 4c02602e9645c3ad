"""The playground of notebook 6: live training, held-out points, your own points, the hidden layer's hinge lines.

Four modules, each importing only the ones before it:

* ``settings``: the table of settings, their ranges and checks (no NumPy needed);
* ``state``: data, the training run (NumPy and ``helpers`` only);
* ``render``: the figure (matplotlib, Agg);
* ``controls``: the widgets and what each one does (ipywidgets, ipyevents).

Nothing else in ``helpers`` imports this package.
"""
from .controls import GROUPS, Playground
from .settings import DEFAULTS, SETTINGS
from .state import Session

__all__ = ["Playground", "Session", "DEFAULTS", "SETTINGS", "GROUPS"]

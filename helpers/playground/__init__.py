"""The playground of notebook 6: live training, held-out points, your own points, the hidden layer's hinge lines.

Five modules, each importing only the ones before it:

* ``settings``: the table of settings, their ranges and checks (no NumPy needed);
* ``state``: data, the training run (NumPy and ``helpers`` only);
* ``payload``: what the front end is sent after each change (the class grid as bytes, the frame);
* ``driver``: what each message from the front end does, under one lock, with each frame's time budget;
* ``widget``: the ``Playground``, an anywidget whose front end is ``static/playground.js``.

The browser draws everything (``static/playground.js``, a plain ES module): the kernel trains
and sends numbers. Nothing else in ``helpers`` imports this package.
"""
from .settings import DEFAULTS, SETTINGS
from .state import Session
from .widget import GROUPS, Playground

__all__ = ["Playground", "Session", "DEFAULTS", "SETTINGS", "GROUPS"]

"""Jupyter Server's settings for every JupyterLab run from this project's venv (`make lab`, `make test-ui`).

The Makefile copies this file to {sys.prefix}/etc/jupyter/, where Jupyter Server reads it.

Kernel websockets send without Nagle's algorithm (TCP_NODELAY), as Tornado's documentation advises for
an application that sends small messages and waits for answers. With it, each update of the playground,
which a kernel sends right after its "busy" status message, waited for the browser to acknowledge that
message (a delayed acknowledgement: up to 40 ms on Linux) before it left the server.
"""
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def _open_without_nagle(self, *args, **kwargs):
    self.set_nodelay(True)
    return await _open(self, *args, **kwargs)


if not getattr(KernelWebsocketHandler.open, "without_nagle", False):
    _open_without_nagle.without_nagle = True
    KernelWebsocketHandler.open = _open_without_nagle

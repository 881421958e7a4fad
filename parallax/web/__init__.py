"""A local web app over a Parallax store: story list, story and article views, JSON API.

``create_app(store_url)`` builds the ASGI app (Starlette); ``serve`` runs it
with uvicorn, bound to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from ..options import Options
from .app import create_app


def serve(options: Options, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the store named by ``options.db`` until interrupted."""
    import uvicorn

    app = create_app(options.db)
    uvicorn.run(app, host=host, port=port, log_level="info")


__all__ = ["create_app", "serve"]

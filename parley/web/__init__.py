"""The REST API and the browser dashboard (`parley serve`)."""

from .app import create_app

__all__ = ["create_app"]

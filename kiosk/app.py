"""The application factory, where the CLI, tests and ``uvicorn --factory
kiosk.app:create_app`` expect it; the web layer is :mod:`kiosk.web`."""

from kiosk.web.app import create_app

__all__ = ["create_app"]

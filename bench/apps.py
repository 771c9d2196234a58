"""App factories for uvicorn --factory, configured through KIOSK_* variables."""

from starlette.applications import Starlette

from kiosk.web.app import create_app


def kiosk() -> Starlette:
    return create_app()

"""The Starlette application: :func:`create_app` builds the services, mounts the
route table and adds the middleware (allowed hosts; security headers, CSRF and
body limits; gzip)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from kiosk import origins
from kiosk.config import Settings
from kiosk.services import Services, build_services
from kiosk.web.compression import GzipMiddleware
from kiosk.web.deps import page_context
from kiosk.web.routes import routes
from kiosk.web.security import SecurityMiddleware
from kiosk.web.views.ops import http_error


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    """The kiosk app: ``settings`` (default: from the environment), or ready ``services``."""
    services = services or build_services(settings or Settings.from_env(), [page_context])

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(services.run)
                yield
                tg.cancel_scope.cancel()
        finally:
            await services.close()

    settings = services.settings
    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=origins.allowed_hosts(settings)),
            Middleware(
                SecurityMiddleware,
                max_body=settings.max_body_bytes,
                settings=settings,
                body_timeout=settings.request_timeout,
            ),
            Middleware(GzipMiddleware, minimum_size=500),
        ],
    )
    app.state.services = services
    return app

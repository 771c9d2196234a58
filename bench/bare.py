"""The framework floor: a bare Starlette endpoint returning a fixed string."""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def fixed(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create() -> Starlette:
    return Starlette(routes=[Route("/", fixed), Route("/-/health", fixed)])

"""Which hosts and origins are ours, from the settings alone (never the request).

A request's ``Host`` header is chosen by the client, so nothing that matters
(CORS, the QR-code allowlist, links, CSRF checks) may take "our origin" from
it. Our origins come from ``public_base_url`` and ``allowed_hosts``:

* :func:`allowed_hosts` is the list given to Starlette's
  ``TrustedHostMiddleware``: the ``allowed_hosts`` setting, else the host of
  ``public_base_url`` plus the loopback names, else ``*`` (any host, as a
  development server on a laptop needs).
* :func:`own_origins` are the origins our pages are served from; a request's
  own origin counts only when its host was explicitly allowed (the middleware
  has already refused every other host) or is a loopback name.
* :func:`csrf_refusal` says why a state-changing request from another site is
  refused: ``Sec-Fetch-Site`` when the browser sends it, else ``Origin``.

No Starlette here: the web layer passes plain strings in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, normalised as browsers send ``Origin``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    if ":" in host:
        host = f"[{host}]"
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def _configured_hosts(settings: Any) -> list[str]:
    raw = str(getattr(settings, "allowed_hosts", "") or "")
    return [h.strip().lower() for h in re.split(r"[\s,]+", raw) if h.strip()]


def _public_host(settings: Any) -> str | None:
    base = str(getattr(settings, "public_base_url", "") or "")
    try:
        return urlsplit(base).hostname if base else None
    except ValueError:
        return None


def allowed_hosts(settings: Any) -> list[str]:
    """Host names the server answers to (``*`` means any)."""
    hosts = _configured_hosts(settings)
    public = _public_host(settings)
    if hosts:
        return [*hosts, public] if public and public not in hosts and "*" not in hosts else hosts
    if public:
        return [public, *LOOPBACK]
    return ["*"]


def host_trusted(settings: Any, host: str) -> bool:
    """True if ``host`` (no port) was allowed by name, not by a ``*``."""
    host = host.strip("[]").lower()
    if host in LOOPBACK:
        return True
    named = [h for h in allowed_hosts(settings) if h != "*"]
    return any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in named)


def own_origins(settings: Any, request_origin: str = "") -> frozenset[str]:
    """Origins our own pages come from: ``public_base_url``'s, and the request's
    origin only when its host is trusted by name (see :func:`host_trusted`)."""
    found = {origin_of(str(getattr(settings, "public_base_url", "") or ""))}
    origin = origin_of(request_origin)
    if origin is not None and host_trusted(settings, urlsplit(origin).hostname or ""):
        found.add(origin)
    return frozenset(o for o in found if o)


def csrf_refusal(
    method: str,
    headers: Mapping[str, str],
    own: frozenset[str],
    request_origin: str,
    host_check: bool,
) -> str | None:
    """Why a state-changing request must be refused as cross-site, or None.

    ``headers`` holds lower-case names. Browsers send ``Sec-Fetch-Site``; where
    it is missing, ``Origin`` must be one of ``own`` (or, when no host is
    configured, the request's own origin, ``host_check`` False). A request with
    neither header is not from a browser form and passes.
    """
    if method.upper() in SAFE_METHODS:
        return None
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site:
        return None if site in ("same-origin", "none") else f"cross-site request ({site})"
    origin = headers.get("origin")
    if origin is None:
        return None
    normal = origin_of(origin)
    if normal is not None and (normal in own or (not host_check and normal == request_origin)):
        return None
    return "cross-site request (Origin does not match this site)"


def is_https(settings: Any) -> bool:
    """True when visitors reach us over https (``public_base_url`` says so)."""
    return str(getattr(settings, "public_base_url", "") or "").lower().startswith("https://")

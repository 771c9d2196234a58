"""Where the package's own files are: templates, components, assets, catalogs.

Everything the server reads besides the content folder ships inside the
package (``pyproject.toml`` lists it as package data), so an installed wheel
serves the same pages as a checkout. Nothing here points outside ``kiosk/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: Page templates (``base.html``, ``report.html``, the ``_partials``).
TEMPLATES = PACKAGE / "templates"
#: UI components, one folder each: Jinja macro, CSS, JS, examples, README.
WIDGETS = PACKAGE / "widgets"
#: CSS, JS and vendored files, served under ``/assets/``.
ASSETS = PACKAGE / "assets"
#: The service worker's source (served at ``/sw.js`` with its version written in).
SERVICE_WORKER = PACKAGE / "static" / "sw.js"
#: gettext catalogs (``<locale>/LC_MESSAGES/messages.po``).
LOCALE = PACKAGE / "locale"

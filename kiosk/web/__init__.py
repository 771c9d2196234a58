"""The web layer: the Starlette app (:mod:`kiosk.web.app`), its one route table
(:mod:`kiosk.web.routes`), request helpers (:mod:`kiosk.web.deps`), pages with
HTML and JSON twins and the page cache (:mod:`kiosk.web.pages`) and one view
module per resource (:mod:`kiosk.web.views`). Nothing outside this package
imports it, except the CLI and the export, which build the app."""

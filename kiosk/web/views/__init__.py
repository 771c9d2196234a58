"""One module per resource; each view is wired in :mod:`kiosk.web.routes`."""

"""``kiosk export DIR``: the reading side of the kiosk as a static site.

The export drives the real application in-process — every file is the body the
server gives for that URL — and then makes it work from a plain file server
under any sub-path (``--base-url https://cdn.example.gov.cn/kiosk``):

- root-absolute URLs in pages (``href``, ``src``, ``action``, ``data-*``,
  ``hx-*``), in CSS (``url(/…)``) and in JSON (``"/audio/…"``) get the sub-path;
  audio URLs lose their ``?v=`` (a static server ignores queries; the file name
  is already the sentence's content id);
- a page ``/x`` is written as ``x/index.html`` (the file server maps ``/x`` to
  it: nginx ``try_files $uri $uri/ =404``); ``/x.json`` and files keep their names;
- the QR hand-off codes that appear on the exported pages get static pages
  ``R/<CODE>/index.html`` (and ``r/…``) that send the phone on to the report.

What needs the server — changing reading settings (a POST that sets a cookie),
智能问答 and search, the QR code that follows the reader (``/qr/<slug>.svg``),
``/api/*`` — points to ``--live-url`` when one is given, and otherwise degrades
(see docs/deploy.md): reading settings then work in the browser
(``kiosk/assets/export/static-settings.js``, localStorage), the QR code opens the
report at its start, and the rest leads to a page that says the function needs
the live service.

The site is built in ``.<DIR>.partial-<pid>`` beside DIR and swapped into place
at the end, so a web server reading DIR never sees half an export. Audio files
are hard links into the audio cache when both are on one file system (cached
audio never changes: its names are content hashes), so re-exporting a large
library costs little disk and time; upload tools copy them as plain files.
"""

from kiosk.export.rewrite import MARKER, Rewriter, file_for
from kiosk.export.site import ExportError, ExportOptions, ExportResult, export

__all__ = [
    "MARKER",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "Rewriter",
    "export",
    "file_for",
]

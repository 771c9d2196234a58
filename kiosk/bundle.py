"""One CSS and one JS file for every page, built from kiosk/assets/ and kiosk/widgets/.

The kiosk's own styles (``kiosk/assets/css``) and scripts (``kiosk/assets/js``) come first,
then each component's files from ``kiosk/widgets/<name>/``, in name order. The bundle's
URL carries a hash of its content, so it is served with an immutable cache
header and a new version is fetched as soon as any file changes.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Bundle:
    kind: str  # "css" or "js"
    body: bytes
    digest: str

    @property
    def url(self) -> str:
        return f"/assets/bundle/kiosk-{self.digest}.{self.kind}"


def build(kind: str, assets: Path, widgets: Path) -> Bundle:
    files = sorted((assets / kind).glob(f"*.{kind}")) + sorted(widgets.glob(f"*/*.{kind}"))
    # The embeddable toolbar ships on its own (widget/v1/…), never in the kiosk bundle.
    files = [f for f in files if "toolbar" not in f.parent.name]
    # Every app builds its bundles: files unchanged since the last build are not read again.
    stamp = tuple((f, st.st_mtime_ns, st.st_size) for f in files for st in [f.stat()])
    return _build(kind, stamp)


@functools.lru_cache(maxsize=8)
def _build(kind: str, stamp: tuple[tuple[Path, int, int], ...]) -> Bundle:
    parts = [
        f"/* {f.relative_to(f.parent.parent)} */\n{f.read_text(encoding='utf-8')}"
        for f, _, _ in stamp
    ]
    body = "\n".join(parts).encode("utf-8")
    return Bundle(kind, body, hashlib.sha256(body).hexdigest()[:12])

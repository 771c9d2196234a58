"""The embeddable toolbar's weight, for ``make bench``: raw and gzipped sizes.

The budget is 20 KB gzipped for the JS and CSS together, as served (the CSS is
inlined into ``/widget/v1/toolbar.js``, comment lines dropped, non-ASCII
escaped).
"""

from __future__ import annotations

from kiosk.toolbar import (
    BUDGET_GZIP_BYTES,
    TOOLBAR,
    build_toolbar_js,
    gzipped_size,
)


def budget() -> dict[str, int | bool]:
    """Sizes in bytes of the toolbar's sources and of what is served, and the verdict."""
    js = (TOOLBAR / "toolbar.js").read_bytes()
    css = (TOOLBAR / "toolbar.css").read_bytes()
    served = build_toolbar_js().body
    served_gzip = gzipped_size(served)
    return {
        "js_bytes": len(js),
        "css_bytes": len(css),
        "source_gzip_bytes": gzipped_size(js + css),
        "served_bytes": len(served),
        "served_gzip_bytes": served_gzip,
        "budget_gzip_bytes": BUDGET_GZIP_BYTES,
        "within_budget": served_gzip <= BUDGET_GZIP_BYTES,
    }


if __name__ == "__main__":  # pragma: no cover - `python -m bench.widget_size`
    for key, value in budget().items():
        print(f"{key:>20}  {value}")

"""QR codes: size for every place in every report, real decoding, refusals, the card."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import qrcode.util
import yaml
from PIL import Image, ImageDraw
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from kiosk import bundle
from kiosk.caching import ByteCache
from kiosk.content.library import load_file, load_library
from kiosk.handoff import display_url, encode, handoff_url, resolve
from kiosk.prefs import Prefs
from kiosk.qr import QrImage, _qrcode, is_allowed, qr_svg, qr_version
from kiosk.resources import ASSETS, WIDGETS
from kiosk.templating import make_environment

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "content").glob("*.md")) + sorted(
    (ROOT / "tests" / "content_cases").glob("*/expected.md")
)
LONG_BASE = "https://kiosk.baotou-kundulun.gov.cn:8443"
BASE = "https://kiosk.example.gov.cn"
SLUG = "kundulun-2013-report"
#: The settings that make the longest code (none: the prefs field has a fixed width).
WORST = Prefs(size=5, scheme="yellow", spacing="20", elder=True, lang="en")
SVG_NS = "{http://www.w3.org/2000/svg}"
RSVG = shutil.which("rsvg-convert")


def _rasterise_ourselves(svg: str, width: int) -> Image.Image:
    """Fallback without librsvg: draw the path's unit squares (``Mx,yH…V…H…z``)."""
    root = ET.fromstring(svg)
    size = int(root.attrib["viewBox"].split()[2])
    scale = width / size
    image = Image.new("L", (width, width), 255)
    draw = ImageDraw.Draw(image)
    d = root.find(f"{SVG_NS}path")
    assert d is not None
    for x, y, x2, y2 in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", d.attrib["d"]):
        box = [int(x) * scale, int(y) * scale, int(x2) * scale - 1, int(y2) * scale - 1]
        draw.rectangle(box, fill=0)
    return image


def render_png(svg: str, width: int = 600, background: str = "white") -> Image.Image:
    """The SVG as a browser-like raster: librsvg (rsvg-convert), as Debian ships it."""
    if RSVG is None:  # pragma: no cover - the test machines have librsvg2-bin
        return _rasterise_ourselves(svg, width)
    png = subprocess.run(
        [RSVG, "-w", str(width), "-b", background],
        input=svg.encode("utf-8"),
        capture_output=True,
        check=True,
    ).stdout
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("L")


def decode_svg(svg: str, width: int = 600, background: str = "white") -> list[bytes]:
    """Every QR code a scanner (zbar) finds in the SVG."""
    image = render_png(svg, width, background)
    return [r.data for r in zbar_decode(image, symbols=[ZBarSymbol.QRCODE])]


def all_positions() -> list[tuple[str, str | None]]:
    """(slug, position) for every sentence, block and report start in every report."""
    out: list[tuple[str, str | None]] = []
    for path in SOURCES:
        report, problems = load_file(path, 5 * 1024 * 1024)
        assert report is not None, problems
        out.append((report.slug, None))
        out += [(report.slug, s.id) for s in report.sentences]
        out += [(report.slug, b.id) for b in report.blocks]
    return out


# --- size --------------------------------------------------------------------------


def test_version_at_most_4_for_every_place_in_every_report() -> None:
    places = all_positions()
    assert len(places) > 500
    worst: tuple[int, str] = (0, "")
    for slug, position in places:
        for spoken in (False, True):
            url = handoff_url(LONG_BASE, encode(slug, position, WORST, spoken))
            version = qr_version(url)
            assert version <= 4, (url, version)
            worst = max(worst, (version, url), key=lambda w: (w[0], len(w[1])))
    version, url = worst
    qr = qr_svg(url, "QR", [LONG_BASE])  # drawing agrees with the quick fit
    assert (qr.version, qr.mode, qr.error_correction) == (version, "alphanumeric", "M")
    print(
        f"\n{len(places)} places; longest hand-off URL {len(url)} chars ({url}): "
        f"QR version {qr.version}, {qr.modules} modules ({qr.total_modules} with the quiet zone); "
        f"at 300 CSS px a module is {300 / qr.total_modules:.1f} px with the quiet zone, "
        f"{300 / qr.modules:.1f} px without; at 360 px {360 / qr.total_modules:.1f} px"
    )


def test_alphanumeric_mode_is_used_and_pays() -> None:
    url = handoff_url(LONG_BASE, encode(SLUG, "s-1a2b3c4d", WORST, True))
    qr, alphanumeric = _qrcode(url)
    assert alphanumeric and [d.mode for d in qr.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    assert qr_svg(url, "QR", [LONG_BASE]).mode == "alphanumeric"
    assert qr_version(url) == 3
    # The same characters in byte mode (what a lower-case URL would need): bigger.
    assert qr_version(url.lower()) > 3
    assert qr_svg(display_url(url), "QR", [LONG_BASE]).mode == "byte"


# --- the SVG -----------------------------------------------------------------------


def test_svg_is_accessible_sized_by_css_and_dark_on_light() -> None:
    url = handoff_url(BASE, encode(SLUG, None, Prefs(), False))
    qr = qr_svg(url, '二维码 "报告" <&>', [BASE])
    assert isinstance(qr, QrImage)
    root = ET.fromstring(qr.svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == '二维码 "报告" <&>'
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.attrib["viewBox"] == f"0 0 {qr.total_modules} {qr.total_modules}"
    assert qr.modules == 17 + 4 * qr.version and qr.border == 4
    rect, path = list(root)
    assert rect.tag == f"{SVG_NS}rect" and rect.attrib["fill"] == "white"
    assert (rect.attrib["width"], rect.attrib["height"]) == ("100%", "100%")
    assert path.tag == f"{SVG_NS}path" and path.attrib["fill"] == "#000000"
    assert "id" not in path.attrib  # two codes on one page: no duplicate ids
    assert "<script" not in qr.svg and "href" not in qr.svg


def test_svg_decodes_to_exactly_the_url() -> None:
    library = load_library(ROOT / "content", 5 * 1024 * 1024)
    report = library.reports[SLUG]
    ids = [s.id for s in report.sentences]
    cases = [
        (LONG_BASE, ids[0], WORST, True),
        (LONG_BASE, ids[-1], Prefs(), False),
        (LONG_BASE, None, Prefs(lang="en"), False),
        (BASE, report.blocks[0].id, Prefs(scheme="dark"), True),
        ("http://192.168.1.20:8000", ids[len(ids) // 2], Prefs(), False),
    ]
    for base, position, p, spoken in cases:
        url = handoff_url(base, encode(SLUG, position, p, spoken))
        qr = qr_svg(url, "QR", [base])
        assert decode_svg(qr.svg) == [url.encode("ascii")]
        # What the phone then reads resolves to the same place.
        code = zbar_decode(render_png(qr.svg), symbols=[ZBarSymbol.QRCODE])[0].data.decode()
        assert resolve(code.rsplit("/", 1)[1], library) is not None


def test_svg_scans_at_kiosk_size_and_on_a_dark_page() -> None:
    url = handoff_url(LONG_BASE, encode(SLUG, "s-1a2b3c4d-2", WORST, True))
    qr = qr_svg(url, "QR", [LONG_BASE])
    assert qr.version == 3
    assert decode_svg(qr.svg, width=300) == [url.encode()]
    assert decode_svg(qr.svg, width=360, background="black") == [url.encode()]
    assert decode_svg(qr.svg, width=240, background="#002b80") == [url.encode()]


def test_byte_mode_urls_decode_too() -> None:
    url = f"{BASE}/reports/{SLUG}?from=kiosk"
    qr = qr_svg(url, "QR", [BASE])
    assert qr.mode == "byte"
    assert decode_svg(qr.svg) == [url.encode()]


def test_rendering_is_cached() -> None:
    url = handoff_url(BASE, encode(SLUG, None, Prefs(size=3), False))
    assert qr_svg(url, "QR", [BASE]) is qr_svg(url, "QR", (BASE,))


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "hello",
        "",
        "扫码领红包",
        "WIFI:T:WPA;S:kiosk;P:secret;;",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example.com/R/ABCDEFGHIJ",
        "HTTPS://EVIL.EXAMPLE.COM/R/ABCDEFGHIJ",
        "http://kiosk.example.gov.cn/R/ABCDEFGHIJ",  # another scheme
        "https://kiosk.example.gov.cn.evil.com/R/ABCDEFGHIJ",
        "https://kiosk.example.gov.cn@evil.com/R/ABCDEFGHIJ",
        "https://user@kiosk.example.gov.cn/R/ABCDEFGHIJ",
        "https://kiosk.example.gov.cn:8443/R/ABCDEFGHIJ",  # another port
        "https://kiosk.example.gov.cn",  # nothing under the base
        "https://kiosk.example.gov.cn\\@evil.com/",
        "https://kiosk.example.gov.cn/R/A B",
        "https://kiosk.example.gov.cn/R/A\nB",
        "https://kiosk.example.gov.cn/R/ABC#x",
        "https://kiosk.example.gov.cn/" + "A" * 600,
        "//evil.example.com/R/ABCDEFGHIJ",
        "/R/ABCDEFGHIJ",
    ],
)
def test_foreign_urls_and_text_are_refused(url: str) -> None:
    assert not is_allowed(url, [BASE])
    with pytest.raises(ValueError):
        qr_svg(url, "QR", [BASE])


def test_paths_must_stay_under_the_base_path() -> None:
    base = "https://www.example.gov.cn/kiosk"
    assert is_allowed("https://www.example.gov.cn/kiosk/R/ABC", [base])
    assert is_allowed("HTTPS://WWW.EXAMPLE.GOV.CN/kiosk/R/ABC", [base])
    for url in (
        "https://www.example.gov.cn/kioskevil/R/ABC",
        "https://www.example.gov.cn/other/R/ABC",
        "https://www.example.gov.cn/kiosk/../admin",
        "https://www.example.gov.cn/KIOSK/R/ABC",
    ):
        assert not is_allowed(url, [base]), url


def test_international_host_names() -> None:
    base = "https://政府.cn:8443"
    url = handoff_url(base, encode(SLUG, None, Prefs(), False))
    assert url.startswith("HTTPS://XN--MXTQ1M.CN:8443/R/")
    assert qr_svg(url, "QR", [base]).mode == "alphanumeric"
    assert not is_allowed("https://xn--mxtq1m.cn/R/ABC", [base])  # another port
    assert not is_allowed("https://xn--evil.cn:8443/R/ABC", [base])


def test_no_allowed_base_means_no_qr() -> None:
    url = "https://kiosk.example.gov.cn/R/ABC"
    for bases in ([], [""], ["   "], ["ftp://kiosk.example.gov.cn"], ["kiosk.example.gov.cn"]):
        with pytest.raises(ValueError):
            qr_svg(url, "QR", bases)


# --- the card --------------------------------------------------------------------------


def render_card(call: str, lang: str = "zh-CN", **context: Any) -> str:
    env = make_environment(ByteCache(1 << 20))
    source = '{% from "qr-card/qr-card.html" import qr_card with context %}' + call
    return env.from_string(source).render(lang=lang, **context)


def test_card_shows_the_code_and_the_link() -> None:
    url = handoff_url(BASE, encode(SLUG, None, Prefs(), False))
    qr = qr_svg(url, "QR code", [BASE])
    html = render_card(
        '{{ qr_card(qr, url, endpoint="/qr/x.svg") }}', lang="en", qr=qr, url=display_url(url)
    )
    escaped = render_card("{{ qr_card(qr, url) }}", qr=qr, url='https://x/r/"<b>')
    assert "https://x/r/<wbr>&#34;&lt;b&gt;" in escaped and "<b>" not in escaped
    assert "Scan with your phone to keep reading" in html
    assert qr.svg in html  # inserted as is, not escaped
    shown = display_url(url).replace("/r/", "/r/<wbr>")  # the code on a line of its own
    assert (
        f'<a class="kiosk-qr-card__url kiosk-js-qr-link" href="{display_url(url)}" '
        f'translate="no">{shown}</a>'
    ) in html
    assert 'data-module="kiosk-qr-card" data-endpoint="/qr/x.svg"' in html
    assert 'aria-labelledby="kiosk-qr-card-title"' in html and 'id="kiosk-qr-card-title"' in html
    # On the kiosk the address is text: no links leave the kiosk.
    kiosk = render_card("{{ qr_card(qr, url) }}", qr=qr, url=display_url(url), kiosk=True)
    assert "<a " not in kiosk and f'translate="no">{shown}</span>' in kiosk
    assert "data-module" not in kiosk  # nothing to follow without an endpoint


def test_print_card_is_its_own_variant() -> None:
    url = handoff_url(BASE, encode(SLUG, None, Prefs(), False))
    qr = qr_svg(url, "QR code", [BASE])
    html = render_card(
        '{{ qr_card(qr, url, endpoint="/qr/x.svg") }}{{ qr_card(qr, url, print=true) }}',
        lang="en",
        qr=qr,
        url=display_url(url),
    )
    assert 'class="kiosk-qr-card kiosk-qr-card--print" id="kiosk-qr-card-print"' in html
    assert "Scan with your phone to open this report" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids
    assert html.count("data-module=") == 1


def test_examples_render_and_their_code_is_the_example_link() -> None:
    examples = yaml.safe_load((WIDGETS / "qr-card" / "examples.yaml").read_text(encoding="utf-8"))
    assert examples
    library = load_library(ROOT / "content", 5 * 1024 * 1024)
    for example in examples:
        p = example["params"]
        html = render_card("{{ qr_card(p.qr, p.url, example=p.example) }}", p=p)
        assert p["qr"]["svg"] in html and 'id="kiosk-qr-card-example"' in html
        assert "data-module" not in html
        (scanned,) = decode_svg(p["qr"]["svg"])
        url = scanned.decode()
        assert display_url(url) == p["url"]
        assert url == handoff_url(BASE, url.rsplit("/", 1)[1])
        assert resolve(url.rsplit("/", 1)[1], library) is not None


def test_bundles_carry_the_card_and_the_print_styles() -> None:
    css = bundle.build("css", ASSETS, WIDGETS).body.decode()
    js = bundle.build("js", ASSETS, WIDGETS).body.decode()
    assert ".kiosk-qr-card__code" in css and ".kiosk-qr-card--print" in css
    assert 'Kiosk.modules["kiosk-qr-card"]' in js
    # print.css: everything inside one @media print block.
    text = re.sub(r"/\*.*?\*/", "", (ASSETS / "css" / "print.css").read_text(), flags=re.S).strip()
    assert text.startswith("@media print {") and text.endswith("}")
    depth = 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth > 0 or i == len(text) - 1 or i < len("@media print "), text[: i + 1][-80:]
    assert depth == 0

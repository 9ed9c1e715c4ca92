"""tracker.html in a real browser (headless Chromium): it renders, and its columns sort."""

from __future__ import annotations

import re
import struct
import subprocess
import tempfile
import zlib
from html import unescape
from pathlib import Path


from mentoring_docs.tracking import Tracker
from test_track_output import tracker  # noqa: F401 - the fixture
from tools import require

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = require("chromium")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=True)


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and raw RGB(A) scanlines of a PNG (8-bit, non-interlaced), with the stdlib only."""
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        chunk = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray()
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, data = line[0], bytearray(line[1:])
        for i in range(stride):
            left = data[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                data[i] = (data[i] + left) & 0xFF
            elif kind == 2:
                data[i] = (data[i] + up) & 0xFF
            elif kind == 3:
                data[i] = (data[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                data[i] = (data[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        out += data
        previous = data
    return width, height, bytes(out) if channels == 3 else bytes(b for i, b in enumerate(out) if i % 4 != 3)


def test_screenshot_of_the_tracker_page(tracker: Tracker, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "tracker.html"
    tracker.write(page)
    shot = tmp_path / "tracker.png"
    chromium(f"--screenshot={shot}", "--window-size=1400,900", page.as_uri())
    width, height, rgb = png_pixels(shot)
    assert (width, height) == (1400, 900)
    colours = {rgb[i:i + 3] for i in range(0, len(rgb), 3 * 7)}
    assert len(colours) > 50  # text, cards, badges and bars: far from a blank page
    ink = sum(1 for i in range(0, len(rgb), 3) if sum(rgb[i:i + 3]) < 200)
    assert ink > 2000  # dark text pixels
    green = bytes((0x2F, 0x85, 0x5A))  # the progress bars' fill
    assert rgb.count(green) > 100
    (Path(tempfile.gettempdir()) / "mentoring-docs-tracker.png").write_bytes(shot.read_bytes())


def test_clicking_a_heading_sorts_the_table(tracker: Tracker, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "tracker.html"
    tracker.write(page)
    html = page.read_text(encoding="utf-8")
    # Test-only copy: drop the CSP so that a driver script may click the "Pair" heading twice.
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    driver = ('<script>var th = document.querySelector("table.pairs th");'
              'th.click(); document.body.setAttribute("data-first", th.getAttribute("aria-sort"));'
              'th.click();</script></body>')
    clicked = tmp_path / "clicked.html"
    clicked.write_text(html.replace("</body>", driver), encoding="utf-8")
    dom = chromium("--dump-dom", clicked.as_uri()).stdout
    assert 'data-first="ascending"' in dom
    assert 'aria-sort="descending"' in dom
    body = dom.split('<table class="sortable pairs">', 1)[1].split("</table>", 1)[0]
    mentors = re.findall(r'<span class="who">Mentor</span> ([^<]*)</div>', body)
    # Descending by mentor name: "Priya Raman" before the "<script>..." name (escaped, sorts as "<").
    assert mentors[0] == "Priya Raman" and mentors[1].startswith("&lt;script&gt;")
    original = re.findall(r'<span class="who">Mentor</span> ([^<]*)</div>', html)
    assert [unescape(m) for m in original] == [unescape(m) for m in reversed(mentors)]

"""Which bundled font draws which character — decided here once, for the PDFs and for the entry check.

The IPAex fonts lack some characters of 住民記録 names (𠮷 U+20BB7 among them); IPAmj明朝 has them and is
the fallback: a run of characters IPAex lacks is drawn with it. Variation selectors (IVS, U+E0100…, and
U+FE00…) are removed before printing: ReportLab maps characters through the cmap only, not through the
variation-sequence table (cmap format 14), so it would draw the selector itself as a box. The base
character prints; the variant shape does not.

The coverage is read from the fonts' own cmap tables (a few lines of struct, no ReportLab), so the member
dialog can ask without loading the PDF machinery, and reads each font once per process.
"""

from __future__ import annotations

import struct
import unicodedata
from functools import cache

from app.services.common.resources import GOTHIC_TTF, MINCHO_TTF, font_path

FALLBACK_TTF = "ipamjm.ttf"
FALLBACK_FAMILY = "IPAmjMincho"  # the family name inside the TTF (Qt and ReportLab both use it)
MAIN_TTFS = (GOTHIC_TTF, MINCHO_TTF)


def is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def strip_selectors(text: str) -> str:
    """``text`` with its variation selectors removed: the base characters, as a PDF prints them."""
    return "".join(ch for ch in text if not is_variation_selector(ch))


def _cmap_subtable(data: bytes, start: int) -> set[int]:
    fmt = struct.unpack_from(">H", data, start)[0]
    codes: set[int] = set()
    if fmt == 12:
        (groups,) = struct.unpack_from(">I", data, start + 12)
        for i in range(groups):
            first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
            codes.update(range(first + (glyph == 0), last + 1))  # glyph 0 is .notdef, not the character
        return codes
    if fmt != 4:
        raise ValueError(f"unsupported cmap format {fmt}")
    segs = struct.unpack_from(">H", data, start + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", data, start + 14)
    starts = struct.unpack_from(f">{segs}H", data, start + 16 + 2 * segs)
    deltas = struct.unpack_from(f">{segs}h", data, start + 16 + 4 * segs)
    range_at = start + 16 + 6 * segs
    offsets = struct.unpack_from(f">{segs}H", data, range_at)
    for i in range(segs):
        for code in range(starts[i], ends[i] + 1):
            if code == 0xFFFF:
                continue
            if offsets[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:
                at = range_at + 2 * i + offsets[i] + 2 * (code - starts[i])
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                codes.add(code)
    return codes


@cache
def coverage(ttf: str) -> frozenset[int]:
    """The code points the bundled font ``ttf`` has a glyph for (its Unicode cmap)."""
    with open(font_path(ttf), "rb") as f:
        head = f.read(12)
        (tables,) = struct.unpack_from(">H", head, 4)
        directory = f.read(16 * tables)
        for i in range(tables):
            tag, _sum, offset, length = struct.unpack_from(">4sIII", directory, 16 * i)
            if tag == b"cmap":
                f.seek(offset)
                data = f.read(length)
                break
        else:
            raise ValueError(f"{ttf} has no cmap")
    count = struct.unpack_from(">H", data, 2)[0]
    records = {struct.unpack_from(">HH", data, 4 + 8 * i): struct.unpack_from(">I", data, 8 + 8 * i)[0]
               for i in range(count)}  # fmt: skip
    # The full-repertoire table (format 12) when there is one: it alone reaches beyond the BMP (𠮷).
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3)):
        if key in records:
            return frozenset(_cmap_subtable(data, records[key]))
    raise ValueError(f"{ttf} has no Unicode cmap")


@cache
def _main() -> frozenset[int]:
    # Both IPAex fonts: a character goes to the fallback unless whichever main font a style uses has it.
    gothic, mincho = (coverage(name) for name in MAIN_TTFS)
    return gothic & mincho


def needs_fallback(ch: str) -> bool:
    """True when the main fonts lack ``ch`` and the fallback has it."""
    cp = ord(ch)
    return cp not in _main() and cp in coverage(FALLBACK_TTF)


def runs(text: str) -> list[tuple[str, bool]]:
    """``text`` (variation selectors removed) cut into runs: (characters, drawn with the fallback?)."""
    out: list[tuple[str, bool]] = []
    for ch in strip_selectors(text):
        fallback = needs_fallback(ch)
        if out and out[-1][1] == fallback:
            out[-1] = (out[-1][0] + ch, fallback)
        else:
            out.append((ch, fallback))
    return out


def _drawable(ch: str) -> bool:
    cp = ord(ch)
    return (
        cp in _main()
        or cp in coverage(FALLBACK_TTF)
        or is_variation_selector(ch)  # dropped in print; its base character prints
        or unicodedata.category(ch) == "Cc"  # line breaks and tabs are layout, not glyphs
    )


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no bundled font has (each once, in order): they would print as
    a box and be missing from the PDF's text. Empty when everything prints."""
    seen: list[str] = []
    for ch in text or "":
        if ch not in seen and not _drawable(ch):
            seen.append(ch)
    return seen


def unprintable_message(text: str) -> str:
    """A sentence for the person entering ``text`` (empty when all of it prints)."""
    chars = unprintable(text)
    if not chars:
        return ""
    listed = "」「".join(chars)
    return (
        f"「{listed}」は印刷できない文字です。印刷すると□になります。"
        "外字の場合は近い字を使い、正しい字はメモ欄などに書き添えてください。"
    )

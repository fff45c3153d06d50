"""外字-class characters in names: drawn with the bundled fallback font in every PDF, kept in the PDF's text,
and reported at entry when no bundled font has them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from app.services.catalog import print_catalog
from app.services.households import households
from app.services.printing import glyphs
from app.services.printing.forms import FALLBACK, Form, FormContext

YOSHI = "\U00020bb7"  # 𠮷 (つちよし), not in IPAex
IVS = "\U000e0100"  # VARIATION SELECTOR-17


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def household(store) -> int:
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2", label=f"{YOSHI}田さん宅")
    for name, kana, relation in (
        (f"{YOSHI}田 太郎", "よしだ たろう", "head"),
        ("髙橋 﨑子", "たかはし さきこ", "child"),
    ):
        households.add_member(store, hid, {"name": name, "kana": kana, "birth_date": date(1970, 4, 1),
                                           "relation": relation})  # fmt: skip
    return hid


def test_the_fallback_covers_what_ipaex_lacks():
    assert glyphs.needs_fallback(YOSHI)
    assert not glyphs.needs_fallback("髙") and not glyphs.needs_fallback("﨑")  # IPAex has these
    assert glyphs.runs(f"{YOSHI}田 太郎") == [(YOSHI, True), ("田 太郎", False)]
    # IVS: the base character prints, the selector is dropped (ReportLab does not read cmap format 14).
    assert glyphs.runs(f"葛{IVS}城") == [("葛城", False)]


def test_the_cmap_reader_agrees_with_reportlab():
    from reportlab.pdfbase.ttfonts import TTFontFile

    from app.services.common.resources import font_path

    for ttf in (*glyphs.MAIN_TTFS, glyphs.FALLBACK_TTF):
        drawn = {cp for cp, glyph in TTFontFile(str(font_path(ttf))).charToGlyph.items() if glyph}
        assert drawn == glyphs.coverage(ttf), ttf


def test_unprintable_names_the_characters_no_bundled_font_has():
    assert glyphs.unprintable(f"{YOSHI}田 髙橋 﨑 葛{IVS}\n") == []
    assert glyphs.unprintable("山田😀太郎😀ก") == ["😀", "ก"]
    message = glyphs.unprintable_message("山田😀")
    assert message.startswith("「😀」は印刷できない文字です。")
    assert glyphs.unprintable_message("山田") == ""


def test_the_household_sheet_draws_and_keeps_the_characters(store, household, tmp_path):
    pdf = print_catalog.produce(store, "face", print_catalog.Request(household_id=household)).pdf
    text = _text(pdf)
    assert YOSHI in text and "髙" in text and "﨑" in text
    assert any(name.endswith("+" + FALLBACK) for name in _fonts(pdf))  # embedded (subset), not referenced
    if os.environ.get("TSUNAGI_KEEP_PNG") and shutil.which("pdftoppm"):
        # For a person to look at the glyphs: TSUNAGI_KEEP_PNG=dir pytest … leaves the page rendered there.
        (tmp_path / "face.pdf").write_bytes(pdf)
        out = os.path.join(os.environ["TSUNAGI_KEEP_PNG"], "face")
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "face.pdf"), out], check=True)


def test_plain_strings_on_the_canvas_use_the_fallback_too():
    """Header, footer and table cells without a Paragraph are drawn by the canvas, not by Paragraphs."""
    context = FormContext(town=f"{YOSHI}野町", printed_by=f"{YOSHI}岡", printed_at=datetime(2026, 4, 1, 9, 0),
                          approvers=(f"{YOSHI}川",))  # fmt: skip
    form = Form(f"{YOSHI}田家の記録", "様式 T-1", context)
    form.paragraph(f"本文の{YOSHI}と葛{IVS}飾")
    text = _text(form.render())
    for word in (f"{YOSHI}野町", f"{YOSHI}岡", f"{YOSHI}川", f"{YOSHI}田家の記録", f"本文の{YOSHI}と葛飾"):
        assert word in text, word
    assert IVS not in text

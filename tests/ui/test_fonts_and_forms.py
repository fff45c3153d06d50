"""Japanese renders without tofu from the bundled fonts, and printed forms embed only IPAex."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from PySide6.QtGui import QFontInfo, QRawFont
from PySide6.QtWidgets import QLabel

from app.services.printing import recovery_sheet
from app.services.printing.forms import DEFAULT_APPROVERS, Form, FormContext
from app.services.store.keyslots import new_recovery_key
from app.ui.common.fonts import UI_FAMILY, load_bundled_fonts

TEXT = "重層的支援体制整備事業 髙橋 﨑子 つなぐシート ◎○□ ①②③ 令和8年"


def test_bundled_fonts_are_registered(app):
    assert {"IPAexGothic", "IPAexMincho"} <= set(load_bundled_fonts())


def test_japanese_label_has_no_notdef_glyph(qtbot, app):
    label = QLabel(TEXT)
    qtbot.addWidget(label)
    label.show()
    assert QFontInfo(label.font()).family() == UI_FAMILY
    raw = QRawFont.fromFont(label.font())
    glyphs = raw.glyphIndexesForString(TEXT.replace(" ", ""))
    assert glyphs and all(g != 0 for g in glyphs)  # glyph 0 is .notdef (tofu)
    image = label.grab().toImage()
    assert not image.isNull() and image.width() > 100


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Font name → embedded, for every font any page uses (what pdffonts reports)."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for f in fonts:
                desc = f.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[str(f["/BaseFont"])] = embedded
    return found


def test_recovery_sheet_embeds_ipaex_and_carries_the_key():
    key, _ = new_recovery_key()
    context = FormContext(town="例示町", printed_by="田中", approvers=DEFAULT_APPROVERS)
    pdf = recovery_sheet.render(context, key, "0123456789abcdef", date(2026, 11, 22))
    fonts = _fonts(pdf)
    assert fonts and all(embedded for embedded in fonts.values())
    assert all("IPAex" in name for name in fonts)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert key in text
    for words in ("回復キー保管票", "金庫", "令和8年11月22日", "取扱注意（個人情報）", "1 / 1", "課長"):
        assert words in text


def test_every_page_has_the_footer_with_page_x_of_y():
    form = Form("経過一覧", "様式 T-9", FormContext(town="例示町", printed_by="田中"))
    for i in range(120):
        form.paragraph(f"{i}行目 {TEXT}")
    reader = PdfReader(io.BytesIO(form.render()))
    total = len(reader.pages)
    assert total >= 3
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "取扱注意（個人情報）" in text and f"{n} / {total}" in text and "例示町" in text
    assert "担当" not in reader.pages[0].extract_text()  # 確認欄 is off unless the town turns it on

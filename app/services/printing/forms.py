"""The forms layer: every printed A4 form is built here, so all of them share one look.

Header (title, town, form number, 和暦 date), footer 「取扱注意（個人情報）」 with page x/y, printed date
and user on every page, and helpers for grids, ○/◎ check rows and the optional 確認欄 (担当/係長/課長).
The IPAex fonts are embedded (subset) in every PDF; the non-embedded CID fonts are never used because
they print blank on PCs without Japanese fonts. Characters IPAex lacks (𠮷 …) are drawn with the bundled
fallback IPAmj明朝 (see ``glyphs``): in Paragraphs by ``_escape``, everywhere else (tables' plain cells,
the header and footer, drawings' labels) by the form's canvas — so every form gets it without asking.

ReportLab is imported here only, and this module only when something is printed (start-up stays light).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.models import vocab
from app.services.common.japanese import format_wareki
from app.services.common.resources import GOTHIC_TTF, MINCHO_TTF, font_path
from app.services.printing import glyphs
from app.services.printing.sharing import OPEN, Disclosure

GOTHIC = "IPAexGothic"
MINCHO = "IPAexMincho"
FALLBACK = glyphs.FALLBACK_FAMILY
FOOTER_NOTICE = "取扱注意（個人情報）"
DEFAULT_APPROVERS = vocab.DEFAULT_APPROVERS
MARK_SELECTED, MARK_MAIN, MARK_EMPTY = "○", "◎", "□"

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18 * mm, 26 * mm, 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
# Tables default to Helvetica even when every cell is a Paragraph; that font would not be embedded.
TABLE_BASE = [("FONT", (0, 0), (-1, -1), GOTHIC, 9.5), ("TOPPADDING", (0, 0), (-1, -1), 2)]


def _to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's ToUnicode CMap, but with each character written as UTF-16BE as the PDF standard asks.

    ReportLab writes a code point beyond the BMP as plain hex (<20BB7> for 𠮷), which readers reject,
    so 𠮷 would vanish from the PDF's text (search, copy, pypdf) though its glyph is drawn."""
    text = _reportlab_to_unicode_cmap(fontname, subset)
    for code, value in enumerate(subset):
        if value > 0xFFFF:
            utf16 = chr(value).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{code:02X}> <{value:04X}>", f"<{code:02X}> <{utf16}>")
    return text


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by name when a subset is embedded


def _register_fonts() -> None:
    if GOTHIC not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(GOTHIC, str(font_path(GOTHIC_TTF))))
        pdfmetrics.registerFont(TTFont(MINCHO, str(font_path(MINCHO_TTF))))
        # Drawings (the genogram) start from this state; its default would add a non-embedded Helvetica.
        STATE_DEFAULTS["fontName"] = GOTHIC


def _register_fallback() -> None:
    # Only when a character needs it: parsing the 46 MB font costs a few tenths of a second per process.
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FALLBACK, str(font_path(glyphs.FALLBACK_TTF))))
        # A <b> around a fallback run must not fail for want of a bold face; there is none to use.
        pdfmetrics.registerFontFamily(FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK,
                                      boldItalic=FALLBACK)  # fmt: skip


def text_runs(text: str) -> list[tuple[str, bool]]:
    """``glyphs.runs``, with the fallback font registered when a run needs it."""
    parts = glyphs.runs(text)
    if any(fallback for _t, fallback in parts):
        _register_fallback()
    return parts


@dataclass(frozen=True)
class FormContext:
    """What every form prints besides its content: who, where, when, and the town's 確認欄 setting."""

    town: str
    printed_by: str
    printed_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    approvers: tuple[str, ...] = ()  # empty: no 確認欄 (the default); e.g. DEFAULT_APPROVERS
    # What this print may show (app.services.printing.sharing); every text the form draws passes through it.
    disclosure: Disclosure = OPEN


def styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = ParagraphStyle("body", fontName=GOTHIC, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontSize=11.5,
            leading=16,
            spaceBefore=4,
            spaceAfter=2,
            textColor=colors.black,
        ),
        "big": ParagraphStyle("big", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "label": ParagraphStyle(
            "label", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#333333")
        ),
    }


def _escape_run(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    # Paragraphs collapse runs of spaces; blanks to write in (「　　年　　月　　日」) must keep their width.
    return text.replace("\u3000", "\u00a0" * 3)


def _escape(text: str) -> str:
    return "".join(
        f'<font name="{FALLBACK}">{_escape_run(part)}</font>' if fallback else _escape_run(part)
        for part, fallback in text_runs(text or "")
    )


class _FallbackCanvas(rl_canvas.Canvas):
    """A canvas whose plain strings (table cells without a Paragraph, header and footer, drawings'
    labels) draw the characters the main fonts lack with the fallback font, run by run, so the glyph is
    drawn and the PDF's text holds the real character."""

    def _runs(self, text: str) -> list[tuple[str, str]] | None:
        """(text, font) runs when ``text`` needs more than the current font; None when it does not."""
        if self._fontname not in (GOTHIC, MINCHO):
            return None
        parts = text_runs(text)
        if not any(fallback for _t, fallback in parts) and "".join(t for t, _f in parts) == text:
            return None
        return [(part, FALLBACK if fallback else self._fontname) for part, fallback in parts]

    def _width(self, runs: list[tuple[str, str]]) -> float:
        return sum(pdfmetrics.stringWidth(part, font, self._fontsize) for part, font in runs)

    def _draw_runs(self, x: float, y: float, runs: list[tuple[str, str]], mode=None) -> None:
        # One text object for the whole string, so a PDF reader sees one word, not a line per run.
        t = self.beginText(x, y)
        if mode is not None:
            t.setTextRenderMode(mode)
        for part, run_font in runs:
            t.setFont(run_font, self._fontsize, self._leading)
            t.textOut(part)
        self.drawText(t)
        self.setFont(self._fontname, self._fontsize, self._leading)

    def drawString(self, x, y, text, mode=None, *args, **kwargs):  # noqa: N802 (ReportLab's names)
        runs = self._runs(text)
        if runs is None:
            return super().drawString(x, y, text, mode, *args, **kwargs)
        self._draw_runs(x, y, runs, mode)

    def drawRightString(self, x, y, text, mode=None, *args, **kwargs):  # noqa: N802
        runs = self._runs(text)
        if runs is None:
            return super().drawRightString(x, y, text, mode, *args, **kwargs)
        self._draw_runs(x - self._width(runs), y, runs, mode)

    def drawCentredString(self, x, y, text, mode=None, *args, **kwargs):  # noqa: N802
        runs = self._runs(text)
        if runs is None:
            return super().drawCentredString(x, y, text, mode, *args, **kwargs)
        self._draw_runs(x - self._width(runs) / 2, y, runs, mode)


class _NumberedCanvas(_FallbackCanvas):
    """Defers page decoration until the page count is known, so every page can say "x / y"."""

    def __init__(self, *args, decorate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._decorate = decorate

    def showPage(self):  # noqa: N802 (ReportLab's name)
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


def _keep_headings_with_next(story: list[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    i = 0
    while i < len(story):
        item = story[i]
        if getattr(item, "is_heading", False) and i + 1 < len(story):
            out.append(KeepTogether([item, story[i + 1]]))
            i += 2
        else:
            out.append(item)
            i += 1
    return out


class Form:
    """One printed form. Add content with the helpers, then ``render()`` to PDF bytes.

    Every text goes through the print's disclosure (``scrub``) before it is laid out, so a form cannot
    print what the rules of sharing withhold even where its layout forgot them. A form that draws text
    itself (a genogram) passes it through ``form.scrub`` too."""

    def __init__(self, title: str, form_number: str, context: FormContext):
        self.context = context
        self.disclosure = context.disclosure
        self.scrub = context.disclosure.scrub
        self.title, self.form_number = self.scrub(title), form_number
        self.s = styles()
        self.story: list[Flowable] = []

    def _text(self, text: str) -> str:
        return _escape(self.scrub(text))

    # --- content helpers --------------------------------------------------------------------------

    def heading(self, text: str) -> None:
        heading = Paragraph(f"■ {self._text(text)}", self.s["heading"])
        heading.is_heading = True  # kept on the same page as what follows it (see render)
        self.story.append(heading)

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(self._text(text), self.s[style]))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def spacer(self, height_mm: float = 4) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def flowable(self, item: Flowable) -> None:
        self.story.append(item)

    def _cell(self, value, style="cell"):
        return value if isinstance(value, Flowable) else Paragraph(self._text(str(value)), self.s[style])

    def grid(
        self,
        rows: Sequence[Sequence],
        col_widths_mm: Sequence[float] | None = None,
        *,
        header: Sequence[str] | None = None,
        label_columns: Sequence[int] = (),
        min_row_mm: float | None = None,
    ) -> None:
        """A ruled table. ``label_columns`` are shaded like the labels of a paper form; ``min_row_mm``
        leaves room to write by hand in empty rows."""
        data = ([list(header)] if header else []) + [list(r) for r in rows]
        cells = [[self._cell(v) for v in row] for row in data]
        widths = [w * mm for w in col_widths_mm] if col_widths_mm else None
        if min_row_mm:
            # A minimum, not a fixed height (ReportLab's rowHeights would let long text spill out): the
            # first cell of each body row carries an invisible strut of the wanted height.
            first = 1 if header else 0
            strut = max(0.0, min_row_mm * mm - 19)  # less one line of text and the cell padding
            for row in cells[first:]:
                row[0] = [row[0], Spacer(0.1, strut)] if strut else row[0]
            style_valign = "TOP"
        else:
            style_valign = "MIDDLE"
        table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            *TABLE_BASE,
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), style_valign),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")))
        for col in label_columns:
            style.append(("BACKGROUND", (col, 0), (col, -1), colors.HexColor("#F2F2F2")))
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def key_values(self, pairs: Sequence[tuple[str, str]], label_mm: float = 32) -> None:
        """Label | value rows, two pairs per line."""
        self.story.append(self._key_value_table(pairs, label_mm, CONTENT_W))

    def _key_value_table(self, pairs, label_mm: float, width: float) -> Table:
        rows = []
        for i in range(0, len(pairs), 2):
            row = []
            for label, value in pairs[i : i + 2]:
                row += [self._cell(label, "label"), self._cell(value)]
            rows.append(row + [""] * (4 - len(row)))
        value = width / 2 - label_mm * mm
        table = Table(rows, colWidths=[label_mm * mm, value, label_mm * mm, value])
        style = [*TABLE_BASE, ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]  # fmt: skip
        style += [("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#F2F2F2")) for c in (0, 2)]
        table.setStyle(TableStyle(style))
        return table

    def key_values_with_approvals(self, pairs: Sequence[tuple[str, str]], label_mm: float = 24) -> None:
        """The first facts of a form, with the 確認欄 (when the town uses it) beside them rather than
        above, so a one-page form stays on one page."""
        boxes = self._approval_boxes()
        if boxes is None:
            self.key_values(pairs)
            return
        self._approvals_placed = True
        width = CONTENT_W - boxes.minWidth() - 4 * mm
        outer = Table(
            [[self._key_value_table(pairs, label_mm, width), boxes]], colWidths=[width + 4 * mm, None]
        )
        outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
        self.story.append(outer)

    def check_row(
        self, options: Sequence[str], selected: Sequence[str] = (), main: str | None = None, columns=3
    ):
        """Choices as on paper: ◎ the most pressing, ○ the others chosen, □ not chosen."""
        cells = []
        for opt in options:
            mark = MARK_MAIN if opt == main else (MARK_SELECTED if opt in selected else MARK_EMPTY)
            cells.append(f"{mark} {opt}")
        rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
        rows[-1] += [""] * (columns - len(rows[-1]))
        table = Table([[self._cell(c) for c in r] for r in rows], colWidths=[CONTENT_W / columns] * columns)
        table.setStyle(TableStyle([*TABLE_BASE, ("BOX", (0, 0), (-1, -1), 0.5, colors.black)]))
        self.story.append(table)

    def signature_line(self, label: str) -> None:
        table = Table(
            [[self._cell(label, "label"), ""]],
            colWidths=[50 * mm, 80 * mm],
            rowHeights=[11 * mm],
            hAlign="RIGHT",
        )
        table.setStyle(
            TableStyle(
                [
                    *TABLE_BASE,
                    ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            )
        )
        self.story.append(table)

    # --- rendering --------------------------------------------------------------------------------

    def _approval_boxes(self) -> Flowable | None:
        if not self.context.approvers:
            return None
        n = len(self.context.approvers)
        table = Table(
            [list(self.context.approvers), [""] * n],
            colWidths=[16 * mm] * n,
            rowHeights=[5 * mm, 14 * mm],
            hAlign="RIGHT",
        )
        table.setStyle(
            TableStyle(
                [
                    *TABLE_BASE,
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("FONT", (0, 0), (-1, -1), GOTHIC, 8),
                    ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return table

    def _decorate(self, c: rl_canvas.Canvas, page: int, total: int) -> None:
        ctx = self.context
        c.saveState()
        c.setFont(GOTHIC, 16)
        c.drawCentredString(PAGE_W / 2, PAGE_H - 16 * mm, self.title)
        c.setFont(GOTHIC, 8.5)
        c.drawString(MARGIN_X, PAGE_H - 12 * mm, ctx.town)
        c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 12 * mm, self.form_number)
        c.setLineWidth(0.8)
        c.line(MARGIN_X, PAGE_H - 19.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 19.5 * mm)
        y = 11 * mm
        c.setLineWidth(0.4)
        c.line(MARGIN_X, y + 5 * mm, PAGE_W - MARGIN_X, y + 5 * mm)
        c.setFont(GOTHIC, 9)
        c.drawString(MARGIN_X, y, FOOTER_NOTICE)
        c.drawCentredString(PAGE_W / 2, y, f"{page} / {total}")
        c.setFont(GOTHIC, 8)
        printed = f"印刷 {format_wareki(ctx.printed_at.date())} {ctx.printed_at:%H:%M}　{ctx.printed_by}"
        c.drawRightString(PAGE_W - MARGIN_X, y, printed)
        c.restoreState()

    def render(self) -> bytes:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=self.title,
            author=self.context.town,
            creator="つなぎ",
            initialFontName=GOTHIC,  # otherwise every page references a non-embedded Helvetica
        )
        story = _keep_headings_with_next(self.story)
        if not getattr(self, "_approvals_placed", False) and (boxes := self._approval_boxes()) is not None:
            story = [boxes, Spacer(1, 3 * mm), *story]
        decorate = self._decorate
        doc.build(
            story or [Spacer(1, 1)],
            canvasmaker=lambda *a, **k: _NumberedCanvas(*a, decorate=decorate, **k),
        )
        return buf.getvalue()

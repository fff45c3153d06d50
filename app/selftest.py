"""``--selftest``: prove an installed bundle works on this PC — an encrypted store opens, a PDF is written
with the embedded font, and Japanese renders offscreen without missing glyphs. Exit 0 when all hold."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

SAMPLE = "重層的支援体制整備事業 髙橋 﨑子 つなぐシート"
GAIJI = "\U00020bb7田"  # 𠮷田: IPAex lacks 𠮷, the bundled fallback IPAmj明朝 draws it


def run() -> int:
    from app.console import use_utf8_output

    use_utf8_output()  # also when run as python -m app.selftest: a cp1252 pipe cannot take 日本語
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, fn) -> None:
        try:
            detail = fn() or ""
            checks.append((name, True, detail))
        except Exception as exc:  # each check reports its own failure, the others still run
            checks.append((name, False, f"{type(exc).__name__}: {exc}"))

    with tempfile.TemporaryDirectory(prefix="tsunagi-selftest-") as tmp:

        def store_check() -> str:
            import keyring
            from keyring.backends.fail import Keyring

            keyring.set_keyring(Keyring())  # leave the PC's real keyring alone
            from app.services.store.keyslots import FAST
            from app.services.store.store import DB_NAME, Store

            created = Store.create(Path(tmp) / "store", passphrase="selftest-passphrase", kdf=FAST)
            created.store.close()
            store = Store.open(Path(tmp) / "store", passphrase="selftest-passphrase")
            store.close()
            raw = (Path(tmp) / "store" / DB_NAME).read_bytes()
            if raw.startswith(b"SQLite format 3"):
                raise RuntimeError("the database is not encrypted")
            return "暗号化されたデータを作成して開けました"

        def pdf_check() -> str:
            from app.services.store.keyslots import new_recovery_key
            from app.ui.common.lazy import lazy_import

            # Through the lazy loader, as the pages load the forms: proves it works in the frozen bundle too.
            recovery_sheet = lazy_import("app.services.printing.recovery_sheet")
            from app.services.printing.forms import FormContext

            key, _ = new_recovery_key()
            pdf = recovery_sheet.render(
                FormContext(town="自己診断", printed_by="つなぎ"), key, "selftest", date.today()
            )
            if b"/FontFile2" not in pdf or b"IPAexGothic" not in pdf:
                raise RuntimeError("the PDF does not embed IPAexGothic")
            (Path(tmp) / "selftest.pdf").write_bytes(pdf)
            # The fallback font is in the bundle and reaches the PDF (a name with 𠮷 prints).
            from app.services.printing.forms import FALLBACK, Form

            form = Form("自己診断", "-", FormContext(town="自己診断", printed_by="つなぎ"))
            form.paragraph(GAIJI)
            if FALLBACK.encode() not in form.render():
                raise RuntimeError(f"the PDF does not embed {FALLBACK}")
            return f"PDF {len(pdf):,} バイト（IPAexゴシック埋め込み、外字は{FALLBACK}）"

        def font_check() -> str:
            from PySide6.QtGui import QFont, QRawFont
            from PySide6.QtWidgets import QApplication, QLabel

            from app.services.printing.glyphs import FALLBACK_FAMILY
            from app.ui.common.fonts import UI_FAMILY, load_bundled_fonts

            app = QApplication.instance() or QApplication([])
            families = load_bundled_fonts()
            if UI_FAMILY not in families or FALLBACK_FAMILY not in families:
                raise RuntimeError(f"bundled fonts not loaded: {families}")
            label = QLabel(SAMPLE)
            label.setFont(QFont(UI_FAMILY, 12))
            glyphs = QRawFont.fromFont(label.font()).glyphIndexesForString(SAMPLE.replace(" ", ""))
            if not glyphs or any(g == 0 for g in glyphs):
                raise RuntimeError("a Japanese glyph is missing (.notdef)")
            fallback = QRawFont.fromFont(QFont(FALLBACK_FAMILY, 12))  # Qt would substitute a missing family
            if fallback.familyName() != FALLBACK_FAMILY or not fallback.supportsCharacter(0x20BB7):
                raise RuntimeError(f"{FALLBACK_FAMILY} does not draw 𠮷")
            label.grab()
            del app
            return f"日本語の表示（{UI_FAMILY}、{len(glyphs)} 文字）"

        check("データ", store_check)
        check("印刷", pdf_check)
        check("文字", font_check)
    for name, ok, detail in checks:
        print(f"{'OK' if ok else 'NG'}  {name}: {detail}")
    return 0 if all(ok for _n, ok, _d in checks) else 1


if __name__ == "__main__":
    sys.exit(run())

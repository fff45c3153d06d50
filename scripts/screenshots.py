"""Screenshots of what the coordinator sees, at 1366×768, for a person to look at.

Run under a virtual screen:  xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py [OUT]
Writes PNGs to OUT (default build/screenshots). Uses a throw-away data folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

from app.services.keyslots import FAST  # noqa: E402
from app.ui.context import AppContext  # noqa: E402
from app.ui.first_run import FirstRunWizard  # noqa: E402
from app.ui.main import build_application  # noqa: E402
from app.ui.shell import Shell  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "screenshots"
PASS = "山あいの町で春に咲く桜 2026"


def snap(widget, name: str) -> None:
    QTest.qWait(300)
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = build_application([])
    ctx = AppContext(data_dir=Path(tempfile.mkdtemp()) / "tsunagi", kdf=FAST)

    wizard = FirstRunWizard(ctx)
    wizard.resize(1000, 640)
    wizard.show()
    snap(wizard, "01-wizard-welcome")
    wizard.next()
    wizard.town_page.town.setText("例示県つなぎ町")
    wizard.town_page.user.setText("田中 一郎")
    snap(wizard, "02-wizard-town")
    wizard.next()
    wizard.passphrase_page.fields.first.setText(PASS)
    wizard.passphrase_page.fields.second.setText(PASS)
    snap(wizard, "03-wizard-passphrase")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    snap(wizard, "04-wizard-recovery-key")
    wizard.key_page.stored.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()

    shell = Shell(ctx)
    shell.resize(1366, 768)
    shell.enter(wizard.created.store)
    shell.show()
    snap(shell, "05-home-empty")
    shell.content.nav.setCurrentRow(shell.content.nav.count() - 1)
    snap(shell, "06-settings")
    shell.content.nav.setCurrentRow(0)
    shell.lock()
    snap(shell, "07-locked")
    shell.sign_out()
    snap(shell, "08-sign-in")
    shell.sign_in.passphrase.setText("まちがい")
    shell.sign_in.submit()
    snap(shell, "09-sign-in-wrong")
    QTimer.singleShot(0, app.quit)


if __name__ == "__main__":
    main()

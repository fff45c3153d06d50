"""A coordinator's printing session, shared by the in-process GUI test and the child process that is
killed after printing (tests/ui/test_print_leftovers.py). Run as a program it prints five forms, writes
the PDFs' paths as JSON on stdout and kills itself without any clean-up:

    python -m tests.ui.print_session DATA_DIR
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QPushButton

# Rare enough that finding it anywhere means it came from this store.
NAME = "鷺ノ宮 澪蘭"
KANA = "さぎのみや みおらん"
PASSPHRASE = "印刷のあとに残さない合言葉"
FORMS = ("face_button", "print_intake_button", "print_timeline", "print_visit", "outreach_route")


def populate(store) -> int:
    from app.services.households import households
    from app.services.outreach import outreach

    hid = households.create_household(store, address="例示県つなぎ町大字本町9-9", district="本町一区")
    person = households.add_member(
        store, hid, {"name": NAME, "kana": KANA, "birth_date": date(1975, 6, 7), "relation": "head"}
    )
    households.add_intake(
        store, hid, {"received_on": date.today() - timedelta(days=3), "main_complaint": "外に出られない",
                     "person_id": person},
    )  # fmt: skip
    # Yesterday: a visit at 9:00 today is still in the future when the suite runs after midnight.
    visited = datetime.combine(date.today() - timedelta(days=1), datetime.min.time()).replace(hour=9)
    outreach.add_visit(store, hid, {"visited_at": visited, "kind": "continuing", "result": "met",
                                    "met_person_ids": [person], "next_on": date.today()})  # fmt: skip
    return hid


class FakeViewer:
    """Stands in for QDesktopServices: the PC 'shows' every PDF, and we note which file it was."""

    opened: list[Path] = []

    @staticmethod
    def openUrl(url) -> bool:  # noqa: N802 (Qt's name)
        FakeViewer.opened.append(Path(url.toLocalFile()))
        return True


def print_five(shell, household_id: int) -> list[Path]:
    """Open the household and press five print buttons, as the coordinator would."""
    FakeViewer.opened = []
    shell.content.open_household(household_id)
    detail = shell.content.page("世帯").detail
    for name in FORMS[:4]:
        detail.findChild(QPushButton, name).click()
        QApplication.processEvents()
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index("訪問・経過"))
    shell.content.page("訪問・経過").findChild(QPushButton, FORMS[4]).click()
    QApplication.processEvents()
    return list(FakeViewer.opened)


def _die() -> None:
    sys.stdout.flush()
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(9)  # Windows: TerminateProcess, no atexit, no clean-up either


def main(data_dir: Path) -> None:
    from app.services.store.keyslots import FAST
    from app.services.store.store import Store
    from app.ui.common import widgets
    from app.ui.common.context import AppContext
    from app.ui.main import build_application
    from app.ui.window.shell import Shell

    build_application([])
    widgets.QDesktopServices = FakeViewer
    ctx = AppContext(data_dir=data_dir, kdf=FAST, quiet=True)
    created = Store.create(data_dir, passphrase=PASSPHRASE, user="田中", town="例示県つなぎ町", kdf=FAST)
    hid = populate(created.store)
    shell = Shell(ctx)
    shell.enter(created.store)
    shell.show()
    print(json.dumps([str(p) for p in print_five(shell, hid)]))
    _die()


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Printing: a PDF goes into a private folder for the PC's viewer, or is saved where the user chooses;
either way the act is audited once, with the basis it was printed on (what, which record, by whom).

What a form may show is decided before it gets here (app.services.catalog.print_catalog, app.services.printing.sharing);
this module only delivers the bytes.

A PDF for the viewer is plaintext personal data, so it never goes to the system's temp folder (other
programs, crash reporters and cleaners read there, and nothing empties it): it goes into
``<data dir>/print/``, beside the encrypted store in the user's own profile, readable only by this user,
and that folder is emptied when the store closes (exit, lock, sign-out) and again at the next start, in
case the app was killed. A PDF saved elsewhere goes into the 持出し管理簿 (app.services.store.media_ledger)."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.services.common.fileio import FILE_MODE, atomic_write_bytes, private_dir
from app.services.store import audit, media, media_ledger, settings
from app.services.store.print_folder import print_dir

if TYPE_CHECKING:
    from app.services.store.store import Store

RECOVERY_SHEET_TITLE = "回復キー保管票"  # app.services.printing.recovery_sheet.TITLE (that module loads ReportLab)


@dataclass(frozen=True)
class Printed:
    """One print: the PDF, the form's title, what it is about (household code, sheet number …) and the
    basis it was made on (vocab.PRINT_BASIS)."""

    pdf: bytes
    form: str
    target: str = ""
    basis: str = "internal"


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "form"


def file_name(printed: Printed) -> str:
    """The PDF's name: the form and what it is about (a household code or a sheet number, never a name)."""
    return f"{_safe_name(printed.form)}{'-' + _safe_name(printed.target) if printed.target else ''}.pdf"


def _write_private(folder: Path, name: str, data: bytes) -> Path:
    """A new file readable only by this user from its first byte. A fresh name each time: Windows will not
    replace a PDF the viewer still shows, and O_EXCL never follows a link planted under the name."""
    stem = name.removesuffix(".pdf")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem}-{n}.pdf")
        try:
            fd = os.open(path, flags, FILE_MODE)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return path
    raise FileExistsError(f"{folder} に同じ名前の PDF が多すぎます")


def _print_entry(session, form: str, target: str = "", saved_to: str = "", basis: str = "") -> None:
    detail = (
        {"form": form} | ({"saved_to": saved_to} if saved_to else {}) | ({"basis": basis} if basis else {})
    )
    audit.record(session, "print", target=target, detail=detail)


def record_print(store: Store, form: str, target: str = "", saved_to: str = "", basis: str = "") -> None:
    with store.session() as s:
        _print_entry(s, form, target, saved_to, basis)
        s.commit()


def deliver(store: Store, printed: Printed) -> Path:
    """Write the PDF for the viewer into the data folder's print folder and audit the print; returns its
    path. The caller opens it; the file goes when the store closes."""
    # 0700 also when it existed with looser rights; on Windows the profile's ACL applies.
    path = _write_private(private_dir(print_dir(store.folder)), file_name(printed), printed.pdf)
    record_print(store, printed.form, printed.target, basis=printed.basis)
    return path


def save_as(store: Store, printed: Printed, destination: Path) -> Path:
    """Save the PDF where the user chose: audited as a print, and the file goes into the 持出し管理簿."""
    destination = Path(destination)
    atomic_write_bytes(destination, printed.pdf)
    with store.session() as s:
        _print_entry(s, printed.form, printed.target, str(destination), printed.basis)
        media_ledger.add_file(s, "pdf", destination, printed.pdf, operator=store.actor)
        s.commit()
    return destination


def is_recovery_sheet(printed: Printed) -> bool:
    return printed.form == RECOVERY_SHEET_TITLE


def place_warning(store: Store, printed: Printed, destination: Path) -> str:
    """Why ``destination`` is a bad place for this PDF, or "" when it is not. The recovery-key sheet opens
    every record: kept on a stick or beside a backup (or the data itself), one loss or theft gives away
    both the data and its key."""
    if not is_recovery_sheet(printed):
        return ""
    folder = Path(destination).absolute().parent
    where = ""
    if any(folder.is_relative_to(m.path) for m in media.removable_media()):
        where = "USBメモリなどの取り外せる媒体"
    else:
        with store.session() as s:
            backups = media_ledger.backup_folders(s)
        if any(folder.is_relative_to(b) for b in backups):
            where = "バックアップの保存先"
        elif folder.is_relative_to(Path(store.folder).absolute()):
            where = "つなぎのデータフォルダ"
    if not where:
        return ""
    return (
        f"保存先は{where}です。回復キーの用紙をUSBメモリやバックアップと同じ場所に保存すると、"
        "バックアップと回復キーを一緒に失う・盗まれるおそれがあります。回復キーを持つ人は全世帯の記録を"
        "開けます。別の場所に保存して印刷し、印刷したらPDFは削除してください。"
    )


def form_context(store: Store, disclosure=None):
    """Who and where every printed form names, from the settings and the signed-in user, and what the
    print may show (app.services.printing.sharing; the print pipeline passes it)."""
    from app.services.printing.forms import (
        FormContext,  # ReportLab loads with the first print, not at start-up
    )

    values = settings.load(store)
    return FormContext(
        town=values["town.name"],
        printed_by=settings.printed_by(store),
        approvers=tuple(values["forms.approvers"]) if values["forms.approvers_enabled"] else (),
        **({"disclosure": disclosure} if disclosure is not None else {}),
    )

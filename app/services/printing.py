"""Printing: a PDF goes into a private folder for the PC's viewer, or is saved where the user chooses;
either way the act is audited once, with the basis it was printed on (what, which record, by whom).

What a form may show is decided before it gets here (app.services.print_catalog, app.services.sharing);
this module only delivers the bytes."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.services import audit
from app.services.fileio import atomic_write_bytes
from app.services.store import Store

_private_dir: Path | None = None


@dataclass(frozen=True)
class Printed:
    """One print: the PDF, the form's title, what it is about (household code, sheet number …) and the
    basis it was made on (vocab.PRINT_BASIS)."""

    pdf: bytes
    form: str
    target: str = ""
    basis: str = "internal"


def private_dir() -> Path:
    """One folder per run, readable only by this user (mkdtemp creates it 0700)."""
    global _private_dir
    if _private_dir is None or not _private_dir.exists():
        _private_dir = Path(tempfile.mkdtemp(prefix="tsunagi-print-"))
    return _private_dir


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "form"


def record_print(store: Store, form: str, target: str = "", saved_to: str = "", basis: str = "") -> None:
    detail = (
        {"form": form} | ({"saved_to": saved_to} if saved_to else {}) | ({"basis": basis} if basis else {})
    )
    with store.session() as s:
        audit.record(s, "print", target=target, detail=detail)
        s.commit()


def deliver(store: Store, printed: Printed) -> Path:
    """Write the PDF for the viewer and audit the print; returns its path. The caller opens it."""
    name = f"{_safe_name(printed.form)}{'-' + _safe_name(printed.target) if printed.target else ''}.pdf"
    path = private_dir() / name
    atomic_write_bytes(path, printed.pdf)
    if os.name == "posix":
        path.chmod(0o600)
    record_print(store, printed.form, printed.target, basis=printed.basis)
    return path


def save_as(store: Store, printed: Printed, destination: Path) -> Path:
    atomic_write_bytes(destination, printed.pdf)
    record_print(store, printed.form, printed.target, saved_to=str(destination), basis=printed.basis)
    return destination

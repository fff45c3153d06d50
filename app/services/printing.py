"""Printing: a PDF goes into a private temporary folder for the PC's viewer, or is saved where the
user chooses; either way the act is audited (what, which household or record, by whom)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app.services import audit
from app.services.fileio import atomic_write_bytes
from app.services.store import Store

_private_dir: Path | None = None


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


def deliver(store: Store, pdf: bytes, form: str, target: str = "", *, audited: bool = False) -> Path:
    """Write the PDF for the viewer; returns its path. The caller opens it (Qt: QDesktopServices).
    ``audited``: the print was already recorded (with more detail) by the caller."""
    path = private_dir() / f"{_safe_name(form)}{'-' + _safe_name(target) if target else ''}.pdf"
    atomic_write_bytes(path, pdf)
    if os.name == "posix":
        path.chmod(0o600)
    if not audited:
        record_print(store, form, target)
    return path


def save_as(store: Store, pdf: bytes, destination: Path, form: str, target: str = "") -> Path:
    atomic_write_bytes(destination, pdf)
    record_print(store, form, target, saved_to=str(destination))
    return destination

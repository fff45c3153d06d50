"""Sign-in failures of one store, remembered across restarts, with a growing wait.

``<data dir>/tsunagi.attempts`` beside the key file holds the store id, the count of failed passphrase
sign-ins since the last success and the earliest time the next try is accepted (written atomically,
readable by this user only). ``Store.open`` consults it before any Argon2 run and updates it after, so the
GUI, the CLI and the Python API share one counter and restarting the app does not reset it.

The rules:

- Failures before the ``FREE``-th (the fifth) cost nothing (typos happen); from it on each failure
  doubles the wait, from ``BASE_S`` up to ``MAX_WAIT_S`` (5 minutes). The wait never grows past that: the rightful user is
  slowed down, never shut out.
- A success resets the count.
- The recovery key is never made to wait and its failures do not count: it is 160 random bits that no
  one can guess, so a wait would only stand between the town and its data (and a wrong or mistyped
  recovery key is still recorded in the audit log at the next sign-in). A successful recovery resets the
  count, like any success.
- A waiting time computed against a clock that later jumped back is capped at ``MAX_WAIT_S``.
- An unreadable file counts as no failures (someone able to damage it can delete it just as well; the
  defence it offers is against guessing through the app, not against the folder's owner).
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from app.services.common.errors import TsunagiError
from app.services.common.fileio import atomic_write_bytes

ATTEMPTS_NAME = "tsunagi.attempts"
FREE = 5
BASE_S = 1.0  # tests lower it
MAX_WAIT_S = 300.0


class TooManyAttempts(TsunagiError):
    """Sign-in refused without trying: wait first. Exit code 1 (try again later), not 3: no secret was
    checked this time."""

    exit_code = 1

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


@dataclass
class Status:
    failures: int
    wait_s: float  # how long until the next try is accepted (0: now)


def _path(folder: Path) -> Path:
    return Path(folder) / ATTEMPTS_NAME


def _load(folder: Path, store_id: str | None) -> dict:
    try:
        doc = json.loads(_path(folder).read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or (store_id is not None and doc.get("store_id") != store_id):
            return {}
        failures, not_before = doc.get("failures"), doc.get("not_before")
        if not isinstance(failures, int) or not isinstance(not_before, int | float):
            return {}
        return {"failures": max(0, failures), "not_before": float(not_before)}
    except (OSError, ValueError):
        return {}


def delay_for(failures: int) -> float:
    """The wait after the ``failures``-th failure in a row."""
    if failures < FREE:
        return 0.0
    return min(BASE_S * 2 ** min(failures - FREE, 30), MAX_WAIT_S)


def status(folder: Path, store_id: str | None = None) -> Status:
    """The count and the wait; ``store_id`` None (a screen showing the wait) takes the file as it is."""
    doc = _load(folder, store_id)
    wait = max(0.0, doc.get("not_before", 0.0) - time.time())
    return Status(doc.get("failures", 0), min(wait, MAX_WAIT_S))


def wait_message(seconds: float) -> str:
    return f"入力の誤りが続いたため、あと{max(1, round(seconds))}秒お待ちください（パスフレーズは確かめていません）"


def check(folder: Path, store_id: str) -> None:
    """Raise TooManyAttempts while the wait after earlier failures is still running."""
    wait = status(folder, store_id).wait_s
    if wait > 0:
        raise TooManyAttempts(wait_message(wait), wait)


def failed(folder: Path, store_id: str) -> Status:
    """Count one failed passphrase sign-in; returns the new count and the wait before the next try."""
    failures = _load(folder, store_id).get("failures", 0) + 1
    wait = delay_for(failures)
    doc = {"store_id": store_id, "failures": failures, "not_before": time.time() + wait}
    with contextlib.suppress(OSError):  # a full disk must not turn a wrong passphrase into a crash
        atomic_write_bytes(_path(folder), json.dumps(doc).encode("utf-8"))
    return Status(failures, wait)


def succeeded(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _path(folder).unlink(missing_ok=True)

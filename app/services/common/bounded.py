"""Input from outside, taken in with limits: text fields, JSON documents, ZIP entries.

One table of field lengths serves the dialogs (app.services.households.households checks them on every save) and
the import of ``tsunagi-households/1`` files alike, so nothing can come in through a file that could
not be typed. A 10-million-character name froze the household screen; a 1.9 MB backup whose manifest
inflated to gigabytes took 2 GB of memory; lone surrogates, 10,000-digit numbers and deep nesting
ended in tracebacks. Each is now a Japanese message naming the place, before anything is written.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from app.services.common.errors import InvalidInput

# Characters, per field (the database's String(n) where it has one; Text fields get a length a person
# would write, generous for casework). Keys: field names as in the models and the exchange format.
HOUSEHOLD_LIMITS = {
    "id": 64,  # households.code
    "label": 200,
    "address": 200,
    "postal_code": 10,
    "district": 100,
    "phone": 40,
    "status_reason": 2000,
    "closure_note": 2000,
    "note": 10_000,
}
MEMBER_LIMITS = {
    "id": 64,  # persons.code
    "name": 200,
    "kana": 200,
    "phone": 40,
    "mobile": 40,
    "own_words": 10_000,
    "strengths": 10_000,
    "note": 10_000,
}
AGENCY_LIMITS = {
    "name": 200,
    "department": 200,
    "agency_type": 100,
    "fields": 1000,  # (as typed: 分野 separated by 、)
    "postal_code": 10,
    "address": 200,
    "phone": 40,
    "fax": 40,
    "contact_person": 100,
    "note": 10_000,
}
MAX_MEMBERS = 100  # per household
MAX_LIST = 100  # entries of a list field (課題, 障害, 親, 介護の相手)
MAX_IMPORT_BYTES = 200 << 20  # a file to import: 50,000 households with notes stay far below
MAX_DEPTH = 32  # nesting of an imported JSON document (the format needs 4)
MAX_DIGITS = 30  # an integer longer than this is not a value of ours (and costs time to convert)

# C0 controls but tab and line breaks, DEL: not something a person types; they garble terminals and forms.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str, limit: int | None) -> str:
    """What is wrong with ``value`` as a text field, or "" when it is fine."""
    if limit is not None and len(value) > limit:
        return f"{limit:,}文字以内にしてください（{len(value):,}文字あります）"
    if _SURROGATE.search(value):
        return "文字として読めない符号（対になっていないサロゲート）が含まれています"
    if _CONTROL.search(value):
        return "制御文字が含まれています"
    return ""


def field_errors(values: dict[str, Any], limits: dict[str, int]) -> dict[str, str]:
    """Field → message for every text value in ``values`` that breaks its limit (the dialogs' check)."""
    errors = {}
    for key, value in values.items():
        if isinstance(value, str) and (problem := text_problem(value, limits.get(key))):
            errors[key] = problem
    return errors


def shown(value: Any, limit: int = 30) -> str:
    """A value from a file, safe to quote in a message: short, no control characters or surrogates,
    containers named rather than printed (they may be huge or deep)."""
    if isinstance(value, LongNumber):
        return f"{value.digits:,}桁の数"
    if isinstance(value, dict):
        return "オブジェクト"
    if isinstance(value, list):
        return "リスト"
    if isinstance(value, str):
        text = _CONTROL.sub("?", _SURROGATE.sub("?", value))
        text = text if len(text) <= limit else text[:limit] + "…"
        return json.dumps(text, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


class LongNumber:
    """Stands in for an integer with too many digits to be one of ours (it is never converted)."""

    def __init__(self, digits: int):
        self.digits = digits


def _int(text: str) -> int | LongNumber:
    return LongNumber(len(text)) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _deep_place(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column where the nesting first goes deeper than ``limit`` (strings skipped)."""
    depth = 0
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, m.start()) + 1
                return line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None


def load_json(path: Path) -> Any:
    """A JSON document from a file to import: size checked before reading, nesting and numbers bounded,
    every failure an InvalidInput naming the file and, where it can, the line."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise InvalidInput(
                f"ファイル {path.name} が大きすぎます（{size / 1024 / 1024:,.0f} MB。"
                f"{MAX_IMPORT_BYTES >> 20} MB まで）。何も取り込んでいません"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"ファイル {path} が見つかりません") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"ファイル {path} は UTF-8 のテキストではありません") from None
    except OSError as exc:
        raise InvalidInput(f"ファイル {path} を読めません: {exc.strerror}") from None
    try:
        return json.loads(text, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"ファイル {path} の {exc.lineno} 行 {exc.colno} 文字目: JSON として読めません") from None
    except RecursionError:
        # Nesting deeper than Python's parser goes (the format needs 4 levels). Only now, on the way
        # out, is the text scanned for where it went too deep.
        place = _deep_place(text, MAX_DEPTH)
        where = f" の {place[0]} 行 {place[1]} 文字目" if place else ""
        raise InvalidInput(f"ファイル {path}{where}: 入れ子が深すぎます（{MAX_DEPTH} 段まで）") from None
    except ValueError:
        raise InvalidInput(f"ファイル {path}: JSON として読めません") from None


def zip_entry(z: zipfile.ZipFile, name: str, cap: int, error: type[Exception], what: str) -> bytes:
    """One small entry of a ZIP, its size checked before reading and the reading stopped at ``cap``
    (the size in the directory may lie)."""
    try:
        info = z.getinfo(name)
    except KeyError:
        raise error(f"バックアップファイルに{what}がありません") from None
    too_big = error(f"バックアップファイルの{what}が大きすぎます（{cap >> 10:,} KB まで）。つなぎが作ったものではないか、壊れています")
    if info.file_size > cap or info.compress_size > cap:
        raise too_big
    with z.open(info) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise too_big
    return data

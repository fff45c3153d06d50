"""Which column of a sheet holds which field: proposed from the header words offices use, remembered
from the last import of the same kind, and always shown to the coordinator before anything is read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.services.store import settings
from app.services.store.store import Store


@dataclass(frozen=True)
class SheetField:
    key: str
    label: str  # the template's header, and the name in every message
    aliases: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""  # how to write the value, shown in the template's 説明 sheet


def header_key(text: str) -> str:
    """A header as compared: NFKC, no spaces, brackets or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\s()（）\[\]「」【】・:：_\-*※]", "", text)


Mapping = dict[int, str]  # column index → field key


def propose(headers: list[str], fields: tuple[SheetField, ...], remembered: dict[str, str] | None = None) -> Mapping:
    """Column → field for every header recognised: first what was chosen last time for the same header,
    then the field's own label and its usual variants. Each field is given to one column only."""
    remembered = {header_key(h): k for h, k in (remembered or {}).items()}
    by_word = {}
    for f in fields:
        for word in (f.label, *f.aliases):
            by_word.setdefault(header_key(word), f.key)
    keys = {f.key for f in fields}
    mapping: Mapping = {}
    taken: set[str] = set()
    for i, header in enumerate(headers):
        hk = header_key(header)
        key = remembered.get(hk) if remembered.get(hk) in keys else by_word.get(hk)
        if key and key not in taken:
            mapping[i] = key
            taken.add(key)
    return mapping


def remembered_form(headers: list[str], mapping: Mapping) -> dict[str, str]:
    """What to remember for next time: header words → field keys (columns may move between files)."""
    return {headers[i]: key for i, key in mapping.items() if i < len(headers) and headers[i]}


def missing(mapping: Mapping, fields: tuple[SheetField, ...]) -> list[SheetField]:
    chosen = set(mapping.values())
    return [f for f in fields if f.required and f.key not in chosen]


def remembered(store: Store, kind: str) -> dict[str, str]:
    return dict(settings.value(store, f"sheets.{kind}_columns") or {})


def remember(store: Store, kind: str, headers: list[str], mapping: Mapping) -> None:
    """Keep the columns chosen, so the same sheet next time needs no choosing."""
    settings.save(store, {f"sheets.{kind}_columns": remembered(store, kind) | remembered_form(headers, mapping)})

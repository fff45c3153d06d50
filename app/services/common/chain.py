"""The two hash chains, the audit log and the row history, and how they are checked.

Each entry's hash covers the entry before it and every column of its own, so an entry changed or
removed in the middle breaks the chain from there on. What a chain cannot show by itself is its end:
whoever holds the data key can cut entries off the end, append one, or change an entry and compute
every later hash again. So a record of each chain is also kept outside the database
(app.services.store.anchor: its head in the key file and in every backup's manifest, and short tags of
some entries in the key file); ``walk`` compares the database with that record and names the first
entry that is not as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.models import AuditEntry

GENESIS = "0" * 64
# The key file keeps a short tag of every MARK_EVERY-th entry and of each of the last TAIL entries:
# a chain rewritten after an edit is then placed to the entry (recent ones) or to MARK_EVERY entries.
MARK_EVERY = 256
TAIL = 256
TAG = 16  # hex characters of an entry's hash (64 bits: no one computes a rewrite that matches)
BASES = "chain_bases"  # session.info: each chain's head before this transaction first added to it


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def audit_digest(entry_id: int, at: str, actor: str, action: str, target: str, detail: str, prev_hash: str) -> str:
    # Exactly as entries have been hashed since the first release: changing it breaks every old chain.
    payload = json.dumps([entry_id, at, actor, action, target, detail, prev_hash], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def history_digest(
    entry_id: int, at: datetime, actor: str, table_name: str, row_id: str, action: str, old: str | None,
    new: str | None, prev_hash: str,
) -> str:  # fmt: skip
    # ``old``/``new`` as the JSON text stored (HISTORY_ROWS), ``at`` as ISO text: the same whether
    # computed before the insert or from the row read back. Each part length-prefixed (unambiguous, and
    # several times faster than serialising them again). Migration 0010 freezes a copy of this.
    chunks = [b"tsunagi change_history 1"]
    for part in (str(entry_id), at.isoformat(), actor, table_name, row_id, action, old, new, prev_hash):
        if part is None:
            chunks.append(b"\xff" * 8)
        else:
            data = part.encode("utf-8", "surrogatepass")
            chunks += (len(data).to_bytes(8, "big"), data)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


# change_history as stored: ``old``/``new`` as their JSON text, so the hash covers exactly the stored
# bytes (no second serialisation, and no doubt about how a value reads back). Rows are written and
# checked through this table; the ORM reads the same columns as JSON.
HISTORY_ROWS = Table(
    "change_history",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", DateTime),
    Column("actor", String(64)),
    Column("table_name", String(64)),
    Column("row_id", String(64)),
    Column("action", String(10)),
    Column("old", Text),
    Column("new", Text),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
)


@dataclass(frozen=True)
class Chain:
    key: str  # its name in the key file and in manifests
    label: str  # what a person reads
    table: Table
    digest: Callable[[Any], str]  # of a row read back


AUDIT = Chain(
    "audit",
    "監査ログ",
    AuditEntry.__table__,
    lambda r: audit_digest(r.id, r.at, r.actor, r.action, r.target, r.detail, r.prev_hash),
)
HISTORY = Chain(
    "history",
    "変更履歴",
    HISTORY_ROWS,
    lambda r: history_digest(r.id, r.at, r.actor, r.table_name, r.row_id, r.action, r.old, r.new, r.prev_hash),
)
CHAINS = (AUDIT, HISTORY)


@dataclass(frozen=True)
class Head:
    count: int
    hash: str

    def as_list(self) -> list:
        return [self.count, self.hash]


EMPTY = Head(0, GENESIS)


def head(conn: Connection, chain: Chain) -> Head:
    t = chain.table
    row = conn.execute(select(t.c.id, t.c.hash).order_by(t.c.id.desc()).limit(1)).first()
    return Head(row[0], row[1]) if row else EMPTY


def note_base(session: Session, chain: Chain, base: Head) -> None:
    """Called by whatever appends to a chain, before its first entry in a transaction."""
    session.info.setdefault(BASES, {}).setdefault(chain.key, base)


@dataclass
class Recorded:
    """What is kept of a chain outside the database. The database must end at ``head`` — or at
    ``prev`` when the commit after which the record was written did not go through."""

    prev: Head
    head: Head
    marks: str = ""  # TAG hex characters for entries MARK_EVERY, 2 × MARK_EVERY, …
    tail_from: int = 1  # the entry the first tag of ``tail`` belongs to
    tail: str = ""

    def tag(self, position: int) -> str | None:
        i = position - self.tail_from
        if 0 <= i < len(self.tail) // TAG:
            return self.tail[i * TAG : (i + 1) * TAG]
        j = position // MARK_EVERY - 1
        if position % MARK_EVERY == 0 and 0 <= j < len(self.marks) // TAG:
            return self.marks[j * TAG : (j + 1) * TAG]
        return None

    def accepts(self, state: Head) -> bool:
        return state in (self.head, self.prev)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    bad_id: int | None = None
    problem: str = ""
    label: str = "監査ログ"

    def message(self) -> str:
        if self.ok:
            return f"{self.label}は正常です（{self.count}件、改ざんは見つかりませんでした）"
        if self.bad_id is None:
            return f"{self.label}: {self.problem}"
        return f"{self.label}の第{self.bad_id}件目に問題があります: {self.problem}"


def walk(conn: Connection, chain: Chain, recorded: Recorded | None = None, *, upto: int | None = None) -> VerifyResult:
    """Check ``chain`` entry by entry and, given the record kept outside, its end too. Stops at the
    first problem. ``upto``: judge the chain as if it ended there (the state before a transaction)."""
    t = chain.table
    stmt = select(t).order_by(t.c.id)
    if upto is not None:
        stmt = stmt.where(t.c.id <= upto)

    def bad(entry_id: int | None, problem: str) -> VerifyResult:
        return VerifyResult(False, count, entry_id, problem, chain.label)

    prev, expected, count = GENESIS, 1, 0
    matched = 0  # the last entry whose tag matched: everything up to it is as it was recorded
    for r in conn.execute(stmt):
        if r.id != expected:
            return bad(expected, f"第{expected}件目が削除されています")
        if r.prev_hash != prev:
            return bad(r.id, "前の記録とのつながりが一致しません")
        if chain.digest(r) != r.hash:
            return bad(r.id, "記録の内容が書き換えられています")
        tag = recorded.tag(r.id) if recorded is not None else None
        if tag is not None:
            if r.hash[:TAG] != tag:
                return _rewritten(bad, matched, r.id)
            matched = r.id
        prev, expected, count = r.hash, r.id + 1, count + 1
    if recorded is None or recorded.accepts(Head(count, prev)):
        return VerifyResult(True, count, label=chain.label)
    last = recorded.head
    if count > last.count:
        return bad(last.count + 1, f"第{last.count + 1}件目から第{count}件目まで（{count - last.count}件）は"
                                   "鍵ファイルの記録にない、後から加えられた記録です")  # fmt: skip
    if count < recorded.prev.count or (count < last.count and count != recorded.prev.count):
        return bad(count + 1, f"第{count + 1}件目から第{last.count}件目まで（{last.count - count}件）が"
                              f"削除されています（鍵ファイルには第{last.count}件目まで記録されています）")  # fmt: skip
    return _rewritten(bad, matched, count)


def _rewritten(bad: Callable[[int | None, str], VerifyResult], matched: int, at: int) -> VerifyResult:
    if at - matched == 1:
        return bad(at, "記録が書き換えられ、以降の連鎖が計算し直されています（鍵ファイルの記録と一致しません）")
    return bad(matched + 1, f"第{matched + 1}件目から第{at}件目までのどこかが書き換えられ、"
                            "連鎖が計算し直されています（鍵ファイルの記録と一致しません）")  # fmt: skip


def check_head(conn: Connection, chain: Chain, recorded: Head, source: str) -> VerifyResult:
    """Does the chain still hold ``recorded`` (a head written down elsewhere, e.g. in a backup's
    manifest) as its entry number ``recorded.count``?"""
    now_head = head(conn, chain)
    if recorded.count == 0:
        return VerifyResult(True, now_head.count, label=chain.label)
    t = chain.table
    row = conn.execute(select(t.c.hash).where(t.c.id == recorded.count)).first()
    if row is None:
        return VerifyResult(False, now_head.count, now_head.count + 1,
                            f"{source}の時点では第{recorded.count}件目までありましたが、今は第{now_head.count}件目までしか"
                            f"ありません（第{now_head.count + 1}件目以降が削除されています）", chain.label)  # fmt: skip
    if row[0] != recorded.hash:
        return VerifyResult(False, now_head.count, None,
                            f"第1件目から第{recorded.count}件目までのどこかが、{source}の後で書き換えられています"
                            f"（第{recorded.count}件目が{source}の記録と一致しません）", chain.label)  # fmt: skip
    return VerifyResult(True, now_head.count, label=chain.label)

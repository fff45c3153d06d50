"""The record of the hash chains kept outside the database: in the key file and in every backup.

The key file holds, for the audit log and for the row history, the head (count and hash of the last
entry) and short tags of some entries (app.services.common.chain), under an HMAC keyed from the data key.
It is rewritten in the same step as every commit that adds to a chain — *before* the database commits,
holding the head before and the head after, so a crash or a failed commit in between still matches.
At that moment the app also checks that the chain still starts where the record says it ended; if not,
it writes what it found into the key file (``incidents``, kept for good) and records from there on.
Every backup's manifest holds the heads as they were when it was made (``chain_heads``).

What this protects against, and what not — honestly:

- A change made to the database alone, with the data key and a SQLite tool, or by putting back an
  older copy of ``tsunagi.db``: cutting entries off the end, appending one, editing an entry and
  computing every later hash again, in either chain. ``audit verify`` names the first entry concerned
  (a rewrite: exactly for the last 256 entries, else within 256 entries).
- Someone without the data key cannot forge the record in the key file (HMAC); deleting or damaging
  it is reported.
- Someone who holds the data key *and* can write the key file can compute the MAC too and rewrite
  database and key file consistently. The key file cannot show that. A backup made before the change
  can: its manifest holds the heads as they were, and backups are kept away from the PC (the stick in
  the town's safe). ``audit verify --backup FILE`` compares them.
- Putting back an older key file and database together is a restore, not a forgery; only a later
  backup's manifest shows what is missing since.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.models import now
from app.services.common.chain import (
    BASES,
    CHAINS,
    EMPTY,
    MARK_EVERY,
    TAG,
    TAIL,
    Chain,
    Head,
    Recorded,
    VerifyResult,
    canonical,
    check_head,
    head,
    walk,
)
from app.services.common.errors import TsunagiError
from app.services.common.fileio import atomic_write_bytes
from app.services.store import backup_file

VERSION = 1
MAX_INCIDENTS = 20
# Schema revisions from before the chains were anchored: a store migrated from one of them has no
# record in its key file yet, and gets its first one at that migration.
BEFORE_ANCHOR = frozenset({"base", "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009"})
LABEL = "鍵ファイルの記録"


class AnchorWriteFailed(TsunagiError):
    pass


# --- the record in the key file ------------------------------------------------------------------


@dataclass
class Anchor:
    chains: dict[str, Recorded]
    incidents: list[dict] = field(default_factory=list)


def _mac(data_key: bytes, store_id: str, body: dict) -> str:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=store_id.encode(), info=b"tsunagi chain anchor").derive(
        data_key
    )
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def _head_of(value) -> Head:
    count, digest = value
    if not isinstance(count, int) or isinstance(count, bool) or count < 0 or not isinstance(digest, str):
        raise ValueError("head")
    return Head(count, digest)


def _parse(raw: dict) -> Anchor:
    chains = {}
    for chain in CHAINS:
        c = raw["chains"][chain.key]
        rec = Recorded(_head_of(c["prev"]), _head_of(c["head"]), str(c.get("marks", "")),
                       int(c.get("tail_from", 1)), str(c.get("tail", "")))  # fmt: skip
        chains[chain.key] = rec
    incidents = [i for i in raw.get("incidents", []) if isinstance(i, dict)]
    return Anchor(chains, incidents)


def _body(anchor: Anchor) -> dict:
    return {
        "version": VERSION,
        "chains": {
            key: {"prev": r.prev.as_list(), "head": r.head.as_list(), "marks": r.marks, "tail_from": r.tail_from,
                  "tail": r.tail}  # fmt: skip
            for key, r in anchor.chains.items()
        },
        "incidents": anchor.incidents,
    }


def read(keyfile, data_key: bytes) -> tuple[Anchor | None, str]:
    """The record in ``keyfile`` when it is there and its MAC holds; else None and why not."""
    raw = getattr(keyfile, "anchor", None)
    if raw is None:
        return None, "鍵ファイルに監査ログの記録がありません（鍵ファイルが古いものに置き換えられたか、記録が消されています）"
    try:
        body = {k: v for k, v in raw.items() if k != "mac"}
        if not hmac.compare_digest(str(raw.get("mac", "")), _mac(data_key, keyfile.store_id, body)):
            raise ValueError("mac")
        return _parse(body), ""
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, "鍵ファイルの監査ログの記録が壊れているか、書き換えられています（照合符号が一致しません）"


def _disk_doc(path: Path) -> dict | None:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def _signed(store, anchor: Anchor) -> dict:
    body = _body(anchor)
    return body | {"mac": _mac(store._key(), store.keyfile.store_id, body)}


def _write(store, raw: dict) -> None:
    """Put ``raw`` into the key file on disk, changing nothing else in it (another Store object of this
    process may have changed a slot meanwhile), and into the key file object in memory."""
    doc = _disk_doc(store.key_path)
    try:
        if doc is None or doc.get("store_id") != store.keyfile.store_id:
            store.keyfile.anchor = raw
            store.keyfile.save(store.key_path)
        else:
            doc["anchor"] = raw
            atomic_write_bytes(store.key_path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:  # nothing is committed: the transaction this was for is rolled back
        from app.services.store import diagnosis

        known = diagnosis.explain(exc, store.key_path.parent)  # a full disk says so, and what to free
        raise known or AnchorWriteFailed(
            f"鍵ファイル（{store.key_path.name}）に監査ログの記録を書けなかったため、保存を取りやめました"
            f"（{exc.strerror or type(exc).__name__}）。書き込みの権限を確認してください"
        ) from exc
    store.keyfile.anchor = raw


# --- tags ----------------------------------------------------------------------------------------


def _hashes(conn: Connection, chain: Chain, ids: list[int]) -> dict[int, str]:
    t = chain.table
    out: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        out.update(conn.execute(select(t.c.id, t.c.hash).where(t.c.id.in_(ids[i : i + 500]))).all())
    return out


def _hash_range(conn: Connection, chain: Chain, first: int, last: int) -> dict[int, str]:
    t = chain.table
    return dict(conn.execute(select(t.c.id, t.c.hash).where(t.c.id >= first, t.c.id <= last)).all())


def _recorded(conn: Connection, chain: Chain, base: Head, new: Head, old: Recorded | None) -> Recorded:
    """The record after a commit from ``base`` to ``new``: tags kept from ``old`` for entries up to
    ``base`` (they were checked through its head), read from the database for the rest."""
    kept = min(base.count // MARK_EVERY, len(old.marks) // TAG) if old else 0
    marks = old.marks[: kept * TAG] if old else ""
    wanted = list(range((kept + 1) * MARK_EVERY, new.count + 1, MARK_EVERY))
    found = _hashes(conn, chain, wanted) if wanted else {}
    for position in wanted:
        if position not in found:
            break  # a gap: the walk reports it; tags stop there
        marks += found[position][:TAG]
    start = max(1, new.count - TAIL + 1)
    tail_tags: dict[int, str] = {}
    if old is not None:
        for position in range(start, base.count + 1):
            tag = old.tag(position)
            if tag is None:
                break
            tail_tags[position] = tag
    missing_from = start + len(tail_tags)
    if missing_from <= new.count:
        for position, digest in _hash_range(conn, chain, missing_from, new.count).items():
            tail_tags[position] = digest[:TAG]
    tail = ""
    for position in range(start, new.count + 1):
        if position not in tail_tags:
            break
        tail += tail_tags[position]
    return Recorded(base, new, marks, start, tail)


# --- keeping the record up to date with every commit -----------------------------------------------


_WRITING = threading.Lock()  # one record rewritten at a time in this process
PENDING = "chain_heads_pending"  # session.info: the heads this commit will leave, once it went through


class _Keeper:
    """Keeps the record for the sessions of one store. ``store`` needs ``keyfile``, ``key_path``,
    ``_key()`` and ``migrated_from`` (the Store itself, or _Held for a session of its own).

    The record is written before the database commits, with the head before and after (a crash in
    between must not look like tampering). Once the commit has gone through, this keeper knows it: at
    its next commit it accepts only the new head (so the last transaction cannot be quietly cut off
    while the app runs), and ``confirm`` (at close) writes that down in the key file."""

    def __init__(self, store, *, confirm_each: bool = False):
        self.store = store
        self.confirm_each = confirm_each
        self.written: dict | None = None  # the record as this keeper last wrote it
        self.committed: dict[str, Head] = {}  # each chain's head after this keeper's last commit

    def before_commit(self, session: Session) -> None:
        # The commit flushes only after this event; flush now, so the history rows of this transaction
        # exist (and say they do, in BASES) before the heads are read.
        session.flush()
        if not session.info.get(BASES):
            return
        bases = dict(session.info[BASES])
        with _WRITING:
            session.info[PENDING] = self._commit(session.connection(), bases)

    def after_commit(self, session: Session) -> None:
        heads = session.info.pop(PENDING, None)
        if heads is None:
            return
        with _WRITING:  # (another thread's commit may have gone through after this one: keep the later)
            for key, new in heads.items():
                if key not in self.committed or new.count >= self.committed[key].count:
                    self.committed[key] = new
        if self.confirm_each:
            self.confirm()

    def _current(self) -> dict | None:
        """The record on disk (another Store object of this process may have written since)."""
        doc = _disk_doc(self.store.key_path)
        if doc is not None and doc.get("store_id") == self.store.keyfile.store_id:
            self.store.keyfile.anchor = doc.get("anchor")
        return self.store.keyfile.anchor

    def _commit(self, conn: Connection, bases: dict[str, Head]) -> dict[str, Head]:
        store = self.store
        raw = self._current()
        strict = raw is not None and raw == self.written  # no one else wrote since: we know what committed
        heads = {c.key: head(conn, c) for c in CHAINS}
        anchor, trouble = read(store.keyfile, store._key())
        if anchor is None:
            before = {c.key: bases.get(c.key, heads[c.key]) for c in CHAINS}
            # No record yet is expected of a new store and of one just migrated from before records
            # were kept; anything else (a record missing, or one whose MAC fails) is a finding.
            first = raw is None and (
                all(b == EMPTY for b in before.values()) or store.migrated_from in BEFORE_ANCHOR
            )
            incidents = [] if first else [*_old_incidents(raw), _incident(None, trouble)]
            anchor = Anchor(
                {c.key: _recorded(conn, c, before[c.key], heads[c.key], None) for c in CHAINS}, incidents
            )
        else:
            for c in CHAINS:
                base = bases.get(c.key)
                if base is None:
                    continue  # not added to in this transaction: its record stands
                old = anchor.chains[c.key]
                # The head before the last commit is accepted only while it is not known that the commit
                # went through (a crash in between); this keeper knows when its own did.
                went_through = strict and self.committed.get(c.key) == old.head
                if base != old.head and (base != old.prev or went_through):
                    if base == old.prev:  # the last commit's own entries are gone
                        found = VerifyResult(False, base.count, base.count + 1,
                                             f"第{base.count + 1}件目から第{old.head.count}件目まで（{old.head.count - base.count}件）が"
                                             "書き込みの後に削除されています", c.label)  # fmt: skip
                    else:
                        found = walk(conn, c, old, upto=base.count)
                    anchor.incidents.append(_incident(c, found.problem, found.bad_id))
                    old = None  # record afresh from here on
                anchor.chains[c.key] = _recorded(conn, c, base, heads[c.key], old)
        if len(anchor.incidents) > MAX_INCIDENTS:  # the first ones and the latest
            anchor.incidents = anchor.incidents[:5] + anchor.incidents[-(MAX_INCIDENTS - 5) :]
        self.written = _signed(store, anchor)
        _write(store, self.written)
        return {c: heads[c] for c in bases}

    def confirm(self) -> None:
        """Write down that the last commit went through (its head alone is accepted from now on)."""
        with _WRITING:
            raw = self._current()
            if raw is None or raw != self.written:
                return  # nothing written by us, or someone else wrote since: they know better
            anchor, _trouble = read(self.store.keyfile, self.store._key())
            if anchor is None:
                return
            changed = False
            for key, rec in anchor.chains.items():
                if rec.prev != rec.head and self.committed.get(key) == rec.head:
                    rec.prev, changed = rec.head, True
            if changed:
                self.written = _signed(self.store, anchor)
                _write(self.store, self.written)


@dataclass
class _Held:
    keyfile: object
    key_path: Path
    data_key: bytes
    migrated_from: str | None = None

    def _key(self) -> bytes:
        return self.data_key


def _incident(chain: Chain | None, problem: str, bad_id: int | None = None) -> dict:
    return {"chain": chain.key if chain else "", "bad_id": bad_id, "problem": problem, "found": now().isoformat()}


def _old_incidents(raw) -> list[dict]:
    # A damaged record may still say what was found before; keep it (it is evidence, MAC or not).
    try:
        return [i for i in raw.get("incidents", []) if isinstance(i, dict)][:MAX_INCIDENTS]
    except (AttributeError, TypeError):
        return []


def install(target: sessionmaker | Session, store, *, confirm_each: bool = False) -> None:
    """Keep the record with every commit of ``target``'s sessions (the store's sessionmaker)."""
    keeper = _Keeper(store, confirm_each=confirm_each)
    store._anchor_keeper = keeper
    event.listen(target, "before_commit", keeper.before_commit)
    event.listen(target, "after_commit", keeper.after_commit)
    event.listen(target, "after_transaction_end", _forget)


def keep(session: Session, keyfile, key_path: Path, data_key: bytes) -> None:
    """The same for one session of its own (the lock's row, written after the store dropped its key);
    confirmed at once, as there is no later close to do it."""
    install(session, _Held(keyfile, Path(key_path), data_key), confirm_each=True)


def confirm(store) -> None:
    """At close, while the key is still there: the last commit went through, so only its head is
    accepted from now on. (After a crash the key file still accepts the head before it: a crash and
    the removal of exactly the last transaction's entries cannot be told apart.)"""
    keeper = getattr(store, "_anchor_keeper", None)
    if keeper is not None and getattr(store, "_data_key", True) is not None:
        keeper.confirm()


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(BASES, None)
        session.info.pop(PENDING, None)


# --- heads for a backup's manifest --------------------------------------------------------------


def heads_for_manifest(raw_conn) -> dict[str, list]:
    """The heads of both chains, from a DB-API connection (the backup holds the database still)."""
    out = {}
    for chain in CHAINS:
        row = raw_conn.execute(f"SELECT id, hash FROM {chain.table.name} ORDER BY id DESC LIMIT 1").fetchone()
        out[chain.key] = list(row) if row else EMPTY.as_list()
    return out


def backup_heads_problem(raw_conn, recorded: dict | None) -> str:
    """Empty when the backup's own database ends where its manifest says; else what is wrong."""
    if not recorded:
        return ""  # a backup from before the chains were anchored
    try:
        expected = {c.key: _head_of(recorded[c.key]) for c in CHAINS}
    except (KeyError, TypeError, ValueError):
        return "バックアップの目録にある監査ログの記録が読めません"
    actual = {k: _head_of(v) for k, v in heads_for_manifest(raw_conn).items()}
    for chain in CHAINS:
        if actual[chain.key] != expected[chain.key]:
            return f"バックアップの{chain.label}が目録の記録と一致しません（第{expected[chain.key].count}件目まであるはずです）"
    return ""


# --- checking --------------------------------------------------------------------------------------


@dataclass
class Report:
    results: list[VerifyResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def lines(self) -> list[str]:
        return [("OK: " if r.ok else "NG: ") + r.message() for r in self.results]


def verify_store(store, backups: tuple[Path, ...] | list[Path] = ()) -> Report:
    """Both chains entry by entry, their ends against the key file, what was found at earlier commits,
    and — for each backup file given — that the chains still hold the heads its manifest recorded."""
    results: list[VerifyResult] = []
    confirm(store)  # this process's commits went through: only their head is right now
    anchor, trouble = read(store.keyfile, store._key())
    with store.session() as s:
        conn = s.connection()
        if anchor is None:
            results.append(VerifyResult(False, 0, None, trouble, LABEL))
            if store.keyfile.anchor is not None:
                results += [_reported(i) for i in _old_incidents(store.keyfile.anchor)]
        else:
            results += [_reported(i) for i in anchor.incidents]
        for chain in CHAINS:
            results.append(walk(conn, chain, anchor.chains[chain.key] if anchor else None))
        for path in backups:
            results += _against_backup(conn, store, Path(path))
    return Report(results)


def _reported(incident: dict) -> VerifyResult:
    label = next((c.label for c in CHAINS if c.key == incident.get("chain")), LABEL)
    found = str(incident.get("found", ""))[:16].replace("T", " ")
    bad_id = incident.get("bad_id")
    problem = f"{found} の書き込みの際に見つかった不一致: {incident.get('problem', '')}"
    return VerifyResult(False, 0, bad_id if isinstance(bad_id, int) else None, problem, label)


def _against_backup(conn: Connection, store, path: Path) -> list[VerifyResult]:
    name = path.name
    try:
        manifest = backup_file.read_manifest(path)
    except TsunagiError as exc:
        return [VerifyResult(False, 0, None, f"バックアップ {name} を読めません: {exc}", "バックアップとの照合")]
    if manifest.store_id != store.keyfile.store_id:
        return [VerifyResult(False, 0, None, f"バックアップ {name} は別のデータのものです", "バックアップとの照合")]
    heads = getattr(manifest, "chain_heads", None)
    if not heads:
        return [VerifyResult(False, 0, None, f"バックアップ {name} は監査ログの記録を持たない古い形式です",
                             "バックアップとの照合")]  # fmt: skip
    out = []
    for chain in CHAINS:
        try:
            recorded = _head_of(heads[chain.key])
        except (KeyError, TypeError, ValueError):
            out.append(VerifyResult(False, 0, None, f"バックアップ {name} の記録が読めません", chain.label))
            continue
        out.append(check_head(conn, chain, recorded, f"バックアップ {name}（{manifest.created_at[:16].replace('T', ' ')}）"))
    return out

"""Stored 気づき and their review: 候補 → 確認済, or 該当なし with a reason; undo; manual flags.

The rule engine (app.services.flags.flags) says what fires today; this module keeps what the coordinator
decided about it. A flag is identified by its kind and the people it is about, so a dismissed 8050
pair stays dismissed, while a different child who comes to qualify is a new candidate. Every change
goes through the ORM, so the row history records who decided what and when.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import String, bindparam, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from app.models import ChangeRecord, FlagRecord, Person, Setting, now, vocab
from app.services.common.errors import InvalidInput
from app.services.flags import flags
from app.services.flags.flags import FlagSettings
from app.services.records import labels, stored
from app.services.store import settings
from app.services.store.store import Store

LAST_REFRESH = "flags.last_refresh"
# What the last refresh evaluated with (the rules' version and the thresholds): the day-to-day refresh
# may look only at what the calendar moved when these are unchanged; anything else needs every household.
REFRESH_BASIS = "flags.last_refresh_basis"
# Beyond this gap the people whose age crossed a threshold approach a tenth of the store, and the one
# full pass (run off the GUI thread) is as quick and simpler to trust.
INCREMENTAL_MAX_DAYS = 45
# An automatic candidate whose situation no longer applies (a child moved out, a birth date corrected):
# it leaves the 候補 lists by itself and is no longer called 候補; it comes back if the situation does.
NO_LONGER_APPLIES = "候補から外れた（今は該当しない）"


def kind_word(kind: str) -> str:
    return flags.KINDS.get(kind) or vocab.MANUAL_FLAG.get(kind, kind)


def flag_settings(session: Session) -> FlagSettings:
    """The thresholds in force: each flags.* setting or its default (store.settings.SPECS, which the
    tests hold equal to the flag contract's defaults). One query: the daily refresh has 50 ms in all."""
    keys = {f"flags.{name}": name for name in FlagSettings().to_dict()}
    stored_values = dict(
        session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all()
    )
    return FlagSettings.from_dict(
        {name: stored_values.get(key, settings.SPECS[key].default) for key, name in keys.items()}
    )


@dataclass(frozen=True)
class RefreshResult:
    households: int
    new: int
    reactivated: int
    deactivated: int
    full: bool = True  # every household re-evaluated, or only those the calendar can have changed


def refresh_in(
    session: Session, household_ids: list[int] | None, as_of: date, thresholds: FlagSettings | None = None
) -> RefreshResult:
    """Re-evaluate the flags of these households (all when None) inside the caller's transaction, so a
    change and the flags it moves commit together."""
    thresholds = thresholds or flag_settings(session)
    records = stored.load_records(session, household_ids, for_flags=True)
    # Existing automatic flags as plain rows (tens of thousands of ORM objects cost seconds); only the
    # few that change are loaded as objects, so their history is still recorded.
    t = FlagRecord.__table__.c
    stmt = select(t.id, t.household_id, t.kind, type_coerce(t.person_ids, String), t.active).where(
        t.source == "auto"
    )
    if household_ids is not None:
        stmt = stmt.where(t.household_id.in_(household_ids))
    existing = {
        (hid, kind, tuple(json.loads(pids))): (fid, active)
        for fid, hid, kind, pids, active in session.connection().execute(stmt)
    }
    seen: set[tuple] = set()
    added: list[FlagRecord] = []
    reactivate: dict[int, str] = {}  # flag id → today's sentence
    for hid, (record, ids) in records.items():
        for found in flags.evaluate(record, as_of, thresholds):
            key = (hid, found.kind, tuple(ids[c] for c in found.members))
            seen.add(key)
            if key not in existing:
                added.append(
                    FlagRecord(
                        household_id=hid, kind=found.kind, source="auto", person_ids=list(key[2]),
                        state="candidate", active=True, reason=found.reason, first_seen=as_of, last_seen=as_of,
                    )
                )  # fmt: skip
            elif not existing[key][1]:
                reactivate[existing[key][0]] = found.reason
    deactivate = [
        fid for key, (fid, active) in existing.items() if active and key not in seen and key[0] in records
    ]
    # The flags that change, loaded by one query for each few hundred (a get for each, with its autoflush,
    # was a third of a day-to-day refresh), and changed as objects so that their history is recorded.
    changing = [*reactivate, *deactivate]
    with session.no_autoflush:
        for start in range(0, len(changing), 500):
            for flag in session.scalars(
                select(FlagRecord).where(FlagRecord.id.in_(changing[start : start + 500]))
            ):
                if flag.id in reactivate:
                    flag.active, flag.reason, flag.last_seen = True, reactivate[flag.id], as_of
                else:
                    flag.active, flag.last_seen = False, as_of
    session.add_all(added)
    return RefreshResult(len(records), len(added), len(reactivate), len(deactivate))


def refresh_household(store: Store, household_id: int, as_of: date | None = None) -> RefreshResult:
    """Re-evaluate one household after it changed."""
    with store.session() as s:
        result = refresh_in(s, [household_id], as_of or date.today())
        s.commit()
    return result


def refresh_all(store: Store, as_of: date | None = None) -> RefreshResult:
    """Re-evaluate every household (people age: a child turning 40 can make an 8050 candidate). Used when
    the thresholds change, and by the daily refresh when it cannot rely on the last one."""
    as_of = as_of or date.today()
    with store.session() as s:
        thresholds = flag_settings(s)
        result = refresh_in(s, None, as_of, thresholds)
        _mark_refreshed(s, as_of, _basis(thresholds))
        s.commit()
    return result


def refresh_due(store: Store, today: date | None = None) -> bool:
    """Whether the daily re-evaluation has not run today."""
    return store.setting(LAST_REFRESH) != (today or date.today()).isoformat()


def refresh_if_due(store: Store, today: date | None = None) -> RefreshResult | None:
    """The daily re-evaluation, run at sign-in when it has not run today."""
    today = today or date.today()
    if not refresh_due(store, today):
        return None
    return refresh_since_last(store, today)


def refresh_since_last(store: Store, today: date | None = None) -> RefreshResult:
    """The day-to-day refresh: only the households where someone's age crossed a rule's threshold since
    the last refresh. Every other input of the rules changes only when a household is saved, and a save
    re-evaluates that household at once (households.py, exchange.py); the time a ひきこもり has lasted
    changes only a flag's sentence, which is recomputed when shown, never whether the flag fires. Falls
    back to refresh_all when the last refresh is unknown, too far back or in the future, or was made with
    other thresholds or rules."""
    today = today or date.today()
    with store.session() as s:
        thresholds = flag_settings(s)
        basis = _basis(thresholds)
        # (loaded as objects in one query: _mark_refreshed then finds them in the session)
        marks = {
            r.key: r.value
            for r in s.scalars(select(Setting).where(Setting.key.in_((LAST_REFRESH, REFRESH_BASIS))))
        }
        last = _day(marks.get(LAST_REFRESH))
        if (
            last is None
            or not 0 < (today - last).days <= INCREMENTAL_MAX_DAYS
            or marks.get(REFRESH_BASIS) != basis
        ):
            s.rollback()
            return refresh_all(store, today)
        due = households_aged_into_change(s, last, today, thresholds)
        result = refresh_in(s, sorted(due), today, thresholds) if due else RefreshResult(0, 0, 0, 0)
        _mark_refreshed(s, today, basis)
        s.commit()
    return RefreshResult(result.households, result.new, result.reactivated, result.deactivated, full=False)


def households_aged_into_change(
    session: Session, since: date, today: date, thresholds: FlagSettings
) -> set[int]:
    """Households with someone whose age crossed a rule's threshold after ``since`` and up to ``today``."""
    ranges = crossing_ranges(since, today, thresholds)
    params = {
        f"{end}{i}": day for i, pair in enumerate(ranges) for end, day in zip(("lo", "hi"), pair, strict=True)
    }
    due: set[int] = set()
    for stmt in crossing_queries(len(ranges)):
        due.update(session.connection().execute(stmt, params).scalars())
    return due


@cache
def crossing_queries(ranges: int) -> tuple:
    """Range queries on the indexed birth dates, one per column, for ``ranges`` pairs of bound dates
    (lo0, hi0, …): a person born after lo and on or before hi. A rule reads a person's youngest possible
    age (from birth_date) and, for an approximate birth, the oldest too (from birth_earliest, whose partial
    index holds only the approximate births). Built once: building them each day was a tenth of the refresh."""
    p = Person.__table__.c
    return tuple(
        select(p.household_id).where(
            or_(*((column > bindparam(f"lo{i}")) & (column <= bindparam(f"hi{i}")) for i in range(ranges)))
        )
        for column in (p.birth_date, p.birth_earliest)
    )


def crossing_ranges(since: date, today: date, thresholds: FlagSettings) -> list[tuple[date, date]]:
    """(after, up to): someone born after ``after`` and on or before ``up to`` reached one of the rules'
    ages after ``since`` and by ``today``."""
    return [
        (_latest_birth(since, years), _latest_birth(today, years)) for years in _age_thresholds(thresholds)
    ]


def _age_thresholds(t: FlagSettings) -> set[int]:
    """Every age at which a rule's answer can change (an age ≥ N changes on the N-th birthday, an age
    ≤ N on the (N+1)-th), whichever of a person's possible ages the rule reads."""
    return {
        t.parent_min_age, t.child_min_age, t.child_max_age + 1, t.preschool_under,
        t.young_carer_under, t.young_adult_carer_max + 1, t.elderly_age,
    }  # fmt: skip


def _latest_birth(day: date, years: int) -> date:
    """The last birth date that is ``years`` old on ``day`` (japanese.age_on: a 29 February birthday
    comes on 1 March in common years, so on 28 February the answer is 28 February)."""
    year = day.year - years
    if (day.month, day.day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return date(year, 2, 28)
    return day.replace(year=year)


def _basis(thresholds: FlagSettings) -> dict:
    return {"rules": flags.RULES_VERSION, "thresholds": thresholds.to_dict()}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _mark_refreshed(session: Session, as_of: date, basis: dict) -> None:
    for key, value in ((LAST_REFRESH, as_of.isoformat()), (REFRESH_BASIS, basis)):
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value


# --- decisions -------------------------------------------------------------------------------------


def _flag(session: Session, flag_id: int) -> FlagRecord:
    flag = session.get(FlagRecord, flag_id)
    if flag is None:
        raise InvalidInput("その気づきは見つかりません")
    return flag


def _decide(store: Store, flag_id: int, state: str, note: str) -> None:
    with store.session() as s:
        flag = _flag(s, flag_id)
        flag.previous_state, flag.state = flag.state, state
        flag.state_note = note.strip()
        flag.decided_by, flag.decided_at = store.actor, now()
        s.commit()


def confirm(store: Store, flag_id: int, note: str = "") -> None:
    _decide(store, flag_id, "confirmed", note)


def dismiss(store: Store, flag_id: int, reason: str) -> None:
    """該当なし needs a reason: a flag is a prompt, and the decision about it must be explainable."""
    if not reason.strip():
        raise InvalidInput("該当なしとする理由を入力してください")
    _decide(store, flag_id, "dismissed", reason)


def end(store: Store, flag_id: int, reason: str) -> None:
    """解除 of a manual flag (the situation is over); the record stays with its history."""
    if not reason.strip():
        raise InvalidInput("解除する理由を入力してください")
    _decide(store, flag_id, "ended", reason)


def undo(store: Store, flag_id: int) -> None:
    """Back to the state before the last decision (a mistaken click is easy to make)."""
    with store.session() as s:
        flag = _flag(s, flag_id)
        if flag.previous_state is None:
            raise InvalidInput("元に戻せる操作がありません")
        flag.state, flag.previous_state = flag.previous_state, None
        flag.state_note = ""
        flag.decided_by, flag.decided_at = store.actor, now()
        s.commit()


def add_manual(
    store: Store, household_id: int, kind: str, person_id: int | None = None, note: str = ""
) -> int:
    """A flag the coordinator sets by hand (制度の狭間, 社会的孤立, 虐待・DV …): confirmed from the start."""
    if kind not in vocab.MANUAL_FLAG:
        raise InvalidInput("気づきの種類を一覧から選んでください")
    if kind == "loneliness" and not note.strip():
        raise InvalidInput("孤独は本人の言葉で記録してください")
    today = date.today()
    with store.session() as s:
        flag = FlagRecord(
            household_id=household_id, kind=kind, source="manual", person_ids=[person_id] if person_id else [],
            state="confirmed", active=True, reason=vocab.MANUAL_FLAG[kind], note=note.strip(),
            decided_by=store.actor, decided_at=now(), first_seen=today, last_seen=today,
        )  # fmt: skip
        s.add(flag)
        s.commit()
        return flag.id


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagView:
    id: int
    household_id: int
    kind: str
    word: str
    state: str
    state_word: str
    reason: str  # today's sentence for an active automatic flag, else the one last seen
    note: str
    state_note: str
    decided_by: str
    decided_at: object
    active: bool
    source: str
    can_undo: bool
    first_seen: date | None = None


def for_household(store: Store, household_id: int, as_of: date | None = None) -> list[FlagView]:
    as_of = as_of or date.today()
    with store.session() as s:
        rows = s.scalars(
            select(FlagRecord).where(FlagRecord.household_id == household_id).order_by(FlagRecord.id)
        ).all()
        record, ids = stored.load_records(s, [household_id], for_flags=True).get(household_id, (None, {}))
        thresholds = flag_settings(s)
    live = {}
    if record is not None:
        for found in flags.evaluate(record, as_of, thresholds):
            live[(found.kind, tuple(ids[c] for c in found.members))] = found.reason
    return [_view(f, live.get((f.kind, tuple(f.person_ids)), f.reason)) for f in rows]


def state_word(state: str, *, active: bool, source: str) -> str:
    if state == "candidate" and not active and source == "auto":
        return NO_LONGER_APPLIES
    return vocab.FLAG_STATE[state]


def _view(f: FlagRecord, reason: str) -> FlagView:
    return FlagView(
        id=f.id, household_id=f.household_id, kind=f.kind, word=kind_word(f.kind), state=f.state,
        state_word=state_word(f.state, active=f.active, source=f.source), reason=reason, note=f.note, state_note=f.state_note,
        decided_by=f.decided_by, decided_at=f.decided_at, active=f.active, source=f.source,
        can_undo=f.previous_state is not None, first_seen=f.first_seen,
    )  # fmt: skip


@dataclass(frozen=True)
class HistoryLine:
    """One step of a flag in the household's 変更履歴 (the fields of households.HistoryLine)."""

    at: datetime
    actor: str
    what: str  # 気づき 8050
    action: str  # 候補になった（自動） / 登録 / 変更
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (項目, 変更前, 変更後) in words


# What a reader of the history can act on: whether the flag still applies, the decision and its reason.
# The dates the rules keep, the people's ids and the rule's sentence (it changes as people age) are left out.
_HISTORY_COLUMNS = ("active", "state", "state_note", "note")


def history(store: Store, household_id: int) -> list[HistoryLine]:
    """The household's flags as they came, changed and went — a candidate that stopped applying by
    itself included — newest first, in the words of records.labels."""
    with store.session() as s:
        kinds = {
            str(fid): (kind, source)
            for fid, kind, source in s.execute(
                select(FlagRecord.id, FlagRecord.kind, FlagRecord.source).where(
                    FlagRecord.household_id == household_id
                )
            )
        }
        rows = s.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.table_name == "flags", ChangeRecord.row_id.in_(list(kinds)))
            .order_by(ChangeRecord.id.desc())
        ).all()
    lines = []
    for r in rows:
        kind, source = kinds[r.row_id]
        what = f"気づき {kind_word(kind)}"
        if r.action == "insert":
            action = "候補になった（自動）" if source == "auto" else "登録"
            lines.append(HistoryLine(r.at, r.actor, what, action))
            continue
        if r.action != "update":
            continue
        old, new = (
            {k: _history_value(k, d[k]) for k in _HISTORY_COLUMNS if k in d}
            for d in (r.old or {}, r.new or {})
        )
        changes = labels.change_words("flags", old, new)
        if changes:  # (a step that only moved the rule's dates says nothing to a reader)
            lines.append(HistoryLine(r.at, r.actor, what, "変更", changes))
    return lines


def _history_value(key: str, value):
    return vocab.FLAG_STATE.get(value, value) if key == "state" else value


@cache
def _candidates_query(of_kind: bool):
    """The open candidates of one kind (``kind``), or of every kind outside flags.KINDS (the manual ones),
    newest first, the first ``n``: the columns FlagView shows and the household's code. Built once (the
    parameters carry the kind and the number)."""
    from app.models import Household

    f = FlagRecord
    if of_kind:
        # One kind's flags through ix_flags_kind: with a plain `active = 1` SQLite reads every active flag
        # of the town through ix_flags_active instead (the unary + keeps that index out; 2.9 → 1.1 ms).
        where = (f.state == "candidate", text("+flags.active = 1"), f.kind == bindparam("kind"))
    else:
        where = (f.state == "candidate", f.active, f.kind.not_in(list(flags.KINDS)))
    return (
        select(f.id, f.household_id, f.kind, f.state, f.active, f.source, f.reason, f.note, f.state_note,
               f.decided_by, f.decided_at, f.previous_state, f.first_seen, Household.code)
        .join(Household, Household.id == f.household_id)
        .where(*where)
        .order_by(f.first_seen.desc(), f.id)
        .limit(bindparam("n"))
    )  # fmt: skip


def open_candidates(store: Store, limit: int = 50) -> list[tuple[int, str, FlagView]]:
    """The first ``limit`` unreviewed candidates for ホーム: (household id, household code, flag), the
    situations that most need a look first (8050, ダブルケア, young carers … before 独居高齢, then the
    manual ones), newest first within a kind. Read kind by kind, in that order, until ``limit`` are found:
    one query sorting every candidate of the town by its kind's rank read thousands at 10,000 households
    to show a few."""
    rows = []
    with store.session() as s:
        for kind in (*flags.KINDS, None):
            if len(rows) >= limit:
                break
            params = {"n": limit - len(rows)} | ({} if kind is None else {"kind": kind})
            rows += s.execute(_candidates_query(kind is not None), params).all()
    return [(f.household_id, f.code, _view(f, f.reason)) for f in rows]


def count_open_candidates(store: Store) -> int:
    with store.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(FlagRecord)
                .where(FlagRecord.state == "candidate", FlagRecord.active)
            )
            or 0
        )


def counts_by_kind(store: Store) -> dict[str, Counter]:
    """Active flags by kind and state, for statistics: {kind: Counter({state: n})}."""
    out: dict[str, Counter] = {}
    with store.session() as s:
        for kind, state in s.execute(select(FlagRecord.kind, FlagRecord.state).where(FlagRecord.active)):
            out.setdefault(kind, Counter())[state] += 1
    return out


def printing_restricted(store: Store, household_id: int) -> bool:
    """虐待・DV restricts what is printed about the household."""
    with store.session() as s:
        return (
            s.scalar(
                select(FlagRecord.id).where(
                    FlagRecord.household_id == household_id,
                    FlagRecord.kind.in_(vocab.PRINT_RESTRICTING_FLAGS),
                    FlagRecord.active,
                    FlagRecord.state.in_(("candidate", "confirmed")),
                )
            )
            is not None
        )

"""地域づくり: the 地域資源 the coordinator keeps (拠点・居場所, サロン, 子ども食堂 … by 自治会・地区), the 活動
held there with their participant counts, and the 協議体 and 地域の会議 with the agencies present.

Places and groups, not people: nothing here names a resident, so nothing here is restricted or scrubbed.
Every act is one transaction; the store's flush hook keeps who/when/old/new for each row."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import CommunityActivity, CommunityResource, vocab
from app.services.common import bounded
from app.services.common.errors import InvalidInput
from app.services.common.japanese import fiscal_year
from app.services.households.households import FieldErrors
from app.services.store import audit
from app.services.store.store import Store

RESOURCE_TEXT = ("name", "area", "run_by", "place", "schedule", "contact", "note")
RESOURCE_FIELDS = (*RESOURCE_TEXT, "kind", "started_on", "ended_on", "active")
ACTIVITY_TEXT = ("title", "area", "run_by", "note")
ACTIVITY_FIELDS = (*ACTIVITY_TEXT, "kind", "held_on", "participants", "agencies", "coordinator_attended",
                   "resource_id")  # fmt: skip

# The column widths of app.models.community; place and note are Text but a page of text is plenty.
RESOURCE_LIMITS = {"name": 200, "area": 100, "run_by": 200, "place": 2000, "schedule": 200, "contact": 200,
                   "note": 4000}  # fmt: skip
ACTIVITY_LIMITS = {"title": 200, "area": 100, "run_by": 200, "note": 4000}
MAX_COUNT = 100_000  # more than a town's population: a typing slip, not a count

MEETING_KINDS = ("council", "meeting")  # 協議体, 地域の会議


# --- 地域資源 ---------------------------------------------------------------------------------------------


def check_resource(values: dict, today: date | None = None) -> dict:
    """The values cleaned, or FieldErrors with a Japanese message per field."""
    today = today or date.today()
    clean = {k: (values.get(k) or "").strip() for k in RESOURCE_TEXT if k in values}
    errors = bounded.field_errors(clean, RESOURCE_LIMITS)
    if not clean.get("name"):
        errors["name"] = "名称を入力してください"
    kind = values.get("kind", "place")
    if kind not in vocab.RESOURCE_KIND:
        errors["kind"] = "種類を選んでください"
    started, ended = values.get("started_on"), values.get("ended_on")
    # A place about to open may be listed before it opens (counts() leaves it out until then); an end is
    # recorded when it has happened, so a future 終了日 is a slip.
    if ended is not None and ended > today:
        errors["ended_on"] = "終了日が今日より後です（終わってから入力してください）"
    elif ended is not None and started is not None and ended < started:
        errors["ended_on"] = "終了日が開始日より前です"
    if errors:
        raise FieldErrors(errors)
    clean.update(kind=kind, started_on=started, ended_on=ended)
    # A resource that has ended is not in operation, whatever the box said.
    clean["active"] = bool(values.get("active", True)) and ended is None
    return clean


def save_resource(
    store: Store, values: dict, resource_id: int | None = None, today: date | None = None
) -> int:
    """Add a 地域資源, or change one (only the fields given). Returns its id."""
    with store.session() as s:
        if resource_id is None:
            resource = CommunityResource(**check_resource(values, today))
            s.add(resource)
        else:
            resource = _must_resource(s, resource_id)
            current = {k: getattr(resource, k) for k in RESOURCE_FIELDS}
            for k, v in check_resource(current | values, today).items():
                setattr(resource, k, v)
        s.commit()
        return resource.id


def retire_resource(
    store: Store, resource_id: int, ended_on: date | None = None, today: date | None = None
) -> None:
    """終了: the resource stays on record (its activities and past years' counts keep it) but leaves the
    list in use. ``ended_on`` defaults to today, or the end already entered."""
    today = today or date.today()
    with store.session() as s:
        resource = _must_resource(s, resource_id)
        end = ended_on or resource.ended_on or today
        check_resource({k: getattr(resource, k) for k in RESOURCE_FIELDS} | {"ended_on": end}, today)
        resource.ended_on, resource.active = end, False
        s.commit()


def reopen_resource(store: Store, resource_id: int) -> None:
    """Undo a 終了 made by mistake (or a place that starts again)."""
    with store.session() as s:
        resource = _must_resource(s, resource_id)
        resource.ended_on, resource.active = None, True
        s.commit()


def get_resource(store: Store, resource_id: int) -> CommunityResource:
    with store.session() as s:
        return _must_resource(s, resource_id)


def _must_resource(s: Session, resource_id: int) -> CommunityResource:
    resource = s.get(CommunityResource, resource_id)
    if resource is None:
        raise InvalidInput("その地域資源は見つかりません（削除された可能性があります）")
    return resource


_KIND_ORDER = {k: i for i, k in enumerate(vocab.RESOURCE_KIND)}


def resources(store: Store, *, area: str | None = None, kind: str | None = None,
              include_retired: bool = True) -> list[CommunityResource]:  # fmt: skip
    """By area (地区 names in 50-on-ish code order, the blank area last), then kind in vocabulary order, then name."""
    with store.session() as s:
        stmt = select(CommunityResource)
        if area is not None:
            stmt = stmt.where(CommunityResource.area == area)
        if kind is not None:
            stmt = stmt.where(CommunityResource.kind == kind)
        if not include_retired:
            stmt = stmt.where(CommunityResource.active)
        rows = list(s.scalars(stmt))
    return sorted(rows, key=lambda r: (r.area == "", r.area, _KIND_ORDER.get(r.kind, 99), r.name, r.id))


def by_area(rows: list[CommunityResource]) -> list[tuple[str, list[CommunityResource]]]:
    """(area, its resources) in the order given; the blank area is 「地区の指定なし」."""
    out: dict[str, list[CommunityResource]] = {}
    for r in rows:
        out.setdefault(r.area or NO_AREA, []).append(r)
    return list(out.items())


NO_AREA = "地区の指定なし"


def areas(store: Store) -> list[str]:
    """Every 自治会・地区 named so far (resources and activities), for the fields' suggestions."""
    with store.session() as s:
        names = set(s.scalars(select(CommunityResource.area))) | set(
            s.scalars(select(CommunityActivity.area))
        )
    return sorted(n for n in names if n)


def resource_names(store: Store, *, include_retired: bool = False) -> dict[int, str]:
    return {r.id: r.name for r in resources(store, include_retired=include_retired)}


# --- 活動・協議体・地域の会議 ------------------------------------------------------------------------------


def check_activity(s: Session, values: dict, today: date | None = None) -> dict:
    today = today or date.today()
    clean = {k: (values.get(k) or "").strip() for k in ACTIVITY_TEXT if k in values}
    errors = bounded.field_errors(clean, ACTIVITY_LIMITS)
    kind = values.get("kind", "activity")
    if kind not in vocab.COMMUNITY_ACTIVITY_KIND:
        errors["kind"] = "種類を選んでください"
    held = values.get("held_on")
    if not isinstance(held, date):
        errors["held_on"] = "開催日を入力してください"
    elif held > today:
        errors["held_on"] = "開催日が今日より後です（参加者数は開催してから記録してください）"
    for key, word in (("participants", "参加者数"), ("agencies", "参加機関数")):
        n = values.get(key, 0)
        if n is None or n == "":
            n = 0
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            errors[key] = f"{word}は0以上の整数で入力してください"
        elif n > MAX_COUNT:
            errors[key] = f"{word}が大きすぎます（{MAX_COUNT:,}まで）"
        else:
            clean[key] = n
    resource = None
    resource_id = values.get("resource_id")
    if resource_id is not None:
        resource = s.get(CommunityResource, resource_id)
        if resource is None:
            errors["resource_id"] = "その地域資源は見つかりません（削除された可能性があります）"
    if not clean.get("title") and resource is None and "resource_id" not in errors:
        errors["title"] = "名称を入力するか、開催した地域資源を選んでください"
    if errors:
        raise FieldErrors(errors)
    if not clean.get("area") and resource is not None:
        clean["area"] = resource.area  # held at a 拠点: in its 地区 unless said otherwise
    clean.update(kind=kind, held_on=held, resource_id=resource_id,
                 coordinator_attended=bool(values.get("coordinator_attended", False)))  # fmt: skip
    return clean


def record_activity(store: Store, values: dict, today: date | None = None) -> int:
    """A 活動, 協議体 or 地域の会議 that was held. Returns its id."""
    with store.session() as s:
        activity = CommunityActivity(**check_activity(s, values, today), created_by=store.actor or "")
        s.add(activity)
        s.commit()
        return activity.id


def update_activity(store: Store, activity_id: int, values: dict, today: date | None = None) -> None:
    with store.session() as s:
        activity = _must_activity(s, activity_id)
        current = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
        for k, v in check_activity(s, current | values, today).items():
            setattr(activity, k, v)
        s.commit()


def delete_activity(store: Store, activity_id: int) -> None:
    """Delete an entry made by mistake (twice, the wrong day): it leaves the counts; the row history keeps
    what it held and the audit log says who deleted which one."""
    with store.session() as s:
        activity = _must_activity(s, activity_id)
        word = vocab.COMMUNITY_ACTIVITY_KIND.get(activity.kind, activity.kind)
        audit.record(s, "delete", target=activity.title or word,
                     detail={"record": f"地域づくり（{word}）", "id": activity.id, "date": activity.held_on.isoformat()})  # fmt: skip
        s.delete(activity)
        s.commit()


def get_activity(store: Store, activity_id: int) -> CommunityActivity:
    with store.session() as s:
        return _must_activity(s, activity_id)


def _must_activity(s: Session, activity_id: int) -> CommunityActivity:
    activity = s.get(CommunityActivity, activity_id)
    if activity is None:
        raise InvalidInput("その活動・会議の記録は見つかりません（削除された可能性があります）")
    return activity


def activities(store: Store, *, start: date | None = None, end: date | None = None, kind: str | None = None,
               area: str | None = None) -> list[CommunityActivity]:  # fmt: skip
    """Newest first."""
    with store.session() as s:
        stmt = select(CommunityActivity)
        if start is not None:
            stmt = stmt.where(CommunityActivity.held_on >= start)
        if end is not None:
            stmt = stmt.where(CommunityActivity.held_on <= end)
        if kind is not None:
            stmt = stmt.where(CommunityActivity.kind == kind)
        if area is not None:
            stmt = stmt.where(CommunityActivity.area == area)
        return list(s.scalars(stmt.order_by(CommunityActivity.held_on.desc(), CommunityActivity.id.desc())))


def activity_title(activity: CommunityActivity, names: dict[int, str]) -> str:
    """What a list shows as the name: the title, else the resource it was held at."""
    return (
        activity.title
        or names.get(activity.resource_id, "")
        or vocab.COMMUNITY_ACTIVITY_KIND.get(activity.kind, "")
    )


# --- counts for 統計 and 実施計画 -------------------------------------------------------------------------


def _in_operation(start: date, end: date):
    """A resource in operation on some day of [start, end]: begun by the end, not ended before the start.
    One that is no longer active counts only with its 終了日 (an unknown end cannot be placed in a year);
    one that ended after the period was still in operation in it, so a closing never rewrites past years."""
    r = CommunityResource
    return and_(
        or_(r.started_on.is_(None), r.started_on <= end),
        or_(r.ended_on.is_(None), r.ended_on >= start),
        or_(r.active, r.ended_on.is_not(None)),
    )


def counts(session: Session, start: date, end: date) -> dict:
    """地域づくり for the period [start, end] (both days included): 拠点・居場所 and all 地域資源 in operation,
    活動 held and their 参加者延べ, 協議体・地域の会議 held, their 参加機関数延べ, and those the coordinator attended."""
    r, a = CommunityResource, CommunityActivity
    operating = _in_operation(start, end)
    places = session.scalar(select(func.count(r.id)).where(operating, r.kind == "place")) or 0
    every = session.scalar(select(func.count(r.id)).where(operating)) or 0
    held = a.held_on.between(start, end)
    n_act, people = session.execute(
        select(func.count(a.id), func.coalesce(func.sum(a.participants), 0)).where(held, a.kind == "activity")
    ).one()
    n_meet, agencies, attended = session.execute(
        select(
            func.count(a.id),
            func.coalesce(func.sum(a.agencies), 0),
            func.coalesce(func.sum(case((a.coordinator_attended, 1), else_=0)), 0),
        ).where(held, a.kind.in_(MEETING_KINDS))
    ).one()
    return {
        "places": int(places),
        "resources": int(every),
        "activities": int(n_act),
        "participants": int(people),
        "meetings": int(n_meet),
        "meeting_agencies": int(agencies),
        "attended": int(attended),
    }


def counts_for(store: Store, start: date, end: date) -> dict:
    """counts() in a read of its own (the 地域づくり page's summary line)."""
    with store.session() as s:
        return counts(s, start, end)


# --- the demo town -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DemoResource:
    name: str
    kind: str
    area: str
    run_by: str
    place: str
    schedule: str
    activity: str  # what an activity held there is called ("" = none recorded)
    people: tuple[int, int]


_DEMO = (
    _DemoResource("ほんまち茶の間", "place", "本町一区", "本町一区自治会・ボランティアの会", "本町一区公民館",
                  "毎週水曜 10時〜15時", "茶の間（交流・お茶会）", (8, 20)),
    _DemoResource("ふれあいいきいきサロン本町", "salon", "本町一区", "社会福祉協議会", "本町一区公民館 和室",
                  "毎月第2火曜 13時30分〜", "サロン（体操・脳トレ）", (10, 25)),
    _DemoResource("駅前みんなの食堂", "kids_meal", "駅前", "NPO法人つなぎ町食卓ネット", "駅前商店街 多目的室",
                  "毎月第1・第3土曜 17時〜", "子ども食堂", (15, 40)),
    _DemoResource("駅前ひきこもり家族のつどい", "group", "駅前", "家族会", "町保健センター 相談室",
                  "奇数月 第4日曜 14時〜", "家族のつどい", (3, 9)),
    _DemoResource("駅前よりみち相談", "counsel", "駅前", "町 福祉課（委託: 社会福祉協議会）", "駅前交流プラザ",
                  "毎週金曜 13時〜16時", "", (0, 0)),
    _DemoResource("上大江集落センター居場所", "place", "上大江", "上大江自治会", "上大江集落センター",
                  "毎週月・木曜 9時〜12時", "居場所（お茶と手仕事）", (5, 14)),
    _DemoResource("上大江見守り隊", "watch", "上大江", "上大江自治会 民生委員", "上大江地区一円",
                  "月1回 見守り訪問・随時", "", (0, 0)),
    _DemoResource("緑ヶ丘多世代カフェ", "place", "緑ヶ丘", "緑ヶ丘地区社協", "緑ヶ丘集会所",
                  "毎月第3日曜 10時〜14時", "多世代カフェ", (12, 30)),
    _DemoResource("緑ヶ丘ゆうゆう体操", "salon", "緑ヶ丘", "老人クラブ緑ヶ丘会", "緑ヶ丘集会所",
                  "毎週火曜 10時〜", "いきいき百歳体操", (9, 22)),
    _DemoResource("つなぎ町ボランティア連絡会", "group", "", "社会福祉協議会 ボランティアセンター", "町福祉センター",
                  "年4回", "", (0, 0)),
)  # fmt: skip


def add_demo(store: Store, rng: random.Random, today: date | None = None) -> None:
    """A fictional 地域づくり for the demo town: 地域資源 in 4 areas, activities across this fiscal year and the
    last, and 協議体 and 地域の会議. One transaction. A store that already keeps 地域資源 gets nothing: a demo
    must not mix with what a town typed (and a second call adds nothing)."""
    today = today or date.today()
    first = date(fiscal_year(today) - 1, 4, 1)  # the start of last fiscal year
    with store.session() as s:
        if s.scalar(select(func.count(CommunityResource.id))):
            return
        made = []
        for d in _DEMO:
            # The 多世代カフェ opened during last fiscal year: a new 拠点 the counts see arrive.
            new = d.name == "緑ヶ丘多世代カフェ"
            started = min(
                today,
                first + timedelta(days=rng.randint(120, 200))
                if new
                else first - timedelta(days=rng.randint(60, 2000)),
            )
            row = CommunityResource(name=d.name, kind=d.kind, area=d.area, run_by=d.run_by, place=d.place,
                                    schedule=d.schedule, contact=f"0858-3{rng.randint(0, 9)}-{rng.randint(1000, 9999)}",
                                    started_on=started, active=True)  # fmt: skip
            s.add(row)
            made.append((d, row))
        # One place closed during last fiscal year: it counts there, not in this one.
        closing = made[3][1]
        closing.ended_on, closing.active = min(first + timedelta(days=rng.randint(200, 300)), today), False
        s.flush()
        for d, row in made:
            if not d.activity:
                continue
            day = max(first, row.started_on)
            last = min(today, row.ended_on or today)
            while day <= last:
                s.add(CommunityActivity(resource_id=row.id, kind="activity", title=d.activity, area=d.area,
                                        held_on=day, participants=rng.randint(*d.people), run_by=d.run_by,
                                        coordinator_attended=rng.random() < 0.2, created_by=store.actor or ""))  # fmt: skip
                day += timedelta(days=rng.choice((14, 28, 30, 35)))
        # 第2層協議体 every other month, a 地域ケア会議-like 地域の会議 each quarter.
        for months, kind, title, run_by, agencies in ((2, "council", "第2層協議体（生活支援体制整備）", "社会福祉協議会", (5, 9)),
                                                      (3, "meeting", "地域の支え合い会議", "町 福祉課", (3, 7))):  # fmt: skip
            y, m = first.year, first.month
            while True:
                day = date(y, m, min(28, 10 + rng.randint(0, 14)))
                if day > today:
                    break
                s.add(CommunityActivity(kind=kind, title=title, area="", held_on=day, participants=rng.randint(8, 18),
                                        agencies=rng.randint(*agencies), run_by=run_by,
                                        coordinator_attended=rng.random() < 0.8, created_by=store.actor or ""))  # fmt: skip
                m += months
                y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        s.commit()

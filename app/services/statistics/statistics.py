"""Statistics for a fiscal year or half-year, counted from the casework records (domain.md §10).

One ``Report`` object is what the screen shows, the PDF prints and the CSV/Excel files hold, so the
numbers cannot disagree. Every count is one aggregate query; nothing loads the households themselves.

Definitions (shown to the user beside the figures):
- 相談受付件数（延べ）: intakes received in the period; 実人数: distinct 本人 of those intakes (the household
  when no 本人 was named); 実世帯数: distinct households.
- 新規世帯: households whose first intake ever falls in the period.
- 支援の延べ件数: intakes + 面談・電話 notes + visits where someone was met; 支援の実世帯数: distinct households
  among them.
- 世帯人員・世帯類型: households with an intake in the period, by the members living there now (living, not
  deceased); 年代・性別: the distinct 本人 of those intakes, aged at their first intake in the period.
- 就労: people whose work status was changed to 就労 in the period (from the change history). 増収 has no
  structured record in the app, so it is not counted (the section says so).
- 参加支援・地域づくり: counted by their own rooms (participation.counts, community.counts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import Date, DateTime, bindparam, func, literal_column, select, true, union_all

from app.models import (
    ChangeRecord,
    FlagRecord,
    Household,
    Intake,
    Note,
    Person,
    Referral,
    SupportPlan,
    Visit,
    vocab,
)
from app.services.common.japanese import age_on, fiscal_year_bounds, format_fiscal_year, format_wareki
from app.services.community import community
from app.services.flags.flags import KINDS
from app.services.meetings import meetings, plans
from app.services.participation import participation
from app.services.referrals import referrals
from app.services.store.store import Store

HALVES = {"first": "上半期（4月〜9月）", "second": "下半期（10月〜3月）"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def of(cls, fy: int, half: str | None = None) -> Period:
        start, end = fiscal_year_bounds(fy)
        if half == "first":
            return cls(start, date(fy, 9, 30), f"{format_fiscal_year(fy)} {HALVES['first']}")
        if half == "second":
            return cls(date(fy, 10, 1), end, f"{format_fiscal_year(fy)} {HALVES['second']}")
        return cls(start, end, format_fiscal_year(fy))

    @property
    def span(self) -> str:
        return f"{format_wareki(self.start)}〜{format_wareki(self.end)}"

    def times(self) -> tuple[datetime, datetime]:
        """[start, day after end) as datetimes, for columns that hold a time of day."""
        return datetime.combine(self.start, datetime.min.time()), datetime.combine(
            self.end + timedelta(days=1), datetime.min.time()
        )


@dataclass
class Section:
    key: str
    title: str
    rows: list[tuple[str, int]]
    chart: bool = True  # a bar chart on screen and in the PDF
    note: str = ""


@dataclass
class Report:
    period: Period
    as_of: date
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def value(self, key: str, label: str) -> int:
        return dict(self.section(key).rows)[label]

    def table(self) -> list[tuple[str, str, int]]:
        """(section, item, value) lines: the CSV and the Excel sheet."""
        return [(s.title, label, value) for s in self.sections for label, value in s.rows]


DEFINITIONS = (
    "相談受付件数（延べ）は期間中の相談受付の件数、実人数は受付の本人（本人の記録がなければ世帯）の数です。",
    "支援の延べ件数は、相談受付・面談・電話と、会えた訪問の合計です。",
)


def _labelled(counts: dict, labels: dict[str, str], other: str | None = None) -> list[tuple[str, int]]:
    rows = [(word, int(counts.get(code, 0))) for code, word in labels.items()]
    if other is not None:
        rest = sum(n for code, n in counts.items() if code not in labels)
        if rest:
            rows.append((other, int(rest)))
    return rows


SIZE_LABELS = ("1人", "2人", "3人", "4人", "5人以上")
AGE_BANDS = ((0, 19, "19歳以下"), (20, 29, "20代"), (30, 39, "30代"), (40, 49, "40代"), (50, 59, "50代"),
             (60, 64, "60〜64歳"), (65, 74, "65〜74歳"), (75, 84, "75〜84歳"), (85, 200, "85歳以上"))  # fmt: skip
SEX_COLUMNS = (("male", "男"), ("female", "女"), (None, "その他・不明"))
HOUSEHOLD_TYPES = ("単身", "夫婦のみ", "ひとり親と子", "二世代", "三世代", "その他")
# Generation of each 続柄 relative to the 世帯主 (+1 older). その他 has none: such a household is その他.
GENERATION = {"grandparent": 2, "parent": 1, "head": 0, "spouse": 0, "sibling": 0, "child": -1,
              "child_in_law": -1, "grandchild": -2}  # fmt: skip
PARTICIPATION_LINES = (
    ("participants", "参加支援の支援対象者数（実人数）"),
    ("new_participants", "うち期間中に新たに参加した人"),
    ("hosts", "受入先・協力事業者数"),
    ("matching", "マッチング件数"),
    ("activities", "活動の回数"),
    ("attendances", "参加の延べ人数"),
)
COMMUNITY_LINES = (
    ("places", "拠点・居場所の数"),
    ("resources", "地域資源の数"),
    ("activities", "活動の回数"),
    ("participants", "活動の参加者（延べ）"),
    ("meetings", "協議体・地域の会議の開催回数"),
    ("meeting_agencies", "会議の参加機関数"),
    ("attended", "会議に出席した回数"),
)
WORK_NOTE = (
    "就労・増収は、期間中に評価した支援プランのうち、評価でその成果を確かめたものの本人の数です。"
    "就労状況が「就労」に変わった人は、変更履歴から数えています（プランのない人も含みます）。"
)


def household_type(relations: list[str]) -> str:
    """世帯類型 from the 続柄 of the members living there (each relative to the 世帯主), kept simple:
    one member 単身; only 世帯主 and 配偶者 夫婦のみ; two generations ひとり親と子 when the older one is a single
    person and the younger holds no couple (配偶者/子の配偶者), else 二世代; three or more 三世代; anything with
    その他 or a single generation of other kinds (兄弟姉妹) その他."""
    if len(relations) == 1:
        return "単身"
    if any(r not in GENERATION for r in relations):
        return "その他"
    if sorted(relations) == ["head", "spouse"]:
        return "夫婦のみ"
    levels: dict[int, list[str]] = {}
    for r in relations:
        levels.setdefault(GENERATION[r], []).append(r)
    if len(levels) >= 3:
        return "三世代"
    if len(levels) == 2:
        older, younger = levels[max(levels)], levels[min(levels)]
        couple = "child_in_law" in younger or {"head", "spouse"} <= set(younger)
        return "ひとり親と子" if len(older) == 1 and not couple else "二世代"
    return "その他"


def age_band(age: int) -> str:
    return next(label for lo, hi, label in AGE_BANDS if lo <= age <= hi)


def _people_sections(s, period: Period, in_period) -> list[Section]:
    """世帯人員, 世帯類型 (households consulted) and 年代・性別 (people consulted)."""
    consulted = select(Intake.household_id).where(in_period).distinct().scalar_subquery()
    relations: dict[int, list[str]] = {}
    for hid, relation in s.execute(
        select(Person.household_id, Person.relation)
        .where(Person.household_id.in_(consulted), Person.lives_here.is_(True), Person.deceased.is_(False))
    ):  # fmt: skip
        relations.setdefault(hid, []).append(relation)
    consulted_ids = [h for (h,) in s.execute(select(Intake.household_id).where(in_period).distinct())]
    sizes: Counter = Counter()
    types: Counter = Counter()
    for hid in consulted_ids:
        members = relations.get(hid, [])
        if not members:
            continue  # a household known only by a label (no member recorded) has no size or type
        sizes[SIZE_LABELS[min(len(members), 5) - 1]] += 1
        types[household_type(members)] += 1
    unknown = len(consulted_ids) - sum(sizes.values())
    size_rows = [(label, sizes[label]) for label in SIZE_LABELS] + [("世帯員の記録なし", unknown)]
    type_rows = [(label, types[label]) for label in HOUSEHOLD_TYPES] + [("世帯員の記録なし", unknown)]
    # Age at the person's first intake in the period. An approximate birth date (「昭和19年」) is stored as
    # its latest possible day (birth_date; birth_earliest is the other end), so it counts at the youngest
    # age it allows: the band is never older than the person can be.
    first = (
        select(Intake.person_id, func.min(Intake.received_on).label("on"))
        .where(in_period, Intake.person_id.is_not(None)).group_by(Intake.person_id).subquery()
    )  # fmt: skip
    grid: Counter = Counter()
    for born, sex, on in s.execute(
        select(Person.birth_date, Person.sex, first.c.on).join(first, first.c.person_id == Person.id)
    ):
        column = sex if sex in ("male", "female") else None
        grid[(age_band(age_on(born, on)), column)] += 1
    age_rows = [(f"{label}・{word}", grid[(label, code)]) for _lo, _hi, label in AGE_BANDS
                for code, word in SEX_COLUMNS]  # fmt: skip
    return [
        Section("household_size", "世帯人員（相談受付の実世帯数）", size_rows,
                note="世帯員は現在その世帯に住んでいる人（亡くなった人を除く）で数えます。"),
        Section("household_type", "世帯類型（相談受付の実世帯数）", type_rows,
                note="続柄から: 単身、夫婦のみ、ひとり親と子、二世代、三世代、それ以外はその他。"),
        Section("age_sex", "年代・性別（相談受付の実人数）", age_rows, chart=False,
                note="年齢は期間中の最初の相談受付日の年齢。生年月日が「昭和19年」のように幅のある人は、"
                     "その幅の最後の日で数えます（若い方の年齢）。本人を記録していない受付は含みません。"),
    ]  # fmt: skip


def _work_section(s, period: Period) -> Section:
    start, end = period.start, period.end
    t0, t1 = period.times()
    # Outcomes of plans evaluated in the period, one per person (a household's plan without a 本人 counts
    # as its household). JSON list as stored, so SQLite's json_each reads it.
    outcome = func.json_each(SupportPlan.outcomes).table_valued("value")
    by_outcome = dict(
        s.execute(
            select(outcome.c.value,
                   func.count(func.distinct(func.coalesce(SupportPlan.person_id, -SupportPlan.household_id))))
            .select_from(SupportPlan).join(outcome, true())
            .where(SupportPlan.evaluated_on >= start, SupportPlan.evaluated_on <= end)
            .group_by(outcome.c.value)
        ).all()
    )  # fmt: skip
    # JSON text as written by the history (json.dumps), so SQLite's json_extract reads it.
    # 'update' written out, not bound: only then may SQLite read the updates' own index (schema 0019)
    # instead of every change of every person.
    changed = s.scalar(
        select(func.count(func.distinct(ChangeRecord.row_id))).where(
            ChangeRecord.table_name == "persons", ChangeRecord.action == literal_column("'update'"),
            ChangeRecord.at >= t0, ChangeRecord.at < t1,
            func.json_extract(ChangeRecord.new, "$.work") == "working",
        )
    )  # fmt: skip
    rows = [(f"{word}（プランの評価で確かめた人）", by_outcome.get(key, 0)) for key, word in vocab.PLAN_OUTCOME.items()]
    rows.append(("就労状況が「就労」に変わった人（変更履歴）", changed or 0))
    return Section("work", "就労・増収", rows, chart=False, note=WORK_NOTE)


def _programme_sections(s, period: Period) -> list[Section]:
    """参加支援 and 地域づくり, counted in their own rooms."""
    out = []
    for key, title, counts, lines in (
        ("participation", "参加支援", participation.counts, PARTICIPATION_LINES),
        ("community", "地域づくり", community.counts, COMMUNITY_LINES),
    ):
        found = counts(s, period.start, period.end)
        out.append(Section(key, title, [(word, int(found.get(code, 0))) for code, word in lines]))
    return out


# The five 事業 (社会福祉法第106条の4第2項) and the sections each one reports, then the person-level breakdowns.
# The 統計 page and the 事業別 実績 workbook are both laid out from by_program, so they agree line for line.
PROGRAMS = (
    ("comprehensive", "包括的相談支援事業",
     ("summary", "route", "category", "flag", "district", "referral", "work", "closure")),
    ("participation", "参加支援事業", ("participation",)),
    ("community", "地域づくりに向けた支援事業", ("community",)),
    ("outreach", "アウトリーチ等を通じた継続的支援事業", ("visit",)),
    ("collaboration", "多機関協働事業", ("meeting", "plan")),
    ("people", "相談者の内訳", ("household_size", "household_type", "age_sex")),
)  # fmt: skip


def by_program(report: Report) -> list[tuple[str, str, list[Section]]]:
    """(code, 事業, sections) in the order of PROGRAMS; every section of the report appears exactly once (a
    section no 事業 names goes to 包括的相談支援, so nothing counted can go missing from either layout)."""
    keys = {s.key: s for s in report.sections}
    named = {k for _c, _t, ks in PROGRAMS for k in ks}
    out = []
    for code, title, wanted in PROGRAMS:
        sections = [keys[k] for k in wanted if k in keys]
        if code == "comprehensive":
            sections += [s for s in report.sections if s.key not in named]
        out.append((code, title, sections))
    return out


# The figures ホーム shows for the year, as (section, line) of the report: headline() counts only these,
# with the same queries as compute(), so ホーム does not count a whole report to show five numbers.
HEADLINE = (
    ("summary", "相談受付件数（延べ）"),
    ("summary", "相談受付の実人数"),
    ("visit", "訪問（会えなかった訪問を含む延べ）"),
    ("referral", "送付"),
    ("plan", "重層的支援会議につながれた件数（実世帯）"),
)


def _intake_queries(in_period):
    """相談受付件数（延べ） and 実人数 (the 本人, or the household when no 本人 was named)."""
    people = func.count(func.distinct(func.coalesce(Intake.person_id * 2, Intake.household_id * 2 + 1)))
    return select(func.count()).where(in_period), select(people).where(in_period)


def _intake_counts(s, in_period) -> tuple[int, int]:
    intakes, people = (s.scalar(q) or 0 for q in _intake_queries(in_period))
    return intakes, people


def _sent_query(start, end):
    return select(func.count()).where(Referral.state != "cancelled", Referral.direction == "out",
                                      Referral.sent_on.between(start, end))  # fmt: skip


def _sent_count(s, period: Period) -> int:
    return s.scalar(_sent_query(period.start, period.end)) or 0


@cache
def _headline_query():
    """The five HEADLINE counts in one statement, built once (the period comes as parameters): six
    statements built and run one by one cost ホーム three times what the counting itself does."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    t0, t1 = bindparam("t0", type_=DateTime), bindparam("t1", type_=DateTime)
    intakes, people = _intake_queries(Intake.received_on.between(start, end))
    attempts = select(func.count()).where(Visit.visited_at >= t0, Visit.visited_at < t1)
    counts = (intakes, people, attempts, _sent_query(start, end), meetings.linked_to_jusou(start, end))
    return select(*(q.scalar_subquery() for q in counts))


def headline(store: Store, period: Period, today: date | None = None) -> dict[tuple[str, str], int]:
    """The HEADLINE figures of compute(store, period, today), keyed (section, line): equal to
    ``compute(...).value(section, line)`` (tests hold them equal), in a handful of indexed counts."""
    t0, t1 = period.times()
    with store.session() as s:
        row = s.execute(_headline_query(), {"start": period.start, "end": period.end, "t0": t0, "t1": t1}).one()
    return dict(zip(HEADLINE, (n or 0 for n in row), strict=True))


def compute(store: Store, period: Period, today: date | None = None) -> Report:
    today = today or date.today()
    as_of = min(today, period.end)  # "overdue" is judged at the end of the period, or today if earlier
    t0, t1 = period.times()
    in_period = Intake.received_on.between(period.start, period.end)
    report = Report(period, as_of)
    with store.session() as s:
        intakes, people = _intake_counts(s, in_period)
        households = s.scalar(select(func.count(func.distinct(Intake.household_id))).where(in_period)) or 0
        first = select(Intake.household_id, func.min(Intake.received_on).label("first")).group_by(
            Intake.household_id
        )
        first = first.subquery()
        new = s.scalar(
            select(func.count()).select_from(first).where(first.c.first.between(period.start, period.end))
        )
        contacts = union_all(
            select(Intake.household_id).where(in_period),
            select(Note.household_id).where(Note.at >= t0, Note.at < t1, Note.kind.in_(vocab.CONTACT_NOTES)),
            select(Visit.household_id).where(Visit.visited_at >= t0, Visit.visited_at < t1,
                                             Visit.result.in_(vocab.CONTACT_RESULTS)),
        ).subquery()  # fmt: skip
        support_total = s.scalar(select(func.count()).select_from(contacts)) or 0
        support_households = s.scalar(select(func.count(func.distinct(contacts.c.household_id)))) or 0
        report.sections.append(
            Section(
                "summary",
                "概要",
                [
                    ("相談受付件数（延べ）", intakes),
                    ("相談受付の実人数", people),
                    ("相談受付の実世帯数", households),
                    ("新規世帯", new or 0),
                    ("支援の延べ件数", support_total),
                    ("支援の実世帯数", support_households),
                ],
                chart=False,
                note="\n".join(DEFINITIONS),
            )  # fmt: skip
        )

        routes = dict(
            s.execute(select(Intake.route, func.count()).where(in_period).group_by(Intake.route)).all()
        )
        report.sections.append(
            Section("route", "経路別（相談受付）", _labelled(routes, vocab.ROUTE, "その他"))
        )

        categories: Counter = Counter()
        undecided = 0
        for cats, main in s.execute(select(Intake.categories, Intake.main_category).where(in_period)):
            chosen = set(cats or []) | ({main} if main else set())
            categories.update(chosen)
            undecided += not chosen
        rows = _labelled(categories, vocab.CONSULT_CATEGORY)
        rows.append(("未分類（内容を特定していない）", undecided))
        report.sections.append(Section("category", "相談内容別（○・◎を付けた延べ）", rows))

        flags = dict(
            s.execute(
                select(FlagRecord.kind, func.count(func.distinct(FlagRecord.household_id)))
                .where(FlagRecord.state == "confirmed", FlagRecord.first_seen <= period.end,
                       (FlagRecord.decided_at.is_(None)) | (FlagRecord.decided_at < t1))
                .group_by(FlagRecord.kind)
            ).all()
        )  # fmt: skip
        report.sections.append(
            Section(
                "flag", "気づきの種類別（確認済みの世帯数）", _labelled(flags, {**KINDS, **vocab.MANUAL_FLAG})
            )
        )

        districts = s.execute(
            select(Household.district, func.count(func.distinct(Intake.household_id)))
            .join(Household, Household.id == Intake.household_id).where(in_period)
            .group_by(Household.district).order_by(Household.district)
        ).all()  # fmt: skip
        report.sections.append(
            Section(
                "district",
                "自治会・地区別（相談受付の実世帯数）",
                [(d or "（未記入）", n) for d, n in districts],
            )
        )

        live = Referral.state != "cancelled"
        sent = _sent_count(s, period)
        received = s.scalar(select(func.count()).where(live, Referral.direction == "in",
                                                       Referral.sent_on.between(period.start, period.end)))  # fmt: skip
        replied = s.scalar(select(func.count()).where(live, Referral.direction == "out",
                                                      Referral.reply_received_on.between(period.start, period.end)))  # fmt: skip
        overdue = s.scalar(select(func.count()).where(referrals.overdue_clause(as_of)))
        report.sections.append(
            Section(
                "referral",
                "つなぐシート",
                [
                    ("送付", sent or 0),
                    ("受付（他機関から）", received or 0),
                    ("返信を受け取った", replied or 0),
                    (f"返信期限を過ぎている（{format_wareki(as_of)}時点）", overdue or 0),
                ],
            )  # fmt: skip
        )

        visits = s.execute(
            select(Visit.result, func.count())
            .where(Visit.visited_at >= t0, Visit.visited_at < t1)
            .group_by(Visit.result)
        ).all()
        attempts = sum(n for _r, n in visits)
        met = sum(n for r, n in visits if r in vocab.CONTACT_RESULTS)
        visit_rows = [("訪問（会えなかった訪問を含む延べ）", attempts), ("うち会えた", met)]
        visit_rows += [(f"うち{vocab.VISIT_RESULT[r]}", n) for r, n in sorted(visits) if r not in vocab.CONTACT_RESULTS
                       and r in vocab.VISIT_RESULT]  # fmt: skip
        visited = s.scalar(select(func.count(func.distinct(Visit.household_id)))
                           .where(Visit.visited_at >= t0, Visit.visited_at < t1))  # fmt: skip
        visit_rows.append(("訪問した実世帯数", visited or 0))
        report.sections.append(Section("visit", "訪問（アウトリーチ）", visit_rows))
        report.sections += _people_sections(s, period, in_period)
        report.sections.append(_work_section(s, period))
        programme = _programme_sections(s, period)

    # Meetings, plans and closures are counted where they are kept (app.services.meetings.meetings and .plans).
    held = meetings.counts(store, period.start, period.end)
    made = plans.counts(store, period.start, period.end)
    names = [t.name for t in meetings.types(store)]
    report.sections += [
        Section("meeting", "会議の開催回数（種類別）", [(n, held["by_type"].get(n, 0)) for n in names]),
        Section("plan", "会議の事例と支援プラン", [
            ("会議で検討した事例（延べ）", held["cases"]),
            ("重層的支援会議につながれた件数（実世帯）", held["linked_to_jusou"]),
            ("支援プランの承認", made["plans_made"]), ("支援プランの評価（見直し）", made["plans_reviewed"]),
            ("多機関協働の関与終了", made["collaboration_ended"]),
        ]),
        Section("closure", "終結（理由別）", _labelled(made["closures_by_reason"], vocab.CLOSURE_REASON)),
        *programme,
    ]  # fmt: skip
    return report

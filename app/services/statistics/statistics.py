"""Statistics for a fiscal year or half-year, counted from the casework records (domain.md §10).

One ``Report`` object is what the screen shows, the PDF prints and the CSV/Excel files hold, so the
numbers cannot disagree. Every count is one aggregate query; nothing loads the households themselves.

Definitions (shown to the user beside the figures):
- 相談受付件数（延べ）: intakes received in the period; 実人数: distinct 本人 of those intakes (the household
  when no 本人 was named); 実世帯数: distinct households.
- 新規世帯: households whose first intake ever falls in the period.
- 支援の延べ件数: intakes + 面談・電話 notes + visits where someone was met; 支援の実世帯数: distinct households
  among them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union_all

from app.models import (
    FlagRecord,
    Household,
    Intake,
    Note,
    Referral,
    Visit,
    vocab,
)
from app.services.common.japanese import fiscal_year_bounds, format_fiscal_year, format_wareki
from app.services.flags.flags import KINDS
from app.services.meetings import meetings, plans
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


def compute(store: Store, period: Period, today: date | None = None) -> Report:
    today = today or date.today()
    as_of = min(today, period.end)  # "overdue" is judged at the end of the period, or today if earlier
    t0, t1 = period.times()
    in_period = Intake.received_on.between(period.start, period.end)
    report = Report(period, as_of)
    with store.session() as s:
        intakes = s.scalar(select(func.count()).where(in_period)) or 0
        people = s.scalar(
            select(
                func.count(func.distinct(func.coalesce(Intake.person_id * 2, Intake.household_id * 2 + 1)))
            ).where(in_period)
        )
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
                    ("相談受付の実人数", people or 0),
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
        sent = s.scalar(select(func.count()).where(live, Referral.direction == "out",
                                                   Referral.sent_on.between(period.start, period.end)))  # fmt: skip
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
    ]  # fmt: skip
    return report

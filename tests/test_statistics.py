"""Statistics against hand-computed values: a small store with known cases, 実人数 vs 延べ, and the
fiscal-year edges (3/31 belongs to the year that ends, 4/1 to the next)."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import Person, Referral, vocab
from app.services.common.errors import InvalidInput
from app.services.flags import flag_review
from app.services.households import consents, households
from app.services.meetings import meetings, plans
from app.services.outreach import outreach
from app.services.referrals.agencies import save as save_agency
from app.services.statistics import statistics
from app.services.statistics.statistics import Period

FY = 2025  # 令和7年度: 2025-04-01 .. 2026-03-31


def _person(store, hid, name, kana, born, relation="head"):
    return households.add_member(
        store, hid, {"name": name, "kana": kana, "birth_date": born, "relation": relation}
    )


@pytest.fixture
def known(store):
    return populate(store)


def populate(store):
    """The known cases (also used by the GUI test of the 統計 page)."""
    h1 = households.create_household(store, address="本町1-1", district="本町")
    p1 = _person(store, h1, "山田 一", "やまだ はじめ", date(1950, 1, 1))
    p2 = _person(store, h1, "山田 二郎", "やまだ じろう", date(1975, 1, 1), "child")
    h2 = households.create_household(store, address="東区2-2", district="東区")
    q1 = _person(store, h2, "佐藤 花", "さとう はな", date(1980, 1, 1))
    h3 = households.create_household(store, label="3丁目の角の家", district="本町")

    def intake(hid, day, route, person=None, categories=(), main=None):
        households.add_intake(store, hid, {"received_on": day, "route": route, "person_id": person,
                                           "categories": list(categories), "main_category": main,
                                           "main_complaint": "相談"})  # fmt: skip

    intake(h1, date(2025, 3, 31), "self", p1)  # previous year: H1 is not new in FY2025
    intake(h1, date(2025, 4, 1), "minsei", p1, ["care", "hikikomori"], "care")
    intake(h1, date(2025, 6, 10), "family", p2, ["income"])
    intake(h2, date(2026, 3, 31), "self", q1)  # last day of FY2025
    intake(h2, date(2026, 4, 1), "self", q1)  # first day of FY2026
    intake(h3, date(2025, 10, 1), "minsei")  # no 本人 named, no category

    def visit(hid, at, result):
        outreach.add_visit(store, hid, {"visited_at": at, "result": result})

    visit(h1, datetime(2025, 7, 1, 10), "met")
    visit(h1, datetime(2025, 8, 1, 10), "absent")
    visit(h2, datetime(2026, 3, 31, 23, 30), "letter_left")
    visit(h2, datetime(2026, 4, 1, 0, 0), "met")
    outreach.add_note(store, h3, "phone", "電話で様子を聞いた", datetime(2025, 11, 1, 9))
    outreach.add_note(store, h3, "other", "資料を整理", datetime(2025, 11, 2, 9))

    agency = save_agency(store, {"name": "地域包括支援センター"})
    with store.session() as s:
        for n, (direction, sent, due, replied, state) in enumerate((
            ("out", date(2025, 5, 1), date(2025, 5, 15), date(2025, 5, 10), "replied"),
            ("out", date(2025, 12, 1), date(2025, 12, 15), None, "sent"),  # overdue at 3/31
            ("out", date(2026, 3, 20), date(2026, 4, 3), None, "sent"),  # not yet due at 3/31
            ("out", date(2025, 6, 1), date(2025, 6, 15), None, "cancelled"),
            ("in", date(2025, 9, 1), None, None, "received"),
        ), 1):  # fmt: skip
            s.add(Referral(number=f"R7-{n:04d}", fiscal_year=FY, serial=n, direction=direction, household_id=h1,
                           agency_id=agency, created_on=sent, sent_on=sent, reply_due=due, reply_received_on=replied,
                           state=state))  # fmt: skip
        s.commit()

    kind = {t.code: t.id for t in meetings.types(store)}
    shien = meetings.create_meeting(store, {"type_id": kind["shien"], "held_on": date(2025, 5, 20)})
    meetings.add_case(store, shien, h1, p1)
    consents.record(store, q1, {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                "consented_on": date(2026, 3, 1)})  # fmt: skip
    jusou = meetings.create_meeting(store, {"type_id": kind["jusou"], "held_on": date(2026, 3, 31)})
    case = meetings.add_case(store, jusou, h2, q1)
    later = meetings.create_meeting(store, {"type_id": kind["shien"], "held_on": date(2026, 4, 1)})
    meetings.add_case(store, later, h3)
    plan = plans.start_version(store, h2, q1)
    plans.save_draft(store, plan, {"issues": "就労", "roles": [{"agency_id": agency, "task": "相談"}],
                                   "lead_agency_id": agency, "review_on": date(2026, 6, 30)})  # fmt: skip
    plans.approve(store, plan, case)
    plans.evaluate(store, plan, "通所できた", date(2026, 4, 1))
    households.change_status(store, h3, "closed", "", "improved", closed_on=date(2026, 3, 31))
    flag_review.add_manual(store, h1, "hazama_1")  # confirmed today, in FY2026
    return h1, h2, h3


def test_every_count_of_a_fiscal_year(store, known):
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    assert r.section("summary").rows == [("相談受付件数（延べ）", 4), ("相談受付の実人数", 4), ("相談受付の実世帯数", 3),
                                         ("新規世帯", 2), ("支援の延べ件数", 6), ("支援の実世帯数", 3)]  # fmt: skip
    routes = dict(r.section("route").rows)
    assert (routes["民生委員・児童委員"], routes["家族"], routes["本人"]) == (2, 1, 1)
    assert sum(routes.values()) == 4
    cats = dict(r.section("category").rows)
    assert (cats["介護"], cats["ひきこもり・不登校"], cats["収入・生活費"]) == (1, 1, 1)
    assert cats["未分類（内容を特定していない）"] == 2 and sum(cats.values()) == 5
    assert dict(r.section("district").rows) == {"本町": 2, "東区": 1}
    assert [n for _l, n in r.section("referral").rows] == [3, 1, 1, 1]
    visits = dict(r.section("visit").rows)
    assert visits["訪問（会えなかった訪問を含む延べ）"] == 3 and visits["うち会えた"] == 1
    assert visits["うち不在"] == 1 and visits["うち置き手紙"] == 1 and visits["訪問した実世帯数"] == 2
    meeting = dict(r.section("meeting").rows)
    assert (
        meeting["重層的支援会議"] == 1
        and meeting["支援会議（第106条の6）"] == 1
        and sum(meeting.values()) == 2
    )
    assert [n for _l, n in r.section("plan").rows] == [2, 1, 1, 0, 0]
    assert [n for _l, n in r.section("closure").rows] == [1, 0, 0, 0, 0, 0, 0]  # 改善 and six more reasons
    assert sum(n for _l, n in r.section("flag").rows) == 0  # the manual flag was confirmed in FY2026


def test_the_next_year_and_the_halves(store, known):
    nxt = statistics.compute(store, Period.of(FY + 1), today=date(2026, 11, 22))
    assert nxt.value("summary", "相談受付件数（延べ）") == 1 and nxt.value("summary", "新規世帯") == 0
    assert nxt.value("visit", "うち会えた") == 1 and nxt.value("plan", "支援プランの評価（見直し）") == 1
    assert sum(n for _l, n in nxt.section("flag").rows) == 1
    first = statistics.compute(store, Period.of(FY, "first"), today=date(2026, 11, 22))
    second = statistics.compute(store, Period.of(FY, "second"), today=date(2026, 11, 22))
    assert [n for _l, n in first.section("summary").rows][:4] == [2, 2, 1, 0]
    assert [n for _l, n in second.section("summary").rows][:4] == [2, 2, 2, 2]
    assert first.period.end == date(2025, 9, 30) and second.period.start == date(2025, 10, 1)
    assert "令和7年度" in first.period.label and "上半期" in first.period.label


def test_closures_are_counted_under_every_reason_including_death(store, known):
    h1, h2, _h3 = known
    households.change_status(store, h1, "closed", "", "died", closed_on=date(2025, 4, 1))
    households.change_status(
        store, h2, "closed", "", "other", closed_on=date(2026, 4, 1), closure_note="転居先不明"
    )
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    closure = dict(r.section("closure").rows)
    assert list(closure) == list(vocab.CLOSURE_REASON.values())  # all seven, in the vocabulary's order
    assert closure["死亡"] == 1 and closure["本人の状態が改善し、一定程度、課題の解決が図られた時"] == 1
    assert sum(closure.values()) == 2  # その他 was closed on 4/1, in the next year
    assert statistics.compute(store, Period.of(FY + 1)).value("closure", "その他（理由）") == 1


def test_csv_and_excel_hold_the_numbers_on_screen(store, known, tmp_path):
    from openpyxl import load_workbook

    from app.services.statistics import statistics_export

    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    statistics_export.write_csv(r, tmp_path / "s.csv")
    with open(tmp_path / "s.csv", encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["区分", "項目", "件数"]
    assert [(a, b, int(c)) for a, b, c in lines[1:]] == r.table()
    statistics_export.write_xlsx(r, tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx").active
    cells = [tuple(row) for row in sheet.iter_rows(min_row=4, values_only=True) if row[2] is not None]
    assert cells == r.table()
    assert r.period.label in sheet["A1"].value


def test_the_printed_report_carries_every_number(store, known):
    import io

    from pypdf import PdfReader

    from app.services.printing.forms import FormContext
    from app.services.statistics import statistics_forms

    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    pdf = statistics_forms.report_sheet(FormContext(town="テスト町", printed_by="田中"), r)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for section in r.sections:
        assert section.title in text
    assert "令和7年度" in text and "重層的支援会議につながれた件数（実世帯）" in text


def test_every_computed_indicator_matches_the_hand_count(store, known):
    from app.services.program import program_plan

    pid = program_plan.create(store, 2025, 2027)
    actual = {
        i.label: i.actual
        for i in program_plan.indicator_lines(store, pid, FY, date(2026, 11, 22))
        if i.computed
    }
    assert actual == {"相談受付件数": 4, "相談受付の実人数": 4, "訪問相談件数": 3, "重層的支援会議につながれた件数": 1,
                      "つなぐシート件数": 3, "支援プラン作成件数": 1,
                      # (no 参加支援 or 地域づくり records in these cases: their own hand counts are below)
                      "参加支援事業の支援対象者数": 0, "参加支援事業の協力事業者数": 0, "地域づくり事業の拠点数": 0,
                      "地域づくり事業の参加者数": 0}  # fmt: skip
    assert set(actual) == {label for label, _s, _l in program_plan.COMPUTED.values()}


@pytest.fixture
def people(store, known, monkeypatch):
    """The known cases plus a household built for the person-level edges: 世帯主 born 1960-04-01 (65 on
    2025-04-01, 64 the day before), an approximate spouse (「昭和35年」 = 1960-01-01..1960-12-31, counted
    at its latest day), a married child with a spouse and a grandchild: 三世代, 5人以上."""
    h4 = households.create_household(store, address="西区4-4", district="西区")
    a = households.add_member(store, h4, {"name": "鈴木 一", "kana": "すずき はじめ", "birth_date": date(1960, 4, 1),
                                          "relation": "head", "sex": "female"})  # fmt: skip
    b = households.add_member(store, h4, {"name": "鈴木 二", "kana": "すずき ふたば", "birth_date": date(1960, 12, 31),
                                          "birth_earliest": date(1960, 1, 1), "birth_text": "昭和35年",
                                          "relation": "spouse", "sex": "male"})  # fmt: skip
    for name, born, rel in (("鈴木 三", date(1985, 5, 5), "child"), ("鈴木 四", date(1986, 6, 6), "child_in_law"),
                            ("鈴木 五", date(2015, 7, 7), "grandchild")):  # fmt: skip
        households.add_member(
            store, h4, {"name": name, "kana": "すずき", "birth_date": born, "relation": rel}
        )
    households.add_member(store, h4, {"name": "鈴木 六", "kana": "すずき", "birth_date": date(1930, 1, 1),
                                      "relation": "parent", "deceased": True})  # fmt: skip
    for day, who in ((date(2025, 3, 31), a), (date(2025, 4, 1), a), (date(2025, 4, 1), b)):
        households.add_intake(store, h4, {"received_on": day, "route": "self", "person_id": who,
                                          "main_complaint": "相談"})  # fmt: skip
    # 就労: the history's clock is moved across the year's edge.
    from app.services.store import history

    for at, person, work in (
        (datetime(2026, 3, 31, 23, 59), a, "working"),  # FY2025
        (datetime(2026, 4, 1, 0, 0), b, "working"),  # FY2026
        (datetime(2025, 5, 1, 9), b, "not_working"),
    ):  # not 就労: not counted
        monkeypatch.setattr(history, "now", lambda at=at: at)
        households.update_member(store, person, {"work": work})
    monkeypatch.undo()
    return known + (h4,)


def test_household_size_type_age_and_sex_across_the_year_edge(store, people):
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    # FY2025: H1 (世帯主 and 子), H2 (one), H3 (no member recorded), H4 (five living, one deceased).
    assert dict(r.section("household_size").rows) == {"1人": 1, "2人": 1, "3人": 0, "4人": 0, "5人以上": 1,
                                                      "世帯員の記録なし": 1}  # fmt: skip
    assert dict(r.section("household_type").rows) == {"単身": 1, "夫婦のみ": 0, "ひとり親と子": 1, "二世代": 0,
                                                      "三世代": 1, "その他": 0, "世帯員の記録なし": 1}  # fmt: skip
    ages = {label: n for label, n in r.section("age_sex").rows if n}
    # 山田一 75 on 4/1 (sex not recorded), 山田二郎 50 on 6/10, 佐藤花 46 on 3/31, 鈴木一 65 on 4/1 (her
    # birthday; 64 on 3/31, which belongs to FY2024), 鈴木二 at 1960-12-31: 64 on 2025-04-01.
    assert ages == {"75〜84歳・その他・不明": 1, "50代・その他・不明": 1, "40代・その他・不明": 1, "65〜74歳・女": 1,
                    "60〜64歳・男": 1}  # fmt: skip
    assert len(r.section("age_sex").rows) == len(statistics.AGE_BANDS) * 3
    before = statistics.compute(store, Period.of(FY - 1), today=date(2026, 11, 22))
    assert {label: n for label, n in before.section("age_sex").rows if n} == {
        "75〜84歳・その他・不明": 1,
        "60〜64歳・女": 1,
    }
    assert dict(before.section("household_size").rows)["5人以上"] == 1
    after = statistics.compute(store, Period.of(FY + 1), today=date(2026, 11, 22))
    assert dict(after.section("household_size").rows) == {"1人": 1, "2人": 0, "3人": 0, "4人": 0, "5人以上": 0,
                                                          "世帯員の記録なし": 0}  # fmt: skip
    assert {label: n for label, n in after.section("age_sex").rows if n} == {"40代・その他・不明": 1}


def test_work_is_counted_from_the_change_history(store, people):
    changed = "就労状況が「就労」に変わった人（変更履歴）"
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    assert r.section("work").rows == [("就労（プランの評価で確かめた人）", 0), ("増収（プランの評価で確かめた人）", 0),
                                      (changed, 1)]  # fmt: skip
    assert statistics.compute(store, Period.of(FY + 1)).value("work", changed) == 1


def test_employment_and_income_are_counted_from_plan_evaluations_across_the_year_edge(store, known):
    from app.models import SupportPlan

    with store.session() as s:
        plan_id = s.scalar(select(SupportPlan.id).where(SupportPlan.evaluated_on.is_not(None)))
    employed, income = "就労（プランの評価で確かめた人）", "増収（プランの評価で確かめた人）"
    # Evaluated on 3/31: 令和7年度 only.
    plans.evaluate(store, plan_id, "週3日の仕事が決まり、収入も増えた", date(2026, 3, 31), outcomes=["income_up", "employed"])
    this, next_year = statistics.compute(store, Period.of(FY)), statistics.compute(store, Period.of(FY + 1))
    assert (this.value("work", employed), this.value("work", income)) == (1, 1)
    assert (next_year.value("work", employed), next_year.value("work", income)) == (0, 0)
    # Evaluated again on 4/1 with 就労 only: it moves to 令和8年度, and 増収 is no longer claimed.
    plans.evaluate(store, plan_id, "仕事は続いている", date(2026, 4, 1), outcomes=["employed"])
    this, next_year = statistics.compute(store, Period.of(FY)), statistics.compute(store, Period.of(FY + 1))
    assert (this.value("work", employed), this.value("work", income)) == (0, 0)
    assert (next_year.value("work", employed), next_year.value("work", income)) == (1, 0)
    with pytest.raises(InvalidInput, match="成果の種類"):
        plans.evaluate(store, plan_id, "x", date(2026, 4, 1), outcomes=["rich"])


@pytest.mark.parametrize(
    ("relations", "kind"),
    [
        (["head"], "単身"), (["head", "spouse"], "夫婦のみ"), (["head", "child", "child"], "ひとり親と子"),
        (["head", "parent"], "ひとり親と子"), (["head", "spouse", "child"], "二世代"),
        (["head", "spouse", "parent"], "二世代"), (["head", "child", "child_in_law"], "二世代"),
        (["head", "child", "grandchild"], "三世代"), (["head", "sibling"], "その他"), (["head", "other"], "その他"),
    ],
)  # fmt: skip
def test_household_type_rule(relations, kind):
    assert statistics.household_type(relations) == kind


def test_the_program_workbook_equals_the_page_line_for_line(store, people, tmp_path):
    from openpyxl import load_workbook

    from app.services.program import program_plan
    from app.services.statistics import statistics_export

    program_plan.save_body(store, {"name": "福祉課 総合相談窓口", "field": "総合相談", "form": "basic", "places": 1,
                                   "operation": "direct"})  # fmt: skip
    program_plan.save_setup(store, "participation", {"body": "社会福祉協議会", "outsourced": True,
                                                      "contractor": "町社会福祉協議会", "staff": 2})  # fmt: skip
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    path = statistics_export.write_program_workbook(
        r, program_plan.bodies(store), program_plan.setups(store), tmp_path / "w.xlsx", made_on=date(2026, 11, 22)
    )
    book = load_workbook(path)
    layout = statistics.by_program(r)
    assert book.sheetnames == [title for _c, title, _s in layout]
    seen = []
    for (code, _title, sections), sheet in zip(layout, book.worksheets, strict=True):
        rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[1][0] == "令和7年度（令和7年4月1日〜令和8年3月31日）"  # the period on every sheet
        assert isinstance(sheet["B3"].value, datetime) and sheet["B3"].value.date() == date(2025, 4, 1)
        assert isinstance(sheet["D3"].value, datetime) and sheet["D3"].value.date() == date(2026, 3, 31)
        assert sheet["B4"].value.date() == date(2026, 11, 22) and sheet["D4"].value.date() == date(2026, 3, 31)
        header = next(i for i, row in enumerate(rows) if row[:3] == statistics_export.HEADER)
        lines = [row[:3] for row in rows[header + 1 :] if row[2] is not None]
        assert lines == [(s.title, label, value) for s in sections for label, value in s.rows]
        seen += lines
        if code == "participation":
            assert ("社会福祉協議会", "委託", "町社会福祉協議会", 2) in [row[:4] for row in rows]
        if code == "comprehensive":
            assert ("福祉課 総合相談窓口", "総合相談", "基本型", 1, "直営") in [row[:5] for row in rows]
    assert sorted(seen) == sorted(r.table())  # every line of the page, none twice


def test_participation_and_community_lines_across_the_year_edge(store, known):
    from app.services.community import community
    from app.services.participation import participation

    h1, h2, _h3 = known
    agency = save_agency(store, {"name": "町社会福祉協議会"})
    with store.session() as s:
        p1, q1 = (s.scalar(select(Person.id).where(Person.household_id == h)) for h in (h1, h2))
    # 山田一 from 2026-03-31 (FY2025, new), 佐藤花 from 2026-04-01 (FY2026 only).
    for hid, pid, day in ((h1, p1, date(2026, 3, 31)), (h2, q1, date(2026, 4, 1))):
        part = participation.create(store, hid, pid, {"agency_id": agency, "offer": "place", "state": "active",
                                                      "matched_on": day, "started_on": day})  # fmt: skip
        participation.add_activity(store, part, {"held_on": day, "what": "居場所"})
    for day, n in ((date(2026, 3, 31), 12), (date(2026, 4, 1), 7)):
        community.record_activity(store, {"kind": "activity", "held_on": day, "title": "サロン", "participants": n},
                                  today=date(2026, 11, 22))  # fmt: skip
    r = statistics.compute(store, Period.of(FY), today=date(2026, 11, 22))
    part = dict(r.section("participation").rows)
    assert part["参加支援の支援対象者数（実人数）"] == 1 and part["うち期間中に新たに参加した人"] == 1
    assert part["受入先・協力事業者数"] == 1 and part["参加の延べ人数"] == 1
    comm = dict(r.section("community").rows)
    assert comm["活動の回数"] == 1 and comm["活動の参加者（延べ）"] == 12
    nxt = statistics.compute(store, Period.of(FY + 1), today=date(2026, 11, 22))
    assert nxt.value("participation", "参加支援の支援対象者数（実人数）") == 2  # 山田一 continues
    assert nxt.value("participation", "うち期間中に新たに参加した人") == 1
    assert nxt.value("community", "活動の参加者（延べ）") == 7


def test_the_headline_of_home_equals_the_report(store, known):
    # ホーム counts only the five figures it shows; they must be the report's own, in every period.
    for period in (Period.of(FY), Period.of(FY + 1), Period.of(FY, "first"), Period.of(FY, "second")):
        report = statistics.compute(store, period, today=date(2026, 11, 22))
        assert statistics.headline(store, period, date(2026, 11, 22)) == {
            key: report.value(*key) for key in statistics.HEADLINE
        }


def test_work_changes_are_read_through_the_updates_index(store):
    """The 就労 line reads the updates of persons in the period through their own index (schema 0019), not
    every change of every person in the town."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "json_extract(change_history.new" in statement:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        statistics.compute(store, Period.of(2025), date(2026, 3, 31))
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    assert len(seen) == 1
    with store.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + seen[0][0], seen[0][1]))
    assert "ix_change_history_updates" in plan, plan

"""Outreach below the GUI: attempts and contacts, follow-ups, survey progress, timeline, prints."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.services.common.japanese import fiscal_year
from app.services.households import households
from app.services.households.households import FieldErrors
from app.services.outreach import outreach
from app.services.printing import printing
from app.services.statistics import statistics

TODAY = date.today()


def _at(days_ago: int, hour: int = 10) -> datetime:
    at = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time()).replace(hour=hour)
    return min(at, datetime.now().replace(second=0, microsecond=0))  # never in the future, even after midnight


@pytest.fixture
def followed(store):
    hid = households.create_household(store, address="例示町3-3", district="東区")
    son = households.add_member(
        store,
        hid,
        {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3), "relation": "head"},
    )
    households.add_intake(
        store, hid, {"received_on": TODAY - timedelta(days=60), "main_complaint": "外に出られない"}
    )
    households.change_status(store, hid, "ongoing", "見守りながら訪問を続ける")
    return hid, son


def test_attempts_are_not_contacts_and_next_dates_drive_follow_up(store, followed):
    hid, son = followed
    assert [f.household_id for f in outreach.followups(store, TODAY)] == [hid]  # 60 days since the intake
    outreach.add_visit(store, hid, {"visited_at": _at(20), "kind": "continuing", "result": "absent"})
    outreach.add_visit(store, hid, {"visited_at": _at(10), "kind": "letter", "result": "letter_left"})
    assert [f.household_id for f in outreach.followups(store, TODAY)] == [hid]  # attempts only
    outreach.add_visit(store, hid, {"visited_at": _at(1), "kind": "continuing", "result": "met", "met_person_ids": [son],
                                    "own_words": "また来てもいい", "next_on": TODAY + timedelta(days=7)})  # fmt: skip
    assert outreach.followups(store, TODAY) == []
    late = outreach.followups(store, TODAY + timedelta(days=8))
    assert [f.household_id for f in late] == [hid] and "次回予定" in late[0].reason
    assert [row[1] for row in outreach.planned_between(store, TODAY, TODAY + timedelta(days=7))] == [hid]
    # Counted once, by the statistics (the page, the form and the 実施計画 indicators read the same figures).
    report = statistics.compute(store, statistics.Period.of(fiscal_year(TODAY)), TODAY)
    attempts, met = report.value("visit", "訪問（会えなかった訪問を含む延べ）"), report.value("visit", "うち会えた")
    assert attempts >= 1 and met <= attempts


def test_visit_input_is_checked(store, followed):
    hid, _ = followed
    with pytest.raises(FieldErrors) as exc:
        outreach.add_visit(store, hid, {"visited_at": datetime.now() + timedelta(days=2), "result": "x"})
    assert set(exc.value.errors) == {"visited_at", "result"}
    with pytest.raises(FieldErrors):
        outreach.add_visit(store, hid, {"visited_at": _at(1), "next_on": TODAY - timedelta(days=5)})


def test_timeline_orders_every_kind_of_event(store, followed):
    hid, son = followed
    outreach.add_visit(store, hid, {"visited_at": _at(20), "result": "absent"})
    outreach.add_note(store, hid, "phone", "本人から電話。来週なら会えるとのこと", at=_at(15))
    outreach.add_visit(store, hid, {"visited_at": _at(5), "result": "met", "own_words": "話せてよかった"})
    entries = outreach.timeline(store, hid)
    assert [e.kind for e in entries] == ["intake", "visit", "note", "visit"]
    assert entries[1].title == "継続的支援訪問・不在" and "話せてよかった" in entries[3].detail
    assert [e.kind for e in outreach.timeline(store, hid, {"visit"})] == ["visit", "visit"]


def test_survey_round_and_progress(store):
    east = [households.create_household(store, address=f"東区{i}", district="東区") for i in range(4)]
    households.create_household(store, address="西区1", district="西区")
    round_name = outreach.survey_round_name(TODAY)
    n = outreach.record_survey(
        store, {east[0]: "met", east[1]: "absent"}, _at(0), "民生委員 佐藤", round_name
    )
    assert n == 2
    progress = dict((d, (v, t)) for d, v, t in outreach.survey_progress(store, round_name))
    assert progress["東区"] == (2, 4) and progress["西区"] == (0, 1)


def test_timeline_and_visit_prints(store, followed):
    import io

    from pypdf import PdfReader

    from app.services.outreach import outreach_forms

    hid, son = followed
    for days, result, words in ((20, "absent", ""), (10, "letter_left", ""), (1, "met", "また来てもいい")):
        outreach.add_visit(store, hid, {"visited_at": _at(days), "result": result, "own_words": words})
    household = households.open_household(store, hid)
    ctx = printing.form_context(store)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        outreach_forms.timeline_sheet(ctx, household, outreach.timeline(store, hid)))).pages)  # fmt: skip
    order = [text.index(w) for w in ("相談受付", "・不在", "・置き手紙", "・会えた")]
    assert order == sorted(order)
    visit = outreach.get_visit(store, outreach.timeline(store, hid, {"visit"})[-1].record_id)
    sheet = PdfReader(io.BytesIO(outreach_forms.visit_sheet(ctx, household, visit))).pages[0].extract_text()
    assert "訪問記録票" in sheet and "会えた" in sheet and "また来てもいい" in sheet


def test_home_reads_the_first_follow_ups_and_their_number(store, followed):
    # ホーム shows the most urgent follow-ups and how many there are: the head of the whole list, in its order.
    hid, _ = followed
    others = [households.create_household(store, address=f"例示町{i}", district="東区") for i in range(4)]
    for i, other in enumerate(others):
        households.change_status(store, other, "watching" if i % 2 else "ongoing", "見守り")
        if i < 2:
            visit = {"visited_at": _at(40 + i), "result": "met", "next_on": TODAY - timedelta(days=3 + i)}
            outreach.add_visit(store, other, visit)
    for day in (TODAY, TODAY + timedelta(days=40), TODAY - timedelta(days=400)):
        everything = outreach.followups(store, day)
        assert len(everything) == (5 if day >= TODAY else 2)  # (400 days ago: only those never contacted)
        for limit in (1, 3, 50):
            assert outreach.followups_first(store, day, limit) == (len(everything), everything[:limit])

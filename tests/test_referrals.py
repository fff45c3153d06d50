"""つなぐシート below the GUI: directory, consent, gate, lifecycle, overdue, prints and counts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEntry, ChangeRecord
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import fiscal_year
from app.services.households import consents, households
from app.services.households.households import FieldErrors
from app.services.meetings import meetings
from app.services.printing import printing
from app.services.referrals import agencies, referral_forms, referrals
from app.services.statistics import statistics
from app.services.store import settings as town_settings


def sheet(store, rid: int) -> bytes:
    return print_catalog.produce(store, "referral", print_catalog.Request(record_id=rid)).pdf


def _text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def case(store):
    town_settings.save(
        store,
        {"town.name": "例示県つなぎ町", "town.department": "福祉課 重層支援係", "town.phone": "0858-00-1111"},
    )
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2", phone="0858-12-3456")
    father = households.add_member(store, hid, {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1944, 5, 1),
                                                "relation": "head", "sex": "male", "care_level": "care2"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male", "work": "not_working"})  # fmt: skip
    households.add_intake(store, hid, {"person_id": son, "received_on": date(2026, 11, 20), "received_by": "田中",
                                       "main_complaint": "父の介護で外に出られない", "background": "民生委員から",
                                       "urgency": "soon", "response": "referral", "referred_to": "地域包括支援センター"})  # fmt: skip
    agencies.add_typical(store)
    houkatsu = next(a for a in agencies.all_agencies(store) if a.agency_type == "地域包括支援センター")
    agencies.save(
        store,
        {"name": "つなぎ町地域包括支援センター", "phone": "0858-22-3333", "contact_person": "佐藤"},
        houkatsu.id,
    )
    hello = next(a for a in agencies.all_agencies(store) if a.agency_type == "ハローワーク")
    return hid, father, son, houkatsu.id, hello.id


def test_a_new_sheet_is_prefilled_from_the_household_and_intake(store, case):
    hid, father, son, houkatsu, _ = case
    values = referrals.draft_outgoing(store, hid)
    assert (
        values["person_id"] == son
        and values["summary"] == "父の介護で外に出られない"
        and values["urgency"] == "soon"
    )
    rid = referrals.create(store, hid, values | {"agency_id": houkatsu, "request": "介護保険サービスの調整をお願いします"},
                           on=date(2026, 11, 22))  # fmt: skip
    ref = referrals.get(store, rid)
    assert ref.number == "R8-0001" and ref.state == "draft"
    second = referrals.create(store, hid, values | {"agency_id": houkatsu}, on=date(2027, 3, 31))
    third = referrals.create(store, hid, values | {"agency_id": houkatsu}, on=date(2027, 4, 1))
    assert (
        referrals.get(store, second).number == "R8-0002" and referrals.get(store, third).number == "R9-0001"
    )


def test_gate_consent_lifecycle_overdue_and_reply(store, case, tmp_path):
    hid, father, son, houkatsu, hello = case
    rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": houkatsu})
    g = referrals.gate(store, rid)
    assert not g.open and g.support_meeting_member
    with pytest.raises(InvalidInput, match="根拠"):
        sheet(store, rid)
    with pytest.raises(InvalidInput, match="根拠"):
        referrals.mark_sent(store, rid)
    with pytest.raises(FieldErrors):
        consents.record(
            store,
            son,
            {"purpose": "referral", "method": "verbal", "consented_on": date.today(), "scope": "named"},
        )
    consents.record(store, son, {"purpose": "referral", "method": "verbal", "consented_on": date(2026, 11, 21),
                                 "scope": "named", "agency_ids": [houkatsu]})  # fmt: skip
    g = referrals.gate(store, rid)
    assert g.open and g.basis == "consent" and g.consent_date == date(2026, 11, 21)
    printing.save_as(store, print_catalog.produce(store, "referral", print_catalog.Request(record_id=rid)),
                     tmp_path / "sheet.pdf")
    assert referrals.get(store, rid).basis == "consent"
    sent = date.today() - timedelta(days=20)
    referrals.mark_sent(store, rid, on=sent)
    ref = referrals.get(store, rid)
    assert ref.reply_due == sent + timedelta(days=14)
    assert [r.id for r in referrals.overdue(store)] == [rid]
    # ホーム's light rows are the same sheets, with the columns it shows
    total, (row,) = referrals.overdue_first(store)
    assert total == 1
    assert (row.id, row.household_id, row.number, row.code, row.agency_id, row.sent_on, row.reply_due) == (
        rid, ref.household_id, ref.number, ref.household.code, ref.agency_id, sent, ref.reply_due)  # fmt: skip
    assert referrals.overdue(store, today=sent + timedelta(days=14)) == []
    assert referrals.overdue_first(store, today=sent + timedelta(days=14)) == (0, [])
    referrals.accept(store, rid)
    with pytest.raises(FieldErrors):
        referrals.record_reply(store, rid, {})
    referrals.record_reply(store, rid, {"reply_status": "in_progress", "reply_staff": "佐藤", "reply_plan": "来週訪問",
                                        "reply_message": "ケアマネを決めました", "reply_accepted_on": sent})  # fmt: skip
    assert referrals.overdue(store) == []
    referrals.complete(store, rid)
    with pytest.raises(InvalidInput):
        referrals.cancel(store, rid, "間違い")
    with store.session() as s:
        steps = [r.new.get("state") for r in s.scalars(select(ChangeRecord).where(ChangeRecord.table_name == "referrals"))
                 if r.new and "state" in r.new]  # fmt: skip
        printed = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "print")).all()
    assert steps == ["draft", "sent", "accepted", "replied", "done"]
    assert any('"basis": "consent"' in d for d in printed)
    report = statistics.compute(store, statistics.Period.of(fiscal_year(sent)), sent)
    assert report.value("referral", "送付") == 1

    # The consent named only the 地域包括: a sheet to ハローワーク is not covered by it.
    other = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": hello})
    assert not referrals.gate(store, other).open
    with pytest.raises(InvalidInput, match="構成員"):
        referrals.set_basis(store, other, "support_meeting")


def test_printed_sheet_carries_the_household_basis_and_reply_form(store, case):
    hid, father, son, houkatsu, _ = case
    consents.record(
        store,
        son,
        {"purpose": "referral", "method": "signed", "consented_on": date(2026, 11, 21), "scope": "general"},
    )
    rid = referrals.create(
        store,
        hid,
        referrals.draft_outgoing(store, hid) | {"agency_id": houkatsu, "request": "訪問をお願いします"},
    )
    page1, page2 = _text(sheet(store, rid))
    for words in ("つなぐシート", "山田 健", "やまだ けん", "昭和48年2月3日", "例示県つなぎ町大字本町1-2", "0858-12-3456",
                  "山田 太郎", "父の介護で外に出られない", "民生委員から", "訪問をお願いします", "本人同意", "署名",
                  "令和8年11月21日", "関係機関全般", "つなぎ町地域包括支援センター", "重層支援", "取扱注意（個人情報）"):  # fmt: skip
        assert words in page1, words
    for words in (
        "返信票",
        "受付日",
        "担当者",
        "対応済",
        "対応中",
        "対応困難",
        "連絡つかず",
        "今後の予定",
        "紹介元への連絡事項",
        "2 / 2",
    ):
        assert words in page2, words


def test_minimal_sheet_has_no_name_birth_date_address_or_phone(store, case):
    hid, father, son, houkatsu, _ = case
    rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": houkatsu})
    alias, text = referrals.minimal_draft(store, rid)
    assert alias == "Y・Kさん" and "父の介護で外に出られない" in text and "山田" not in text
    referrals.set_basis(store, rid, "minimal", alias=alias, text=text)
    printed = "\n".join(_text(sheet(store, rid)))
    assert "Y・Kさん" in printed and "50代" in printed and "特定する情報" in printed
    for secret in ("山田", "やまだ", "昭和48年2月3日", "1973", "53歳", "本町1-2", "0858-12-3456", "民生委員から"):
        assert secret not in printed, secret


def test_other_law_and_emergency_need_their_words_and_an_emergency_waits_for_a_meeting(store, case):
    hid, father, son, houkatsu, _ = case
    rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": houkatsu})
    with pytest.raises(FieldErrors, match="法令"):
        referrals.set_basis(store, rid, "other_law")
    with pytest.raises(FieldErrors, match="理由"):
        referrals.set_basis(store, rid, "emergency", "  ")
    referrals.set_basis(store, rid, "emergency", "意識がなく救急搬送。家族と連絡が取れない")
    g = referrals.gate(store, rid)
    assert g.open and g.basis == "emergency"
    page1 = _text(sheet(store, rid))[0]
    assert "生命・身体の保護" in page1 and "救急搬送" in page1 and "山田 健" in page1
    assert [r.id for r in referrals.pending_reviews(store)] == [rid]
    shien = next(t.id for t in meetings.types(store) if t.code == "shien")
    mid = meetings.create_meeting(store, {"type_id": shien, "held_on": date.today()})
    meetings.add_case(store, mid, hid, son)
    assert referrals.pending_reviews(store) == []
    referrals.set_basis(store, rid, "other_law", "児童福祉法第25条の3")
    assert "児童福祉法第25条の3" in _text(sheet(store, rid))[0]


def test_incoming_sheet_and_our_reply(store, case):
    hid, father, son, houkatsu, _ = case
    rid = referrals.create(store, hid, {"agency_id": houkatsu, "person_id": father, "agency_contact": "佐藤",
                                        "summary": "介護者の長男の様子が気になる"}, direction="in")  # fmt: skip
    referrals.set_basis(store, rid, "support_meeting")
    referrals.accept(store, rid)
    referrals.record_reply(store, rid, {"reply_status": "done", "reply_staff": "田中", "reply_plan": "週1回訪問",
                                        "reply_message": "長男とつながりました", "reply_accepted_on": date.today()})  # fmt: skip
    page2 = _text(sheet(store, rid))[1]
    assert "○ 対応済" in page2 and "週1回訪問" in page2 and "長男とつながりました" in page2


def test_blank_sheet_and_list(store, case):
    ctx = printing.form_context(store)
    blank = _text(print_catalog.produce(store, "referral-blank").pdf)
    assert len(blank) == 2 and "□ ① 次の窓口を紹介" in blank[0] and "返信票" in blank[1]
    hid, _f, _s, houkatsu, _ = case
    referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": houkatsu})
    listing = _text(
        referral_forms.referral_list(
            ctx, referrals.listing(store), referrals.agency_names(store), date.today()
        )
    )
    assert "R8-0001" in listing[0] and "作成" in listing[0]


def test_agency_csv_round_trip(store, tmp_path):
    agencies.add_typical(store)
    path = tmp_path / "agencies.csv"
    n = agencies.export_csv(store, path)
    assert n == len(agencies.catalogue())
    text = path.read_bytes().decode("utf-8-sig")
    text = text.replace("地域包括支援センター,,地域包括支援センター", "北部地域包括,,地域包括支援センター", 1)
    path.write_bytes(text.encode("cp932"))  # as Excel on Windows saves it
    assert agencies.import_csv(store, path) == n
    names = {a.name for a in agencies.all_agencies(store)}
    assert "北部地域包括" in names
    bad = tmp_path / "bad.csv"
    bad.write_text("名前,電話\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="見出し"):
        agencies.import_csv(store, bad)

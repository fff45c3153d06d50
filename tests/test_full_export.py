"""The full export: everything out as a workbook and as tsunagi-export/1 JSON, and back into a new store
with nothing lost (export → new store → import → export gives the same document)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import AuditEntry, MediaLog
from app.services.common.errors import InvalidInput
from app.services.flags import flag_review
from app.services.households import consents, demo, households
from app.services.meetings import assessments, meetings, plans
from app.services.outreach import outreach
from app.services.program import program_plan
from app.services.referrals import agencies, referrals
from app.services.store import settings as town_settings
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.services.transfer import full_export
from tests.conftest import PASSPHRASE, run_cli


def make_town(store) -> dict:
    """A demo town with casework, plus one household carrying every kind of record by hand."""
    demo.populate(store, 12, seed=3)
    demo.populate_casework(store, seed=3, share=0.5, until=date(2026, 3, 31))
    town_settings.save(store, {"town.name": "例示県つなぎ町", "referral.reply_days": 21})
    hid = households.create_household(store, address="例示県つなぎ町本町2-11-5", postal_code="689-2221",
                                      phone="0858-12-3456", label="本町の髙橋さん宅", district="本町")  # fmt: skip
    father = households.add_member(store, hid, {"name": "髙橋 太郎", "kana": "たかはし たろう", "relation": "head",
                                                "birth_date": date(1944, 5, 1), "sex": "male", "care_level": "care2"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "髙橋 健一", "kana": "たかはし けんいち", "relation": "child",
                                             "birth_date": date(1973, 2, 3), "sex": "male", "work": "not_working",
                                             "own_words": "外に出るのがこわい", "mobile": "090-8765-4321"})  # fmt: skip
    households.set_cares(store, son, [father])
    households.add_intake(store, hid, {"person_id": son, "received_on": date(2026, 1, 20), "received_by": "田中",
                                       "categories": ["hikikomori", "care"], "main_category": "care",
                                       "main_complaint": "父の介護がつらい", "response": "self"})  # fmt: skip
    outreach.add_visit(store, hid, {"visited_at": datetime(2026, 1, 21, 10, 0), "kind": "continuing",
                                    "result": "met", "own_words": "少し話せた", "met_person_ids": [son],
                                    "next_on": date(2026, 2, 1)})  # fmt: skip
    outreach.add_note(store, hid, "phone", "電話で様子を聞いた", at=datetime(2026, 1, 25, 15, 0))
    agencies.add_typical(store)
    agency = agencies.all_agencies(store)[0]
    consent = consents.record(store, son, {"purpose": "referral", "scope": "named", "method": "signed",
                                           "consented_on": date(2026, 1, 22), "agency_ids": [agency.id]})  # fmt: skip
    rid = referrals.create(store, hid, {"agency_id": agency.id, "person_id": son, "summary": "外出の支援",
                                        "request": "面談をお願いしたい"})  # fmt: skip
    shien = next(t.id for t in meetings.types(store) if t.code == "shien")
    mid = meetings.create_meeting(store, {"type_id": shien, "held_on": date(2026, 2, 5),
                                          "attendees": [{"agency_id": agency.id, "name": "佐藤"}]})  # fmt: skip
    meetings.add_case(store, mid, hid, son)
    aid = assessments.create(store, hid, {"person_id": son, "assessed_on": date(2026, 1, 30), "situation": "外に出たい",
                                          "issues": [{"field": "isolation", "text": "外出していない"}],
                                          "choice": "居場所に行く", "pace": "月1回"})  # fmt: skip
    pid = assessments.start_plan(store, aid)
    plans.save_draft(store, pid, {"person_id": son, "wishes": "外に出たい", "issues": "介護と孤立",
                                  "goals": [{"text": "週1回外出", "kind": "social"}],
                                  "roles": [{"agency_id": agency.id, "task": "同行", "status": "doing",
                                             "due_on": "2026-02-20", "status_on": "2026-02-06"}]})  # fmt: skip
    program_plan.create(store, 2025, 2027)
    flag_review.add_manual(store, hid, "isolation_neighbourhood", note="近所づきあいがない")
    return {"household": hid, "father": father, "son": son, "referral": rid, "meeting": mid, "plan": pid,
            "consent": consent}  # fmt: skip


@pytest.fixture
def town(store):
    return make_town(store)


def _document(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.pop("exported_at")
    return doc


def test_round_trip_into_a_new_store_gives_the_same_records(store, town, tmp_path):
    first = tmp_path / "first.json"
    full_export.export_files(store, json_path=first)
    doc = _document(first)
    assert doc["format"] == "tsunagi-export/1"
    assert len(doc["households"]) == 13 and doc["intakes"] and doc["visits"] and doc["referrals"]
    assert doc["meeting_cases"] and doc["support_plans"] and doc["consents"] and doc["flags"] and doc["notes"]
    assert doc["assessments"][0]["issues"] == [{"field": "isolation", "text": "外出していない"}]
    assert doc["support_plans"][-1]["assessment_id"] == doc["assessments"][0]["id"]
    # The households section is tsunagi-households/1 itself.
    from app.services.records import household_format

    assert household_format.parse({"format": "tsunagi-households/1", "households": doc["households"]})

    other = Store.create(tmp_path / "other", passphrase=PASSPHRASE, user="suzuki", town="", kdf=FAST).store
    try:
        result = full_export.import_file(other, first)
        assert result.households == 13 and result.records["intakes"] == len(doc["intakes"])
        second = tmp_path / "second.json"
        full_export.export_files(other, json_path=second)
        assert _document(second) == doc
        # …and a second import into the now full store is refused whole.
        with pytest.raises(InvalidInput, match="すでに記録があります"):
            full_export.import_file(other, first)
    finally:
        other.close()


def test_a_bad_reference_refuses_the_whole_file(store, town, tmp_path):
    path = tmp_path / "all.json"
    full_export.export_files(store, json_path=path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["referrals"][0]["agency_id"] = 99999
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InvalidInput, match="つなぐシート の 1 件目 の agency_id"):
        full_export.read_if_full(path)


def test_the_workbook_speaks_japanese_with_real_dates_and_wareki(store, town, tmp_path):
    path = tmp_path / "all.xlsx"
    full_export.export_files(store, xlsx=path)
    book = load_workbook(path)
    for title in ("世帯", "世帯員", "相談受付", "訪問", "つなぐシート", "会議の案件", "支援プラン", "同意", "気づき",
                  "関係機関", "実施計画", "設定"):  # fmt: skip
        assert title in book.sheetnames
    intakes = book["相談受付"]
    header = [c.value for c in intakes[1]]
    assert "受付日" in header and header[header.index("受付日") + 1] == "受付日（和暦）"
    row = next(
        r
        for r in intakes.iter_rows(min_row=2, values_only=True)
        if r[header.index("主訴（本人の言葉）")] == "父の介護がつらい"
    )
    assert isinstance(row[header.index("受付日")], datetime)  # (openpyxl reads a date cell back as datetime)
    assert row[header.index("受付日（和暦）")] == "令和8年1月20日"
    assert "介護" in row[header.index("相談内容")] and row[header.index("本人（氏名）")] == "髙橋 健一"
    people = book["世帯員"]
    header = [c.value for c in people[1]]
    assert "氏名" in header and "続柄" in header and "name_key" not in header
    assert "世帯主" in [r[header.index("続柄")] for r in people.iter_rows(min_row=2, values_only=True)]


def test_every_column_has_a_japanese_name():
    for table in full_export.TABLES:
        unnamed = [c.key for c in full_export._columns(table.model) if c.key not in table.labels]
        assert not unnamed, (table.key, unnamed)
    from app.models import Household, Person

    for model, labels in ((Household, full_export.HOUSEHOLD_LABELS), (Person, full_export.PERSON_LABELS)):
        assert not [c.key for c in full_export._columns(model) if c.key != "id" and c.key not in labels]


def test_the_files_are_private_audited_and_in_the_ledger(store, town, tmp_path):
    xlsx, js = tmp_path / "all.xlsx", tmp_path / "all.json"
    full_export.export_files(store, xlsx=xlsx, json_path=js)
    if os.name == "posix":
        for path in (xlsx, js):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with store.session() as s:
        exports = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "export")))
        ledger = {row.file for row in s.scalars(select(MediaLog).where(MediaLog.action == "export"))}
    assert {e.target for e in exports} >= {"all.xlsx", "all.json"}
    assert ledger >= {"all.xlsx", "all.json"}


def test_the_cli_writes_both_formats_and_imports_a_full_export(no_keyring, created, tmp_path):
    make_town(created.store)
    data_dir = created.store.folder
    created.store.close()
    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "all.xlsx"
    done = run_cli("export", "--format", "xlsx", "--output", str(out), data_dir=data_dir, env=env)
    assert done.returncode == 0, done.stderr
    assert "世帯" in load_workbook(out).sheetnames
    js = tmp_path / "all.json"
    done = run_cli("export", "--format", "json", "--output", str(js), data_dir=data_dir, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(js.read_text(encoding="utf-8"))["format"] == "tsunagi-export/1"
    plain = run_cli("export", data_dir=data_dir, env=env)
    assert json.loads(plain.stdout)["format"] == "tsunagi-households/1"
    other = tmp_path / "other"
    assert run_cli("init", data_dir=other, env=env).returncode == 0
    done = run_cli("import", str(js), data_dir=other, env=env)
    assert done.returncode == 0, done.stderr
    assert "世帯 13 件" in done.stdout
    again = run_cli("import", str(js), data_dir=other, env=env)
    assert again.returncode == 2 and "すでに記録があります" in again.stderr

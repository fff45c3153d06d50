"""本人開示: everything about one person, for that person, as PDF and Excel — and nothing of the other
members' own matters, nor, under 虐待・DV, where the family lives."""

from __future__ import annotations

import io
import os
import stat
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEntry, MediaLog
from app.services.flags import flag_review
from app.services.households import households
from app.services.outreach import outreach
from app.services.transfer import disclosure
from tests.test_full_export import make_town

OTHERS_MATTER = "父本人の借金の相談"
SHARED_VISIT_WORDS = "父と息子が一緒に話した"


@pytest.fixture
def town(store):
    town = make_town(store)
    hid = town["household"]
    households.add_intake(store, hid, {"person_id": town["father"], "received_on": date(2026, 1, 10),
                                       "main_complaint": OTHERS_MATTER, "response": "self"})  # fmt: skip
    outreach.add_visit(store, hid, {"visited_at": datetime(2026, 1, 28, 10, 0), "kind": "continuing",
                                    "result": "met", "own_words": SHARED_VISIT_WORDS,
                                    "met_person_ids": [town["son"], town["father"]]})  # fmt: skip
    households.update_member(store, town["son"], {"strengths": "料理が得意"})
    households.record_view(store, hid)
    return town


def text_of(path) -> str:
    # (lines joined: a long address wraps inside its cell)
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).replace("\n", "")


def cells_of(path) -> str:
    book = load_workbook(path)
    return "\n".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)


def test_everything_about_the_person_and_nothing_of_the_others(store, town, tmp_path):
    handed = disclosure.hand_over(store, town["son"], tmp_path)
    pdf, book = text_of(handed.pdf), cells_of(handed.xlsx)
    for text in (pdf, book):
        assert "髙橋 健一" in text and "外に出るのがこわい" in text  # their record, their words
        assert "父の介護がつらい" in text  # their intake
        assert "少し話せた" in text  # a visit where they alone were met
        assert "外出の支援" in text and "外に出たい" in text  # their sheet and their plan
        assert "料理が得意" in text  # …and the change that put it there, in the history
        assert "【孤立】外出していない" in text and "居場所に行く" in text  # their assessment
        assert "世帯の閲覧" in text and "tanaka" in text  # who viewed the household
        assert "例示県つなぎ町本町2-11-5" in text  # no 虐待・DV: their address is theirs
        assert OTHERS_MATTER not in text and SHARED_VISIT_WORDS not in text
        assert "昭和19年5月1日" not in text  # the father's birth date is his
    assert "本人の記録" in load_workbook(handed.xlsx).sheetnames
    if os.name == "posix":
        assert stat.S_IMODE(handed.pdf.stat().st_mode) == stat.S_IMODE(handed.xlsx.stat().st_mode) == 0o600
    with store.session() as s:
        actions = {(e.action, e.target) for e in s.scalars(select(AuditEntry))}
        ledger = {m.file for m in s.scalars(select(MediaLog))}
    target = handed.pdf.stem.removeprefix("本人開示-")
    assert ("print", target) in actions and ("export", target) in actions
    assert {handed.pdf.name, handed.xlsx.name} <= ledger
    # A second 本人開示 lists the first among the prints and exports of this person's records.
    (tmp_path / "again").mkdir()
    again = disclosure.hand_over(store, town["son"], tmp_path / "again")
    assert handed.pdf.name in text_of(again.pdf)


def test_under_dv_the_place_stays_hidden_and_the_flag_unlisted(store, town, tmp_path):
    flag_review.add_manual(store, town["household"], "abuse", note="父から")
    handed = disclosure.hand_over(store, town["son"], tmp_path)
    for text in (text_of(handed.pdf), cells_of(handed.xlsx)):
        assert "本町2-11-5" not in text and "0858-12-3456" not in text and "090-8765-4321" not in text
        assert "非表示" in text
        assert "虐待" not in text and "父から" not in text
        assert "髙橋 健一" in text

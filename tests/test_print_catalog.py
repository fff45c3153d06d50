"""The one print pipeline: every form the app can make is in the catalogue, the UI and the CLI print
only through it, and whatever the form, a 虐待・DV household's address and phone never print and a
最小限 print names nobody (extracted from the real PDFs, in every spelling)."""

from __future__ import annotations

import ast
import io
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import jaconv
import pytest
from pypdf import PdfReader

from app.services.catalog import print_catalog
from app.services.flags import flag_review
from app.services.households import consents, households
from app.services.meetings import assessments, meetings, plans
from app.services.outreach import outreach
from app.services.participation import participation
from app.services.program import program_plan
from app.services.referrals import agencies, referrals
from app.services.store import settings as town_settings

ROOT = Path(__file__).resolve().parents[1]
ADDRESS = "例示県つなぎ町大字本町２丁目１１－５"
POSTAL = "689-2221"
PHONES = ("0858-12-3456", "090-8765-4321", "0858-77-1234")
PEOPLE = [  # name, kana, birth date
    ("髙橋 太郎", "たかはし たろう", date(1944, 5, 1)),
    ("髙橋 健一", "たかはし けんいち", date(1973, 2, 3)),
]


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    """Compare as a reader would: width, kana script, spaces and hyphens do not matter."""
    text = jaconv.hira2kata(unicodedata.normalize("NFKC", text))
    return re.sub(r"[\s\-‐－―ー()（）・.,/〒]", "", text)


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def assert_no_place(text: str) -> None:
    flat, numbers = squash(text), digits(text)
    assert squash(ADDRESS) not in flat and squash("本町２丁目１１－５") not in flat
    for phone in PHONES:
        assert digits(phone) not in numbers, phone
    assert digits(POSTAL) not in numbers


def assert_nobody(text: str) -> None:
    flat = squash(text)
    for name, kana, born in PEOPLE:
        for part in [name, *name.split(), kana, *kana.split()]:
            assert squash(part) not in flat, part
        for spelling in (f"{born.year}年{born.month}月{born.day}日", born.isoformat(), f"{born.year}/{born.month}/{born.day}",
                         "昭和19年5月1日", "昭和48年2月3日"):  # fmt: skip
            assert squash(spelling) not in flat, spelling
    assert_no_place(text)


@pytest.fixture
def town(store):
    """One household with everything a form can print: members, an intake, a visit, a つなぐシート, a
    meeting case and a plan. Free text repeats names, the address and the phone in other spellings."""
    town_settings.save(store, {"town.name": "例示県つなぎ町", "town.department": "福祉課", "town.phone": "0858-00-1111"})
    hid = households.create_household(store, address=ADDRESS, postal_code=POSTAL, phone=PHONES[0],
                                      label="本町の髙橋さん宅", district="本町")  # fmt: skip
    ids = []
    for i, (name, kana, born) in enumerate(PEOPLE):
        ids.append(households.add_member(store, hid, {
            "name": name, "kana": kana, "birth_date": born, "relation": "head" if i == 0 else "child",
            "sex": "male", "work": "not_working", "mobile": PHONES[1 + i],
            "own_words": f"{name}です。{born.year}年{born.month}月{born.day}日生まれ。電話は{PHONES[1 + i]}",
        }))  # fmt: skip
    father, son = ids
    free = "髙橋健一さん（タカハシ ケンイチ）は本町２－１１－５に住み、電話０８５８（１２）３４５６。昭和48年2月3日生。"
    households.add_intake(store, hid, {"person_id": son, "received_on": date(2026, 11, 20), "received_by": "田中",
                                       "main_complaint": free, "background": free, "visitor_name": "髙橋 太郎",
                                       "visitor_phone": PHONES[2], "response": "self"})  # fmt: skip
    outreach.add_visit(store, hid, {"visited_at": datetime(2026, 11, 21, 10, 0), "kind": "continuing",
                                    "result": "met", "living": free, "own_words": free, "met_person_ids": [son],
                                    "next_on": date(2026, 12, 1)})  # fmt: skip
    agencies.add_typical(store)
    agency = agencies.all_agencies(store)[0]
    consents.record(store, son, {"purpose": "referral", "scope": "general", "method": "signed",
                                 "consented_on": date(2026, 11, 1)})  # fmt: skip
    rid = referrals.create(store, hid, {"agency_id": agency.id, "person_id": son, "summary": free,
                                        "background": free, "request": free})  # fmt: skip
    shien = next(t.id for t in meetings.types(store) if t.code == "shien")
    mid = meetings.create_meeting(store, {"type_id": shien, "held_on": date(2026, 11, 25),
                                          "attendees": [{"agency_id": agency.id, "name": "佐藤"}]})  # fmt: skip
    meetings.add_case(store, mid, hid, son)
    pid = plans.start_version(store, hid)
    plans.save_draft(store, pid, {"person_id": son, "wishes": free, "issues": free})
    assessments.create(store, hid, {"person_id": son, "assessed_on": date(2026, 11, 22), "situation": free,
                                    "relations": free, "strengths": free, "choice": free, "pace": free,
                                    "options": free, "issues": [{"field": "isolation", "text": free}]})  # fmt: skip
    program_plan.create(store, 2026, 2028)
    agencies.save(store, {"offers": ["place"]}, agency.id)
    part = participation.create(store, hid, son, {"agency_id": agency.id, "offer": "place", "state": "active",
                                                  "matched_on": date(2026, 11, 1), "started_on": date(2026, 11, 5),
                                                  "purpose": free, "changes": free})  # fmt: skip
    participation.add_activity(store, part, {"held_on": date(2026, 11, 12), "what": "清掃", "note": free})
    return {"household": hid, "son": son, "referral": rid, "meeting": mid, "plan": pid, "participation": part}


def requests(store, town, basis: str):
    """A request for every form of the catalogue, aimed at the town's household."""
    by_need = {
        "household": print_catalog.Request(household_id=town["household"], basis=basis),
        "intake": print_catalog.Request(household_id=town["household"], basis=basis),
        "visit": print_catalog.Request(household_id=town["household"], basis=basis),
        "plan": print_catalog.Request(record_id=town["plan"], basis=basis),
        "person": print_catalog.Request(record_id=town["son"], basis=basis),
        "participation": print_catalog.Request(record_id=town["participation"], basis=basis),
        "referral": print_catalog.Request(record_id=town["referral"], basis=basis),
        "meeting": print_catalog.Request(record_id=town["meeting"], basis=basis),
        "day": print_catalog.Request(on=date(2026, 12, 1), basis=basis),
        "year": print_catalog.Request(on=date(2026, 12, 1), basis=basis),
        "program": print_catalog.Request(basis=basis),
        "none": print_catalog.Request(basis=basis, options={"recovery_key": "ABCD-EFGH", "state": None}),
    }
    for key, entry in print_catalog.CATALOG.items():
        yield key, by_need[entry.needs]


def _form_makers() -> set[str]:
    """Every function in app/services that builds a forms.Form (found in the code, not listed by hand)."""
    found = set()
    for path in (ROOT / "app" / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and any(
                isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Form" for n in ast.walk(fn)
            ):
                found.add(f"{path.stem}.{fn.name}")
    return found


def test_every_form_the_app_can_make_is_in_the_catalogue():
    catalogue = (ROOT / "app" / "services" / "catalog" / "print_catalog.py").read_text(encoding="utf-8")
    makers = _form_makers()
    assert len(makers) >= 15
    missing = [m for m in makers if m not in catalogue and m.split(".")[0] != "forms"]
    assert not missing, f"forms printed outside the pipeline: {missing}"


def test_the_ui_and_the_cli_print_only_through_the_catalogue():
    offenders = []
    for path in [*(ROOT / "app" / "ui").rglob("*.py"), ROOT / "app" / "cli.py"]:
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"app\.services\.(?:\w+\.)?(\w+_forms|forms|recovery_sheet)\b", text):
            offenders.append(f"{path.relative_to(ROOT)}: {name}")
        if re.search(r"from app\.services\.\w+ import [^\n]*\b(\w+_forms|forms|recovery_sheet)\b", text):
            offenders.append(f"{path.relative_to(ROOT)}: imports a forms module")
    assert not offenders, offenders


def test_a_dv_household_never_prints_its_address_or_phone(store, town):
    flag_review.add_manual(store, town["household"], "abuse", note="父から")
    printed = 0
    for key, request in requests(store, town, "internal"):
        text = text_of(print_catalog.produce(store, key, request).pdf)
        assert_no_place(text)
        printed += 1
    assert printed == len(print_catalog.CATALOG)
    # …while a household without the flag prints its address where the form has one.
    face = text_of(print_catalog.produce(store, "face", print_catalog.Request(household_id=town["household"])).pdf)
    assert "非表示" in face


def test_without_the_flag_the_forms_carry_the_address(store, town):
    face = text_of(print_catalog.produce(store, "face", print_catalog.Request(household_id=town["household"])).pdf)
    assert squash(ADDRESS) in squash(face)
    assert "髙橋" in face


def test_minimal_prints_identify_nobody(store, town):
    for key, request in requests(store, town, "minimal"):
        printed = print_catalog.produce(store, key, request)
        assert printed.basis == "minimal" or print_catalog.CATALOG[key].needs in ("year", "program", "none")
        assert_nobody(text_of(printed.pdf))


def test_a_minimal_sheet_shows_the_alias_and_only_the_reviewed_text(store, town):
    referrals.set_basis(store, town["referral"], "minimal", alias="Kさん", text="50代の男性。外出の支援を相談したい。")
    printed = print_catalog.produce(store, "referral", print_catalog.Request(record_id=town["referral"]))
    text = text_of(printed.pdf)
    assert printed.basis == "minimal"
    assert "Kさん" in text and "50代" in text and "外出の支援を相談したい" in text
    assert "本町" not in text  # the unreviewed summary is not on it
    assert_nobody(text)


def test_the_reply_due_follows_the_towns_setting(store, town):
    town_settings.save(store, {"referral.reply_days": 21})
    sheet = text_of(print_catalog.produce(store, "referral", print_catalog.Request(record_id=town["referral"])).pdf)
    assert sheet.count("送付日から21日") >= 2  # on the sheet and on the 返信票 the receiver keeps
    blank = text_of(print_catalog.produce(store, "referral-blank").pdf)
    assert "送付日から21日" in blank and "14日" not in blank


def test_asking_for_more_than_internal_on_an_own_form_is_refused(store, town):
    from app.services.common.errors import InvalidInput

    with pytest.raises(InvalidInput, match="庁内の記録"):
        print_catalog.produce(store, "face", print_catalog.Request(household_id=town["household"], basis="consent"))

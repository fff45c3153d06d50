"""A fictional town for trying the app and for benchmarks: deterministic per seed.

Household shapes follow what a small rural town's coordinator sees: many elderly living alone or as
couples, three-generation homes, and the situations the flags look for (8050 pairs, ダブルケア,
young carers, ひきこもり) at plausible, low rates. Everything is generated as exchange-format
records and stored through the normal importer, so demo data takes the same path as real data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.services.households.exchange import ImportResult, import_records
from app.services.records.household_format import HouseholdRecord, Member
from app.services.store.store import Store

DEMO_TOWN = "例示県つなぎ町（デモ）"
# Ages are generated against a fixed day so the same seed gives the same town on any day.
REFERENCE_DAY = date(2026, 4, 1)

SURNAMES = [
    ("田中", "タナカ"), ("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山本", "ヤマモト"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"),
    ("林", "ハヤシ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"),
    ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"),
    ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"),
    ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("西村", "ニシムラ"), ("福田", "フクダ"),
    ("太田", "オオタ"), ("三浦", "ミウラ"), ("藤井", "フジイ"), ("岡本", "オカモト"), ("松田", "マツダ"),
    ("中川", "ナカガワ"), ("原田", "ハラダ"), ("小川", "オガワ"), ("竹内", "タケウチ"), ("金子", "カネコ"),
    ("和田", "ワダ"), ("中山", "ナカヤマ"), ("石田", "イシダ"), ("上田", "ウエダ"), ("森田", "モリタ"),
    ("髙橋", "タカハシ"), ("山﨑", "ヤマザキ"), ("浜田", "ハマダ"), ("河本", "カワモト"), ("足立", "アダチ"),
    ("米田", "ヨネダ"), ("谷口", "タニグチ"), ("安田", "ヤスダ"), ("岸本", "キシモト"), ("生田", "イクタ"),
]  # fmt: skip

# Given names by generation (born before 1955, 1955–1989, 1990 on), as (name, kana).
GIVEN = {
    ("male", 0): [("茂", "シゲル"), ("勇", "イサム"), ("清", "キヨシ"), ("稔", "ミノル"), ("博", "ヒロシ"),
                  ("進", "ススム"), ("正雄", "マサオ"), ("武", "タケシ"), ("昭", "アキラ"), ("一郎", "イチロウ"),
                  ("和夫", "カズオ"), ("義男", "ヨシオ")],
    ("female", 0): [("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"), ("久子", "ヒサコ"), ("洋子", "ヨウコ"),
                    ("恵子", "ケイコ"), ("美代子", "ミヨコ"), ("トメ", "トメ"), ("文子", "フミコ"), ("京子", "キョウコ"),
                    ("敏子", "トシコ"), ("静子", "シズコ")],
    ("male", 1): [("浩", "ヒロシ"), ("誠", "マコト"), ("健一", "ケンイチ"), ("大輔", "ダイスケ"), ("剛", "ツヨシ"),
                  ("直樹", "ナオキ"), ("哲也", "テツヤ"), ("聡", "サトシ"), ("隆", "タカシ"), ("和也", "カズヤ"),
                  ("拓也", "タクヤ"), ("修", "オサム")],
    ("female", 1): [("由美", "ユミ"), ("真由美", "マユミ"), ("智子", "トモコ"), ("裕子", "ユウコ"), ("直美", "ナオミ"),
                    ("久美子", "クミコ"), ("恵美", "エミ"), ("陽子", "ヨウコ"), ("美穂", "ミホ"), ("友美", "トモミ"),
                    ("明美", "アケミ"), ("香織", "カオリ")],
    ("male", 2): [("翔太", "ショウタ"), ("蓮", "レン"), ("大翔", "ヒロト"), ("悠真", "ユウマ"), ("陽翔", "ハルト"),
                  ("湊", "ミナト"), ("颯太", "ソウタ"), ("拓海", "タクミ"), ("健太", "ケンタ"), ("陸", "リク"),
                  ("樹", "イツキ"), ("悠人", "ユウト")],
    ("female", 2): [("結衣", "ユイ"), ("陽菜", "ヒナ"), ("葵", "アオイ"), ("美咲", "ミサキ"), ("凛", "リン"),
                    ("さくら", "サクラ"), ("結菜", "ユイナ"), ("芽依", "メイ"), ("愛菜", "マナ"), ("彩花", "アヤカ"),
                    ("莉子", "リコ"), ("心春", "コハル")],
}  # fmt: skip

DISTRICTS = [
    "本町一区", "本町二区", "駅前", "新町", "東区", "西区", "南区", "北区", "上大江", "下大江",
    "中山", "浜田", "松ヶ丘", "緑ヶ丘", "大谷", "小谷", "川原", "宮ノ下", "桜台", "向山",
]  # fmt: skip

OWN_WORDS = [
    "できれば今の家で暮らし続けたい", "息子のこれからが心配", "誰にも迷惑をかけたくない", "仕事を探したいが自信がない",
    "子どもの世話と親の介護で休む時間がない", "近所の人と話す機会がほしい", "お金のことが不安", "",
]  # fmt: skip
STRENGTHS = [
    "畑仕事が得意",
    "近所づきあいがある",
    "料理ができる",
    "パソコンが使える",
    "犬の散歩を欠かさない",
    "",
]

# Household shapes and their weights.
SHAPES = [
    ("elderly_alone", 16), ("elderly_couple", 14), ("single_adult", 9), ("couple", 8), ("family", 19),
    ("single_parent", 5), ("three_generation", 10), ("eight_fifty", 4), ("parent_and_child", 8),
    ("double_care", 2), ("young_carer", 1), ("siblings", 4),
]  # fmt: skip
STATUSES = [("concern", 40), ("consulting", 20), ("ongoing", 20), ("watching", 12), ("closed", 8)]


class _Town:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, weighted):
        names, weights = zip(*weighted, strict=True)
        return self.rng.choices(names, weights)[0]

    def birth(self, age_lo: int, age_hi: int) -> date:
        age = self.rng.randint(age_lo, age_hi)
        return REFERENCE_DAY - timedelta(days=age * 365 + self.rng.randint(0, 364))

    def person(
        self, hh: list[Member], surname, sex: str, age_lo: int, age_hi: int, relation: str, **kw
    ) -> Member:
        born = self.birth(age_lo, age_hi)
        era = 0 if born.year < 1955 else (1 if born.year < 1990 else 2)
        given, given_kana = self.rng.choice(GIVEN[(sex, era)])
        age = REFERENCE_DAY.year - born.year
        kw.setdefault("work", "student" if 6 <= age <= 21 else ("unknown" if age < 6 else "working"))
        kw.setdefault("marital", "single" if age < 25 else "unknown")
        m = Member(
            id=f"m{len(hh) + 1}",
            name=f"{surname[0]} {given}",
            kana=f"{surname[1]} {given_kana}",
            sex=sex,
            birth_date=born,
            relation=relation,
            **kw,
        )
        if age >= 75 and "care_level" not in kw and self.rng.random() < 0.3:
            m.care_level = self.rng.choice(["support1", "support2", "care1", "care2", "care3"])
            m.issues = ["elderly_care"]
        if self.rng.random() < 0.2:
            m.extras["own_words"] = self.rng.choice(OWN_WORDS)
            m.extras["strengths"] = self.rng.choice(STRENGTHS)
        hh.append(m)
        return m

    def sex(self) -> str:
        return self.rng.choice(["male", "female"])

    def household(self, number: int) -> HouseholdRecord:
        r = self.rng
        sn = r.choice(SURNAMES)
        shape = self.pick(SHAPES)
        hh: list[Member] = []
        P = self.person
        if shape == "elderly_alone":
            P(
                hh,
                sn,
                self.sex(),
                65,
                97,
                "head",
                marital=r.choice(["widowed", "widowed", "single", "divorced"]),
                work="not_working",
            )
        elif shape == "elderly_couple":
            P(hh, sn, "male", 67, 95, "head", marital="married", work="not_working")
            P(hh, sn, "female", 65, 92, "spouse", marital="married", work="not_working")
        elif shape == "single_adult":
            P(hh, sn, self.sex(), 20, 64, "head", marital=r.choice(["single", "divorced"]))
        elif shape == "couple":
            P(hh, sn, "male", 25, 64, "head", marital="married")
            P(hh, sn, "female", 25, 64, "spouse", marital="married")
        elif shape in ("family", "single_parent"):
            head_sex = "male" if shape == "family" else r.choice(["female", "female", "male"])
            P(hh, sn, head_sex, 28, 55, "head", marital="married" if shape == "family" else "divorced")
            if shape == "family":
                P(hh, sn, "female", 26, 52, "spouse", marital="married")
            for _ in range(r.choice([1, 1, 2, 2, 3])):
                P(hh, sn, self.sex(), 0, 22, "child")
        elif shape == "three_generation":
            P(hh, sn, "male", 35, 58, "head", marital="married")
            P(hh, sn, "female", 33, 56, "spouse", marital="married")
            P(hh, sn, self.sex(), 68, 92, "parent", marital="widowed", work="not_working")
            for _ in range(r.choice([1, 2])):
                P(hh, sn, self.sex(), 3, 20, "child")
        elif shape == "eight_fifty":
            parent = P(hh, sn, self.sex(), 76, 93, "head", marital="widowed", work="not_working")
            hk = r.choice(["yes", "suspected", "no"])
            P(
                hh,
                sn,
                self.sex(),
                45,
                60,
                "child",
                marital="single",
                work="not_working",
                hikikomori=hk,
                hikikomori_since=REFERENCE_DAY - timedelta(days=r.randint(200, 7000)) if hk != "no" else None,
                issues=["employment", "isolation"],
                cares_for=[parent.id] if r.random() < 0.5 else [],
            )
            parent.issues = list(dict.fromkeys([*parent.issues, "poverty"]))
        elif shape == "parent_and_child":
            P(hh, sn, self.sex(), 70, 90, "head", marital="widowed", work="not_working")
            P(hh, sn, self.sex(), 38, 62, "child", marital=r.choice(["single", "divorced"]))
        elif shape == "double_care":
            P(hh, sn, "male", 32, 45, "head", marital="married")
            grandma = P(
                hh,
                sn,
                "female",
                70,
                88,
                "parent",
                marital="widowed",
                work="not_working",
                care_level=r.choice(["care1", "care2", "care3"]),
                issues=["elderly_care"],
            )
            P(
                hh,
                sn,
                "female",
                30,
                42,
                "spouse",
                marital="married",
                cares_for=[grandma.id],
                issues=["child_rearing"],
            )
            P(hh, sn, self.sex(), 0, 5, "child")
        elif shape == "young_carer":
            mother = P(
                hh,
                sn,
                "female",
                36,
                50,
                "head",
                marital="divorced",
                work="not_working",
                disability=[r.choice(["mental", "physical", "intractable"])],
                needs_assistance=True,
                issues=["disability", "poverty"],
            )
            P(hh, sn, self.sex(), 12, 17, "child", cares_for=[mother.id], issues=["education"])
            if r.random() < 0.5:
                P(hh, sn, self.sex(), 6, 11, "child")
        else:  # siblings
            P(hh, sn, self.sex(), 55, 80, "head", marital="single")
            P(hh, sn, self.sex(), 50, 78, "sibling", marital="single")
        for m in hh:  # a few household members live elsewhere (単身赴任, 施設入所)
            if m.relation != "head" and r.random() < 0.02:
                m.lives_here = False
        district = r.choice(DISTRICTS)
        status = self.pick(STATUSES)
        extras = {
            "postal_code": f"689-{2100 + DISTRICTS.index(district):04d}",
            "district": district,
            "housing": self.pick([("owned", 70), ("rented", 15), ("public", 10), ("other", 5)]),
            "phone": f"0858-{r.randint(20, 79):02d}-{r.randint(0, 9999):04d}",
            "status": status,
            "status_reason": "",
            "closure_reason": r.choice(["improved", "connected", "watch_in_place"])
            if status == "closed"
            else None,
            "note": "",
        }
        return HouseholdRecord(
            id=f"D-{number:06d}",
            address=f"例示県つなぎ町大字{district}{r.randint(1, 999)}番地",
            members=hh,
            extras=extras,
        )


def generate(households: int, seed: int = 1) -> list[HouseholdRecord]:
    town = _Town(seed)
    return [town.household(i + 1) for i in range(households)]


def populate(store: Store, households: int, seed: int = 1, batch: int = 2000) -> ImportResult:
    """Fill a store with a demo town, a batch per transaction so memory stays flat for 50,000."""
    records = generate(households, seed)
    total_h = total_p = 0
    for i in range(0, len(records), batch):
        result = import_records(store, records[i : i + batch], source=f"デモ（seed {seed}）")
        total_h, total_p = total_h + result.households, total_p + result.persons
    return ImportResult(total_h, total_p)


def populate_casework(store: Store, seed: int = 1, share: float = 0.3, until: date | None = None) -> int:
    """Casework for a demo town over the two fiscal years before ``until``: intakes, visits (with the
    attempts), phone notes, つなぐシート and meetings for ``share`` of the households, so the statistics,
    home and benchmarks have something to count. Returns the number of rows added."""
    from datetime import datetime

    from sqlalchemy import func, select

    from app.models import (
        Consent,
        Household,
        Intake,
        Meeting,
        MeetingCase,
        MeetingType,
        Note,
        Person,
        Referral,
        Visit,
        vocab,
    )

    r = random.Random(seed)
    until = until or date.today()
    start = date(until.year - 2 if until.month >= 4 else until.year - 3, 4, 1)
    days = (until - start).days
    routes, categories = list(vocab.ROUTE), list(vocab.CONSULT_CATEGORY)
    added = 0
    with store.session() as s:
        ids = [i for (i,) in s.execute(select(Household.id).order_by(Household.id))]
        first_member = dict(
            s.execute(select(Person.household_id, func.min(Person.id)).group_by(Person.household_id)).all()
        )
        types = {code: tid for code, tid in s.execute(select(MeetingType.code, MeetingType.id))}
        meetings = {}
        for month in range(0, days // 30):
            for code in ("shien", "jusou"):
                held = start + timedelta(days=30 * month + (5 if code == "shien" else 20))
                m = Meeting(type_id=types[code], held_on=held, place="役場 会議室")
                s.add(m)
                meetings[(code, month)] = m
        s.flush()
        serial = 0
        for hid in ids:
            if r.random() >= share:
                continue
            first = start + timedelta(days=r.randrange(days))
            for k in range(r.choice((1, 1, 2, 3))):
                day = min(until, first + timedelta(days=60 * k))
                cats = r.sample(categories, r.choice((0, 1, 2)))
                s.add(Intake(household_id=hid, received_on=day, route=r.choice(routes), categories=cats,
                             main_category=cats[0] if cats else None, main_complaint="デモの相談"))  # fmt: skip
                added += 1
            for k in range(r.choice((0, 1, 2, 4))):
                at = datetime.combine(
                    min(until, first + timedelta(days=14 * (k + 1))), datetime.min.time()
                ).replace(hour=10)
                s.add(
                    Visit(
                        household_id=hid,
                        visited_at=at,
                        result=r.choice(("met", "met", "absent", "letter_left")),
                    )
                )
                added += 1
            if r.random() < 0.3:
                s.add(Note(household_id=hid, at=datetime.combine(first, datetime.min.time()).replace(hour=15),
                           kind="phone", text="デモの電話"))  # fmt: skip
                added += 1
            if r.random() < 0.15:
                serial += 1
                sent = min(until, first + timedelta(days=7))
                fy = sent.year if sent.month >= 4 else sent.year - 1
                s.add(Referral(number=f"D{fy}-{serial:05d}", fiscal_year=fy, serial=serial, household_id=hid,
                               created_on=sent, sent_on=sent, reply_due=sent + timedelta(days=14), state="sent",
                               basis="consent"))  # fmt: skip
                added += 1
            if r.random() < 0.1:
                # A case is one person's; the 重層的支援会議 takes it on that person's own consent.
                month = min((first - start).days // 30, days // 30 - 1)
                person = first_member.get(hid)
                code = "jusou" if person is not None and r.random() < 0.5 else "shien"
                meeting = meetings[(code, month)]
                consent = None
                if code == "jusou":
                    consent = Consent(person_id=person, purpose="support_meeting", scope="general", method="signed",
                                      consented_on=meeting.held_on - timedelta(days=7), recorded_by="デモ")  # fmt: skip
                    s.add(consent)
                    s.flush()
                s.add(MeetingCase(meeting_id=meeting.id, household_id=hid, person_id=person,
                                  basis="consent" if consent else "support_meeting",
                                  consent_id=consent.id if consent else None))  # fmt: skip
                added += 1
        s.commit()
    return added

"""Cell values as Japanese offices write them, read into the app's codes. Each reader returns the
value or raises CellError with a Japanese message that is shown at the cell."""

from __future__ import annotations

import re
from datetime import date, datetime

from app.models import vocab
from app.services.common.japanese import DateInputError, PartialDate, parse_date, parse_partial_date
from app.services.households.households import check_resident_number
from app.services.sheets.table import cell_text


class CellError(ValueError):
    pass


def _words(table: dict[str, str], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out = {label: code for code, label in table.items()}
    out |= {code: code for code in table}  # the codes themselves (an exported sheet uses them)
    for code, words in extra.items():
        out |= {w: code for w in words}
    return out


SEX_WORDS = _words(
    vocab.SEX, {"male": ("男性", "M", "1", "おとこ"), "female": ("女性", "F", "2", "おんな"), "unknown": ("不詳",)}
)

# 続柄 as 住民票 and office lists write it (to the householder).
RELATION_WORDS = _words(
    vocab.RELATION,
    {
        "head": ("本人", "世帯主本人"),
        "spouse": ("妻", "夫", "配偶者"),
        "child": ("子", "長男", "長女", "次男", "次女", "二男", "二女", "三男", "三女", "四男", "四女", "息子", "娘", "子ども", "養子"),
        "parent": ("父", "母", "実父", "実母", "父親", "母親"),
        "grandchild": ("孫", "孫息子", "孫娘"),
        "grandparent": ("祖父", "祖母"),
        "sibling": ("兄", "弟", "姉", "妹", "兄弟", "姉妹", "兄弟姉妹"),
        "child_in_law": ("嫁", "婿", "子の妻", "子の夫", "長男の妻", "次男の妻", "長女の夫", "息子の妻"),
        "other": ("同居人", "縁故者", "叔父", "叔母", "伯父", "伯母", "甥", "姪", "いとこ", "義父", "義母",
                  "妻の父", "妻の母", "夫の父", "夫の母", "義兄", "義弟", "義姉", "義妹", "曾孫", "ひ孫"),
    },
)  # fmt: skip

MARITAL_WORDS = _words(vocab.MARITAL, {"single": ("独身",), "married": ("有配偶", "既婚"), "widowed": ("死別",)})
WORK_WORDS = _words(vocab.WORK, {"working": ("有職", "就労中", "会社員", "パート", "自営"), "not_working": ("なし", "無")})
CARE_WORDS = _words(
    vocab.CARE_LEVEL,
    {"none": ("非該当", "自立", "無", "-"), **{f"care{i}": (f"介護{i}", f"要介護{'１２３４５'[i - 1]}") for i in range(1, 6)},
     "support1": ("支援1",), "support2": ("支援2",)},
)  # fmt: skip
YES_WORDS = {"はい": True, "有": True, "あり": True, "○": True, "〇": True, "済": True, "1": True, "TRUE": True,
             "いいえ": False, "無": False, "なし": False, "×": False, "0": False, "FALSE": False, "": False}  # fmt: skip


def choice(value: object, words: dict[str, str], what: str, default: str) -> str:
    text = cell_text(value)
    if not text:
        return default
    code = words.get(text) or words.get(text.upper())
    if code is None:
        known = "、".join(w for w in list(words)[:12] if not w.isascii())
        raise CellError(f"{what}「{text}」が分かりません（例: {known}）")
    return code


def text(value: object, limit: int, what: str) -> str:
    t = cell_text(value)
    if len(t) > limit:
        raise CellError(f"{what}が長すぎます（{limit}文字まで）")
    # A 「?」 inside a name is what a conversion to Shift_JIS leaves for a character it cannot hold.
    if "?" in t or "\ufffd" in t:
        raise CellError(f"{what}に「?」があります。文字化けした文字を正しく直してください")
    return t


def digits_kept(value: object, *, width: tuple[int, ...]) -> str:
    """Phones and postal codes keep their leading zeros: Excel stores 0857-22-1234 typed into a number
    cell as 857221234, and writes it so to CSV. Bare digits one short of a known width, with no zero in
    front, get their zero back (every Japanese phone number starts with 0)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    text = cell_text(value)
    if text.isdigit() and not text.startswith("0") and len(text) + 1 in width:
        return "0" + text
    return text


def phone(value: object) -> str:
    t = digits_kept(value, width=(10, 11))
    if t and not re.fullmatch(r"[\d\-()（） ]{6,20}", t):
        raise CellError(f"電話番号「{t}」が読めません（数字とハイフンで書いてください）")
    return t


def postal_code(value: object) -> str:
    t = digits_kept(value, width=(7,)).replace("〒", "").strip()
    if not t:
        return ""
    if not re.fullmatch(r"\d{3}-?\d{4}", t):
        raise CellError(f"郵便番号「{t}」が読めません（例: 680-0011）")
    return f"{t[:3]}-{t[-4:]}"


def resident_number(value: object) -> str | None:
    try:
        return check_resident_number(cell_text(value))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def birth(value: object, as_of: date) -> PartialDate:
    """A birth date: a real date cell, any 和暦 or 西暦 the app reads, or 「昭和19年」「80代」."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        day = value
        if day > as_of:
            raise CellError("生年月日が未来の日付です")
        return PartialDate(day, day, "")
    t = cell_text(value)
    if not t:
        raise CellError("生年月日が空欄です（分からないときは「昭和19年」「80代」のように書けます）")
    try:
        return parse_partial_date(t, as_of)
    except DateInputError as exc:
        raise CellError(str(exc)) from None


def day(value: object, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    t = cell_text(value)
    if not t:
        raise CellError(f"{what}が空欄です")
    try:
        return parse_date(t.split(" ")[0])
    except DateInputError as exc:
        raise CellError(str(exc)) from None


def moment(value: object, what: str) -> datetime:
    """A date with an optional time (「R7.4.1 14:30」); no time reads as 0:00."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    t = cell_text(value)
    parts = t.split()
    d = day(parts[0] if parts else "", what)
    if len(parts) > 1 and (m := re.fullmatch(r"(\d{1,2})[:時](\d{2})分?", parts[1])):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            return datetime(d.year, d.month, d.day, hour, minute)
        raise CellError(f"{what}の時刻「{parts[1]}」が正しくありません")
    return datetime.combine(d, datetime.min.time())

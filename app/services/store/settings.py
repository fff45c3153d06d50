"""Town settings: every setting and its default in one place (SPECS), validation with Japanese messages,
reading (``value``/``value_in``/``load``) and audited saving. Nothing else reads the settings table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Setting, User, vocab
from app.services.common.errors import InvalidInput
from app.services.store.store import Store


@dataclass(frozen=True)
class Spec:
    label: str
    default: Any
    minimum: int | None = None
    maximum: int | None = None


SPECS: dict[str, Spec] = {
    "town.name": Spec("町村名", ""),
    "town.coordinator": Spec("担当者", ""),
    "town.department": Spec("担当課・係", ""),
    "town.phone": Spec("担当課の電話", ""),
    "referral.reply_days": Spec("つなぐシートの返信期限（送付から）", 14, 1, 90),
    "outreach.no_contact_days": Spec("連絡のない日数がこれを超えたらホームに表示", 30, 7, 365),
    "security.auto_lock_minutes": Spec("自動ロックまでの分数", 10, 1, 240),
    "ui.font_pt": Spec("文字の大きさ", 11, 9, 20),
    "forms.approvers_enabled": Spec("確認欄を印刷する", False),
    "forms.approvers": Spec("確認欄の項目", list(vocab.DEFAULT_APPROVERS)),
    "backup.reminder_days": Spec("バックアップを促すまでの日数", 7, 1, 90),
    "backup.generations": Spec("残すバックアップの世代数", 5, 1, 30),
    # The columns chosen at the last import of each kind of sheet (見出し → 項目), proposed next time.
    "sheets.people_columns": Spec("世帯員の表の列", {}),
    "sheets.intakes_columns": Spec("相談受付の表の列", {}),
    "sheets.visits_columns": Spec("訪問の表の列", {}),
    # 気づきの基準 (spec/households.md defaults; app.services.flags.flags.FlagSettings)
    "flags.parent_min_age": Spec("8050: 親の年齢（以上）", 75, 50, 110),
    "flags.child_min_age": Spec("8050: 子の年齢（から）", 40, 18, 80),
    "flags.child_max_age": Spec("8050: 子の年齢（まで）", 64, 18, 90),
    "flags.preschool_under": Spec("ダブルケア: 子の年齢（未満）", 6, 1, 18),
    "flags.young_carer_under": Spec("ヤングケアラー: 年齢（未満）", 18, 10, 25),
    "flags.young_adult_carer_max": Spec("若者ケアラー: 年齢（まで）", 29, 18, 39),
    "flags.elderly_age": Spec("高齢（老老介護・独居・高齢者のみ）: 年齢（以上）", 65, 50, 90),
    "flags.hikikomori_long_months": Spec("長期のひきこもり: 月数（以上）", 6, 1, 60),
}


class SettingError(InvalidInput):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def validate(key: str, value: Any) -> Any:
    spec = SPECS.get(key)
    if spec is None:
        raise SettingError(key, f"不明な設定です: {key}")
    if isinstance(spec.default, bool):
        return bool(value)
    if isinstance(spec.default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingError(key, f"{spec.label}は数字で入力してください") from None
        if not (spec.minimum <= number <= spec.maximum):
            raise SettingError(key, f"{spec.label}は{spec.minimum}〜{spec.maximum}の範囲で入力してください")
        return number
    if isinstance(spec.default, dict):
        if not isinstance(value, dict) or len(value) > 200:
            raise SettingError(key, f"{spec.label}の形式が正しくありません")
        return {str(k)[:100]: str(v)[:50] for k, v in value.items()}
    if isinstance(spec.default, list):
        items = [str(v).strip() for v in value if str(v).strip()]
        if len(items) > 6:
            raise SettingError(key, f"{spec.label}は6つまでです")
        return items
    text = str(value).strip()
    if len(text) > 100:
        raise SettingError(key, f"{spec.label}は100文字以内で入力してください")
    if key in PHONES and text and not _PHONE.fullmatch(text):
        # It is printed as the callback number on every つなぐシート: a typo there costs a reply.
        raise SettingError(key, f"{spec.label}は数字とハイフンで書いてください（例: 0858-00-0000 内線123）")
    return text


PHONES = {"town.phone"}
_PHONE = re.compile(r"[0-9０-９\-－‐()（） ]{6,20}(?:\s*内線\s*[0-9０-９]{1,6})?")


def value_in(session: Session, key: str) -> Any:
    """One setting, or its default, inside the caller's transaction."""
    row = session.get(Setting, key)
    return SPECS[key].default if row is None else row.value


def value(store: Store, key: str) -> Any:
    with store.session() as s:
        return value_in(s, key)


def load(store: Store) -> dict[str, Any]:
    with store.session() as s:
        stored = {row.key: row.value for row in s.scalars(select(Setting).where(Setting.key.in_(SPECS)))}
    return {key: stored.get(key, spec.default) for key, spec in SPECS.items()}


def save(store: Store, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate every change first (nothing is saved if one is wrong), then save and audit the ones
    that differ. Returns what changed."""
    clean = {key: validate(key, value) for key, value in changes.items()}
    current = load(store)
    lo, hi = (clean.get(k, current[k]) for k in ("flags.child_min_age", "flags.child_max_age"))
    if lo > hi:
        raise SettingError("flags.child_max_age", "8050 の子の年齢は「から」を「まで」以下にしてください")
    changed = {k: v for k, v in clean.items() if current.get(k) != v}
    for key, value in changed.items():
        store.set_setting(key, value)
    return changed


def printed_by(store: Store) -> str:
    """The name printed as 作成者 on every form: the signed-in user's display name."""
    with store.session() as s:
        display = s.scalar(select(User.display_name).where(User.name == store.actor))
    return display or store.actor

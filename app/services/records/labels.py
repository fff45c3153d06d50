"""Every column a person reads, by its Japanese name: the full export's sheets and the 本人開示's
change history say the same words (app.services.transfer). Keyed by table, then column."""

from __future__ import annotations

from datetime import date

from app.models import vocab
from app.services.common.japanese import format_wareki

COLUMNS: dict[str, dict[str, str]] = {
    "households": {
        "code": "世帯番号",
        "label": "呼び名",
        "address": "住所",
        "postal_code": "郵便番号",
        "district": "自治会・地区",
        "housing": "住居",
        "phone": "電話",
        "status": "状態",
        "status_reason": "状態の理由",
        "closure_reason": "終結の理由",
        "closed_on": "終結日",
        "closure_note": "終結の理由（その他の内容）",
        "closure_case_id": "終結を判断した会議の案件番号",
        "note": "メモ",
        "created_at": "登録日時",
        "updated_at": "更新日時",
    },
    "persons": {
        "household_id": "世帯番号",
        "code": "世帯員ID",
        "sort_order": "表示順",
        "name": "氏名",
        "kana": "ふりがな",
        "sex": "性別",
        "birth_date": "生年月日",
        "birth_earliest": "生年月日（概数）の最も早い日",
        "birth_text": "生年月日（書かれたとおり）",
        "resident_number": "宛名番号",
        "relation": "続柄",
        "marital": "婚姻状況",
        "work": "就労",
        "care_level": "要支援・要介護",
        "disability": "障害",
        "needs_assistance": "介助要",
        "medical_care": "医療的ケア",
        "hikikomori": "ひきこもり",
        "hikikomori_since": "ひきこもりの開始日",
        "hikikomori_since_earliest": "ひきこもりの開始日（概数）の最も早い日",
        "hikikomori_since_text": "ひきこもりの開始日（書かれたとおり）",
        "issues": "課題",
        "lives_here": "同居",
        "deceased": "死亡",
        "parents_explicit": "親を個別に指定",
        "phone": "電話",
        "mobile": "携帯電話",
        "own_words": "本人の言葉・希望",
        "strengths": "できること・強み・役割",
        "note": "メモ",
        "created_at": "登録日時",
        "updated_at": "更新日時",
    },
    "agencies": {
        "id": "番号",
        "name": "名称",
        "department": "部署・窓口",
        "agency_type": "種別",
        "fields": "分野",
        "postal_code": "郵便番号",
        "address": "住所",
        "phone": "電話",
        "fax": "FAX",
        "contact_person": "担当者",
        "in_town": "町内",
        "support_meeting_member": "支援会議（第106条の6）の構成員",
        "offers": "参加支援で提供できること",
        "active": "使用中",
        "note": "メモ",
        "created_at": "登録日時",
    },
    "meeting_types": {
        "id": "番号",
        "name": "名称",
        "basis": "案件を検討できる根拠",
        "decides_plan": "支援プランを決める会議",
        "code": "組み込みの種類",
        "position": "表示順",
        "active": "使用中",
    },
    "consents": {
        "id": "番号",
        "person_id": "本人",
        "purpose": "目的",
        "scope": "範囲",
        "method": "方法",
        "consented_on": "同意日",
        "recorded_by": "記録者",
        "expires_on": "有効期限",
        "withdrawn_on": "撤回日",
        "note": "メモ",
        "given_by": "同意した人",
        "representative": "法定代理人（資格）",
        "created_at": "登録日時",
    },
    "intakes": {
        "id": "番号",
        "household_id": "世帯番号",
        "person_id": "本人",
        "received_on": "受付日",
        "received_by": "受付者",
        "route": "経路",
        "visitor_name": "来談者",
        "visitor_relation": "来談者と本人の関係",
        "visitor_phone": "来談者の電話",
        "categories": "相談内容",
        "main_category": "最も困っていること",
        "category_note": "相談内容（その他）",
        "main_complaint": "主訴（本人の言葉）",
        "background": "背景・気づいたこと",
        "response": "対応",
        "referred_to": "つないだ先",
        "urgency": "緊急度",
        "note": "メモ",
        "created_at": "登録日時",
    },
    "flags": {
        "id": "番号",
        "household_id": "世帯番号",
        "kind": "種類",
        "source": "見つけ方",
        "person_ids": "対象の世帯員",
        "state": "判断",
        "previous_state": "直前の判断",
        "state_note": "判断の理由・メモ",
        "decided_by": "判断した人",
        "decided_at": "判断日時",
        "active": "今も判定に当てはまる",
        "reason": "理由",
        "note": "メモ",
        "first_seen": "初めて見つかった日",
        "last_seen": "最後に当てはまった日",
        "created_at": "登録日時",
    },
    "meetings": {
        "id": "番号",
        "type_id": "会議の種類（番号）",
        "held_on": "開催日",
        "time": "時間",
        "place": "場所",
        "chair": "司会・進行",
        "attendees": "出席者",
        "record": "会議全体の記録",
        "created_at": "登録日時",
    },
    "meeting_cases": {
        "id": "番号",
        "meeting_id": "会議番号",
        "household_id": "世帯番号",
        "person_id": "本人",
        "position": "順番",
        "basis": "検討の根拠",
        "consent_id": "同意番号",
        "issues": "課題整理",
        "policy": "支援方針",
        "roles": "役割分担",
        "decisions": "決定事項",
        "next_review_on": "次回見直し日",
        "created_at": "登録日時",
    },
    "referrals": {
        "id": "番号",
        "number": "シート番号",
        "fiscal_year": "年度",
        "serial": "連番",
        "direction": "向き",
        "household_id": "世帯番号",
        "person_id": "本人",
        "agency_id": "関係機関番号",
        "agency_department": "先方の窓口",
        "agency_contact": "先方の担当者",
        "our_staff": "こちらの担当者",
        "method": "つなぎ方",
        "urgency": "緊急度",
        "created_on": "作成日",
        "sent_on": "送付日・受付日",
        "reply_due": "返信期限",
        "summary": "相談の概要（主訴、本人の言葉）",
        "background": "気づいたこと・背景",
        "actions_so_far": "これまでの対応",
        "request": "依頼したいこと",
        "basis": "情報提供の根拠",
        "basis_note": "根拠の説明",
        "shared_alias": "最小限での呼び方",
        "shared_text": "最小限で伝えた内容",
        "consent_id": "同意番号",
        "state": "状態",
        "state_reason": "辞退・取消の理由",
        "reply_received_on": "返信を受け取った日・返信した日",
        "reply_accepted_on": "返信票の受付日",
        "reply_staff": "返信票の担当者",
        "reply_status": "返信の状況",
        "reply_plan": "今後の予定",
        "reply_message": "紹介元への連絡事項",
        "note": "メモ",
        "created_at": "登録日時",
    },
    "visits": {
        "id": "番号",
        "household_id": "世帯番号",
        "visited_at": "日時",
        "visitor": "訪問者",
        "visitor_agency_id": "委託法人（機関番号）",
        "kind": "種類",
        "planned": "予定した訪問",
        "result": "結果",
        "met_person_ids": "会えた人",
        "living": "住環境・生活環境・困りごと",
        "own_words": "本人の言葉",
        "info_given": "提供した情報",
        "reaction": "本人の反応",
        "connection": "つなぎ",
        "risk": "リスク所見",
        "next_on": "次回予定日",
        "survey_round": "世帯訪問調査の回",
        "created_at": "登録日時",
    },
    "notes": {
        "id": "番号",
        "household_id": "世帯番号",
        "at": "日時",
        "kind": "種類",
        "text": "内容",
        "author": "記録者",
        "created_at": "登録日時",
    },
    "support_plans": {
        "id": "番号",
        "household_id": "世帯番号",
        "person_id": "本人",
        "version": "版",
        "state": "状態",
        "issues": "課題",
        "wishes": "本人の希望（本人の言葉）",
        "goals": "目標",
        "roles": "役割分担",
        "lead_agency_id": "主な担当機関（番号）",
        "period_start": "期間（開始）",
        "period_end": "期間（終了）",
        "review_on": "見直し日",
        "approved_on": "承認日",
        "approved_case_id": "承認した会議の案件番号",
        "evaluation": "評価（見直し時）",
        "outcomes": "評価で確かめた成果",
        "evaluated_on": "評価日",
        "collaboration_ended_on": "多機関協働の関与終了日",
        "assessment_id": "もとにしたアセスメント（番号）",
        "created_by": "作成者",
        "created_at": "登録日時",
    },
    "assessments": {
        "id": "番号",
        "household_id": "世帯番号",
        "person_id": "本人",
        "version": "版",
        "assessed_on": "アセスメントの日",
        "situation": "本人の状況と思い（本人の言葉）",
        "relations": "世帯と関係",
        "strengths": "強み",
        "issues": "課題（分野ごと）",
        "choice": "本人が選んだこと",
        "pace": "本人の望むペース",
        "options": "提示した選択肢",
        "assessed_by": "アセスメントした人",
        "created_by": "作成者",
        "created_at": "登録日時",
    },
    "program_plans": {
        "id": "番号",
        "first_fy": "最初の年度",
        "last_fy": "最後の年度",
        "note": "メモ",
        "annual_checked_on": "毎年の点検（最後に行った日）",
        "optional_reviewed_on": "任意事項の見直し（最後に行った日）",
        "created_at": "登録日時",
    },
    "checklist_items": {
        "id": "番号",
        "plan_id": "実施計画番号",
        "code": "記載事項",
        "position": "順番",
        "status": "状況",
        "location": "計画書の記載箇所",
        "notes": "メモ",
        "evidence": "根拠資料",
        "checked_on": "確認日",
        "changing": "変更の見込み",
    },
    "indicators": {
        "id": "番号",
        "plan_id": "実施計画番号",
        "code": "自動で数える件数",
        "label": "指標",
        "unit": "単位",
        "baseline": "基準値",
        "baseline_fy": "基準の年度",
        "position": "順番",
    },
    "indicator_years": {
        "id": "番号",
        "indicator_id": "指標番号",
        "fy": "年度",
        "target": "目標",
        "actual": "実績（手入力）",
    },
    "support_bodies": {
        "id": "番号",
        "name": "名称",
        "field": "分野",
        "form": "形態",
        "places": "箇所数",
        "operation": "運営",
        "contractor": "委託先",
        "note": "メモ",
        "active": "使用中",
    },
    "program_setups": {
        "id": "番号",
        "program": "事業",
        "body": "実施主体",
        "outsourced": "委託",
        "contractor": "委託先",
        "staff": "配置人数",
        "note": "メモ",
    },
    "participations": {
        "id": "番号",
        "household_id": "世帯番号",
        "person_id": "本人",
        "agency_id": "受入先（機関番号）",
        "offer": "参加する内容",
        "state": "状態",
        "matched_on": "つないだ日",
        "started_on": "参加の開始日",
        "ended_on": "終了日",
        "end_reason": "終了の理由",
        "purpose": "本人の希望・ねらい",
        "changes": "本人にとって変わったこと（本人の言葉）",
        "note": "メモ",
        "created_by": "記録者",
        "created_at": "登録日時",
    },
    "participation_activities": {
        "id": "番号",
        "participation_id": "参加支援番号",
        "held_on": "参加日",
        "attended": "参加した",
        "what": "内容",
        "note": "様子（本人の言葉）",
        "created_by": "記録者",
        "created_at": "登録日時",
    },
    "community_resources": {
        "id": "番号",
        "name": "名称",
        "kind": "種類",
        "area": "自治会・地区",
        "run_by": "運営",
        "place": "場所",
        "schedule": "開催",
        "contact": "連絡先",
        "started_on": "開始日",
        "ended_on": "終了日",
        "active": "活動中",
        "note": "メモ",
        "created_at": "登録日時",
    },
    "community_activities": {
        "id": "番号",
        "resource_id": "開催した地域資源（番号）",
        "kind": "種類",
        "title": "名称",
        "area": "自治会・地区",
        "held_on": "開催日",
        "participants": "参加者数",
        "agencies": "参加機関数",
        "run_by": "運営・主催",
        "coordinator_attended": "担当者の出席",
        "note": "メモ",
        "created_by": "記録者",
        "created_at": "登録日時",
    },
}

# What a consent row adds: the agencies it names (the consent_agencies table).
CONSENT_AGENCIES = "同意した提供先（機関番号）"


# --- a change in words: 「状態: 気になる → 終結」 (history screens, the 本人開示) -----------------------

HISTORY_SKIPPED = frozenset(
    {"id", "household_id", "person_id", "name_key", "kana_key", "given_key", "given_kana_key", "phone_key",
     "label_key", "address_key", "sort_order", "parents_explicit", "created_at", "updated_at",
     # internal numbers linking records: they mean nothing on paper
     "agency_id", "meeting_id", "consent_id", "approved_case_id", "lead_agency_id", "visitor_agency_id",
     "fiscal_year", "serial", "position", "agencies", "met_person_ids", "participation_id", "resource_id"}
)  # fmt: skip
# A skipped name that is a count of its own in one table: a 協議体's 参加機関数 (elsewhere "agencies" is a
# consent's list of agency numbers).
HISTORY_SHOWN = frozenset({("community_activities", "agencies")})
YES_NO = {True: "はい", False: "いいえ"}
# The coded columns of the records whose history is shown, so a change reads 「無職 → 就労」.
HISTORY_WORDS = {
    "households": {"status": vocab.HOUSEHOLD_STATUS, "housing": vocab.HOUSING, "closure_reason": vocab.CLOSURE_REASON},
    "persons": {"sex": vocab.SEX, "relation": vocab.RELATION, "marital": vocab.MARITAL, "work": vocab.WORK,
                "care_level": vocab.CARE_LEVEL, "disability": vocab.DISABILITY, "hikikomori": vocab.HIKIKOMORI,
                "issues": vocab.ISSUE},
    "intakes": {"route": vocab.ROUTE, "categories": vocab.CONSULT_CATEGORY, "main_category": vocab.CONSULT_CATEGORY,
                "response": vocab.INTAKE_RESPONSE, "urgency": vocab.URGENCY},
    "referrals": {"direction": {"out": "紹介", "in": "受付"}, "method": vocab.REFERRAL_METHOD, "urgency": vocab.URGENCY, "basis": vocab.SHARING_BASIS,
                  "state": {**vocab.INCOMING_STATE, **vocab.REFERRAL_STATE}, "reply_status": vocab.REPLY_STATUS},
    "meeting_cases": {"basis": vocab.SHARING_BASIS, "decisions": vocab.MEETING_DECISION},
    "support_plans": {"state": vocab.PLAN_STATE, "outcomes": vocab.PLAN_OUTCOME},
    "visits": {"kind": vocab.VISIT_KIND, "result": vocab.VISIT_RESULT},
    "notes": {"kind": vocab.NOTE_KIND},
    "community_resources": {"kind": vocab.RESOURCE_KIND},
    "community_activities": {"kind": vocab.COMMUNITY_ACTIVITY_KIND},
    "agencies": {"offers": vocab.PARTICIPATION_OFFER},
    "participations": {"offer": vocab.PARTICIPATION_OFFER, "state": vocab.PARTICIPATION_STATE},
    "consents": {"purpose": vocab.CONSENT_PURPOSE, "scope": vocab.CONSENT_SCOPE, "method": vocab.CONSENT_METHOD,
                 "given_by": vocab.CONSENT_GIVER},
}  # fmt: skip



def change_words(table: str, old: dict | None, new: dict | None) -> list[tuple[str, str, str]]:
    """(項目, 変更前, 変更後) for each column that changed; a new record lists what it was given, a deleted
    one what it held (変更後 empty)."""
    names = COLUMNS.get(table, {})
    old, new = old or {}, new or {}
    out = []
    for key in dict.fromkeys([*old, *new]):
        if (key in HISTORY_SKIPPED and (table, key) not in HISTORY_SHOWN) or old.get(key) == new.get(key):
            continue
        if not old and new.get(key) in (None, "", [], False):
            continue  # (a new record's empty fields say nothing)
        if not new and old.get(key) in (None, "", [], False):
            continue  # (nor do a deleted record's)
        words = HISTORY_WORDS.get(table, {}).get(key)
        out.append((names.get(key, key), shown_value(old.get(key), words) if old else "",
                    shown_value(new.get(key), words) if new else ""))  # fmt: skip
    return out


def _item_word(key: str, value) -> str:
    if key == "field":
        return vocab.ISSUE.get(value, str(value))
    if key == "status":
        return vocab.ROLE_STATUS.get(value, str(value))
    if key in ("due_on", "status_on"):
        return shown_value(value)
    return str(vocab.AUTONOMY.get(value, value))


def shown_value(value, words: dict | None = None) -> str:
    if value is None or value == "" or value == []:
        return "（なし）"
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, list):
        # (a plan's goals and roles, an assessment's 課題 by 分野, are lists of small objects: their words,
        # not their keys; a role's dates in 和暦)
        return "、".join(
            "／".join(_item_word(k, x) for k, x in v.items() if x and k != "agency_id")
            if isinstance(v, dict)
            else str(words.get(v, v) if words else v)
            for v in value
        )
    if words and value in words:
        return words[value]
    if isinstance(value, str) and len(value) >= 16 and value[10] == "T" and value[4] == "-" and value[7] == "-":
        try:  # a visit's or a note's 日時
            return f"{format_wareki(date.fromisoformat(value[:10]))} {value[11:16]}"
        except ValueError:
            pass
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_wareki(date.fromisoformat(value))
        except ValueError:
            pass
    return str(value)

"""Controlled vocabularies: the stored code and the Japanese word a person reads.

Codes are the ones of the household exchange format (shared/spec/households.md); the labels follow
the seeds' wording. One table per concept so every screen and form says the same thing.
"""

SEX = {"male": "男", "female": "女", "other": "その他", "unknown": "不明"}

RELATION = {
    "head": "世帯主",
    "spouse": "配偶者",
    "child": "子",
    "parent": "親",
    "grandchild": "孫",
    "grandparent": "祖父母",
    "sibling": "兄弟姉妹",
    "child_in_law": "子の配偶者",
    "other": "その他",
}

MARITAL = {"single": "未婚", "married": "既婚", "divorced": "離別", "widowed": "死別", "unknown": "不明"}

WORK = {"working": "就労", "not_working": "無職", "student": "学生", "unknown": "不明"}

CARE_LEVEL = {
    "none": "なし",
    "support1": "要支援1",
    "support2": "要支援2",
    "care1": "要介護1",
    "care2": "要介護2",
    "care3": "要介護3",
    "care4": "要介護4",
    "care5": "要介護5",
    "applying": "申請中",
}

DISABILITY = {
    "physical": "身体障害",
    "intellectual": "知的障害",
    "mental": "精神障害",
    "developmental": "発達障害",
    "intractable": "難病",
}

HIKIKOMORI = {"no": "なし", "suspected": "疑い", "yes": "あり"}

ISSUE = {
    "elderly_care": "高齢・介護",
    "disability": "障害",
    "child_rearing": "子育て",
    "poverty": "生活困窮",
    "health": "健康",
    "housing": "住まい",
    "employment": "就労",
    "debt": "債務",
    "isolation": "孤立",
    "abuse": "虐待・DV",
    "education": "教育・不登校",
    "other": "その他",
}

# 住居 of the national 相談受付・申込票 B票.
HOUSING = {
    "owned": "持家",
    "rented": "借家",
    "public": "公営住宅",
    "company": "社宅",
    "homeless": "野宿",
    "other": "その他",
    "unknown": "不明",
}

HOUSEHOLD_STATUS = {
    "concern": "気になる世帯",
    "consulting": "相談中",
    "ongoing": "継続支援",
    "watching": "見守り",
    "closed": "終結",
}

# 終結 (domain.md §3): the seed's three reasons verbatim (000:2916-2920). The seed ends the list with
# 「等とする」, so they are examples: what else ends a case is recorded honestly too.
CLOSURE_REASON = {
    "improved": "本人の状態が改善し、一定程度、課題の解決が図られた時",
    "connected": "適切に専門の支援機関につながった時",
    "watch_in_place": "全ての課題は解決していないものの、地域や関係機関の関わりや見守りの体制が整備された時",
    "died": "死亡",
    "moved": "転出",
    "lost_contact": "連絡が取れなくなった",
    "other": "その他（理由）",
}
# Reasons that need words: その他 says what it was.
CLOSURE_NEEDS_NOTE = ("other",)

CONSENT_PURPOSE = {
    "info_sharing": "情報共有",
    "referral": "つなぐシート",
    "support_meeting": "重層的支援会議",
}
CONSENT_SCOPE = {"general": "関係機関全般", "named": "指定した機関"}
CONSENT_METHOD = {"signed": "署名", "verbal": "口頭"}
# Consent is personal: the person themself, or their legal representative recorded as such.
CONSENT_GIVER = {"self": "本人", "representative": "法定代理人"}

USER_ROLE = {"coordinator": "担当者", "staff": "職員"}

# 相談受付 — 経路 (domain.md §3: detection routes seen in the seeds).
ROUTE = {
    "self": "本人",
    "family": "家族",
    "neighbour": "近隣住民",
    "minsei": "民生委員・児童委員",
    "jichikai": "自治会長",
    "houkatsu": "地域包括支援センター（ケアマネ）",
    "hospital": "病院のソーシャルワーカー",
    "school": "学校（担任・SSW）",
    "town_hall": "庁内窓口（税・国保・年金・水道・町民課）",
    "outreach": "アウトリーチ・世帯訪問調査",
    "agency": "関係機関",
    "other": "その他",
}

# 相談内容: the 16 items of the national 相談受付・申込票 (domain.md §11), in its order.
CONSULT_CATEGORY = {
    "health": "病気や健康・障害",
    "housing": "住まい",
    "income": "収入・生活費",
    "rent_loan": "家賃やローンの支払い",
    "tax_utilities": "税金や公共料金等の支払い",
    "debt": "債務",
    "job_search": "仕事探し・就職",
    "work_trouble": "仕事上の不安やトラブル",
    "community": "地域との関係",
    "family": "家族との関係",
    "child_rearing": "子育て",
    "care": "介護",
    "hikikomori": "ひきこもり・不登校",
    "abuse": "DV・虐待",
    "food": "食べるものがない",
    "other": "その他",
}

INTAKE_RESPONSE = {"self": "自ら対応", "referral": "つなぐ", "info": "情報提供のみ"}
URGENCY = {"normal": "通常", "soon": "至急", "emergency": "緊急"}

FLAG_STATE = {"candidate": "候補", "confirmed": "確認済", "dismissed": "該当なし", "ended": "解除"}

# 制度の狭間: the nine needs of 000:4767-4783 and 000:4849-4853, verbatim (PDF line breaks removed).
HAZAMA = {
    "hazama_1": "8050世帯の50代のひきこもりの状態にある者であって、世帯は生活困窮状態にないが、社会との関係が断絶しているもの",
    "hazama_2": "発達障害の疑いがある者等で障害サービスの作業所等の利用対象にはならないが、一般事業所になじめない者",
    "hazama_3": "人間関係により精神的に不調を来たし、医師からは就労可能と診断されたが、社会に出ることへ不安を抱える者",
    "hazama_4": "刑務所や少年院からの出所者で社会に出ることへ不安を抱えているため、就職につながらない者",
    "hazama_5": "アルコール・薬物等の依存症でデイケアに通所していたが、治療への理解がある事業所を見つけられない者",
    "hazama_6": "親や家族を頼れず、自立援助ホームを始めとした児童福祉法（昭和22年法律第164号）による支援の対象にもならない10代後半から20代の子どもや若者",
    "hazama_7": "家族の介護や看護を担うことにより自己実現の機会等が奪われている子どもや若者",
    "hazama_8": "中学校卒業後、又は高校中退や卒業後に、進学も就職もしない進路未決定の者",
    "hazama_9": "相談支援等から緊急にシェルター等の一時的な住まいが必要となった者",
}

# 社会的孤立: six dimensions (003:113-118); 孤独 (subjective) is noted apart, in the person's words.
ISOLATION = {
    "isolation_family": "家族からの孤立",
    "isolation_neighbourhood": "近隣社会からの孤立",
    "isolation_group": "集団、組織からの孤立",
    "isolation_information": "情報からの孤立",
    "isolation_services": "制度・サービスからの孤立",
    "isolation_role": "社会的役割からの孤立",
}
LONELINESS = {"loneliness": "孤独（本人の言葉）"}

OTHER_MANUAL_FLAGS = {
    "poverty": "生活困窮",
    "self_neglect": "セルフネグレクト・ごみ屋敷・多頭飼育",
    "abuse": "虐待・DV",
    "suicide_risk": "自殺リスク",
    "no_key_person": "キーパーソン不在",
    "treatment_interrupted": "受診中断",
    "mobility": "移動課題",
    "school_refusal": "不登校",
}

MANUAL_FLAG = {**HAZAMA, **ISOLATION, **LONELINESS, **OTHER_MANUAL_FLAGS}
# Flags that restrict what is printed about a household.
PRINT_RESTRICTING_FLAGS = {"abuse"}

# つなぐシート (domain.md §6).
REFERRAL_METHOD = {
    "introduce": "① 次の窓口を紹介",
    "sheet": "② つなぐシートでつなぐ",
    "accompany": "③ 同行してつなぐ",
}
REFERRAL_STATE = {
    "draft": "作成",
    "sent": "送付済",
    "accepted": "受理",
    "declined": "辞退",
    "replied": "返信受領",
    "done": "完了",
    "cancelled": "取消",
}
INCOMING_STATE = {
    "draft": "受付",
    "accepted": "対応中",
    "replied": "返信済",
    "done": "完了",
    "cancelled": "取消",
}
REPLY_STATUS = {
    "done": "対応済",
    "in_progress": "対応中",
    "difficult": "対応困難",
    "unreachable": "連絡つかず",
}
# The basis on which personal information leaves the store (domain.md §7). 最小限 is not a basis for
# sharing but what is left without one: nothing that identifies the person.
SHARING_BASIS = {
    "consent": "本人同意",
    "support_meeting": "支援会議（社会福祉法第106条の6）",
    "other_law": "その他の法令",
    "emergency": "生命・身体の保護（緊急）",
    "minimal": "最小限の情報のみ（個人を特定する情報を載せない）",
}
# What a print is for when it does not leave the town hall (the coordinator's own file).
PRINT_BASIS = {"internal": "庁内の記録", **SHARING_BASIS}

# 訪問記録 (domain.md §8).
VISIT_KIND = {
    "continuing": "継続的支援訪問",
    "survey": "世帯訪問調査",
    "accompany": "同行",
    "phone": "電話",
    "letter": "手紙・置き手紙",
    "office": "来所",
}
VISIT_RESULT = {
    "met": "会えた",
    "absent": "不在",
    "refused": "拒否",
    "family_only": "家族のみ",
    "letter_left": "置き手紙",
}
# Results that are a contact with the household (the others are attempts).
CONTACT_RESULTS = ("met", "family_only")
NOTE_KIND = {"interview": "面談", "phone": "電話", "other": "その他"}
CONTACT_NOTES = ("interview", "phone")

# 会議 (domain.md §7). The built-in list of meeting types is seeded by migration 0007; the town edits it.
# What lets a type discuss a case (vocab.SHARING_BASIS codes):
MEETING_BASIS = {
    "consent": "本人の同意がある案件だけ",
    "support_meeting": "同意がなくても可（社会福祉法第106条の6・守秘義務）",
    "other_law": "同意がなくても可（その他の法令の守秘義務）",
}
MEETING_DECISION = {
    "info_exchange": "情報交換",
    "structure": "支援体制の検討",
    "support": "支援決定",
    "plan_approval": "プラン承認",
    "review": "見直し",
    "collab_end": "多機関協働の関与終了",
    "closure": "終結判断",
}
# What only a meeting type that decides plans may record: a 支援会議 (第106条の6) exchanges information
# and discusses the 支援体制; the plan and the decisions on it belong to the meeting held with consent.
PLAN_DECISIONS = ("support", "plan_approval", "review", "collab_end", "closure")

# 支援プラン (domain.md §4: several kinds of 自立).
PLAN_STATE = {"draft": "作成中", "approved": "承認済", "superseded": "改訂済"}
# What the evaluation of a plan found for the person (自立相談支援の成果指標: 就労・増収).
PLAN_OUTCOME = {"employed": "就労", "income_up": "増収"}
AUTONOMY = {"economic": "経済的自立", "daily": "日常生活自立", "social": "社会生活自立"}

# 実施計画 (domain.md §9).
CHECK_STATUS = {"todo": "未着手", "considering": "検討中", "written": "記載済", "needs_review": "見直し要"}
SETUP_FORM = {"basic": "基本型", "integrated": "統合型", "regional": "地域型"}
OPERATION = {"direct": "直営", "outsourced": "委託"}
PROGRAM = {
    "participation": "参加支援事業",
    "collaboration": "多機関協働事業",
    "outreach": "アウトリーチ等を通じた継続的支援事業",
}

# 確認欄 (the town may print approval boxes on its forms).
DEFAULT_APPROVERS = ("担当", "係長", "課長")

# 参加支援 (社会福祉法第106条の4第2項第2号): what a 受入先・協力事業者 offers, and where a person stands.
PARTICIPATION_OFFER = {
    "work_experience": "就労体験",
    "place": "居場所",
    "volunteer": "ボランティア",
    "watch_housing": "見守り・居住支援",
    "learning": "学習・体験",
    "other": "その他",
}
PARTICIPATION_STATE = {"matching": "調整中", "active": "参加中", "ended": "終了"}

# 地域づくりに向けた支援 (同項第3号): the 地域資源 the coordinator keeps, and what happens there.
RESOURCE_KIND = {
    "place": "拠点・居場所",
    "salon": "サロン・通いの場",
    "kids_meal": "子ども食堂",
    "watch": "見守り・支え合い",
    "counsel": "相談窓口",
    "group": "団体・グループ",
    "other": "その他",
}
COMMUNITY_ACTIVITY_KIND = {
    "activity": "活動",
    "council": "協議体",
    "meeting": "地域の会議",
}

# アセスメント: the plan's role rows (役割分担) each carry a status and a date.
ROLE_STATUS = {"planned": "予定", "doing": "実施中", "done": "済", "stopped": "中止"}

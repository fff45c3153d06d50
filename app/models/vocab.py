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

# domain.md §3, 000:2916-2920 — verbatim.
CLOSURE_REASON = {
    "improved": "本人の状態が改善し、一定程度課題の解決が図られた",
    "connected": "適切に専門の支援機関につながった",
    "watch_in_place": "全ての課題は解決していないが、地域や関係機関の関わり・見守りの体制が整備された",
}

CONSENT_PURPOSE = {
    "info_sharing": "情報共有",
    "referral": "つなぐシート",
    "support_meeting": "重層的支援会議",
}
CONSENT_SCOPE = {"general": "関係機関全般", "named": "指定した機関"}
CONSENT_METHOD = {"signed": "署名", "verbal": "口頭"}

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

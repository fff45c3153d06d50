"""つなぐシート prints: the sheet with its 返信票 on a second page, a blank sheet for distribution at
meetings and trainings, and a list of sheets by status. Through the forms layer, like every form.

The household part is taken from the household as it is when printed (nothing re-typed). What it may
show is the print's disclosure (app.services.printing.sharing): with 最小限 the person is the 呼び名 the coordinator
chose with an age band, the free text only what the coordinator reviewed for the sheet, and no family
table; under 虐待・DV no address or phone.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from app.models import Agency, Consent, Household, Referral, vocab
from app.services.common.japanese import format_wareki
from app.services.printing.forms import CONTENT_W, Form, FormContext
from app.services.records import stored
from app.services.records.family import RelationWords

TITLE, FORM_NUMBER = "つなぐシート", "様式 T-1"
BLANK_TITLE = "つなぐシート（記入用）"
LIST_TITLE = "つなぐシート一覧"
REPLY_HEADING = "返信票"
REPLY_INFO = "この返信票に記入し、紹介元へお返しください（FAX・郵送・手渡し）。経過を共有し、支援を途切れさせないためのものです。"
MINIMAL_NOTE = "本人の同意などの根拠がないため、個人を特定する情報（氏名・生年月日・住所・電話・家族の状況）は載せていません。"
EMERGENCY_NOTE = "生命・身体の保護のため、本人の同意を得ずに提供します（理由：{reason}）。次の会議で報告します。"
REPLY_DUE_WORDS = "送付日から{days}日"
SIGN = "本人署名（同意を得た場合）"
WIDE = CONTENT_W / mm


def _w(d: date | None) -> str:
    return format_wareki(d) if d else ""


def _box(form: Form, label: str, text: str, height: float = 20) -> None:
    form.heading(label)
    form.grid([[text or "　"]], [WIDE], min_row_mm=height)


def referral_sheet(
    context: FormContext,
    ref: Referral,
    household: Household,
    agency: Agency | None,
    consent: Consent | None,
    *,
    basis: str,
    our_department: str = "",
    our_phone: str = "",
    reply_days: int = 14,
) -> bytes:
    d = context.disclosure
    minimal = d.anonymous
    on = context.printed_at.date()
    form = Form(TITLE, f"{FORM_NUMBER}　No. {ref.number}", context)
    due = _w(ref.reply_due) if ref.reply_due else REPLY_DUE_WORDS.format(days=reply_days)
    form.key_values_with_approvals(
        [
            ("番号", ref.number),
            ("作成日", _w(ref.created_on)),
            ("緊急度", vocab.URGENCY.get(ref.urgency, "")),
            ("返信期限", due),
        ]
    )
    form.check_row(
        list(vocab.REFERRAL_METHOD.values()), selected=[vocab.REFERRAL_METHOD.get(ref.method, "")], columns=3
    )
    agency_name = agency.name if agency else ""
    ours = (f"{context.town} {our_department}".strip(), ref.our_staff, our_phone)
    theirs = (
        agency_name,
        " ".join(x for x in (ref.agency_department or (agency.department if agency else ""),
                             ref.agency_contact or (agency.contact_person if agency else "")) if x),
        " / ".join(x for x in ((agency.phone, agency.fax) if agency else ()) if x),
    )  # fmt: skip
    source, target = (ours, theirs) if ref.direction == "out" else (theirs, ours)
    form.heading("紹介元（左）・紹介先（右）")
    form.key_values(
        [("紹介元", source[0]), ("紹介先", target[0]), ("担当者", source[1]), ("窓口・担当者", target[1]),
         ("電話", source[2]), ("電話・FAX", target[2])]
    )  # fmt: skip

    form.heading("本人")
    person = ref.person or next((m for m in household.members if m.relation == "head"), None)
    if person is None:
        form.paragraph(d.place(household, household.label) or "（世帯員は未登録）")
    elif minimal:
        form.key_values([("呼び名", d.name(person)), ("年代", d.age(person, on))])
        form.paragraph(MINIMAL_NOTE, "small")
    else:
        form.key_values(
            [
                ("ふりがな", d.kana(person)),
                ("氏名", d.name(person)),
                ("生年月日", d.birth(person, on)),
                ("性別", vocab.SEX.get(person.sex, "")),
                ("住所", d.address(household, postal=False)),
                ("電話", d.phone(household, person.phone or household.phone, person.mobile)),
            ]
        )
        form.heading("世帯の状況")
        record = stored.to_record(household)
        words = RelationWords(record)
        rows = [
            [d.name(p), words(m), vocab.SEX.get(p.sex, ""), d.age(p, on),
             "死亡" if p.deceased else ("同居" if p.lives_here else "別居"),
             vocab.CARE_LEVEL[p.care_level] if p.care_level != "none" else ""]
            for p, m in zip(household.members, record.members, strict=True)
        ]  # fmt: skip
        form.grid(rows, [44, 24, 12, 18, 18, 58], header=["氏名", "続柄", "性別", "年齢", "居住", "介護など"])

    if minimal:
        # Only the text the coordinator reviewed for a recipient who must not learn who this is.
        _box(form, "相談の概要・依頼したいこと（確認済みの内容）", ref.shared_text, 30)
    else:
        _box(form, "相談の概要（主訴・本人の言葉）", ref.summary, 12)
        _box(form, "気づいたこと・背景", ref.background, 9)
        _box(form, "これまでの対応", ref.actions_so_far, 8)
        _box(form, "依頼したいこと", ref.request, 9)

    form.heading("本人への説明と同意（情報提供の根拠）")
    basis_word = vocab.SHARING_BASIS.get(basis or "", "未確認")
    if basis == "emergency":
        form.paragraph(EMERGENCY_NOTE.format(reason=ref.basis_note), "small")
    if consent is not None:
        scope = vocab.CONSENT_SCOPE.get(consent.scope, "")
        form.key_values(
            [
                ("根拠", basis_word),
                ("同意した人", vocab.CONSENT_GIVER.get(consent.given_by, "本人")
                 + (f"（{consent.representative}）" if consent.given_by == "representative" else "")),
                ("同意の方法", vocab.CONSENT_METHOD.get(consent.method, "")),
                ("同意した日", _w(consent.consented_on)),
                (
                    "同意の範囲",
                    scope
                    + (f"（{'、'.join(a.name for a in consent.agencies)}）" if consent.agencies else ""),
                ),
            ]
        )
    else:
        note_label = {"other_law": "法令", "emergency": "理由"}.get(basis, "備考")
        form.key_values([("根拠", basis_word), (note_label, "" if minimal else ref.basis_note)])
    if not minimal:
        form.signature_line(SIGN)

    # 返信票: a second page the receiving counter fills in and returns.
    form.page_break()
    form.paragraph(f"{REPLY_HEADING}（つなぐシート No. {ref.number} への返信）", "big")
    form.paragraph(REPLY_INFO, "small")
    form.spacer(2)
    back_to = f"{context.town} {our_department}".strip() if ref.direction == "out" else agency_name
    form.key_values(
        [
            ("宛先（紹介元）", back_to),
            ("担当者", ref.our_staff if ref.direction == "out" else ref.agency_contact),
            ("本人" if minimal else "本人氏名", d.name(person)),
            ("シート番号", ref.number),
            ("返信期限", due),
            ("", ""),
        ]
    )
    filled = ref.direction == "in" and ref.reply_status is not None
    form.heading("受付")
    form.key_values(
        [
            ("受付日", _w(ref.reply_accepted_on) if filled else "　　　年　　月　　日"),
            ("担当者", ref.reply_staff if filled else ""),
            (
                "機関名",
                (f"{context.town} {our_department}".strip() if ref.direction == "in" else agency_name),
            ),
            ("電話", our_phone if ref.direction == "in" else (agency.phone if agency else "")),
        ]
    )
    form.heading("対応状況（あてはまるものに○）")
    chosen = [vocab.REPLY_STATUS[ref.reply_status]] if filled and ref.reply_status else []
    form.check_row(list(vocab.REPLY_STATUS.values()), selected=chosen, columns=4)
    _box(form, "今後の予定", ref.reply_plan if filled else "", 24)
    _box(form, "紹介元への連絡事項", ref.reply_message if filled else "", 24)
    form.signature_line("返信日")
    return form.render()


def blank_sheet(context: FormContext, *, our_department: str = "", our_phone: str = "", reply_days: int = 14) -> bytes:
    """An empty つなぐシート and 返信票, for partners and town-hall staff to fill by hand."""
    form = Form(BLANK_TITLE, FORM_NUMBER, context)
    form.key_values(
        [
            ("番号", ""),
            ("作成日", "　　　年　　月　　日"),
            ("緊急度", "□通常　□至急　□緊急"),
            ("返信期限", f"　　　年　　月　　日（{REPLY_DUE_WORDS.format(days=reply_days)}）"),
        ]
    )
    form.check_row(list(vocab.REFERRAL_METHOD.values()), columns=3)
    form.heading("紹介元・紹介先")
    form.key_values([("紹介元", ""), ("担当者", ""), ("電話", ""), ("", ""),
                     ("紹介先", f"{context.town} {our_department}".strip()), ("窓口", ""), ("担当者", ""), ("電話", our_phone)])  # fmt: skip
    form.heading("本人")
    form.key_values(
        [
            ("ふりがな", ""),
            ("氏名", ""),
            ("生年月日", "　　　年　　月　　日（　　歳）"),
            ("性別", "□男　□女"),
            ("住所", ""),
            ("電話", ""),
        ]
    )
    form.heading("世帯の状況")
    form.grid(
        [["", "", "", "", ""] for _ in range(4)],
        [50, 28, 16, 20, 60],
        header=["氏名", "続柄", "性別", "年齢", "備考"],
        min_row_mm=8,
    )
    for label, height in (
        ("相談の概要（主訴・本人の言葉）", 20),
        ("気づいたこと・背景", 16),
        ("依頼したいこと", 16),
    ):
        _box(form, label, "", height)
    form.heading("本人への説明と同意")
    form.paragraph(
        "□ 本人に説明し、紹介先へ情報を提供することに同意を得た（□署名　□口頭　同意日：　　年　　月　　日）"
    )
    form.signature_line(SIGN)
    form.page_break()
    form.paragraph(REPLY_HEADING, "big")
    form.paragraph(REPLY_INFO, "small")
    form.key_values(
        [("宛先（紹介元）", ""), ("本人氏名", ""), ("受付日", "　　　年　　月　　日"), ("担当者", ""),
         ("返信期限", REPLY_DUE_WORDS.format(days=reply_days)), ("", "")]
    )
    form.heading("対応状況（あてはまるものに○）")
    form.check_row(list(vocab.REPLY_STATUS.values()), columns=4)
    _box(form, "今後の予定", "", 24)
    _box(form, "紹介元への連絡事項", "", 24)
    form.signature_line("返信日")
    return form.render()


def referral_list(
    context: FormContext, refs: list[Referral], agency_names: dict[int, str], today: date
) -> bytes:
    from app.services.referrals.referrals import is_overdue, state_word

    form = Form(LIST_TITLE, "様式 T-2", context)
    form.paragraph(f"{_w(today)} 現在　{len(refs)} 件")
    rows = [
        [r.number, "送付" if r.direction == "out" else "受付", r.household.code if r.household else "",
         agency_names.get(r.agency_id, ""), state_word(r) + ("（期限切れ）" if is_overdue(r, today) else ""),
         _w(r.sent_on), _w(r.reply_due), _w(r.reply_received_on)]
        for r in refs
    ]  # fmt: skip
    form.grid(
        rows,
        [20, 12, 22, 40, 26, 20, 20, 14],
        header=["番号", "向き", "世帯", "機関", "状態", "送付・受付日", "返信期限", "返信"],
    )
    return form.render()

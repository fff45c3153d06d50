"""The printed 地域資源一覧: the places and groups in operation, per 自治会・地区, with what a resident or a
partner needs to go there (開催, 場所, 運営, 連絡先). A list, not a map: the town prints it for 民生委員,
相談窓口 and 協議体 members, and no person is on it."""

from __future__ import annotations

from datetime import date

from app.models import CommunityResource, vocab
from app.services.common.japanese import format_wareki
from app.services.community.community import by_area
from app.services.printing.forms import Form, FormContext

TITLE, FORM_NUMBER = "地域資源一覧", "様式 C-1"
HEADER = ["名称", "種類", "開催", "場所", "運営", "連絡先"]
WIDTHS_MM = [36, 20, 32, 32, 26, 28]  # 174 mm: the A4 content width; a phone number on one line


def resource_list(context: FormContext, rows: list[CommunityResource], today: date) -> bytes:
    form = Form(TITLE, FORM_NUMBER, context)
    groups = by_area(rows)
    named = len({r.area for r in rows if r.area})  # 「地区の指定なし」 is not a 地区
    form.paragraph(f"{format_wareki(today)} 現在　{named} 地区・{len(rows)} か所")
    if not rows:
        form.paragraph("活動中の地域資源はまだ登録されていません。")
    for area, items in groups:
        form.heading(f"{area}（{len(items)}）")
        form.grid(
            [[r.name, vocab.RESOURCE_KIND.get(r.kind, r.kind), r.schedule, r.place, r.run_by, r.contact]
             for r in items],
            WIDTHS_MM,
            header=HEADER,
        )  # fmt: skip
        form.spacer(3)
    return form.render()

"""回復キー保管票: the printed sheet that keeps the recovery key in the town's safe."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from app.services.common.japanese import format_wareki
from app.services.printing.forms import GOTHIC, TABLE_BASE, Form, FormContext

TITLE = "回復キー保管票"
FORM_NUMBER = "様式 K-1"

WHAT_IT_IS = (
    "このキーは、つなぎのデータ（暗号化されています）を開くための予備の鍵です。"
    "パスフレーズを忘れたとき、PCが故障して別のPCにデータを移したときに、これがないとデータを開けません。"
    "このキーを持つ人は、パスフレーズがなくても全世帯の記録を開けます。"
)
WHERE_TO_KEEP = [
    "この用紙は封筒に入れて封をし、役場の金庫に保管してください。",
    "コピーや写真を取らないでください。PCやUSBメモリ、メールに保存しないでください。",
    "保管した日と保管した人を下の欄に記入してください。",
]
WHO_MAY_USE = [
    "使えるのは、重層事業の担当者が、所属長（課長）の立会いのもとで使う場合に限ります。",
    "使ったあとは、つなぎの「設定」で新しい回復キーを作り、この用紙は細断して処分してください。",
]


def render(context: FormContext, recovery_key: str, store_id: str, created_on: date) -> bytes:
    form = Form(TITLE, FORM_NUMBER, context)
    form.key_values(
        [
            ("町村名", context.town),
            ("作成日", format_wareki(created_on)),
            ("データの識別番号", store_id[:8].upper()),
            ("作成者", context.printed_by),
        ]
    )
    form.heading("回復キー")
    groups = recovery_key.split("-")
    lines = ["  ".join(groups[:5]), "  ".join(groups[5:])]
    key_table = Table([[line] for line in lines], colWidths=[170 * mm], rowHeights=[14 * mm] * len(lines))
    key_table.setStyle(
        TableStyle(
            [
                *TABLE_BASE,
                ("FONT", (0, 0), (-1, -1), GOTHIC, 20),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 1.2, "black"),
            ]
        )
    )
    form.flowable(key_table)
    form.paragraph(f"（続けて入力する場合: {recovery_key}）", "small")
    form.heading("このキーについて")
    form.paragraph(WHAT_IT_IS)
    form.heading("保管のしかた")
    for line in WHERE_TO_KEEP:
        form.paragraph(f"・{line}")
    form.heading("使ってよい人と場面")
    for line in WHO_MAY_USE:
        form.paragraph(f"・{line}")
    form.heading("保管の記録")
    form.grid(
        [["", "", ""], ["", "", ""]],
        [50, 60, 60],
        header=["保管した日", "保管した人", "立会者"],
        min_row_mm=10,
    )
    return form.render()

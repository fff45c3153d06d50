"""持出し記録 printed as the town's 管理簿."""

from __future__ import annotations

from app.models import MediaLog
from app.services.common.japanese import format_wareki
from app.services.printing.forms import Form, FormContext
from app.services.store.media_ledger import ACTIONS  # one list of what the 管理簿 records

TITLE, FORM_NUMBER = "電磁的記録媒体 持出し管理簿", "様式 B-1"


def ledger(context: FormContext, entries: list[MediaLog]) -> bytes:
    form = Form(TITLE, FORM_NUMBER, context)
    form.paragraph(
        "個人情報を含むデータを外部記録媒体に書き出した・読み込んだ記録です（つなぎが自動で記録）。"
    )
    rows = [[f"{format_wareki(e.at.date())}\n{e.at:%H:%M}", ACTIONS.get(e.action, e.action), e.medium, e.operator,
             f"{e.file}\n{e.sha256[:16]}…" if e.sha256 else e.file, "正常" if e.result == "ok" else f"失敗\n{e.detail[:40]}", ""]
            for e in entries]  # fmt: skip
    form.grid(rows or [["", "", "", "", "", "", ""]], [30, 18, 32, 20, 42, 16, 16],
              header=["日時", "作業", "媒体", "作業者", "ファイル・ハッシュ", "結果", "確認印"], min_row_mm=10)  # fmt: skip
    return form.render()

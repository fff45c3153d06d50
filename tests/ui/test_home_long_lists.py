"""ホーム with more follow-ups, 気づき and overdue つなぐシート than it shows: 50 rows of each, and the title says
how many there are and where the whole list is (issue 25: reading every row made the refresh slow)."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import FlagRecord, Household, Referral
from app.ui.home.page import FLAGS_SHOWN, FOLLOW_SHOWN, OVERDUE_SHOWN


def test_home_shows_the_first_rows_and_counts_the_rest(shell):
    store = shell.ctx.store
    today = date.today()
    with store.session() as s:
        rows = [Household(code=f"T-{i:03d}", status="ongoing") for i in range(60)]  # no contact: all follow-ups
        s.add_all(rows)
        s.flush()
        for i, h in enumerate(rows):
            s.add(FlagRecord(household_id=h.id, kind="8050" if i % 2 else "elderly_alone", first_seen=today,
                             last_seen=today, reason="例示の理由"))  # fmt: skip
            sent = today - timedelta(days=30 + i)
            s.add(Referral(number=f"R8-{i + 1:04d}", fiscal_year=2026, serial=i + 1, household_id=h.id,
                           state="sent", created_on=sent, sent_on=sent, reply_due=sent + timedelta(days=14)))  # fmt: skip
        s.commit()
    home = shell.content.page("ホーム")
    home.refresh()

    assert home.follow.rowCount() == FOLLOW_SHOWN
    assert "60 件。急ぐ順に 50 件を表示" in home.follow_title.text()
    assert home.candidates.rowCount() == FLAGS_SHOWN
    assert home.candidates_title.text() == "確認を待っている気づき（60 件。優先する順に 50 件を表示）"
    # 8050 before 独居高齢: the 30 of 8050 come first
    assert [home.candidates.item(r, 1).text() for r in (0, 29, 30)] == ["8050", "8050", "独居高齢"]
    assert home.overdue.rowCount() == OVERDUE_SHOWN
    assert "60 件。新しい順に 50 件を表示" in home.overdue_title.text()
    assert home.overdue.item(0, 0).text() == "R8-0001"  # the newest sheet first

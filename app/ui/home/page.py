"""ホーム: where the day starts. Later issues add their to-do lists here (flags, visits, replies)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.common.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.services.flags import flag_review
from app.services.households import households
from app.services.meetings import assessments, plans
from app.services.outreach import outreach
from app.services.program import program_plan
from app.services.referrals import referrals
from app.services.statistics import statistics
from app.services.store import backup
from app.services.store import settings as town_settings
from app.ui.common.page import Page
from app.ui.common.slow import run_quietly
from app.ui.common.widgets import fill_table, filling, heading, record_table, selected_data

T = {
    "nav": "ホーム",
    "greeting": "{town}　重層的支援体制整備事業",
    "today": "今日は {date}（{fy}）です。",
    "households": "登録されている世帯",
    "persons": "世帯員",
    "unit_h": "{n} 世帯",
    "unit_p": "{n} 人",
    "empty": (
        "まだ世帯が登録されていません。\n"
        "世帯の登録・相談受付・つなぐシートなどの画面は、準備ができしだい左の一覧に加わります。"
    ),
    "shortcuts": "キーボード: Ctrl+L で画面をロック、Ctrl+1〜9 で左の一覧を切り替え",
    "candidates": "確認を待っている気づき（{n} 件）",
    "candidates_more": "確認を待っている気づき（{n} 件。優先する順に {shown} 件を表示）",
    "no_candidates": "確認を待っている気づきはありません。",
    "cand_cols": ["世帯番号", "気づき", "理由", "見つけた日"],
    "open": "世帯を開く(&O)",
    "confirm": "確認する(&K)",
    "dismiss": "該当なし(&N)…",
    "overdue": "返信期限を過ぎたつなぐシート（{n} 件）",
    "overdue_more": (
        "返信期限を過ぎたつなぐシート（{n} 件。新しい順に {shown} 件を表示。"
        "すべては「つなぐシート」の「返信期限切れだけ」で）"
    ),
    "overdue_cols": ["番号", "世帯番号", "紹介先", "送付日", "返信期限"],
    "backup_due": "最後のバックアップから {days} 日たっています。「バックアップ」で作成してください。",
    "backup_never": "まだバックアップがありません。「バックアップ」で作成してください。",
    "follow": "訪問・連絡が必要な世帯（{n} 件）",
    "follow_more": "訪問・連絡が必要な世帯（{n} 件。急ぐ順に {shown} 件を表示。すべては「訪問・経過」に）",
    "follow_cols": ["世帯番号", "世帯", "最後の連絡", "次回予定", "理由"],
    "program": "実施計画の点検・見直し（{n} 件）",
    "recent": "最近の世帯",
    "recent_cols": ["世帯番号", "世帯", "状態"],
    "year_counts": "{fy}の件数（{as_of}現在）",
    "year_labels": [
        ("summary", "相談受付件数（延べ）", "相談受付"),
        ("summary", "相談受付の実人数", "実人数"),
        ("visit", "訪問（会えなかった訪問を含む延べ）", "訪問"),
        ("referral", "送付", "つなぐシート"),
        ("plan", "重層的支援会議につながれた件数（実世帯）", "重層的支援会議"),
    ],
    "reviews": "見直しの時期が来た支援プラン（{n} 件）",
    "review_cols": ["世帯番号", "版", "見直し日", ""],
    "review_late": "期限を過ぎています",
    "roles_late": "期限を過ぎた役割（{n} 件）",
    "roles_late_cols": ["世帯番号", "版", "機関", "役割（何をするか）", "期限", "状態"],
}


# Rows of 訪問・連絡が必要な世帯 on ホーム, most urgent first.
FOLLOW_SHOWN = 50
# Rows of 確認を待っている気づき on ホーム, 8050 and the other situations first: each confirmed or dismissed
# one makes room for the next.
FLAGS_SHOWN = 50
# Rows of 返信期限を過ぎたつなぐシート on ホーム, newest first.
OVERDUE_SHOWN = 50


class HomePage(Page):
    # Counts, follow-ups, reviews, 実施計画 reminders, recent households, the year's figures and the backup
    # reminder: not the agency directory, consents or the audit log.
    shows = frozenset({"households", "members", "intakes", "flags", "referrals", "visits", "notes", "meetings",
                       "plans", "program", "settings", "media"})  # fmt: skip
    nav_label = T["nav"]
    open_household = Signal(int)
    open_page = Signal(str)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.title = heading("")
        self.today = QLabel()
        self.counts = QFrame(objectName="card")
        grid = QGridLayout(self.counts)
        self.households = QLabel(objectName="figure")
        self.persons = QLabel(objectName="figure")
        grid.addWidget(QLabel(T["households"]), 0, 0)
        grid.addWidget(self.households, 1, 0)
        grid.addWidget(QLabel(T["persons"]), 0, 1)
        grid.addWidget(self.persons, 1, 1)
        self.backup_notice = QLabel(objectName="notice")
        self.backup_notice.setWordWrap(True)
        self.empty = QLabel(T["empty"])
        self.empty.setWordWrap(True)
        self.candidates_title = QLabel(objectName="subheading")
        self.candidates = QTableWidget(0, len(T["cand_cols"]), objectName="candidates")
        self.candidates.setHorizontalHeaderLabels(T["cand_cols"])
        self.candidates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.candidates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidates.verticalHeader().hide()
        self.candidates.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.candidates.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.candidates.doubleClicked.connect(lambda _i: self._open())
        buttons = QHBoxLayout()
        for key, slot in (("open", self._open), ("confirm", self.confirm), ("dismiss", self.dismiss)):
            b = QPushButton(T[key], objectName=f"home_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch()
        self.overdue_title = QLabel(objectName="subheading")
        self.overdue = QTableWidget(0, len(T["overdue_cols"]), objectName="overdue")
        self.overdue.setHorizontalHeaderLabels(T["overdue_cols"])
        self.overdue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overdue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overdue.verticalHeader().hide()
        self.overdue.horizontalHeader().setStretchLastSection(True)
        self.overdue.setMaximumHeight(150)
        self.overdue.doubleClicked.connect(lambda _i: self._open_overdue())
        self.follow_title = QLabel(objectName="subheading")
        self.follow = QTableWidget(0, len(T["follow_cols"]), objectName="follow")
        self.follow.setHorizontalHeaderLabels(T["follow_cols"])
        self.follow.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.follow.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.follow.verticalHeader().hide()
        self.follow.horizontalHeader().setStretchLastSection(True)
        self.follow.setMaximumHeight(170)
        self.follow.doubleClicked.connect(lambda _i: self._open_follow())
        self.reviews_title = QLabel(objectName="subheading")
        self.reviews = record_table(T["review_cols"], "reviews")
        self.reviews.setMaximumHeight(150)
        self.reviews.doubleClicked.connect(lambda _i: self._open_review())
        # Roles of the plans in force past their 期限 and not 済/中止: following each agency's role is the
        # heart of 多機関協働 (004:1123-1125). Enter or a double-click opens the household.
        self.roles_late_title = QLabel(objectName="subheading")
        self.roles_late = record_table(T["roles_late_cols"], "overdue_roles")
        self.roles_late.setMaximumHeight(150)
        self.roles_late.activated.connect(lambda _i: self._open_role())
        self.program_title = QLabel(objectName="subheading")
        self.program = QListWidget(objectName="program_reminders")
        self.program.setMaximumHeight(90)
        self.program.itemActivated.connect(lambda _i: self.open_page.emit("実施計画"))
        self.program.itemDoubleClicked.connect(lambda _i: self.open_page.emit("実施計画"))
        self.recent = record_table(T["recent_cols"], "recent")
        self.recent.doubleClicked.connect(lambda _i: self._open_recent())
        self.year_title = QLabel(objectName="subheading")
        self.year_counts = QFrame(objectName="card")
        year_grid = QGridLayout(self.year_counts)
        self.year_figures = []
        for c, (_sec, _line, word) in enumerate(T["year_labels"]):
            figure = QLabel(objectName="figure")
            year_grid.addWidget(QLabel(word), 0, c)
            year_grid.addWidget(figure, 1, c)
            self.year_figures.append(figure)
        hint = QLabel(T["shortcuts"], objectName="hint")
        # The page's frame first, the widgets then added into it: placing a filled body into the scroll
        # area moved every widget into a new parent at once (under the app's style sheet, 30 ms of the
        # page's build behind the sign-in window).
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.today)
        layout.addSpacing(12)
        layout.addWidget(self.year_title)
        top = QHBoxLayout()
        top.addWidget(self.counts, 2)
        top.addWidget(self.year_counts, 5)
        layout.addLayout(top)
        layout.addWidget(self.backup_notice)
        layout.addWidget(self.empty)
        layout.addWidget(self.follow_title)
        layout.addWidget(self.follow)
        layout.addWidget(self.program_title)
        layout.addWidget(self.program)
        layout.addWidget(self.reviews_title)
        layout.addWidget(self.reviews)
        layout.addWidget(self.roles_late_title)
        layout.addWidget(self.roles_late)
        layout.addWidget(self.overdue_title)
        layout.addWidget(self.overdue)
        layout.addWidget(self.candidates_title)
        layout.addWidget(self.candidates, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(T["recent"], objectName="subheading"))
        layout.addWidget(self.recent)
        layout.addWidget(hint)

    def _read(self, store, today: date, clock_day: date) -> dict:
        """Everything ホーム shows, read in one snapshot. Runs off the GUI thread (services only, no widget):
        at sign-in this is the longest read of the day, and the window keeps painting meanwhile."""
        with store.reading():
            fy = fiscal_year(today)
            return {
                "settings": town_settings.load(store),
                "clock_day": clock_day,
                "counts": store.counts(),
                "backup_days": backup.days_since_backup(store),
                # the most urgent (all that ホーム shows) and how many there are, not thousands of rows
                "follow": outreach.followups_first(store, today, FOLLOW_SHOWN),
                "reviews": plans.due_for_review(store, today),
                "roles_late": assessments.overdue_roles(store, today),
                "program": program_plan.reminders(store, today),
                "recent": households.recent(store),
                "fy": fy,
                # the five figures shown, not the whole report (that counted every section: 100 ms)
                "year": statistics.headline(store, statistics.Period.of(fy), today),
                "late": referrals.overdue_first(store, today, OVERDUE_SHOWN),
                "agency_names": referrals.agency_names(store),
                # the first few, kind by kind (200 whole rows out of thousands took 40 ms)
                "flags": flag_review.open_candidates(store, FLAGS_SHOWN),
                "flag_total": flag_review.count_open_candidates(store),
            }

    def refresh(self) -> None:
        store = self.ctx.require_store()
        today, clock_day = self.ctx.today(), date.today()
        data = run_quietly(lambda: self._read(store, today, clock_day))
        values = data["settings"]
        self.title.setText(T["greeting"].format(town=values["town.name"] or "つなぎ"))
        self.today.setText(
            T["today"].format(date=format_wareki(clock_day), fy=format_fiscal_year(fiscal_year(clock_day)))
        )
        counts = data["counts"]
        self.households.setText(T["unit_h"].format(n=f"{counts['households']:,}"))
        self.persons.setText(T["unit_p"].format(n=f"{counts['persons']:,}"))
        self.empty.setVisible(counts["households"] == 0)
        days = data["backup_days"]
        limit = values["backup.reminder_days"]
        due = days is None or days >= limit
        self.backup_notice.setText(T["backup_never"] if days is None else T["backup_due"].format(days=days))
        self.backup_notice.setVisible(due and counts["households"] > 0)
        # ホーム shows the most urgent; the whole list is on 訪問・経過 (600 rows here took 100 ms to fill)
        n, self.follow_items = data["follow"]
        self.follow_title.setText(
            T["follow"].format(n=n) if n <= FOLLOW_SHOWN else T["follow_more"].format(n=n, shown=FOLLOW_SHOWN)
        )
        self.follow_title.setVisible(bool(self.follow_items))
        self.follow.setVisible(bool(self.follow_items))
        self.follow.setRowCount(len(self.follow_items))
        with filling(self.follow):
            for r, f in enumerate(self.follow_items):
                values = (f.code, f.name, format_wareki(f.last_contact) if f.last_contact else "記録なし",
                          format_wareki(f.next_on) if f.next_on else "", f.reason)  # fmt: skip
                for c, value in enumerate(values):
                    self.follow.setItem(r, c, QTableWidgetItem(value))
        self.due_reviews = data["reviews"]
        self.reviews_title.setText(T["reviews"].format(n=len(self.due_reviews)))
        for widget in (self.reviews_title, self.reviews):
            widget.setVisible(bool(self.due_reviews))
        fill_table(self.reviews, [[d.code, f"第{d.version}版", format_wareki(d.review_on),
                                   T["review_late"] if d.review_on < today else ""] for d in self.due_reviews],
                   [d.household_id for d in self.due_reviews])  # fmt: skip
        self.late_roles = data["roles_late"]
        self.roles_late_title.setText(T["roles_late"].format(n=len(self.late_roles)))
        for widget in (self.roles_late_title, self.roles_late):
            widget.setVisible(bool(self.late_roles))
        fill_table(self.roles_late, [[r.code, f"第{r.version}版", r.agency, r.task, format_wareki(r.due_on),
                                      vocab.ROLE_STATUS.get(r.status, "")] for r in self.late_roles],
                   [r.household_id for r in self.late_roles])  # fmt: skip
        self.roles_late.setMaximumHeight(min(150, 34 + 30 * max(1, len(self.late_roles))))
        self.program_items = data["program"]
        self.program_title.setText(T["program"].format(n=len(self.program_items)))
        for widget in (self.program_title, self.program):
            widget.setVisible(bool(self.program_items))
        self.program.clear()
        self.program.addItems([r.text for r in self.program_items])
        self.recent_rows = data["recent"]
        fill_table(self.recent, [[code, name, status] for _i, code, name, status in self.recent_rows],
                   [i for i, *_ in self.recent_rows])  # fmt: skip
        self.recent.setMaximumHeight(34 + 30 * max(1, len(self.recent_rows)))
        fy, year = data["fy"], data["year"]
        self.year_title.setText(
            T["year_counts"].format(fy=format_fiscal_year(fy), as_of=format_wareki(today))
        )
        for figure, (section, line, _word) in zip(self.year_figures, T["year_labels"], strict=True):
            figure.setText(f"{year[section, line]:,}")
        late_total, self.late = data["late"]
        names = data["agency_names"]
        self.overdue_title.setText(
            T["overdue"].format(n=late_total) if late_total <= len(self.late)
            else T["overdue_more"].format(n=late_total, shown=len(self.late))
        )  # fmt: skip
        self.overdue_title.setVisible(bool(self.late))
        self.overdue.setVisible(bool(self.late))
        self.overdue.setRowCount(len(self.late))
        with filling(self.overdue):
            for r, ref in enumerate(self.late):
                values = (ref.number, ref.code, names.get(ref.agency_id, ""),
                          format_wareki(ref.sent_on) if ref.sent_on else "", format_wareki(ref.reply_due))  # fmt: skip
                for c, value in enumerate(values):
                    self.overdue.setItem(r, c, QTableWidgetItem(value))
        self.open_flags = data["flags"]
        total = data["flag_total"]
        self.candidates_title.setText(
            T["no_candidates"] if not total
            else T["candidates"].format(n=f"{total:,}") if total <= len(self.open_flags)
            else T["candidates_more"].format(n=f"{total:,}", shown=len(self.open_flags))
        )  # fmt: skip
        self.candidates.setRowCount(len(self.open_flags))
        with filling(self.candidates):
            for r, (_hid, code, f) in enumerate(self.open_flags):
                found = format_wareki(f.first_seen) if f.first_seen else ""
                for c, value in enumerate((code, f.word, f.reason, found)):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, r)
                    self.candidates.setItem(r, c, item)
        self.candidates.setVisible(bool(self.open_flags))

    def _open_follow(self) -> None:
        row = self.follow.currentRow()
        if 0 <= row < len(self.follow_items):
            self.open_household.emit(self.follow_items[row].household_id)

    def _open_recent(self) -> None:
        household_id = selected_data(self.recent)
        if household_id is not None:
            self.open_household.emit(household_id)

    def _open_review(self) -> None:
        household_id = selected_data(self.reviews)
        if household_id is not None:
            self.open_household.emit(household_id)

    def _open_role(self) -> None:
        household_id = selected_data(self.roles_late)
        if household_id is not None:
            self.open_household.emit(household_id)

    def _open_overdue(self) -> None:
        from app.services.households import households
        from app.ui.referrals.dialogs import ReferralDialog

        row = self.overdue.currentRow()
        if 0 <= row < len(self.late):
            ref = self.late[row]
            household = households.open_household(self.ctx.require_store(), ref.household_id)
            households.record_view(self.ctx.require_store(), ref.household_id)
            ReferralDialog(self.ctx, household, self, referral_id=ref.id).exec()
            self.refresh()

    def _selected(self):
        row = self.candidates.currentRow()
        return self.open_flags[row] if 0 <= row < len(self.open_flags) else None

    def _open(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.open_household.emit(chosen[0])

    def confirm(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            flag_review.confirm(self.ctx.require_store(), chosen[2].id)
            self.refresh()

    def dismiss(self) -> None:
        from app.ui.households.flag_dialogs import ReasonDialog

        chosen = self._selected()
        if (
            chosen is not None
            and ReasonDialog(self.ctx, chosen[2], self).exec() == QDialog.DialogCode.Accepted
        ):
            self.refresh()

"""A horizontal bar chart painted with QPainter (Qt Charts is not part of PySide6-Essentials, and a
few bars need no library)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#2F6FB0")
ROW_H, LABEL_W, GAP = 22, 220, 6


class BarChart(QWidget):
    def __init__(self, rows: list[tuple[str, int]], parent=None):
        super().__init__(parent)
        self.rows = rows
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.sizeHint().height())
        self.setToolTip("\n".join(f"{label}: {value:,}" for label, value in rows))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(420, ROW_H * len(self.rows) + 4)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = max((v for _l, v in self.rows), default=0) or 1
        metrics = painter.fontMetrics()
        bar_space = max(10, self.width() - LABEL_W - 60)
        for i, (label, value) in enumerate(self.rows):
            y = 2 + i * ROW_H
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, LABEL_W - GAP)
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(QRectF(0, y, LABEL_W - GAP, ROW_H), Qt.AlignmentFlag.AlignVCenter, text)
            length = bar_space * value / top
            painter.fillRect(QRectF(LABEL_W, y + 4, length, ROW_H - 8), BAR)
            painter.drawText(
                QRectF(LABEL_W + length + GAP, y, 60, ROW_H), Qt.AlignmentFlag.AlignVCenter, f"{value:,}"
            )
        painter.end()

"""The genogram on screen, painted from the same layout the printed 世帯票 uses."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.services.households.genogram import Genogram, Node

LEGEND = "□ 男性　○ 女性　二重は本人　× 死亡　点線の枠は同居　赤の矢印は介護・世話"
CARE = QColor("#B3261E")
HALF = 0.36


class GenogramView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.genogram = Genogram()
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_genogram(self, genogram: Genogram) -> None:
        self.genogram = genogram
        self.update()

    def _scale(self) -> tuple[float, float, float]:
        g = self.genogram
        margin = 16
        usable_w, usable_h = self.width() - 2 * margin, self.height() - 2 * margin - 24
        unit = min(70.0, usable_w / max(g.width, 1), usable_h / max(g.height, 1))
        x0 = margin + (usable_w - g.width * unit) / 2
        return unit, x0, margin

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QColor("#5a6270"))
        p.drawText(QRectF(8, self.height() - 24, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, LEGEND)
        g = self.genogram
        if not g.nodes:
            p.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "世帯員を登録すると、ここに家族の図が表示されます"
            )
            return
        unit, x0, y0 = self._scale()

        def pt(x: float, y: float) -> QPointF:
            return QPointF(x0 + x * unit, y0 + y * unit)

        if g.household_box:
            bx0, by0, bx1, by1 = g.household_box
            p.setPen(QPen(QColor("gray"), 1.2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(QRectF(pt(bx0, by0), pt(bx1, by1)), 8, 8)
        p.setPen(QPen(QColor("black"), 1.5))
        for a, b in g.couples:
            na, nb = g.nodes[a], g.nodes[b]
            p.drawLine(pt(na.x + HALF, na.y), pt(nb.x - HALF, nb.y))
        for parents, child in g.descents:
            ps = [g.nodes[x] for x in parents if x in g.nodes]
            if not ps or child not in g.nodes:
                continue
            c = g.nodes[child]
            mx = sum(n.x for n in ps) / len(ps)
            top = ps[0].y + (0 if len(ps) > 1 else HALF + 0.8)
            mid = (top + c.y - HALF) / 2
            path = QPainterPath(pt(mx, top))
            for x, y in ((mx, mid), (c.x, mid), (c.x, c.y - HALF)):
                path.lineTo(pt(x, y))
            p.drawPath(path)
        for carer, cared in g.cares:
            if carer in g.nodes and cared in g.nodes:
                self._arrow(p, pt, g.nodes[carer], g.nodes[cared])
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, min(10.0, unit * 0.17)))
        p.setFont(font)
        for node in g.nodes.values():
            self._symbol(p, pt, unit, node)

    def _arrow(self, p: QPainter, pt, a: Node, b: Node) -> None:
        if abs(a.y - b.y) < 0.01:
            lift = a.y - HALF - 0.45
            pts = [(a.x + 0.12, a.y - HALF), (a.x + 0.12, lift), (b.x - 0.12, lift), (b.x - 0.12, b.y - HALF)]
        else:
            side = max(a.x, b.x) + HALF + 0.4
            pts = [(a.x + HALF, a.y + 0.1), (side, a.y + 0.1), (side, b.y + 0.1), (b.x + HALF, b.y + 0.1)]
        points = [pt(x, y) for x, y in pts]
        p.setPen(QPen(CARE, 1.6))
        path = QPainterPath(points[0])
        for q in points[1:]:
            path.lineTo(q)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        tip, before = points[-1], points[-2]
        dx, dy = tip.x() - before.x(), tip.y() - before.y()
        length = max((dx * dx + dy * dy) ** 0.5, 1)
        ux, uy, s = dx / length, dy / length, 8
        head = QPolygonF(
            [tip, QPointF(tip.x() - s * ux - s * 0.6 * uy, tip.y() - s * uy + s * 0.6 * ux),
             QPointF(tip.x() - s * ux + s * 0.6 * uy, tip.y() - s * uy - s * 0.6 * ux)]
        )  # fmt: skip
        p.setBrush(CARE)
        p.drawPolygon(head)

    def _symbol(self, p: QPainter, pt, unit: float, n: Node) -> None:
        centre = pt(n.x, n.y)
        p.setPen(QPen(QColor("black"), 1.6))
        p.setBrush(QColor("white"))
        for scale in (1.0, 0.72) if n.client else (1.0,):
            r = HALF * unit * scale
            box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
            if n.sex == "male":
                p.drawRect(box)
            elif n.sex == "female":
                p.drawEllipse(box)
            else:
                p.drawPolygon(
                    QPolygonF([QPointF(centre.x(), box.top()), QPointF(box.right(), centre.y()),
                               QPointF(centre.x(), box.bottom()), QPointF(box.left(), centre.y())])
                )  # fmt: skip
        r = HALF * unit
        if n.deceased:
            p.drawLine(QPointF(centre.x() - r, centre.y() - r), QPointF(centre.x() + r, centre.y() + r))
            p.drawLine(QPointF(centre.x() - r, centre.y() + r), QPointF(centre.x() + r, centre.y() - r))
        p.setPen(QColor("black"))
        text = QRectF(centre.x() - 1.3 * unit, centre.y() + r + 2, 2.6 * unit, 2.2 * p.fontMetrics().height())
        p.drawText(text, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{n.name}\n{n.caption}")

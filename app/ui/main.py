"""GUI entry point. The application shell (sign-in, navigation, lock) builds on this."""

from __future__ import annotations

import sys
from pathlib import Path


def run(data_dir: Path) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from app.ui.fonts import load_bundled_fonts

    app = QApplication.instance() or QApplication(sys.argv)
    load_bundled_fonts()
    window = QMainWindow()
    window.setWindowTitle("つなぎ")
    state = "データがあります" if (data_dir / "tsunagi.db").exists() else "データはまだありません"
    label = QLabel(f"つなぎ — 重層的支援体制整備事業の世帯支援記録\n\nデータフォルダ: {data_dir}\n{state}")
    label.setMargin(24)
    window.setCentralWidget(label)
    window.resize(720, 400)
    window.show()
    return app.exec()

"""Started as a child process by the suite: show a window, then print the time since the process
started and the peak memory, and quit.

    python -m bench.probe app DATA_DIR   # the app's sign-in window, as app.ui.main.start shows it
    python -m bench.probe bare           # a bare PySide6 window, started the same way
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    kind = sys.argv[1]
    if kind == "app":
        from app.ui.common.context import AppContext
        from app.ui.main import build_application, start

        qt_app = build_application([])
        window = start(AppContext(data_dir=Path(sys.argv[2])))
    else:
        from PySide6.QtWidgets import QApplication, QWidget

        qt_app = QApplication([])
        window = QWidget()
        window.resize(1000, 640)
        window.show()
    qt_app.processEvents()
    since_start = time.time() - float(sys.argv[-1])
    heavy = [m for m in ("reportlab", "openpyxl", "sqlalchemy") if m in sys.modules]
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec on Linux.
    status = Path("/proc/self/status")
    if status.exists():
        peak_kib = int(
            next(line for line in status.read_text().splitlines() if line.startswith("VmHWM")).split()[1]
        )
    else:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": since_start,
                "peak_mib": peak_kib / 1024,
                "loaded": heavy,
                "shown": window is not None,
            }
        )
    )


if __name__ == "__main__":
    main()

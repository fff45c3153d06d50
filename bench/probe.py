"""Started as a child process by the suite: show a window, and measure the time since the process started
and the peak memory at the moment its first paint is over. Prints one line of JSON and quits.

    python -m bench.probe app DATA_DIR STARTED   # the app's sign-in window, started as `python -m app` does
    python -m bench.probe bare STARTED           # a bare PySide6 window, started the same way

STARTED is the parent's time.time() just before it started this process. The app runs its own start-up
(app.ui.main.run: QApplication with the fonts, stylesheet and translations, the one-window claim, the
sign-in window) with the event loop replaced by one that measures at the first paint, the moment the app
begins loading the store layer behind the window; it then goes on until the signed-in screen is built
(``ready_seconds``, ``ready_peak_mib``), noting the longest the window could not answer meanwhile
(``longest_stall_ms``). The bare window is measured at its first paint too.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

# Loaded by the start-up only if something imported them early (they should load after the first paint).
STORE_LAYER = ("sqlalchemy", "alembic", "keyring", "cryptography", "app.models", "app.services.store.store")
HEAVY = ("reportlab", "openpyxl")


def _peak_mib() -> float:
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec on Linux.
    status = Path("/proc/self/status")
    if status.exists():
        line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM"))
        return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(started: float) -> dict:
    return {
        "seconds": time.time() - started,
        "cpu_seconds": time.process_time(),  # this process's own, whatever else the machine runs
        "peak_mib": _peak_mib(),
        "loaded": [m for m in (*STORE_LAYER, *HEAVY) if m in sys.modules],
        "shown": True,
    }


def _app(data_dir: Path, started: float) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer

    import app.cli  # noqa: F401 (what `python -m app` imports before the GUI)
    from app.ui.main import run

    figures: dict = {}

    def until_ready(qt_app, shell) -> int:
        loop = QEventLoop()
        deadline = time.monotonic() + 120
        # After the paint, a tick every 5 ms: the longest gap between two is the longest the window could
        # not answer a key while the store layer and the signed-in screen loaded behind it.
        ticks = {"last": 0.0, "longest": 0.0}
        ready: list[float] = []

        def tick() -> None:
            now = time.perf_counter()
            ticks["longest"] = max(ticks["longest"], now - ticks["last"])
            ticks["last"] = now
            if ready or time.monotonic() > deadline:
                loop.quit()

        ticker = QTimer(interval=5)
        ticker.timeout.connect(tick)

        def painted() -> None:
            # Emitted once the first paint is over, before the store layer begins to load.
            figures.update(_measure(started))
            ticks["last"] = time.perf_counter()
            ticker.start()

        shell.painted.connect(painted)
        shell.ready.connect(lambda: ready.append(time.time() - started))
        loop.exec()
        ticker.stop()
        figures["ready_seconds"] = ready[0] if ready else None
        figures["ready_peak_mib"] = _peak_mib()
        figures["longest_stall_ms"] = ticks["longest"] * 1000
        return 0

    run(data_dir, loop=until_ready)
    return figures


def _bare(started: float) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    figures: dict = {}

    class Window(QWidget):
        painted = False

        def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
            super().paintEvent(event)
            if not self.painted:
                self.painted = True
                QTimer.singleShot(0, lambda: figures.update(_measure(started)))  # as the app's Shell does

    qt_app = QApplication([])
    window = Window()
    window.resize(1366, 768)  # the app's window size
    window.show()
    while not figures:
        qt_app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    return figures


def main() -> None:
    kind, started = sys.argv[1], float(sys.argv[-1])
    figures = _app(Path(sys.argv[2]), started) if kind == "app" else _bare(started)
    print(json.dumps(figures), flush=True)
    os._exit(0)  # (no teardown to wait for: the figures are out)


if __name__ == "__main__":
    main()

"""Prints the suite's counts under Wine next to Linux's, and every test whose outcome differs with the
reason the test gives (a skip says why it cannot run on that platform).

    python compare_junit.py WINDOWS.xml [LINUX.xml]

Exit 1 when a test failed or errored under Wine, or the report is missing."""

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def outcomes(path: Path) -> dict[str, tuple[str, str]]:
    result: dict[str, tuple[str, str]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, reason = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                reason = (child.get("message") or "").splitlines()[0][:160] if child.get("message") else ""
                if outcome != "skipped" or case.find("failure") is None:
                    break
        # pytest writes an error in teardown as a second entry for a passed test: the worst one counts
        previous = result.get(test_id)
        rank = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
        if previous is None or rank[outcome] > rank[previous[0]]:
            result[test_id] = (outcome, reason)
    return result


def line(counts: Counter) -> str:
    text = f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
    return text + (f", {counts['error']} errors" if counts["error"] else "")


def main(argv: list[str]) -> int:
    win_path = Path(argv[0])
    if not win_path.exists():
        print(f"Wine: no test report ({win_path})")
        return 1
    win = outcomes(win_path)
    win_counts = Counter(o for o, _ in win.values())
    if len(argv) > 1 and Path(argv[1]).exists():
        linux = outcomes(Path(argv[1]))
        linux_counts = Counter(o for o, _ in linux.values())
        print(f"Linux: {line(linux_counts)}")
        differ = sorted(t for t in set(win) | set(linux) if win.get(t, ("absent",))[0] != linux.get(t, ("absent",))[0])
        for test_id in differ:
            w = win.get(test_id, ("absent", ""))
            lx = linux.get(test_id, ("absent", ""))
            print(f"  differs: {test_id}: Linux {lx[0]}{' (' + lx[1] + ')' if lx[1] else ''}; "
                  f"Wine {w[0]}{' (' + w[1] + ')' if w[1] else ''}")
        print(f"  pass counts {'equal' if win_counts['passed'] == linux_counts['passed'] else 'differ'}: "
              f"Linux {linux_counts['passed']}, Wine {win_counts['passed']}")
    for test_id, (outcome, reason) in sorted(win.items()):
        if outcome in ("failed", "error"):
            print(f"  Wine {outcome}: {test_id}: {reason}")
    # The suite's closing line under Wine, alone on a line as test runners end.
    print(f"Wine: {line(win_counts)}")
    return 1 if win_counts["failed"] or win_counts["error"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

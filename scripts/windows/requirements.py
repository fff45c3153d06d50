"""Prints the requirements of the Windows tier, space-separated: the project's dependencies and test
extras from pyproject.toml (less the linter, which runs on Linux), PyInstaller, and the dependencies that
only Windows pulls in. pip evaluates environment markers for the machine it runs on (Linux), not for the
``--platform win_amd64`` it downloads for, so those are named here."""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX_ONLY_TOOLS = {"ruff"}
WINDOWS_ONLY = [
    "colorama",  # pytest, click-style colour on a Windows console
    "pywin32-ctypes",  # keyring's Windows Credential Manager backend; PyInstaller
    "pefile",  # PyInstaller's analysis of Windows binaries
    "tzdata",  # zoneinfo has no system database on Windows
]


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    reqs = [r for r in reqs if r.split(">")[0].split("=")[0].split("<")[0].strip().lower() not in LINUX_ONLY_TOOLS]
    # pip (with setuptools, already among the dependencies) installs the checkout itself under Wine, so
    # the console script exists as it would on a PC (tests/test_cli.py).
    reqs += ["pyinstaller>=6.5", "pip", *WINDOWS_ONLY]
    print(" ".join(r.replace(" ", "") for r in reqs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

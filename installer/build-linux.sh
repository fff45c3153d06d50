#!/usr/bin/env bash
# Builds the one-folder bundle with PyInstaller, runs its --selftest, and compiles the NSIS installer
# script against it (the Windows installer itself is built on Windows; here makensis checks the script).
#   bash installer/build-linux.sh [--fast]     (--fast: installer without compression, as CI does)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.5" >&2
if ! command -v makensis >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsis >&2 || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsis >&2; }
  else
    echo "makensis がありません。管理者が sudo apt-get install -y nsis を実行してください" >&2
    exit 1
  fi
fi
rm -rf build/pyi dist/tsunagi
.venv/bin/pyinstaller installer/tsunagi.spec --noconfirm --log-level WARN --workpath build/pyi --distpath dist
echo "自己診断（--selftest）:" >&2
QT_QPA_PLATFORM=offscreen dist/tsunagi/tsunagi --selftest
fast=""
[ "${1:-}" = "--fast" ] && fast="-DFAST"
makensis -V2 $fast -DBUNDLE="$ROOT/dist/tsunagi" -DOUTFILE="$ROOT/dist/tsunagi-setup.exe" installer/tsunagi.nsi
echo "インストーラーのスクリプトを確認しました: dist/tsunagi-setup.exe" >&2

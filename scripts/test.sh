#!/usr/bin/env bash
# Sets up what is missing, then runs the linter and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Runs the whole test suite: unit, lab and end-to-end tests, then the schema checks,
# then checks that nothing (lab process, pid file) was left behind.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build
python3 scripts/check-schemas.py
swift format lint --strict -r Sources Tests bench/Sources Package.swift

left=$(pgrep -af 'gameday lab (serve|supervise)' | grep -v pgrep || true)
if [ -n "$left" ]; then
    echo "test: lab processes left behind after the tests:" >&2
    echo "$left" >&2
    exit 1
fi
echo "test: nothing left behind"

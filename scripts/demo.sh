#!/usr/bin/env bash
# Builds gameday, starts the lab, runs the storefront drill against it, stops the lab.
# Prints the run's summary and the path of its JSON result; exits with the drill's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --product gameday 2>&1 | grep -vE "^\[[0-9]+/[0-9]+\]" >&2 || true
gameday=$(swift build --show-bin-path)/gameday

run_dir=.gameday/lab
"$gameday" lab down --run-dir "$run_dir" >/dev/null 2>&1 || true
trap '"$gameday" lab down --run-dir "$run_dir" >/dev/null 2>&1 || true' EXIT
"$gameday" lab up --run-dir "$run_dir" --base-port 0 >&2

set +e
"$gameday" run "${1:-drills/storefront-strong-dependency.yaml}" --target "$run_dir/target.yaml"
code=$?
set -e
exit $code

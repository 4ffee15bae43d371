#!/usr/bin/env bash
# Regenerates the HTML report of a run and renders it to a PNG with headless Chromium, to look at
# the report the way a reader will. Not part of CI.
#
#   scripts/report-screenshot.sh RESULT.json OUT.png
#
# Uses $GAMEDAY, else .build/debug/gameday (run 'swift build' first). Needs Debian's chromium
# ('apt-get install -y chromium'). The window is 1400 px wide and $REPORT_HEIGHT px tall (2600).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 RESULT.json OUT.png" >&2
    exit 2
fi
result=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
gameday=${GAMEDAY:-$root/.build/debug/gameday}
height=${REPORT_HEIGHT:-2600}

if [[ ! -x $gameday ]]; then
    echo "$0: no gameday at $gameday: run 'swift build' first, or set GAMEDAY" >&2
    exit 2
fi
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
    echo "$0: no chromium on PATH: install it with 'apt-get install -y chromium'" >&2
    exit 2
fi

report=$("$gameday" report "$result")

# A profile of its own, removed afterwards, so no earlier session or lock gets in the way.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
out_path=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
report_path=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")

# timeout kills the browser should it hang; its stderr (GPU and D-Bus chatter) is noise here.
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --hide-scrollbars --user-data-dir="$profile" --window-size="1400,$height" \
    --screenshot="$out_path" "file://$report_path" 2>/dev/null >/dev/null

if [[ ! -s $out_path ]]; then
    echo "$0: chromium wrote no screenshot to $out_path" >&2
    exit 1
fi
echo "report:     $report_path"
echo "screenshot: $out_path"

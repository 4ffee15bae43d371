#!/usr/bin/env bash
# RTO measurement error (issue 4): runs the strong-dependency drill N times (default 20) with a
# release build against one lab, and compares each run's measured recovery with the moment the lab's
# control plane logged the switch (its ground truth, control-plane.jsonl). Prints a Markdown table.
# Leaves nothing behind: the lab is taken down on any exit.
#
#   bench/rto-error.sh            # 20 drills
#   RUNS=5 bench/rto-error.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}

swift build -c release --product gameday >&2
bin=$(swift build -c release --show-bin-path)
lab=$(mktemp -d /tmp/gameday-rto-lab.XXXXXX)
out=$(mktemp -d /tmp/gameday-rto-results.XXXXXX)
trap '"$bin/gameday" lab down --run-dir "$lab" >/dev/null 2>&1 || true; rm -rf "$lab" "$out"' EXIT

"$bin/gameday" lab up --run-dir "$lab" --base-port 0 >&2
for i in $(seq 1 "$runs"); do
    echo "rto-error: drill $i of $runs" >&2
    "$bin/gameday" run drills/storefront-strong-dependency.yaml --target "$lab/target.yaml" \
        --output "$out" --state-dir "$out/state" --quiet >/dev/null || {
        echo "rto-error: drill $i did not pass" >&2
    }
done
python3 - "$out" "$lab/control-plane.jsonl" <<'PY'
import glob, json, statistics, sys
from datetime import datetime

out, truth_path = sys.argv[1], sys.argv[2]
truth = [json.loads(line) for line in open(truth_path)]
switch = {t["cutover"]: t["unix_ms"] for t in truth if t["phase"] == "switch"}

def unix_ms(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000

errors, interval = [], None
for path in sorted(glob.glob(f"{out}/storefront-strong-dependency/*/result.json")):
    result = json.load(open(path))
    cut = (result.get("cutover") or {}).get("id")
    recovered = (result.get("timeline") or {}).get("recovered")
    if result["outcome"] != "pass" or cut not in switch or not recovered:
        continue
    interval = result["probe_interval_ms"]
    # Measured RTO − true RTO = measured recovery − the switch (both from the same fault moment).
    errors.append(unix_ms(recovered["at"]) - switch[cut])

if not errors:
    sys.exit("rto-error: no passing run to measure")
errors.sort()
bound = interval + 10
within = sum(1 for e in errors if -10 <= e <= bound)
q = lambda p: errors[min(len(errors) - 1, int(round(p * (len(errors) - 1))))]
print("| runs | mean | p50 | p95 | min | max | within [−10 ms, interval + 10 ms] |")
print("|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {len(errors)} | {statistics.mean(errors):.1f} ms | {q(0.5):.1f} ms | {q(0.95):.1f} ms | "
      f"{errors[0]:.1f} ms | {errors[-1]:.1f} ms | {within} of {len(errors)} (interval {interval:.0f} ms) |")
PY

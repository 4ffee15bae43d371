#!/usr/bin/env bash
# CPU per run against Chaos Toolkit (issue 19): the same drill, kill beijing's product with SIGKILL,
# see user 6000 fail and user 50 stay fine, cut 6000 over through the lab's control plane, see it
# served by hangzhou, cut back and restart product, run by a release gameday
# (drills/storefront-strong-dependency.yaml, probing at 10 Hz) and by Chaos Toolkit 1.19's
# `chaos run` (bench/ctk/storefront-strong-dependency.json, one probe per step) against one lab,
# alternating, ROUNDS times each after one warm-up run of each. Each run's CPU is the user + system
# time of its whole process tree, orphans included (bench/ctk/cpu.py); the lab's services are not
# children of either runner and are not counted (cpu.py checks and reports their CPU apart).
# Prints Markdown tables on stdout, progress on stderr. Traffic stays on loopback (`chaos
# --no-version-check`). Leaves nothing behind: the lab, the venv, the runs' files are in one temp
# directory removed on any exit (Ctrl-C too), and the lab's services are tied to this script.
#
#   bench/ctk.sh                  # 5 rounds
#   ROUNDS=10 bench/ctk.sh
#   PROFILE=1 bench/ctk.sh        # then one more gameday run under `perf record`, broken down
#   CTK_VENV=/path/venv bench/ctk.sh   # reuse a venv that has chaostoolkit (else a temp one)
#   GAMEDAY=/path/gameday bench/ctk.sh # measure that binary instead of building release
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${ROUNDS:-5}
log() { echo "ctk: $*" >&2; }

tmp=$(mktemp -d /tmp/gameday-ctk.XXXXXX)
lab=$tmp/lab
cleanup() {
    if [ -x "$tmp/bin/gameday" ] && [ -f "$lab/lab.json" ]; then
        "$tmp/bin/gameday" lab down --run-dir "$lab" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# The binary measured is a copy taken under the build lock: another build cannot swap it mid-bench.
mkdir -p "$tmp/bin"
if [ -n "${GAMEDAY:-}" ]; then
    cp "$GAMEDAY" "$tmp/bin/gameday"
else
    flock /tmp/gameday-build.lock bash -c '
        swift build -c release --product gameday >&2
        cp "$(swift build -c release --show-bin-path)/gameday" "$1/gameday"' _ "$tmp/bin"
fi
gameday=$tmp/bin/gameday

venv=${CTK_VENV:-$tmp/venv}
if [ ! -x "$venv/bin/chaos" ]; then
    log "installing chaostoolkit==1.19.* in $venv"
    python3 -m venv "$venv"
    pip=("$venv/bin/pip" install --no-cache-dir --disable-pip-version-check -q)
    if ! "${pip[@]}" 'chaostoolkit==1.19.*' >&2; then
        log "chaostoolkit 1.19 is not installable here: installing the newest instead"
        "${pip[@]}" chaostoolkit >&2
    fi
fi
ctk_version=$("$venv/bin/python" -c 'import importlib.metadata as m; print("chaostoolkit", m.version("chaostoolkit"), "/ chaostoolkit-lib", m.version("chaostoolkit-lib"))')

log "lab up in $lab"
"$gameday" lab up --run-dir "$lab" --base-port 0 --tied-to $$ >&2
# The URLs and the token as the drill sees them: from the lab's target.yaml.
"$venv/bin/python" - "$lab/target.yaml" >"$tmp/lab.env" <<'PY'
import shlex, sys, yaml
target = yaml.safe_load(open(sys.argv[1]))
token = target["control_plane"]["token"]
token = open(token["file"]).read().strip() if isinstance(token, dict) else token
for key, value in [("LAB_GATEWAY_URL", target["gateway"]["url"]),
                   ("LAB_CONTROL_PLANE_URL", target["control_plane"]["url"]), ("LAB_TOKEN", token)]:
    print(f"export {key}={shlex.quote(value)}")
PY
. "$tmp/lab.env"
: "${LAB_GATEWAY_URL:?no gateway URL in the target.yaml of the lab}"
export LAB_DIR=$lab

# Chaos Toolkit's side: the experiment's helper module from a copy (its bytecode stays in $tmp),
# `gameday` (for the rollback's restart-service) on PATH, settings that are not ~/.chaostoolkit's.
mkdir -p "$tmp/ctk-module" "$tmp/runs"
cp bench/ctk/gamedaylab.py "$tmp/ctk-module/"
"$venv/bin/python" -m compileall -q "$tmp/ctk-module" >&2  # as pip did for CTK's own modules
echo '{}' >"$tmp/ctk-settings.yaml"
experiment=$root/bench/ctk/storefront-strong-dependency.json

sockets() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -vc local_address || true; }
storefront_requests() {
    curl -s --max-time 5 "$LAB_GATEWAY_URL/metrics" |
        awk '/^lab_http_requests_total\{service="gateway".*route="\/storefront"/ { n += $NF } END { print n + 0 }'
}

# run KIND I: one measured run; its files in $tmp/runs/KIND-I*.
run() {
    local kind=$1 i=$2 dir=$tmp/runs/$1-$2 before
    mkdir -p "$dir"
    before=$(storefront_requests)
    sockets >"$dir.sockets"
    if [ "$kind" = gameday ]; then
        python3 bench/ctk/cpu.py --json "$dir.json" --lab "$lab" -- \
            "$gameday" run drills/storefront-strong-dependency.yaml --target "$lab/target.yaml" \
            --output "$dir/out" --state-dir "$dir/state" >"$dir/output.log" 2>&1 || true
    else
        (cd "$dir" && PATH=$tmp/bin:$PATH PYTHONPATH=$tmp/ctk-module \
            python3 "$root/bench/ctk/cpu.py" --json "$dir.json" --lab "$lab" -- \
            "$venv/bin/chaos" --no-version-check --settings "$tmp/ctk-settings.yaml" run \
            --hypothesis-strategy before-method-only --rollback-strategy always "$experiment" \
            >output.log 2>&1) || true
    fi
    echo $(($(storefront_requests) - before)) >"$dir.storefront"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
sockets_before=$(sockets)
log "warm-up: one run of each (not counted)"
run gameday 0
run chaos 0
for i in $(seq 1 "$rounds"); do
    log "round $i of $rounds: gameday run, chaos run"
    run gameday "$i"
    run chaos "$i"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
sockets_after=$(sockets)

python3 - "$tmp/runs" "$rounds" <<'PY'
import glob, json, os, statistics, sys

runs, rounds = sys.argv[1], int(sys.argv[2])

def gameday(i):
    d = f"{runs}/gameday-{i}"
    m = json.load(open(d + ".json"))
    results = glob.glob(f"{d}/out/*/*/result.json")
    r = json.load(open(results[0])) if results else {}
    m["ok"] = m["exit"] == 0 and r.get("outcome") == "pass"
    m["probes"] = sum(u.get("samples", 0) for u in r.get("users", []))
    return m

def chaos(i):
    d = f"{runs}/chaos-{i}"
    m = json.load(open(d + ".json"))
    try:
        j = json.load(open(f"{d}/journal.json"))
    except OSError:
        j = {}
    def seen(section):
        out = {}
        for run in j.get(section) or []:
            o = run.get("output")
            if isinstance(o, dict) and "headers" in o:
                out[run["activity"]["name"]] = (o["status"], o["headers"].get("X-Unit"))
            else:
                out[run["activity"]["name"]] = run["status"]
        return out
    method, rollbacks = seen("run"), seen("rollbacks")
    before = (j.get("steady_states") or {}).get("before") or {}
    ok_states = [method.get("kill-beijing-product"), method.get("cut-over-6000-to-hangzhou"),
                 rollbacks.get("cut-back"), rollbacks.get("restart-beijing-product")]
    m["ok"] = (m["exit"] == 0 and j.get("status") == "completed" and before.get("steady_state_met")
               and all(s == "succeeded" for s in ok_states)
               and 500 <= method.get("user-6000-fails", (0,))[0] <= 599
               and method.get("user-50-fine") == (200, "hangzhou")
               and method.get("user-6000-served-by-hangzhou") == (200, "hangzhou")
               and rollbacks.get("user-6000-back-on-beijing") == (200, "beijing")
               and rollbacks.get("user-50-still-on-hangzhou") == (200, "hangzhou"))
    m["probes"] = sum(1 for run in (before.get("probes") or []) + (j.get("run") or []) + (j.get("rollbacks") or [])
                      if run["activity"]["type"] == "probe")
    return m

table = {}
for kind, read in (("gameday", gameday), ("chaos", chaos)):
    rows = []
    for i in range(1, rounds + 1):
        m = read(i)
        m["storefront"] = int(open(f"{runs}/{kind}-{i}.storefront").read())
        m["sockets"] = int(open(f"{runs}/{kind}-{i}.sockets").read())
        m["cpu"] = m["all_user_s"] + m["all_sys_s"]
        m["tree"] = m["tree_user_s"] + m["tree_sys_s"]
        rows.append(m)
    table[kind] = rows

med = lambda rows, key: statistics.median(r[key] for r in rows)
g, c = table["gameday"], table["chaos"]
print("| runner | runs that did the drill | CPU per run, median (user + sys) | min – max | "
      "of which orphans (watchdogs) | wall, median | probes per run | gateway /storefront requests | "
      "lab services' CPU during the run (not counted) | TCP sockets on the host at the start |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for name, rows in (("gameday (release), 10 Hz", g), ("Chaos Toolkit `chaos run`, once per step", c)):
    cpu = sorted(r["cpu"] for r in rows)
    print(f"| {name} | {sum(1 for r in rows if r['ok'])} of {len(rows)} | "
          f"{med(rows, 'cpu'):.3f} s ({med(rows, 'all_user_s'):.3f} + {med(rows, 'all_sys_s'):.3f}) | "
          f"{cpu[0]:.3f} – {cpu[-1]:.3f} s | {med(rows, 'cpu') - med(rows, 'tree'):.3f} s | "
          f"{med(rows, 'wall_s'):.2f} s | {med(rows, 'probes'):.0f} | {med(rows, 'storefront'):.0f} | "
          f"{med(rows, 'lab_cpu_s'):.2f} s | {med(rows, 'sockets'):.0f} |")
ratio = med(g, "cpu") / med(c, "cpu")
print(f"| **gameday ÷ CTK** | | **{ratio:.2f}×** | | | {med(g, 'wall_s') / med(c, 'wall_s'):.1f}× | "
      f"{med(g, 'probes') / max(med(c, 'probes'), 1):.1f}× | | | |")
print()
print(f"What /usr/bin/time would report (the waited-for tree only, no orphans): gameday "
      f"{med(g, 'tree'):.3f} s, CTK {med(c, 'tree'):.3f} s per run (median).")
left = {r["lab_services_left_running"] for r in g + c}
inside = [p for r in g + c for p in r.get("lab_services_in_tree_before", [])]
print(f"Lab services inside a runner's tree before its run: {len(inside)}; lab services a run left "
      f"behind (the restarted product's supervisor, reparented, never waited for, not counted): "
      f"{', '.join(map(str, sorted(left)))} per run.")
PY
echo
echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(uname -sr); $("$gameday" --version 2>&1 | head -1);" \
    "$ctk_version, $("$venv/bin/python" --version). Load average $load_before before, $load_after after;" \
    "TCP sockets on the host $sockets_before before, $sockets_after after."

if [ "${PROFILE:-0}" = 1 ]; then
    if ! command -v perf >/dev/null; then
        log "PROFILE=1: perf is missing (apt-get install -y linux-perf)"
        exit 0
    fi
    log "profile: one more gameday run under perf record"
    dir=$tmp/runs/profile
    mkdir -p "$dir"
    perf record -q -o "$dir/perf.data" -F 4999 -g -- \
        "$gameday" run drills/storefront-strong-dependency.yaml --target "$lab/target.yaml" \
        --output "$dir/out" --state-dir "$dir/state" >"$dir/output.log" 2>&1 || true
    echo
    python3 bench/ctk/profile.py "$dir/perf.data"
fi

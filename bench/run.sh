#!/usr/bin/env bash
# The fault-timing benchmark (issue 3): builds release, starts a lab on free ports, runs
# gameday-bench against it and prints its Markdown tables on stdout (progress on stderr).
# Root only. Leaves nothing behind: the lab, firewall tables and chains, namespaces.
#
#   bench/run.sh                  # 50 runs per fault, 5 drill runs
#   RUNS=10 OVERHEAD_RUNS=2 bench/run.sh
#
# `bench/run.sh probes` instead benchmarks the probe engine (no root needed, but wrk is installed
# with apt-get when missing): against the lab gateway's /health, its probes/s beside wrk's
# requests/s, its schedule lag at 1,000 users × 10 Hz, and its peak memory. Extra arguments go to
# `gameday-bench probes` (e.g. `bench/run.sh probes --rounds 1 --lag-seconds 5 --memory-seconds 10`).
#
# `bench/run.sh delay` measures the latency fault's nfqueue delayer (issue 15, root only): UDP one-way
# delay through `gameday delayer` between two namespaces, its accuracy at 50 ms and 50 ms ± 10 ms, the
# error at 100, 1,000 and 10,000 packets/s, and its CPU; then the same with tc netem (and the delayer)
# inside the VM of scripts/vm.sh, or a plain statement that the VM does not work. Extra arguments go
# to `gameday-bench delay` (e.g. `bench/run.sh delay --rates 100,1000 --vm none`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = probes ]; then
    shift
    if ! command -v wrk >/dev/null; then
        apt-get install -y wrk >&2
    fi
    swift build -c release --product gameday >&2
    swift build -c release --product gameday-bench >&2
    bin=$(swift build -c release --show-bin-path)
    lab=$(mktemp -d /tmp/gameday-bench-lab.XXXXXX)
    trap '"$bin/gameday" lab down --run-dir "$lab" >/dev/null 2>&1 || true; rm -rf "$lab"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "$bin/gameday" lab up --run-dir "$lab" --base-port 0 --tied-to $$ >&2
    "$bin/gameday-bench" probes --target "$lab/target.yaml" --wrk "$(command -v wrk)" "$@"
    exit 0
fi

if [ "${1:-}" = delay ]; then
    shift
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: the delay bench needs root (ip netns, iptables, the NFQUEUE queue, the VM): run as root" >&2
        exit 1
    fi
    swift build -c release --product gameday >&2
    swift build -c release --product gameday-bench >&2
    bin=$(swift build -c release --show-bin-path)
    # Names the bench's namespaces gameday-bench-<id>-c|s, its delayers' --tag and the VM's run.
    id="d$$"
    # The bench's delayers end themselves within 100 ms of it (they watch it as their runner), and
    # the vm.sh it started gets SIGTERM when it dies (setpriv --pdeathsig) and kills QEMU.
    cleanup_delay() {
        if [ -n "${bench:-}" ]; then
            kill "$bench" 2>/dev/null || true
            wait "$bench" 2>/dev/null || true
            sleep 1
        fi
        for namespace in "gameday-bench-${id}-c" "gameday-bench-${id}-s"; do
            ip netns del "$namespace" 2>/dev/null || true
        done
        rm -f "/tmp/gameday-bench-${id}-delayer.ready" "/tmp/gameday-bench-${id}-receiver.ready"
    }
    trap cleanup_delay EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "$bin/gameday-bench" delay --gameday "$bin/gameday" --vm scripts/vm.sh --run-id "$id" "$@" &
    bench=$!
    wait "$bench"
    bench=""
    cleanup_delay
    trap - EXIT
    left=$(
        ip netns list | grep "gameday-bench-${id}-" || true
        pgrep -af -- "--tag gameday-bench-${id}/delayer|--run-id ${id}( |$)" || true
    )
    if [ -n "$left" ]; then
        echo "bench: left behind:" >&2
        echo "$left" >&2
        exit 1
    fi
    echo "bench: nothing left behind" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "bench: the fault drivers need root (kill, nft, iptables, tc, ip netns): run as root" >&2
    exit 1
fi

# `swift build` takes one --product: the second build only links the bench.
swift build -c release --product gameday >&2
swift build -c release --product gameday-bench >&2
bin=$(swift build -c release --show-bin-path)

# Everything the bench creates is named after this id (see bench/Sources/BenchOptions.swift).
id="b$$"
lab=$(mktemp -d /tmp/gameday-bench-lab.XXXXXX)
# iptables (the nf_tables flavour) creates the `filter` tables on first use and never removes them.
tables_before=$(nft list tables 2>/dev/null || true)

# Removes what a crashed or interrupted bench may have left; each step is a no-op when clean.
cleanup() {
    if [ -n "${bench:-}" ]; then
        kill "$bench" 2>/dev/null || true
        wait "$bench" 2>/dev/null || true
    fi
    "$bin/gameday" lab down --run-dir "$lab" >/dev/null 2>&1 || true
    nft list tables 2>/dev/null | awk -v p="gameday_${id}_" 'index($3, p) == 1 { print $2, $3 }' |
        while read -r family table; do nft delete table "$family" "$table" || true; done || true
    for tool in iptables ip6tables; do
        for chain in $("$tool" -w -S 2>/dev/null | awk -v p="GAMEDAY-${id}-" '$1 == "-N" && index($2, p) == 1 { print $2 }'); do
            "$tool" -w -D INPUT -j "$chain" 2>/dev/null || true
            "$tool" -w -F "$chain" && "$tool" -w -X "$chain" || true
        done
    done
    # The filter tables the iptables blocks created, if they were not there before and hold no rule now.
    while read -r tool family; do
        if ! grep -qx "table $family filter" <<<"$tables_before" && nft list table "$family" filter >/dev/null 2>&1 &&
            [ -z "$("$tool" -w -S 2>/dev/null | grep -v '^-P ')" ]; then
            nft delete table "$family" filter || true
        fi
    done <<<$'iptables ip\nip6tables ip6'
    for namespace in "gameday-bench-${id}-c" "gameday-bench-${id}-s"; do
        ip netns del "$namespace" 2>/dev/null || true
    done
    rm -rf "$lab"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin/gameday" lab up --run-dir "$lab" --base-port 0 --tied-to $$ >&2
# In the background so that a signal reaches the trap at once, not after the bench has finished.
"$bin/gameday-bench" --target "$lab/target.yaml" --runs "${RUNS:-50}" --overhead-runs "${OVERHEAD_RUNS:-5}" \
    --gameday "$bin/gameday" --drill drills/storefront-weak-dependency.yaml --run-id "$id" &
bench=$!
wait "$bench"
bench=""

cleanup
trap - EXIT
left=$(
    nft list tables 2>/dev/null | grep -Fvx -f <(echo "$tables_before") | grep -E "gameday| filter$" || true
    iptables -w -S 2>/dev/null | grep -- "GAMEDAY-${id}-" || true
    ip netns list | grep "gameday-bench-${id}-" || true
    pgrep -af "lab serve.*$lab" | grep -v pgrep || true
)
if [ -n "$left" ]; then
    echo "bench: left behind:" >&2
    echo "$left" >&2
    exit 1
fi
echo "bench: nothing left behind" >&2

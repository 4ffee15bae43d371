#!/usr/bin/env bash
# Times one fault's apply and revert across 1, 5 and 20 real sshd hosts (an SSHFleet: one sshd per
# host in a network namespace, see Sources/GameDayTestSupport/SSHFleet.swift), on a release build,
# against a one-host round trip measured interleaved in the same invocation. Needs root and
# openssh-server (scripts/setup.sh). Prints a Markdown table; record it in bench/RESULTS.md.
#
#   bench/ssh-fanout.sh                     # 1, 5 and 20 hosts, 10 runs each
#   bench/ssh-fanout.sh --hosts 1,5 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "bench: sshd in network namespaces needs root" >&2
    exit 1
fi
swift build -c release --product gameday-bench >&2
"$(swift build -c release --show-bin-path)/gameday-bench" ssh "$@"

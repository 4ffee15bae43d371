#!/usr/bin/env bash
# Times one fault's apply and revert across 1, 5 and 20 real sshd hosts (SSHFanOutBench: an sshd per
# host in a network namespace, see Tests/GameDayRuntimeTests/SSH/SSHFleet.swift). Needs root and
# openssh-server (scripts/setup.sh). Prints one line per host count; record them in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
GAMEDAY_SSH_BENCH=1 swift test --skip-build --filter SSHFanOutBench 2>&1 | grep -E '^ssh-fanout|✘|error' || true

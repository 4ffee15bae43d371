#!/usr/bin/env bash
# Runs the whole test suite: unit, lab and end-to-end tests (the tc netem ones also inside a VM
# booted with scripts/vm.sh), then the schema checks, then the Debian package (built by
# scripts/release.sh, installed, run through a drill, removed), then checks that nothing (lab
# process, pid file, QEMU, the package) was left behind.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# QEMU and Debian's kernel, for the tests of what this kernel may lack (sch_netem): VirtualMachineTests.
scripts/vm.sh prepare
swift build --build-tests
# Every suite, VirtualMachineTests included (the tc netem tests inside the VM of scripts/vm.sh).
swift test --skip-build
python3 scripts/check-schemas.py
swift format lint --strict -r Sources Tests bench/Sources Plugins Package.swift
# After swift test, so the Swift tests never wait on the release build (several minutes on two cores);
# as root only (skipped, with the reason, otherwise).
package_before=$(dpkg-query -W -f='${db:Status-Status}' gameday 2>/dev/null || true)
scripts/package-test.sh

left=$(pgrep -af 'gameday lab (serve|supervise)' | grep -v pgrep || true)
if [ -n "$left" ]; then
    echo "test: lab processes left behind after the tests:" >&2
    echo "$left" >&2
    exit 1
fi
vms=$(pgrep -af 'mount_tag=gdjob' | grep -v pgrep || true)
if [ -n "$vms" ]; then
    echo "test: QEMU processes left behind after the tests:" >&2
    echo "$vms" >&2
    exit 1
fi
package_after=$(dpkg-query -W -f='${db:Status-Status}' gameday 2>/dev/null || true)
if [ "$package_after" = installed ] && [ "$package_before" != installed ]; then
    echo "test: the gameday package is still installed after the package test (dpkg -r gameday)" >&2
    exit 1
fi
echo "test: nothing left behind"

#!/usr/bin/env bash
# Installs what gameday needs on a fresh Debian machine (idempotent; quiet when all is there).
set -euo pipefail

need=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
# The latency fault's nfqueue backend (the delayer) reads queued packets through libnetfilter_queue.
dpkg -s libnetfilter-queue-dev >/dev/null 2>&1 || need+=(libnetfilter-queue-dev)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v kill >/dev/null 2>&1 || need+=(procps)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ -x /usr/bin/ssh ] && [ -x /usr/bin/ssh-keygen ] || need+=(openssh-client)
# openssh-server only for the tests, which start their own sshd in namespaces; the system service is not used.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)

if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# `gameday lab up --prometheus` runs Debian's Prometheus and Pushgateway on free loopback ports.
# Without recommends: no node exporter and no other exporters. The lab never uses port 9090, so a
# system Prometheus started elsewhere is no obstacle.
prom=()
[ -x /usr/bin/prometheus ] || prom+=(prometheus)
[ -x /usr/bin/prometheus-pushgateway ] || prom+=(prometheus-pushgateway)
if [ ${#prom[@]} -gt 0 ]; then
    echo "setup: installing ${prom[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    [ ${#need[@]} -gt 0 ] || $SUDO apt-get update -qq
    # The packages start their system service when installed: not wanted here (the lab runs its own,
    # on free ports). A policy-rc.d answering 101 stops invoke-rc.d from starting it, for this install only.
    policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
        $SUDO chmod +x "$policy"
    fi
    installed=0
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${prom[@]}" >/dev/null ||
        installed=$?
    [ -z "$policy" ] || $SUDO rm -f "$policy"
    [ "$installed" -eq 0 ] || exit "$installed"
fi

if ! python3 -c 'import yaml, jsonschema, junitparser' 2>/dev/null; then
    echo "setup: installing PyYAML, jsonschema and junitparser for the schema and JUnit checks" >&2
    python3 -m pip install -q pyyaml jsonschema junitparser
fi

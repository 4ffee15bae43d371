#!/usr/bin/env python3
"""Where one `gameday run`'s CPU goes, from `perf record -g` of it (bench/ctk.sh with PROFILE=1).

    profile.py PERF_DATA

Prints two Markdown tables: CPU ms per process of the run's tree (the runner, its watchdogs, the
kill command, `lab restart-service`; the lab services that restart starts are shown but are not
the run's), and the runner's own CPU by where it goes, each sample given to the first bucket its
call stack matches (frames demangled with `swift demangle`; samples whose stack perf could not
walk fall in "other").
"""

import collections
import re
import subprocess
import sys

SAMPLE = re.compile(r"\s*(.+?)\s+(\d+)/(\d+)\s+(\d+)\s*$")
FRAME = re.compile(r"\s+[0-9a-f]+\s+(.+)$")
FORK = re.compile(r"PERF_RECORD_FORK\((\d+):(\d+)\):\((\d+):(\d+)\)")
EXEC = re.compile(r"PERF_RECORD_COMM exec: (.+?):(\d+)/(\d+)")

# (bucket, test on (thread name, is the main thread, demangled frames)), first match wins.
BUCKETS = [
    ("probe engine thread (curl multi, ProbeLoop, SampleStore.deliver)",
     lambda t, main, f: t == "gameday-probes"),
    ("fault target checks: ProcessFaultDriver.ready → refuseIfRunnerChannel (/proc/net/tcp, /proc/*/fd)",
     lambda t, main, f: any("ProcessFaultDriver" in x or "ProcessTable.listeners" in x for x in f)),
    ("process start and main thread: dynamic loader, Swift runtime metadata, argument parsing",
     lambda t, main, f: main or any(x.startswith(("_dl_", "dl_main")) or "ArgumentParser" in x
                           or "CommandParser" in x for x in f)),
    ("loading drill and target (YAML, validation)",
     lambda t, main, f: any("DrillLoader" in x or "YAMLDocument" in x or "DrillReader" in x for x in f)),
    ("archive: result.json, junit.xml, report.html",
     lambda t, main, f: any("archive(" in x or "ResultArchive" in x or "HTMLReport" in x for x in f)),
    ("ISO 8601 formatting (a new ISO8601DateFormatter per call)",
     lambda t, main, f: any("ISO8601DateFormatter" in x for x in f)),
    ("sample store snapshots and histograms",
     lambda t, main, f: any("SampleStore" in x or "Histogram" in x for x in f)),
    ("ledger and watchdog spawn (FileLedger, LedgerStore, Spawn)",
     lambda t, main, f: any("Ledger" in x or "Spawn" in x for x in f)),
    ("control plane and preflight HTTP (NIO threads, HTTP client)",
     lambda t, main, f: t.startswith("NIO-") or any("HTTPClient" in x or "Curl" in x for x in f)),
    ("other (Swift runtime, kernel, frames perf could not walk)", lambda t, main, f: True),
]


def main():
    text = subprocess.run(
        ["perf", "script", "-i", sys.argv[1], "-F", "pid,tid,comm,period,ip,sym", "--no-demangle",
         "--show-task-events"], capture_output=True, text=True, check=True).stdout
    parent, execs, samples, root = {}, {}, [], None
    current = None
    for line in text.split("\n"):
        if "PERF_RECORD_" in line:
            fork = FORK.search(line)
            if fork and fork.group(1) == fork.group(2) and fork.group(1) != fork.group(3):
                parent[int(fork.group(1))] = int(fork.group(3))
            exe = EXEC.search(line)
            if exe:
                execs[int(exe.group(2))] = exe.group(1)
                root = root or int(exe.group(2))
            continue
        sample = SAMPLE.match(line)
        if sample:
            current = [int(sample.group(2)), int(sample.group(3)), sample.group(1), int(sample.group(4)), []]
            samples.append(current)
            continue
        frame = FRAME.match(line)
        if frame and current:
            current[4].append(re.sub(r"\+0x[0-9a-f]+$", "", frame.group(1)))

    names = sorted({f for s in samples for f in s[4]})
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                               capture_output=True, text=True).stdout.split("\n")
    nice = dict(zip(names, demangled))

    def kind(pid):
        if pid == root:
            return "runner (gameday run)"
        chain, p = [], pid
        while p in parent and p != root:
            chain.append(p)
            p = parent[p]
        if p != root:
            return "not of the run"
        child = chain[-1]  # the runner's child this process descends from
        if execs.get(child) == "kill":
            return "kill command"
        if any(parent.get(q) == child for q in parent):
            return "lab restart-service" if pid == child else "lab services it starts (not the run's)"
        return "watchdogs (gameday watchdog, one per ledger entry)"

    per_kind, pids_of = collections.Counter(), collections.defaultdict(set)
    buckets = collections.Counter()
    for pid, tid, thread, period, frames in samples:
        k = kind(pid)
        per_kind[k] += period
        pids_of[k].add(pid)
        if pid == root:
            f = [nice.get(x, x) for x in frames]
            bucket = next(name for name, test in BUCKETS if test(thread, pid == tid, f))
            buckets[bucket] += period

    print("| process of the run | processes | CPU ms |")
    print("|---|--:|--:|")
    for k, ns in per_kind.most_common():
        print(f"| {k} | {len(pids_of[k])} | {ns / 1e6:.1f} |")
    print()
    total = sum(buckets.values())
    print(f"| the runner's CPU ({total / 1e6:.1f} ms) by where it goes | CPU ms | share |")
    print("|---|--:|--:|")
    for name, _ in BUCKETS:
        if buckets[name]:
            print(f"| {name} | {buckets[name] / 1e6:.1f} | {100 * buckets[name] / total:.0f}% |")


if __name__ == "__main__":
    main()

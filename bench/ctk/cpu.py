#!/usr/bin/env python3
"""CPU of one command's whole process tree, for bench/ctk.sh.

    cpu.py --json OUT [--lab DIR] -- COMMAND ARGS...

Runs COMMAND as a child and writes to OUT (JSON): wall seconds of COMMAND, its exit code, and the
user and system CPU seconds of the tree (getrusage(RUSAGE_CHILDREN) deltas):

- `tree_*`: COMMAND and every descendant it waited for: what `/usr/bin/time -f "%U %S"` reports;
- `all_*`: that plus the descendants it started and did not wait for (gameday's per-entry
  `gameday watchdog`, spawned in a session of its own and never reaped by the runner). This
  process is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so such orphans come to it and it
  waits for them — all but lab services (`gameday lab supervise|serve`, restarted by a rollback),
  which are left running, never waited for, so never counted.

With --lab DIR it also checks that no lab service (a process whose command line names DIR) is a
descendant of this process before COMMAND starts, and reports the lab services' own CPU over the
run (approximate: a service killed during the run takes its share with it) — not counted above.
"""

import ctypes
import json
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, state, utime+stime seconds) of pid, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], (int(fields[11]) + int(fields[12])) / TICK


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def lab_services(lab):
    out = {}
    for pid in pids():
        line = cmdline(pid)
        if lab in line and (" lab serve " in line or " lab supervise " in line):
            stat = proc_stat(pid)
            if stat:
                out[pid] = stat[2]
    return out


def ancestors(pid):
    chain = []
    while pid > 1:
        stat = proc_stat(pid)
        if not stat:
            break
        pid = stat[0]
        chain.append(pid)
    return chain


def is_lab_service(line):
    return " lab supervise " in line or " lab serve " in line


def main():
    args = sys.argv[1:]
    out_path, lab = None, None
    while args and args[0] != "--":
        if args[0] == "--json":
            out_path = args[1]
        elif args[0] == "--lab":
            lab = args[1]
        args = args[2:]
    command = args[1:]
    me = os.getpid()

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f"cpu.py: prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")

    lab_before = lab_services(lab) if lab else {}
    lab_in_tree = [p for p in lab_before if me in ancestors(p)]

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    child = subprocess.Popen(command)
    code = child.wait()
    wall = time.monotonic() - start
    tree = resource.getrusage(resource.RUSAGE_CHILDREN)

    # The orphans the command left to us: wait for each (a watchdog exits once its entry is
    # reverted, within its 250 ms poll), except lab services.
    waited, left = [], []
    deadline = time.monotonic() + 30
    while True:
        pending = []
        for pid in pids():
            stat = proc_stat(pid)
            if not stat or stat[0] != me:
                continue
            line = cmdline(pid)
            if stat[1] != "Z" and is_lab_service(line):
                if pid not in left:
                    left.append(pid)
                continue
            pending.append((pid, line))
        if not pending:
            break
        for pid, line in pending:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if done:
                waited.append(line or f"pid {pid}")
        if time.monotonic() > deadline:
            print(f"cpu.py: still running after 30 s, not counted: {pending}", file=sys.stderr)
            break
        time.sleep(0.02)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lab_after = lab_services(lab) if lab else {}

    result = {
        "command": command,
        "exit": code,
        "wall_s": wall,
        "tree_user_s": tree.ru_utime - before.ru_utime,
        "tree_sys_s": tree.ru_stime - before.ru_stime,
        "all_user_s": after.ru_utime - before.ru_utime,
        "all_sys_s": after.ru_stime - before.ru_stime,
        "orphans_waited": waited,
        "lab_services_left_running": len(left),
    }
    if lab:
        result["lab_services_in_tree_before"] = lab_in_tree
        result["lab_cpu_s"] = sum(cpu - lab_before.get(pid, 0.0) for pid, cpu in lab_after.items())
    with open(out_path, "w") as f:
        json.dump(result, f)
    sys.exit(code)


if __name__ == "__main__":
    main()

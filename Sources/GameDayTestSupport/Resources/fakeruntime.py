"""The fake cluster's container runtime, imported by kubelet.py: pods as network namespaces joined to
the host by a veth pair with a /30 of 10.236.0.0/16, containers as `ip netns exec NS unshare --pid
--mount --fork --mount-proc --kill-child -- COMMAND` (COMMAND is PID 1 of a PID namespace of its own,
with its own /proc), debug containers as `nsenter` into their target's namespaces. Every process is
started with PR_SET_PDEATHSIG, so it dies with the kubelet.
"""
import ctypes
import os
import select
import signal
import socket
import subprocess
import sys
import time
import uuid

ROOT, NETNS_PREFIX, LINK_PREFIX = sys.argv[1], sys.argv[3], sys.argv[4]
LOGS = os.path.join(ROOT, "logs")
POD_NETWORK = (10 << 24) | (236 << 16)  # 10.236.0.0/16: 16384 blocks of 4 addresses

libc = ctypes.CDLL(None, use_errno=True)


def stamp(at=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if at is None else at))


def log(message):
    sys.stderr.write(f"{stamp()} {message}\n")
    sys.stderr.flush()


def die_with_parent():
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run(argv):
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")
    return done.stdout


def first_child(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            found = children.read().split()
    except OSError:
        return None
    return int(found[0]) if found else None


def signal_pid(pid, number):
    if pid:
        try:
            os.kill(pid, number)
        except OSError:
            pass


def dotted(address):
    return ".".join(str((address >> shift) & 255) for shift in (24, 16, 8, 0))


class AddressLock:
    """A machine-wide mutex for picking pod addresses: an abstract unix socket (one per network
    namespace, so one for every kubelet here), freed by the kernel even when its holder dies."""

    def __enter__(self):
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.socket.bind("\0gameday-fake-cluster-addresses")
                return self
            except OSError:
                time.sleep(0.01)

    def __exit__(self, *exception):
        self.socket.close()


def free_block():
    used = set()
    for line in run(["ip", "-4", "-o", "addr", "show"]).splitlines():
        fields = line.split()
        if "inet" in fields:
            parts = [int(part) for part in fields[fields.index("inet") + 1].split("/")[0].split(".")]
            address = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
            if address >> 16 == POD_NETWORK >> 16:
                used.add(address >> 2)
    for block in range(POD_NETWORK >> 2, (POD_NETWORK >> 2) + 16384):
        if block not in used:
            return block << 2
    raise RuntimeError("no free /30 left in 10.236.0.0/16")


# MARK: - Containers


class Container:
    """An app container: restarted with a short back-off whenever its process ends (restartPolicy Always)."""

    def __init__(self, spec):
        self.name = spec["name"]
        self.command = spec["command"]
        self.port = spec.get("readinessPort")
        self.proc = None
        self.pid1 = None
        self.started_at = None
        self.ever_started = False
        self.restarts = 0
        self.failures = 0
        self.restart_at = 0.0
        self.last = None
        self.probe = None
        self.probe_started = 0.0
        self.probe_ok = False
        self.probe_failures = 0
        self.next_probe = 0.0

    @property
    def running(self):
        return self.proc is not None and self.pid1 is not None

    @property
    def ready(self):
        return self.running and (self.port is None or self.probe_ok)

    def start(self, pod):
        with open(os.path.join(LOGS, f"{pod.name}_{self.name}.log"), "ab") as output:
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", pod.netns, "unshare", "--pid", "--mount", "--fork", "--mount-proc",
                 "--kill-child", "--", *self.command],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, cwd="/",
                start_new_session=True, preexec_fn=die_with_parent)
        self.pid1 = None
        self.started_at = time.time()
        self.stop_probe()
        self.probe_ok = False
        self.probe_failures = 0
        self.next_probe = 0.0

    def step(self, pod, now):
        if self.proc is not None and self.proc.poll() is not None:
            code = self.proc.returncode
            self.last = {"exitCode": code if code >= 0 else 128 - code,
                         "reason": "Completed" if code == 0 else "Error",
                         "startedAt": stamp(self.started_at), "finishedAt": stamp(now)}
            self.failures = 0 if now - self.started_at > 10 else self.failures + 1
            self.restart_at = now + min(0.2 * 2 ** max(0, self.failures - 1), 3.2)
            self.proc, self.pid1 = None, None
            self.stop_probe()
            self.probe_ok = False
            log(f"{pod.name}/{self.name} exited {code}")
        if self.proc is None and pod.deleting is None and now >= self.restart_at:
            if self.ever_started:
                self.restarts += 1
            self.start(pod)
        if self.proc is not None and self.pid1 is None:
            self.pid1 = first_child(self.proc.pid)
            self.ever_started = self.ever_started or self.pid1 is not None
        self.step_probe(pod, now)

    # A readiness probe from the node: a non-blocking TCP connect to POD_IP:port, checked every tick.
    def step_probe(self, pod, now):
        if self.port is None or not self.running:
            return
        if self.probe is None:
            if now < self.next_probe:
                return
            self.probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.probe.setblocking(False)
            self.probe.connect_ex((pod.ip, self.port))
            self.probe_started = now
            return
        _, writable, _ = select.select([], [self.probe], [], 0)
        if writable:
            succeeded = self.probe.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
        elif now - self.probe_started > 1.0:
            succeeded = False
        else:
            return
        # As a kubelet's defaults: Ready after one success, unready after three failures in a row.
        self.probe_failures = 0 if succeeded else self.probe_failures + 1
        if succeeded:
            self.probe_ok = True
        elif self.probe_failures >= 3:
            self.probe_ok = False
        self.stop_probe()
        self.next_probe = now + (1.0 if self.probe_ok and succeeded else 0.2)

    def stop_probe(self):
        if self.probe is not None:
            self.probe.close()
            self.probe = None

    def container_id(self):
        return f"fake://{self.proc.pid}/{self.pid1}" if self.running else None

    def status(self, deleting):
        if self.running:
            state = {"running": {"startedAt": stamp(self.started_at)}}
        elif self.last is not None and (self.proc is None or deleting):
            state = {"terminated": self.last}
        else:
            state = {"waiting": {"reason": "ContainerCreating"}}
        status = {"name": self.name, "image": "fake/host", "imageID": "", "ready": self.ready,
                  "started": self.running, "restartCount": self.restarts, "state": state,
                  "lastState": {"terminated": self.last} if self.last and self.running else {}}
        if self.running:
            status["containerID"] = self.container_id()
        return status


class Ephemeral:
    """A debug container: ARGV run by nsenter in the namespaces of its target's PID 1; never restarted."""

    def __init__(self, name, image, target, profile, argv):
        self.name, self.image, self.target, self.profile, self.argv = name, image, target, profile, argv
        self.proc = None
        self.pid = None
        self.started_at = None
        self.ended = None

    @property
    def running(self):
        return self.proc is not None and self.pid is not None and self.ended is None

    def step(self, pod, now):
        if self.ended is not None:
            return
        if self.proc is None:
            target = pod.container(self.target)
            if pod.deleting is not None:
                self.ended = {"exitCode": 137, "reason": "Error", "startedAt": stamp(now),
                              "finishedAt": stamp(now)}
            elif target is not None and target.running:
                with open(os.path.join(LOGS, f"{pod.name}_{self.name}.log"), "ab") as output:
                    self.proc = subprocess.Popen(
                        ["nsenter", "--target", str(target.pid1), "--pid", "--mount", "--net", "--",
                         *self.argv],
                        stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, cwd="/",
                        start_new_session=True, preexec_fn=die_with_parent)
                self.started_at = now
            return
        if self.pid is None:
            self.pid = first_child(self.proc.pid)
        if self.proc.poll() is not None:
            code = self.proc.returncode
            code = code if code >= 0 else 128 - code
            self.ended = {"exitCode": code, "reason": "Completed" if code == 0 else "Error",
                          "startedAt": stamp(self.started_at), "finishedAt": stamp(now)}
            self.proc, self.pid = None, None
            log(f"{pod.name}/{self.name} (ephemeral) exited {code}")

    def spec(self):
        spec = {"name": self.name, "image": self.image, "command": self.argv,
                "targetContainerName": self.target,
                "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}
        if self.profile == "netadmin":
            spec["securityContext"] = {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
        elif self.profile == "sysadmin":
            spec["securityContext"] = {"privileged": True}
        return spec

    def status(self):
        if self.ended is not None:
            state = {"terminated": self.ended}
        elif self.running:
            state = {"running": {"startedAt": stamp(self.started_at)}}
        else:
            state = {"waiting": {"reason": "PodInitializing"}}
        status = {"name": self.name, "image": self.image, "imageID": "", "ready": False, "restartCount": 0,
                  "state": state, "lastState": {}}
        if self.running:
            status["containerID"] = f"fake://{self.proc.pid}/{self.pid}"
        return status


# MARK: - Pods


class Pod:
    counter = 0

    def __init__(self, deployment, name):
        Pod.counter += 1
        self.deployment = deployment
        self.name = name
        self.namespace = deployment["namespace"]
        self.uid = str(uuid.uuid4())
        self.labels = dict(deployment["labels"])
        self.netns = f"{NETNS_PREFIX}{Pod.counter}"
        self.link = f"{LINK_PREFIX}{Pod.counter}"
        self.created = time.time()
        self.containers = [Container(spec) for spec in deployment["containers"]]
        self.ephemerals = []
        self.deleting = None
        self.grace = None
        self.killed = False
        self.host_ip = None
        self.ip = None

    def container(self, name):
        return next((container for container in self.containers if container.name == name), None)

    def connect(self):
        run(["ip", "netns", "add", self.netns])
        try:
            run(["ip", "-n", self.netns, "link", "set", "lo", "up"])
            with AddressLock():
                block = free_block()
                run(["ip", "link", "add", self.link, "type", "veth", "peer", "name", "eth0",
                     "netns", self.netns])
                self.host_ip, self.ip = dotted(block + 1), dotted(block + 2)
                run(["ip", "addr", "add", f"{self.host_ip}/30", "dev", self.link])
            run(["ip", "link", "set", self.link, "up"])
            run(["ip", "-n", self.netns, "addr", "add", f"{self.ip}/30", "dev", "eth0"])
            run(["ip", "-n", self.netns, "link", "set", "eth0", "up"])
            run(["ip", "-n", self.netns, "route", "add", "default", "via", self.host_ip])
        except Exception:
            self.disconnect()
            raise

    def processes(self):
        listing = subprocess.run(["ip", "netns", "pids", self.netns], capture_output=True, text=True)
        return [int(pid) for pid in listing.stdout.split()]

    def kill_everything(self):
        """SIGKILL to every process in the pod's network namespace: containers, exec'd and debug processes."""
        for _ in range(5):
            found = self.processes()
            if not found:
                return
            for pid in found:
                signal_pid(pid, signal.SIGKILL)
            time.sleep(0.01)

    def disconnect(self):
        self.kill_everything()
        subprocess.run(["ip", "link", "del", self.link], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)

    def delete(self, grace):
        """Like the kubelet: SIGTERM to every container's PID 1 from outside (only delivered if it has a
        handler), SIGKILL to everything left once the grace period is over; then the pod is removed."""
        now = time.time()
        if self.deleting is not None:
            self.grace = min(self.grace, grace)
            return
        self.deleting, self.grace = now, grace
        for container in self.containers:
            signal_pid(container.pid1, signal.SIGTERM)
        for ephemeral in self.ephemerals:
            signal_pid(ephemeral.pid, signal.SIGTERM)

    def step(self, now):
        for container in self.containers:
            container.step(self, now)
        for ephemeral in self.ephemerals:
            ephemeral.step(self, now)
        if self.deleting is not None and not self.killed and now >= self.deleting + self.grace:
            self.kill_everything()
            self.killed = True

    @property
    def stopped(self):
        return all(c.proc is None for c in self.containers) and all(e.proc is None for e in self.ephemerals)

    @property
    def phase(self):
        return "Running" if all(container.ever_started for container in self.containers) else "Pending"

    def render(self):
        ready = all(container.ready for container in self.containers)
        metadata = {"name": self.name, "generateName": f"{self.deployment['name']}-",
                    "namespace": self.namespace,
                    "uid": self.uid, "creationTimestamp": stamp(self.created), "labels": self.labels,
                    "annotations": {"fake.gameday/netns": self.netns, "fake.gameday/host-ip": self.host_ip},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                         "name": self.deployment["name"], "uid": self.deployment["uid"],
                                         "controller": True, "blockOwnerDeletion": True}]}
        if self.deleting is not None:
            metadata["deletionTimestamp"] = stamp(self.deleting + self.grace)
            metadata["deletionGracePeriodSeconds"] = self.grace
        spec = {"nodeName": "fake-node", "restartPolicy": "Always", "shareProcessNamespace": False,
                "terminationGracePeriodSeconds": 30,
                "containers": [{"name": c.name, "image": "fake/host", "command": c.command,
                                **({"readinessProbe": {"tcpSocket": {"port": c.port}}} if c.port else {})}
                               for c in self.containers]}
        status = {"phase": self.phase, "hostIP": self.host_ip, "podIP": self.ip, "podIPs": [{"ip": self.ip}],
                  "startTime": stamp(self.created), "qosClass": "BestEffort",
                  "conditions": [
                      {"type": "Initialized", "status": "True"},
                      {"type": "Ready", "status": str(ready)},
                      {"type": "ContainersReady", "status": str(ready)},
                      {"type": "PodScheduled", "status": "True"}],
                  "containerStatuses": [c.status(self.deleting is not None) for c in self.containers]}
        if self.ephemerals:
            spec["ephemeralContainers"] = [e.spec() for e in self.ephemerals]
            status["ephemeralContainerStatuses"] = [e.status() for e in self.ephemerals]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}

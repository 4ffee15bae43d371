"""The fake cluster's kubelet, API server and ReplicaSet controller in one single-threaded daemon.

Usage: kubelet.py ROOT OWNER_PID NETNS_PREFIX LINK_PREFIX. Forks into the background, prints the
daemon's pid once it serves, and exits (1 with the reason when it cannot start).

Pods and containers are fakeruntime.py's. The state, rendered as v1 Pods, goes to ROOT/state.json
(atomically, by rename) after every change; kubectl reads it there and asks for changes (delete,
debug) on the unix socket ROOT/kubelet.sock, one JSON line each way. Deployments are JSON files in
ROOT/deployments, reconciled every tick. The daemon is the child subreaper of everything it starts,
and tears everything down on SIGTERM or when its owner (the test process) is gone.
"""
import json
import os
import random
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import uuid

from fakeruntime import Ephemeral, Pod, libc, log

ROOT, OWNER = sys.argv[1], int(sys.argv[2])
STATE = os.path.join(ROOT, "state.json")
SOCKET = os.path.join(ROOT, "kubelet.sock")
DEPLOYMENTS = os.path.join(ROOT, "deployments")
LOGS = os.path.join(ROOT, "logs")
TICK = 0.05
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes uses for generated names


def reap_orphans(tracked):
    """As the child subreaper, this daemon inherits what a container's PID 1 leaves when it dies
    (its namespace's other processes); it reaps them at once, or the dying PID 1 waits for them."""
    me = os.getpid()
    try:
        with open(f"/proc/{me}/task/{me}/children") as children:
            found = [int(pid) for pid in children.read().split()]
    except OSError:
        return
    for pid in found:
        if pid not in tracked:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


# MARK: - The cluster


class Cluster:
    def __init__(self):
        self.pods = []
        self.deployments = {}
        self.written = None

    def find(self, namespace, name):
        return next((pod for pod in self.pods if pod.namespace == namespace and pod.name == name), None)

    def new_name(self, deployment):
        while True:
            name = f"{deployment['name']}-" + "".join(random.choice(NAME_ALPHABET) for _ in range(5))
            if self.find(deployment["namespace"], name) is None:
                return name

    def reconcile(self):
        """The ReplicaSet controller: as many pods not being deleted as replicas, new names and uids
        (extra pods deleted with a one-second grace period; a changed template does not roll pods)."""
        try:
            files = sorted(os.listdir(DEPLOYMENTS))
        except OSError:
            files = []
        for file in files:
            if not file.endswith(".json"):
                continue
            path = os.path.join(DEPLOYMENTS, file)
            mtime = os.stat(path).st_mtime_ns
            known = self.deployments.get(path)
            if known is None or known[0] != mtime:
                with open(path) as text:
                    deployment = json.load(text)
                deployment["uid"] = known[1]["uid"] if known else str(uuid.uuid4())
                self.deployments[path] = (mtime, deployment)
            deployment = self.deployments[path][1]
            active = [pod for pod in self.pods
                      if pod.deployment["uid"] == deployment["uid"] and pod.deleting is None]
            for pod in active[deployment["replicas"]:]:
                pod.delete(1)
            for _ in range(deployment["replicas"] - len(active)):
                pod = Pod(deployment, self.new_name(deployment))
                try:
                    pod.connect()
                except Exception as error:
                    log(f"cannot create pod {pod.name}: {error}")
                    return
                self.pods.append(pod)
                log(f"created pod {pod.name} ({pod.uid}) in {pod.netns} at {pod.ip}")

    def tracked(self):
        return {process.proc.pid for pod in self.pods for process in pod.containers + pod.ephemerals
                if process.proc is not None}

    def tick(self):
        now = time.time()
        reap_orphans(self.tracked())
        self.reconcile()
        for pod in list(self.pods):
            pod.step(now)
            if pod.deleting is not None and pod.stopped:
                pod.disconnect()
                self.pods.remove(pod)
                log(f"removed pod {pod.name}")
        self.write()

    def write(self):
        text = json.dumps({"kubelet": os.getpid(), "pods": [pod.render() for pod in self.pods]}, indent=1)
        if text == self.written:
            return
        temporary = f"{STATE}.{os.getpid()}.tmp"
        with open(temporary, "w") as state:
            state.write(text)
        os.replace(temporary, STATE)
        self.written = text

    # MARK: - Requests from kubectl

    def answer(self, request):
        operation = request.get("op")
        if operation == "delete":
            return self.delete(request)
        if operation == "debug":
            return self.debug(request)
        return {"code": 1, "stderr": f"error: the fake kubelet does not know {operation!r}\n"}

    @staticmethod
    def not_found(name):
        return {"code": 1, "stderr": f'Error from server (NotFound): pods "{name}" not found\n'}

    def delete(self, request):
        pod = self.find(request["namespace"], request["pod"])
        if pod is None:
            return self.not_found(request["pod"])
        pod.delete(request["grace"])
        log(f"deleting pod {pod.name} (grace {request['grace']} s)")
        self.reconcile()
        return {"code": 0, "stdout": f'pod "{pod.name}" deleted\n'}

    def debug(self, request):
        pod = self.find(request["namespace"], request["pod"])
        if pod is None:
            return self.not_found(request["pod"])
        name, target = request["name"], request["target"]
        index = len(pod.ephemerals)
        invalid = f'The Pod "{pod.name}" is invalid: spec.ephemeralContainers[{index}]'
        if name in [c.name for c in pod.containers] + [e.name for e in pod.ephemerals]:
            return {"code": 1, "stderr": f'{invalid}.name: Duplicate value: "{name}"\n'}
        if pod.container(target) is None:
            return {"code": 1, "stderr": f'{invalid}.targetContainerName: Not found: "{target}"\n'}
        pod.ephemerals.append(Ephemeral(name, request["image"], target, request["profile"], request["argv"]))
        log(f"added ephemeral container {name} to {pod.name}")
        return {"code": 0}

    def shutdown(self):
        """SIGKILL to every process of every pod, reaping them (and their orphans) until none is
        left or 5 s have passed; then the namespaces and veths go."""
        deadline = time.time() + 5
        while time.time() < deadline:
            for pod in self.pods:
                pod.kill_everything()
                for process in pod.containers + pod.ephemerals:
                    if process.proc is not None and process.proc.poll() is not None:
                        process.proc = None
            reap_orphans(self.tracked())
            if all(pod.stopped and not pod.processes() for pod in self.pods):
                break
            time.sleep(0.02)
        for pod in self.pods:
            pod.disconnect()
        self.pods = []


def serve(cluster, server):
    connection, _ = server.accept()
    with connection:
        connection.settimeout(5)
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
        try:
            reply = cluster.answer(json.loads(data))
        except Exception:
            log(traceback.format_exc())
            reply = {"code": 1, "stderr": "error: the fake kubelet failed; see kubelet.log\n"}
        cluster.write()
        connection.sendall(json.dumps(reply).encode() + b"\n")


def owner_alive():
    try:
        os.kill(OWNER, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main():
    ready_read, ready_write = os.pipe()
    if os.fork() > 0:
        os.close(ready_write)
        message = b""
        while chunk := os.read(ready_read, 65536):
            message += chunk
        sys.stdout.write(message.decode())
        sys.exit(0 if message.strip().isdigit() else 1)
    os.close(ready_read)
    os.setsid()
    libc.prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(number, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    journal = os.open(os.path.join(ROOT, "kubelet.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(null, 0)
    os.dup2(journal, 1)
    os.dup2(journal, 2)
    system = ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    os.environ["PATH"] = os.environ.get("PATH", "") + system
    cluster = Cluster()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        os.makedirs(DEPLOYMENTS, exist_ok=True)
        os.makedirs(LOGS, exist_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(SOCKET)
        server.listen(64)
        cluster.write()
    except Exception:
        os.write(ready_write, f"the fake kubelet cannot start: {traceback.format_exc()}".encode())
        sys.exit(1)
    os.write(ready_write, f"{os.getpid()}\n".encode())
    os.close(ready_write)
    log(f"serving {ROOT} for process {OWNER}")
    while owner_alive() and not stopping:
        try:
            readable, _, _ = select.select([server], [], [], TICK)
            if readable:
                serve(cluster, server)
            cluster.tick()
        except Exception:
            log(traceback.format_exc())
            time.sleep(TICK)
    log("owner gone or SIGTERM: tearing down")
    cluster.shutdown()
    if not owner_alive():
        shutil.rmtree(ROOT, ignore_errors=True)


main()

"""The fake cluster's kubectl: the subset gameday runs, with real kubectl's messages and exit codes.

Reads the pods from state.json next to it (the kubelet replaces it atomically); asks the kubelet
for deletions and debug containers on kubelet.sock; runs `exec` itself with nsenter into the
namespaces of the container's process. Flags take the `--flag=value` or `--flag value` form.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.abspath(__file__))
CONTEXT = "fake"
VALUE_FLAGS = {"kubeconfig", "context", "namespace", "selector", "field-selector", "output", "container",
               "image",
               "target", "profile", "grace-period", "timeout", "for"}
SHORTHANDS = {"-n": "namespace", "-l": "selector", "-o": "output", "-c": "container"}
GLOBAL_FLAGS = {"kubeconfig", "context", "namespace"}
VERB_FLAGS = {
    "get": {"selector", "field-selector", "output"},
    "exec": {"container", "quiet"},
    "delete": {"grace-period", "wait"},
    "wait": {"for", "timeout"},
    "debug": {"image", "target", "container", "profile", "quiet"},
}
PROFILES = {"legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"}
# What the kubelet answers for a container of the spec that is not running (restarting, or an
# ended ephemeral container): it looks among running containers only. (containerd's "cannot
# exec in a stopped container" is the rarer race of one stopping during the exec.)
STOPPED = 'error: unable to upgrade connection: container not found ("{}")'


class Failure(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.message, self.code = message, code


def not_found(name):
    return Failure(f'Error from server (NotFound): pods "{name}" not found')


# MARK: - Reading the cluster


def load_pods(namespace):
    try:
        with open(os.path.join(ROOT, "state.json")) as state:
            pods = json.load(state)["pods"]
    except FileNotFoundError:
        raise unreachable()
    return [pod for pod in pods if pod["metadata"]["namespace"] == namespace]


def unreachable():
    """What kubectl says when no API server answers: the cluster has been torn down."""
    return Failure("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or "
                   "port?")


def find_pod(namespace, name):
    return next((pod for pod in load_pods(namespace) if pod["metadata"]["name"] == name), None)


def parse_selector(text):
    parts, depth, current = [], 0, ""
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    key = r"([A-Za-z0-9][-A-Za-z0-9_./]*)"
    requirements = []
    for part in (part.strip() for part in parts):
        if match := re.fullmatch(key + r"\s+(in|notin)\s+\(([^)]*)\)", part):
            values = {value.strip() for value in match[3].split(",")}
            requirements.append((match[1], match[2], values))
        elif match := re.fullmatch(key + r"\s*(!=|==|=)\s*([-A-Za-z0-9_.]*)", part):
            requirements.append((match[1], "notin" if match[2] == "!=" else "in", {match[3]}))
        elif match := re.fullmatch(r"!\s*" + key, part):
            requirements.append((match[1], "absent", None))
        elif match := re.fullmatch(key, part):
            requirements.append((match[1], "present", None))
        else:
            raise Failure(f"error: unable to parse requirement: found '{part}', expected: key, !key, "
                          "key=value, key!=value, key in (...) or key notin (...)")
    return requirements


def matches(labels, requirements):
    for key, operator, values in requirements:
        if operator == "in" and labels.get(key) not in values:
            return False
        if operator == "notin" and key in labels and labels[key] in values:
            return False
        if operator == "present" and key not in labels:
            return False
        if operator == "absent" and key in labels:
            return False
    return True


def field_matches(pod, selector):
    for part in filter(None, selector.split(",")):
        match = re.fullmatch(r"(status\.phase|metadata\.name|spec\.nodeName)(!=|==|=)(.*)", part)
        if not match:
            raise Failure('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match '
                          f'label selector "", field selector "{selector}": field label not supported: '
                          f"{part.split('=')[0].rstrip('!')}")
        section, field = match[1].split(".")
        equal = pod[section].get(field) == match[3]
        if equal != (match[2] != "!="):
            return False
    return True


def condition(pod, kind):
    return any(c["type"] == kind and c["status"] == "True" for c in pod["status"].get("conditions", []))


# MARK: - Verbs


def get(namespace, positional, flags):
    if len(positional) < 2:
        raise Failure("error: You must specify the type of resource to get. "
                      "Use \"kubectl api-resources\" for a complete list of supported resources.")
    resource, names = positional[1], positional[2:]
    if "/" in resource:
        resource, name = resource.split("/", 1)
        names = [name] + names
    if resource not in ("pods", "pod", "po"):
        raise Failure(f'error: the server doesn\'t have a resource type "{resource}"')
    output = flags.get("output", "")
    if output not in ("", "json", "name", "wide"):
        raise Failure(f'error: unable to match a printer suitable for the output format "{output}", allowed '
                      "formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
                      "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    if len(names) == 1:
        pod = find_pod(namespace, names[0])
        if pod is None:
            raise not_found(names[0])
        return show([pod], output, single=True)
    pods = load_pods(namespace)
    if names:
        missing = [name for name in names if name not in {pod["metadata"]["name"] for pod in pods}]
        if missing:
            raise not_found(missing[0])
        pods = [pod for pod in pods if pod["metadata"]["name"] in names]
    requirements = parse_selector(flags["selector"]) if "selector" in flags else []
    pods = [pod for pod in pods if matches(pod["metadata"].get("labels", {}), requirements)
            and field_matches(pod, flags.get("field-selector", ""))]
    if not pods and output in ("", "wide"):
        sys.stderr.write(f"No resources found in {namespace} namespace.\n")
        return 0
    return show(pods, output, single=False)


def show(pods, output, single):
    if output == "json":
        document = pods[0] if single else {"apiVersion": "v1", "items": pods, "kind": "List",
                                           "metadata": {"resourceVersion": ""}}
        print(json.dumps(document, indent=4))
    elif output == "name":
        for pod in pods:
            print(f"pod/{pod['metadata']['name']}")
    else:
        rows = [("NAME", "READY", "STATUS", "RESTARTS", "IP")]
        for pod in pods:
            statuses = pod["status"].get("containerStatuses", [])
            ready = sum(1 for status in statuses if status["ready"])
            phase = "Terminating" if "deletionTimestamp" in pod["metadata"] else pod["status"]["phase"]
            rows.append((pod["metadata"]["name"], f"{ready}/{len(statuses)}", phase,
                         str(sum(status["restartCount"] for status in statuses)), pod["status"]["podIP"]))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            print("   ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def process_of(pod, name):
    """The host pid of a running container's process (PID 1, or a debug container's command), or a Failure."""
    spec = pod["spec"]
    names = [c["name"] for c in spec["containers"]] + [c["name"] for c in spec.get("ephemeralContainers", [])]
    if name not in names:
        raise Failure(f"Error from server (BadRequest): container {name} is not valid for pod "
                      f"{pod['metadata']['name']}")
    statuses = pod["status"].get("containerStatuses", []) + pod["status"].get("ephemeralContainerStatuses", [])
    status = next((status for status in statuses if status["name"] == name), {})
    match = re.fullmatch(r"fake://(\d+)/(\d+)", status.get("containerID", ""))
    if "running" in status.get("state", {}) and match:
        parent, pid = int(match[1]), int(match[2])
        try:
            with open(f"/proc/{pid}/stat") as stat:
                text = stat.read()
            fields = text[text.rindex(")") + 2:].split()
            if fields[0] not in "ZX" and int(fields[1]) == parent:
                return pid
        except (OSError, ValueError):
            pass
    raise Failure(STOPPED.format(name))


def exec_(namespace, positional, flags, argv):
    if len(positional) < 2:
        raise Failure("error: pod, type/name or --filename must be specified")
    name = positional[1].removeprefix("pod/").removeprefix("pods/")
    if not argv:
        raise Failure("error: you must specify at least one command for the container")
    pod = find_pod(namespace, name)
    if pod is None:
        raise not_found(name)
    if pod["status"]["phase"] in ("Succeeded", "Failed"):
        raise Failure(f"error: cannot exec into a container in a completed pod; current phase is "
                      f"{pod['status']['phase']}")
    container = flags.get("container")
    if container is None:
        container = pod["spec"]["containers"][0]["name"]
        if len(pod["spec"]["containers"]) > 1 and not flags.get("quiet"):
            others = ", ".join(c["name"] for c in pod["spec"]["containers"])
            sys.stderr.write(f'Defaulted container "{container}" out of: {others}\n')
    pid = process_of(pod, container)
    sys.stdout.flush()
    code = subprocess.call(["nsenter", "--target", str(pid), "--pid", "--mount", "--net", "--", *argv],
                           stdin=subprocess.DEVNULL)
    code = code if code >= 0 else 128 - code
    if code != 0:
        sys.stderr.write(f"command terminated with exit code {code}\n")
    return code


def ask_kubelet(request):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(30)
        try:
            connection.connect(os.path.join(ROOT, "kubelet.sock"))
        except OSError:
            raise unreachable()
        connection.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(65536)
            if not chunk:
                raise Failure("error: unexpected EOF")
            data += chunk
    reply = json.loads(data)
    sys.stdout.write(reply.get("stdout", ""))
    sys.stderr.write(reply.get("stderr", ""))
    return reply["code"]


def delete(namespace, positional, flags):
    targets = positional[1:]
    if len(targets) == 1 and "/" in targets[0]:
        targets = targets[0].split("/", 1)
    if len(targets) != 2 or targets[0] not in ("pod", "pods", "po"):
        raise Failure("error: the fake kubectl deletes one pod: delete pod NAME")
    grace = flags.get("grace-period", "-1")
    if not re.fullmatch(r"-?\d+", grace):
        raise Failure(f'error: invalid argument "{grace}" for "--grace-period" flag: strconv.ParseInt: parsing '
                      f'"{grace}": invalid syntax')
    grace = 30 if int(grace) < 0 else max(1, int(grace))
    code = ask_kubelet({"op": "delete", "namespace": namespace, "pod": targets[1], "grace": grace})
    if code == 0 and flags.get("wait", "true") != "false":
        while find_pod(namespace, targets[1]) is not None:
            time.sleep(0.1)
    return code


def parse_duration(text):
    total, rest = 0.0, text
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    while rest:
        match = re.match(r"(\d+(?:\.\d+)?)(ms|s|m|h)", rest)
        if not match:
            problem = "missing unit" if re.fullmatch(r"[0-9.]+", text) else "invalid"
            raise Failure(f'error: invalid argument "{text}" for "--timeout" flag: time: {problem} in duration '
                          f'"{text}"')
        total += float(match[1]) * units[match[2]]
        rest = rest[match.end():]
    return total


def wait(namespace, positional, flags):
    targets = positional[1:]
    if len(targets) == 1 and "/" in targets[0]:
        targets = targets[0].split("/", 1)
    if len(targets) != 2 or targets[0] not in ("pod", "pods", "po"):
        raise Failure("error: the fake kubectl waits for one pod: wait pod/NAME --for=condition=Ready")
    name = targets[1]
    kind = re.fullmatch(r"condition=([A-Za-z]+)(?:=true)?", flags.get("for", ""))
    if not kind:
        raise Failure(f"error: the fake kubectl waits for --for=condition=TYPE only, not {flags.get('for')!r}")
    deadline = time.time() + parse_duration(flags.get("timeout", "30s"))
    while True:
        pod = find_pod(namespace, name)
        if pod is None:
            raise not_found(name)
        if condition(pod, kind[1]):
            print(f"pod/{name} condition met")
            return 0
        if time.time() >= deadline:
            raise Failure(f"error: timed out waiting for the condition on pods/{name}")
        time.sleep(0.1)


def debug(namespace, positional, flags, argv):
    if len(positional) < 2:
        raise Failure("error: NAME is required for debug")
    name = positional[1].removeprefix("pod/")
    image = flags.get("image")
    if not image:
        raise Failure("error: --image is required")
    profile = flags.get("profile", "legacy")
    if profile not in PROFILES:
        raise Failure(f'error: unknown profile "{profile}"')
    if not argv:
        raise Failure("error: the fake kubectl runs host binaries: give the debug container a command after --")
    container = flags.get("container") or "debugger-" + "".join(
        "bcdfghjklmnpqrstvwxz2456789"[byte % 27] for byte in os.urandom(5))
    if find_pod(namespace, name) is None:
        raise not_found(name)
    target = flags.get("target")
    if target is None:
        raise Failure("error: the fake kubectl needs --target (a debug container shares its target's "
                      "namespaces)")
    code = ask_kubelet({"op": "debug", "namespace": namespace, "pod": name, "name": container, "image": image,
                        "target": target, "profile": profile, "argv": argv})
    if code == 0 and not flags.get("quiet"):
        sys.stderr.write(f'Targeting container "{target}". If you don\'t see processes from this container it '
                         "may be because the container runtime doesn't support this feature.\n")
    return code


# MARK: - The command line


def parse(arguments):
    head, argv = arguments, []
    if "--" in arguments:
        split = arguments.index("--")
        head, argv = arguments[:split], arguments[split + 1:]
    flags, positional, index = {}, [], 0
    while index < len(head):
        argument = head[index]
        index += 1
        if argument.startswith("--"):
            key, equals, value = argument[2:].partition("=")
            if not equals:
                if key in VALUE_FLAGS:
                    if index >= len(head):
                        raise Failure(f"error: flag needs an argument: --{key}")
                    value, index = head[index], index + 1
                else:
                    value = "true"
            flags[key] = value
        elif argument in SHORTHANDS and index < len(head):
            flags[SHORTHANDS[argument]], index = head[index], index + 1
        elif argument.startswith("-") and argument != "-":
            raise Failure(f"error: unknown shorthand flag: '{argument[1]}' in {argument}")
        else:
            positional.append(argument)
    return flags, positional, argv


def main(arguments):
    if arguments == ["--fake-probe"]:
        return 0
    flags, positional, argv = parse(arguments)
    verb = positional[0] if positional else None
    if verb not in VERB_FLAGS:
        raise Failure(f'error: unknown command "{verb}" for "kubectl"' if verb else "error: unknown command")
    for flag in flags:
        if flag not in GLOBAL_FLAGS and flag not in VERB_FLAGS[verb]:
            raise Failure(f"error: unknown flag: --{flag}\nSee 'kubectl {verb} --help' for usage.")
    if "kubeconfig" in flags and not os.path.exists(flags["kubeconfig"]):
        raise Failure(f"error: stat {flags['kubeconfig']}: no such file or directory")
    if flags.get("context", CONTEXT) != CONTEXT:
        raise Failure(f'error: context "{flags["context"]}" does not exist')
    namespace = flags.get("namespace", "default")
    if verb == "get":
        return get(namespace, positional, flags)
    if verb == "exec":
        return exec_(namespace, positional, flags, argv)
    if verb == "delete":
        return delete(namespace, positional, flags)
    if verb == "wait":
        return wait(namespace, positional, flags)
    return debug(namespace, positional, flags, argv)


try:
    sys.exit(main(sys.argv[1:]))
except Failure as failure:
    sys.stdout.flush()
    sys.stderr.write(failure.message + "\n")
    sys.exit(failure.code)

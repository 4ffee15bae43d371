#!/usr/bin/env python3
"""Validates the repository's drill, target and result files against schemas/*.schema.json.

Checks drills/*.yaml and examples/drills/*.yaml with the drill schema, examples/**/*target*.yaml with the target
schema, and the valid fixtures of the Swift tests (a name containing "target" is a
target). Prints one line per file and exits non-zero when a file does not validate, or
when a document known to be wrong is accepted (so the check never passes vacuously).

Needs PyYAML and jsonschema (4.x): pip install pyyaml jsonschema
"""

import datetime
import json
import pathlib
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "GameDayCoreTests" / "Fixtures" / "valid"
MALFORMED = ROOT / "Tests" / "GameDayCoreTests" / "Fixtures" / "malformed"
# Real results; the version-2 ones must follow schemas/result.schema.json (the end-to-end tests check
# every result they produce with scripts/validate-result.py as well).
RESULTS = ROOT / "Tests" / "GameDayCoreTests" / "Fixtures" / "results"

# Files of the loader's malformed corpus whose only problems a JSON Schema cannot express
# (duplicates, cross-references, k <= n, durations above zero, template syntax, a port
# range's from <= to). Every other file of the corpus must be refused by the schema too.
SEMANTIC_ONLY = {
    "bad-template.yaml", "block-port-range-reversed.yaml", "duplicate-fault-name.yaml", "duplicate-key.yaml",
    "duplicate-user-id.yaml", "recovers-on-without-cutover.yaml", "window-k-greater-than-n.yaml",
    "zero-interval.yaml",
}

# Documents each schema must refuse: (schema, why, YAML text).
KNOWN_BAD = [
    ("drill", "unknown key", "drill: x\nprobe: {intreval: 1s, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "bare-number duration", "drill: x\nprobe: {interval: 5, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "empty users", "drill: x\nprobe: {request: {url: u}}\nusers: []\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "both window forms", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\nrecovery: {rto: 5s, window: {consecutive: 5, k: 8}}\n"),
    ("drill", "bad impact", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1, impact: fial}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "missing faults", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\n"),
    ("drill", "key of another kind", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s, interface: eth0}]\n"),
    ("drill", "kill-process without service", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u}]\n"),
    ("drill", "block-port without service or ports", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: block-port, unit: u}]\n"),
    ("drill", "proxy rate as a tc rate", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: proxy, unit: u, proxy: p, toxic: bandwidth, rate: 1mbit}]\n"),
    ("drill", "bandwidth rate as KB/s", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: bandwidth, unit: u, interface: eth0, rate: 100}]\n"),
    ("drill", "latency toxic without latency", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: proxy, unit: u, proxy: p, toxic: latency, jitter: 5ms}]\n"),
    ("drill", "peer that is a host name", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: block-port, unit: u, ports: 1, peer: gateway.local}]\n"),
    ("target", "two process locators", "target: t\ngateway: {url: 'http://g'}\ncontrol_plane: {url: 'http://c'}\nrouting: {ranges: [{from: 0, to: 9, unit: a}]}\nunits: {a: {services: {s: {process: {pid_file: p, port: 1}}}}}\n"),
    ("target", "token with env and file", "target: t\ngateway: {url: 'http://g'}\ncontrol_plane: {url: 'http://c', token: {env: E, file: f}}\nrouting: {ranges: [{from: 0, to: 9, unit: a}]}\nunits: {a: {}}\n"),
    ("target", "negative range start", "target: t\ngateway: {url: 'http://g'}\ncontrol_plane: {url: 'http://c'}\nrouting: {ranges: [{from: -1, to: 9, unit: a}]}\nunits: {a: {}}\n"),
]

# Changes that make a real version-2 result wrong: (why, change).
KNOWN_BAD_RESULTS = [
    ("an older schema version", lambda d: d.update(schema_version=1)),
    ("an unknown top-level key", lambda d: d.update(raw_samples="samples.ndjson")),
    ("an unknown outcome", lambda d: d.update(outcome="passed")),
    ("a verdict without a status", lambda d: d["verdicts"][0].pop("status")),
    ("an RTO without its goal", lambda d: d["rto"].pop("goal_ms")),
    ("a bucket count below zero", lambda d: d["groups"][0]["buckets"][0].update(ok=-1)),
]


def jsonable(value):
    """YAML loads mapping keys as ints (overrides) and some scalars as dates; JSON has strings."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def load_validator(name):
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    return ["/".join(str(part) for part in error.absolute_path) + ": " + error.message for error in errors]


def main():
    validators = {"drill": load_validator("drill"), "target": load_validator("target"), "result": load_validator("result")}
    files = [("drill", path) for path in sorted(ROOT.glob("drills/*.yaml"))]
    files += [("target", path) for path in sorted(ROOT.glob("examples/**/*target*.yaml"))]
    files += [("drill", path) for path in sorted(ROOT.glob("examples/drills/*.yaml"))]
    files += [("target" if "target" in path.name else "drill", path) for path in sorted(FIXTURES.glob("*.yaml"))]

    failed = 0
    files += [("result", path) for path in sorted(RESULTS.glob("v2-*.json"))]
    for kind, path in files:
        relative = path.relative_to(ROOT)
        try:
            document = jsonable(yaml.safe_load(path.read_text()))
        except yaml.YAMLError as error:
            print(f"FAIL {relative} ({kind}): not YAML: {error}")
            failed += 1
            continue
        found = problems(validators[kind], document)
        if found:
            failed += 1
            print(f"FAIL {relative} ({kind}): " + "; ".join(found))
        else:
            print(f"ok   {relative} ({kind})")

    for kind, why, text in KNOWN_BAD:
        if problems(validators[kind], jsonable(yaml.safe_load(text))):
            print(f"ok   known-bad {kind} ({why}) is rejected")
        else:
            failed += 1
            print(f"FAIL known-bad {kind} ({why}) is accepted: the schema is too loose")

    for why, change in KNOWN_BAD_RESULTS:
        document = json.loads((RESULTS / "v2-order-unit-failure.json").read_text())
        change(document)
        if problems(validators["result"], document):
            print(f"ok   known-bad result ({why}) is rejected")
        else:
            failed += 1
            print(f"FAIL known-bad result ({why}) is accepted: the schema is too loose")

    malformed = sorted(MALFORMED.glob("*.yaml"))
    for path in malformed:
        kind = "target" if path.name.startswith("target-") else "drill"
        try:
            refused = bool(problems(validators[kind], jsonable(yaml.safe_load(path.read_text()))))
        except yaml.YAMLError:
            refused = True
        if path.name in SEMANTIC_ONLY:
            continue
        if refused:
            print(f"ok   {path.relative_to(ROOT)} ({kind}) is rejected")
        else:
            failed += 1
            print(f"FAIL {path.relative_to(ROOT)} ({kind}) is accepted: the schema is looser than the loader")

    print(f"{len(files)} files, {len(KNOWN_BAD) + len(KNOWN_BAD_RESULTS)} known-bad documents, {len(malformed)} malformed files, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Validates the repository's drill, target and result files against schemas/*.schema.json.

Checks drills/*.yaml and examples/drills/*.yaml with the drill schema, gamedays/*.yaml with the game-day schema, examples/**/*target*.yaml with the target
schema, the valid fixtures of the Swift tests (a name containing "target" is a
target), and the version-2 and version-3 result fixtures with the result schema. Prints one
line per file and exits non-zero when a file does not validate, when a document known to be
wrong is accepted (so the check never passes vacuously), or when a property anywhere in
schemas/result.schema.json has no description (each is named by its JSON pointer).

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
# Real results; the version-2 and version-3 ones must follow schemas/result.schema.json (the end-to-end
# tests check every result they produce with scripts/validate-result.py as well).
RESULTS = ROOT / "Tests" / "GameDayCoreTests" / "Fixtures" / "results"
RESULT_VERSIONS = ("v2-*.json", "v3-*.json")

# Files of the loader's malformed corpus whose only problems a JSON Schema cannot express
# (duplicates, cross-references, k <= n, durations above zero, a minimum or at most 24h, template
# syntax, a port range's from <= to, how far aliases expand, how deep values nest). Every other file of
# the corpus must be refused by the schema too. These are not even loaded: PyYAML would expand
# alias-expansion.yaml and alias-long-scalar.yaml in full and recurse past Python's limit on deep-nesting.yaml.
SEMANTIC_ONLY = {
    "bad-template.yaml", "block-port-range-reversed.yaml", "duplicate-fault-name.yaml", "duplicate-key.yaml",
    "duplicate-user-id.yaml", "recovers-on-without-cutover.yaml", "window-k-greater-than-n.yaml",
    "zero-interval.yaml", "interval-below-engine.yaml", "huge-duration.yaml", "alias-expansion.yaml",
    "alias-long-scalar.yaml",
    "deep-nesting.yaml", "faults-on-two-units.yaml", "focus-interval-not-finer.yaml",
}

# Documents each schema must refuse: (schema, why, YAML text).
KNOWN_BAD = [
    ("gameday", "unknown stop policy", "gameday: g\nstop_on: always\ndrills: [{drill: d.yaml}]\n"),
    ("gameday", "no drills", "gameday: g\ndrills: []\n"),
    ("gameday", "unknown key of a drill", "gameday: g\ndrills: [{drill: d.yaml, wait: 5s}]\n"),
    ("drill", "unknown key", "drill: x\nprobe: {intreval: 1s, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "bare-number duration", "drill: x\nprobe: {interval: 5, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "bare-number focus interval", "drill: x\nprobe: {focus_interval: 10, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "focus interval on", "drill: x\nprobe: {focus_interval: on, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
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
    ("drill", "a routing key of 257 characters", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: " + "k" * 257 + "}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "a window of more than 10000 probes", "drill: x\nprobe: {request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\nguardrail: {consecutive: 10001}\n"),
    ("drill", "unit_header and unit_from", "drill: x\nprobe: {unit_header: X-Unit, unit_from: {body: /unit}, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "unit_from with header and body", "drill: x\nprobe: {unit_from: {header: X-Unit, body: /unit}, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "unit_from with neither", "drill: x\nprobe: {unit_from: {}, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "a JSON Pointer without its '/'", "drill: x\nprobe: {unit_from: {body: unit}, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("drill", "a JSON Pointer with a bad escape", "drill: x\nprobe: {unit_from: {body: /a~2b}, request: {url: u}}\nusers: [{id: 1}]\nfaults: [{name: a, kind: kill-process, unit: u, service: s}]\n"),
    ("target", "a modulo past 10^9", "target: t\ngateway: {url: 'http://g'}\ncontrol_plane: {url: 'http://c'}\nrouting: {modulo: 1000000001, ranges: [{from: 0, to: 9, unit: a}]}\nunits: {a: {}}\n"),
    ("target", "negative range start", "target: t\ngateway: {url: 'http://g'}\ncontrol_plane: {url: 'http://c'}\nrouting: {ranges: [{from: -1, to: 9, unit: a}]}\nunits: {a: {}}\n"),
]

# Changes that make a real result wrong: (fixture, why, change).
V2 = "v2-order-unit-failure.json"
V3 = "v3-storefront-strong-dependency.json"
KNOWN_BAD_RESULTS = [
    (V2, "an older schema version", lambda d: d.update(schema_version=1)),
    (V2, "an unknown top-level key", lambda d: d.update(raw_samples="samples.ndjson")),
    (V2, "an unknown outcome", lambda d: d.update(outcome="passed")),
    (V2, "a verdict without a status", lambda d: d["verdicts"][0].pop("status")),
    (V2, "an RTO without its goal", lambda d: d["rto"].pop("goal_ms")),
    (V2, "a bucket count below zero", lambda d: d["groups"][0]["buckets"][0].update(ok=-1)),
    (V3, "a newer schema version", lambda d: d.update(schema_version=5)),
    (V3, "an unknown rollback check outcome", lambda d: d["rollback_check"].update(outcome="maybe")),
    (V3, "a rollback check without an outcome", lambda d: d["rollback_check"].pop("outcome")),
    (V3, "inject with an unknown member", lambda d: d["inject"].update(apply_ms=1.0)),
    (V3, "inject without prepare_ms", lambda d: d["inject"].pop("prepare_ms")),
    (V3, "a fault's effect_ms as text", lambda d: d["faults"][0].update(effect_ms="3.884")),
    (V3, "interrupted_ms as text", lambda d: d.update(interrupted_ms="+2302ms")),
    (V3, "observed_ms on a moment no probe marks", lambda d: d["timeline"]["fault"].update(observed_ms=1.0)),
    (V3, "observed_ms without observed_at", lambda d: d["timeline"]["detect"].pop("observed_at")),
    (V3, "an unknown verdict status", lambda d: d["verdicts"][0].update(status="not-reached")),
]


def undescribed(schema, pointer=""):
    """JSON pointers of every property (a member of a `properties` object, at any depth, `$defs`
    included) whose schema has no non-empty `description`."""
    missing = []
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            missing += undescribed(item, f"{pointer}/{index}")
        return missing
    if not isinstance(schema, dict):
        return missing
    for key, value in schema.items():
        here = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
        if key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            # Maps of names to schemas: every entry is a schema; under `properties` (and
            # `patternProperties`) it must say what it is.
            if not isinstance(value, dict):
                continue
            for name, member in value.items():
                where = f"{here}/{name.replace('~', '~0').replace('/', '~1')}"
                described = isinstance(member, dict) and isinstance(member.get("description"), str)
                if key in ("properties", "patternProperties") and not (
                    described and member["description"].strip()
                ):
                    missing.append(where)
                missing += undescribed(member, where)
        elif key in ("enum", "const", "required", "examples", "default", "dependentRequired"):
            continue  # values, not schemas
        elif isinstance(value, (dict, list)):
            missing += undescribed(value, here)
    return missing


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
    validators = {kind: load_validator(kind) for kind in ("drill", "target", "result", "gameday")}
    files = [("drill", path) for path in sorted(ROOT.glob("drills/*.yaml"))]
    files += [("gameday", path) for path in sorted(ROOT.glob("gamedays/*.yaml"))]
    files += [("target", path) for path in sorted(ROOT.glob("examples/**/*target*.yaml"))]
    files += [("drill", path) for path in sorted(ROOT.glob("examples/drills/*.yaml"))]
    files += [("target" if "target" in path.name else "drill", path) for path in sorted(FIXTURES.glob("*.yaml"))]

    failed = 0
    results = [("result", path) for pattern in RESULT_VERSIONS for path in sorted(RESULTS.glob(pattern))]
    for pattern in RESULT_VERSIONS:
        if not list(RESULTS.glob(pattern)):
            failed += 1
            print(f"FAIL no result fixture {pattern} under {RESULTS.relative_to(ROOT)}")
    files += results
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

    for fixture, why, change in KNOWN_BAD_RESULTS:
        document = json.loads((RESULTS / fixture).read_text())
        change(document)
        if problems(validators["result"], document):
            print(f"ok   known-bad result ({why}, from {fixture}) is rejected")
        else:
            failed += 1
            print(f"FAIL known-bad result ({why}, from {fixture}) is accepted: the schema is too loose")

    # Every property of the result schema says what it is, its unit and, for a time, its origin.
    result_schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    missing = undescribed(result_schema)
    for pointer in missing:
        failed += 1
        print(f"FAIL schemas/result.schema.json#{pointer}: the property has no description")
    if not missing:
        print("ok   every property of schemas/result.schema.json has a description")

    malformed = sorted(MALFORMED.glob("*.yaml"))
    for path in malformed:
        if path.name in SEMANTIC_ONLY:
            continue
        kind = "target" if path.name.startswith("target-") else "drill"
        try:
            refused = bool(problems(validators[kind], jsonable(yaml.safe_load(path.read_text()))))
        except yaml.YAMLError:
            refused = True
        if refused:
            print(f"ok   {path.relative_to(ROOT)} ({kind}) is rejected")
        else:
            failed += 1
            print(f"FAIL {path.relative_to(ROOT)} ({kind}) is accepted: the schema is looser than the loader")

    print(f"{len(files)} files, {len(KNOWN_BAD) + len(KNOWN_BAD_RESULTS)} known-bad documents, {len(malformed)} malformed files, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

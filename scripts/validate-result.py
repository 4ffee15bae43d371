#!/usr/bin/env python3
"""Validates result.json files against schemas/result.schema.json with a real JSON Schema validator.

Usage: scripts/validate-result.py RESULT.json...

Prints one line per file ("ok: PATH" or the problems, each with its JSON path) and exits 1 when any
file does not validate. The end-to-end tests run it on the result of every drill they run.
Needs jsonschema 4.x (scripts/setup.sh installs it).
"""

import json
import pathlib
import sys

import jsonschema

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "schemas" / "result.schema.json"


def validator():
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def problems(check, document):
    errors = sorted(check.iter_errors(document), key=lambda error: list(error.absolute_path))
    return ["/".join(str(part) for part in error.absolute_path) + ": " + error.message for error in errors]


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    check = validator()
    failed = 0
    for path in paths:
        try:
            document = json.loads(pathlib.Path(path).read_text())
        except (OSError, ValueError) as error:
            print(f"FAIL: {path}: {error}")
            failed += 1
            continue
        found = problems(check, document)
        if found:
            failed += 1
            print(f"FAIL: {path}")
            for problem in found:
                print(f"  {problem}")
        else:
            print(f"ok: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

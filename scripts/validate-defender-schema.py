#!/usr/bin/env python3
"""Strictly validate FleetAudit output files against botocore's AWS IoT service model.

FleetAudit writes JSON in exactly the shape the AWS CLI prints for Device Defender API
operations (``audit-task.json`` = ``DescribeAuditTaskResponse`` plus ``taskId``,
``findings.json`` = ``ListAuditFindingsResponse``, ...). This script checks a file against
one named shape of the service model shipped with botocore, recursively and strictly:
unknown members, missing required members, wrong JSON types, enum values, patterns,
length and range limits, and nulls are all violations.

Usage:
    validate-defender-schema.py --shape SHAPE [--allow-extra MEMBER]... [--service iot]
                                [--timestamps iso|epoch|any] [--jsonl] FILE [FILE ...]

Exit status: 0 valid; 1 at least one violation; 2 usage problem (bad arguments, unknown
service or shape, unreadable or non-JSON file, internal error); 3 botocore is not installed.
Each violation is one line on stderr: ``FILE: $.path.to.member: problem``
(``FILE:LINE: $.path: problem`` with ``--jsonl``).
"""

import argparse
import base64
import binascii
import datetime
import difflib
import json
import math
import re
import sys
import warnings

PROG = "validate-defender-schema"

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NO_BOTOCORE = 3

NO_BOTOCORE_MESSAGE = f"{PROG}: botocore is not installed (pip install botocore)"

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# Java's POSIX character classes (ASCII-only unless UNICODE_CHARACTER_CLASS is set), as the
# body of a Python character class. Unicode categories (\p{L}, \p{C}, ...) have no python `re`
# equivalent; patterns using them are skipped with a note.
JAVA_POSIX_CLASSES = {
    "Lower": r"a-z",
    "Upper": r"A-Z",
    "ASCII": r"\x00-\x7f",
    "Alpha": r"a-zA-Z",
    "Digit": r"0-9",
    "Alnum": r"a-zA-Z0-9",
    "Punct": r"\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e",
    "Graph": r"\x21-\x7e",
    "Print": r"\x20-\x7e",
    "Blank": r" \t",
    "Cntrl": r"\x00-\x1f\x7f",
    "XDigit": r"0-9a-fA-F",
    "Space": r" \t\n\x0b\f\r",
}

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UsageError(Exception):
    """A problem that prevents validation (exit 2)."""


def translate_java_pattern(pattern):
    """Rewrite a Java regex into python `re` syntax.

    Returns ``(python_pattern, None)``, or ``(None, reason)`` when the pattern uses Java
    syntax python cannot express faithfully (Unicode categories, nested classes).
    """
    out = []
    i = 0
    in_class = False
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return None, "trailing backslash"
            nxt = pattern[i + 1]
            if nxt in "pP":
                m = re.match(r"\{(\w+)\}|([A-Za-z])", pattern[i + 2 :])
                if not m:
                    return None, f"malformed \\{nxt} escape"
                name = m.group(1) or m.group(2)
                body = JAVA_POSIX_CLASSES.get(name)
                if body is None:
                    return None, f"\\{nxt}{{{name}}} has no python re equivalent"
                if in_class:
                    if nxt == "P":
                        return None, f"\\P{{{name}}} inside a character class"
                    out.append(body)
                else:
                    out.append(("[^" if nxt == "P" else "[") + body + "]")
                i += 2 + m.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "[":
                return None, "nested character class (Java class union)"
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out), None


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def child_path(path, key):
    if IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def short(value, limit=80):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ShapeValidator:
    """Validates decoded JSON values against the shapes of one botocore service model."""

    def __init__(self, shapes, timestamps="iso", note=None):
        self.shapes = shapes
        self.timestamps = timestamps
        self.note = note or (lambda message: None)
        self._patterns = {}

    def validate(self, value, shape_name, allow_extra=()):
        """Return a list of ``(path, problem)`` for every violation in ``value``."""
        errors = []
        self._check(value, shape_name, "$", errors, frozenset(allow_extra))
        return errors

    # -- dispatch -------------------------------------------------------------------------

    def _check(self, value, shape_name, path, errors, allow_extra=frozenset()):
        shape = self.shapes.get(shape_name)
        if shape is None:
            errors.append((path, f"model references unknown shape {shape_name}"))
            return
        if value is None:
            errors.append((path, f"null is not allowed ({shape_name})"))
            return
        kind = shape.get("type")
        check = getattr(self, f"_check_{kind}", None)
        if check is None:
            errors.append((path, f"shape {shape_name} has type {kind!r}, which this validator does not support"))
            return
        if kind == "structure":
            check(value, shape_name, shape, path, errors, allow_extra)
        else:
            check(value, shape_name, shape, path, errors)

    def _wrong_type(self, expected, value, shape_name, path, errors):
        errors.append((path, f"expected {expected} ({shape_name}), got {json_type(value)} {short(value)}"))

    # -- aggregates -----------------------------------------------------------------------

    def _check_structure(self, value, shape_name, shape, path, errors, allow_extra):
        if not isinstance(value, dict):
            self._wrong_type("object", value, shape_name, path, errors)
            return
        if shape.get("document"):
            return
        members = shape.get("members", {})
        for key, member_value in value.items():
            member = members.get(key)
            if member is not None:
                self._check(member_value, member["shape"], child_path(path, key), errors)
            elif key in allow_extra:
                if member_value is None:
                    errors.append((child_path(path, key), "null is not allowed (--allow-extra member)"))
            else:
                hint = difflib.get_close_matches(key, members, n=1)
                suffix = f"; did you mean '{hint[0]}'?" if hint else ""
                errors.append((child_path(path, key), f"unknown member '{key}' (not in {shape_name}){suffix}"))
        for name in shape.get("required", []):
            if name not in value:
                errors.append((path, f"missing required member '{name}' of {shape_name}"))
        if shape.get("union"):
            present = [k for k in value if k in members]
            if len(present) != 1:
                errors.append((path, f"union {shape_name} must set exactly one member, found {len(present)}"))

    def _check_size(self, size, what, shape_name, shape, path, errors):
        if "min" in shape and size < shape["min"]:
            errors.append((path, f"{what} {size} is less than min {shape['min']} ({shape_name})"))
        if "max" in shape and size > shape["max"]:
            errors.append((path, f"{what} {size} is greater than max {shape['max']} ({shape_name})"))

    def _check_list(self, value, shape_name, shape, path, errors):
        if not isinstance(value, list):
            self._wrong_type("array", value, shape_name, path, errors)
            return
        self._check_size(len(value), "array length", shape_name, shape, path, errors)
        element_shape = shape["member"]["shape"]
        for index, element in enumerate(value):
            self._check(element, element_shape, f"{path}[{index}]", errors)

    def _check_map(self, value, shape_name, shape, path, errors):
        if not isinstance(value, dict):
            self._wrong_type("object", value, shape_name, path, errors)
            return
        self._check_size(len(value), "entry count", shape_name, shape, path, errors)
        key_shape = shape["key"]["shape"]
        value_shape = shape["value"]["shape"]
        for key, entry in value.items():
            entry_path = child_path(path, key)
            key_errors = []
            self._check(key, key_shape, entry_path, key_errors)
            errors.extend((p, f"map key: {problem}") for p, problem in key_errors)
            self._check(entry, value_shape, entry_path, errors)

    # -- scalars --------------------------------------------------------------------------

    def _check_string(self, value, shape_name, shape, path, errors):
        if not isinstance(value, str):
            self._wrong_type("string", value, shape_name, path, errors)
            return
        enum = shape.get("enum")
        if enum is not None and value not in enum:
            errors.append((path, f"{short(value)} is not one of {shape_name}: {', '.join(enum)}"))
        self._check_size(len(value), "string length", shape_name, shape, path, errors)
        pattern = shape.get("pattern")
        if pattern is not None:
            regex = self._compiled(pattern, shape_name)
            if regex is not None and regex.fullmatch(value) is None:
                errors.append((path, f"{short(value)} does not match pattern {pattern} ({shape_name})"))

    def _compiled(self, pattern, shape_name):
        if pattern in self._patterns:
            return self._patterns[pattern]
        translated, reason = translate_java_pattern(pattern)
        regex = None
        if reason is None:
            try:
                with warnings.catch_warnings():
                    # python warns (FutureWarning) where Java set syntax would differ.
                    warnings.simplefilter("error", FutureWarning)
                    regex = re.compile(translated, re.ASCII)  # Java's \w \d \s are ASCII
            except (re.error, FutureWarning) as error:
                reason = str(error)
        if regex is None:
            self.note(f"pattern {pattern} of {shape_name} cannot be checked with python re ({reason}); pattern skipped")
        self._patterns[pattern] = regex
        return regex

    def _check_integer(self, value, shape_name, shape, path, errors, bounds=INT32, kind="integer"):
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(f"JSON integer ({kind})", value, shape_name, path, errors)
            return
        if not bounds[0] <= value <= bounds[1]:
            errors.append((path, f"{value} is out of range for {kind} ({shape_name})"))
        self._check_size(value, "value", shape_name, shape, path, errors)

    def _check_long(self, value, shape_name, shape, path, errors):
        self._check_integer(value, shape_name, shape, path, errors, bounds=INT64, kind="long")

    def _check_double(self, value, shape_name, shape, path, errors):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._wrong_type("number", value, shape_name, path, errors)
            return
        if isinstance(value, float) and not math.isfinite(value):
            errors.append((path, f"number {value} is not finite ({shape_name})"))
            return
        self._check_size(value, "value", shape_name, shape, path, errors)

    _check_float = _check_double

    def _check_boolean(self, value, shape_name, shape, path, errors):
        if not isinstance(value, bool):
            self._wrong_type("boolean", value, shape_name, path, errors)

    def _check_blob(self, value, shape_name, shape, path, errors):
        if not isinstance(value, str):
            self._wrong_type("base64 string", value, shape_name, path, errors)
            return
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            errors.append((path, f"not valid base64 ({shape_name})"))

    def _check_timestamp(self, value, shape_name, shape, path, errors):
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number and self.timestamps in ("epoch", "any"):
            if isinstance(value, float) and not math.isfinite(value):
                errors.append((path, f"epoch timestamp {value} is not finite ({shape_name})"))
            return
        if isinstance(value, str) and self.timestamps in ("iso", "any"):
            try:
                parsed = datetime.datetime.fromisoformat(value)
            except ValueError:
                errors.append((path, f"{short(value)} is not an ISO 8601 timestamp ({shape_name})"))
                return
            if parsed.tzinfo is None:
                errors.append((path, f"{short(value)} lacks a time with UTC offset, e.g. +00:00 ({shape_name})"))
            return
        expected = {
            "iso": "ISO 8601 timestamp string (--timestamps epoch|any accepts epoch numbers)",
            "epoch": "epoch number (--timestamps iso|any accepts ISO 8601 strings)",
            "any": "ISO 8601 timestamp string or epoch number",
        }[self.timestamps]
        self._wrong_type(expected, value, shape_name, path, errors)


# -- loading ----------------------------------------------------------------------------


def _reject_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate object member {json.dumps(key)}")
        result[key] = value
    return result


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text):
    return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None


def load_shapes(service):
    try:
        from botocore.loaders import Loader
    except ImportError:
        return None
    try:
        model = Loader().load_service_model(service, "service-2")
    except Exception as error:  # UnknownServiceError, DataNotFoundError, corrupt data
        raise UsageError(f"{PROG}: cannot load service model '{service}': {error}") from None
    return model


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="validate-defender-schema.py",
        description="Strictly validate JSON files against a shape of botocore's AWS service model.",
        epilog="Exit status: 0 valid, 1 violations, 2 usage problem, 3 botocore not installed.",
    )
    parser.add_argument("--shape", required=True, help="model shape name, e.g. DescribeAuditTaskResponse")
    parser.add_argument(
        "--allow-extra",
        action="append",
        default=[],
        metavar="MEMBER",
        help="top-level member allowed beyond the shape (repeatable), e.g. --allow-extra taskId",
    )
    parser.add_argument("--service", default="iot", help="botocore service name (default: iot)")
    parser.add_argument(
        "--timestamps",
        choices=("iso", "epoch", "any"),
        default="iso",
        help="accepted timestamp form: ISO 8601 string with UTC offset, epoch number, or either (default: iso)",
    )
    parser.add_argument("--jsonl", action="store_true", help="FILE is JSON Lines; validate every line")
    parser.add_argument("files", nargs="+", metavar="FILE")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    model = load_shapes(args.service)
    if model is None:
        print(NO_BOTOCORE_MESSAGE, file=sys.stderr)
        return EXIT_NO_BOTOCORE

    shapes = model["shapes"]
    if args.shape not in shapes:
        hints = difflib.get_close_matches(args.shape, shapes, n=3)
        suffix = f" (did you mean: {', '.join(hints)}?)" if hints else ""
        api = model.get("metadata", {}).get("apiVersion", "?")
        print(f"{PROG}: unknown shape '{args.shape}' in {args.service} {api}{suffix}", file=sys.stderr)
        return EXIT_USAGE

    def note(message):
        print(f"{PROG}: note: {message}", file=sys.stderr)

    validator = ShapeValidator(shapes, timestamps=args.timestamps, note=note)
    usage_problem = False
    invalid = False

    def report(location, errors):
        for path, problem in errors:
            print(f"{location}: {path}: {problem}", file=sys.stderr)
        return bool(errors)

    for path in args.files:
        try:
            text = read_text(path)
        except UsageError as error:
            print(error, file=sys.stderr)
            usage_problem = True
            continue
        if not args.jsonl:
            try:
                document = parse_json(text)
            except ValueError as error:
                print(f"{path}: not JSON: {error}", file=sys.stderr)
                usage_problem = True
                continue
            invalid |= report(path, validator.validate(document, args.shape, args.allow_extra))
            continue
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the last record
        if not lines:
            note(f"{path}: no JSON Lines records")
        for number, line in enumerate(lines, start=1):
            location = f"{path}:{number}"
            try:
                document = parse_json(line)
            except ValueError as error:
                print(f"{location}: not JSON: {error}", file=sys.stderr)
                usage_problem = True
                continue
            invalid |= report(location, validator.validate(document, args.shape, args.allow_extra))

    if usage_problem:
        return EXIT_USAGE
    return EXIT_INVALID if invalid else EXIT_VALID


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UsageError as error:
        print(error, file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except Exception:  # never let an internal error look like a pass or a plain violation
        import traceback

        traceback.print_exc()
        print(f"{PROG}: internal error; validation incomplete", file=sys.stderr)
        sys.exit(EXIT_USAGE)

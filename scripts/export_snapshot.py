#!/usr/bin/env python3
"""Export a FleetAudit snapshot of one AWS account and region (read-only AWS API calls).

Writes the directory format of ``docs/snapshot-format.md``: one file per AWS CLI command
output (``policies.json`` = every ``aws iot get-policy-version``, ``certificates.json`` = every
``aws iot describe-certificate``, ...), then ``manifest.json`` last, so a directory without a
manifest is recognisably a partial export. Entry point: ``scripts/export-snapshot.sh``; details
in ``docs/exporter.md``.

* Only read calls (List*, Describe*, Get*, plus IAM's GenerateServiceLastAccessedDetails, which
  starts a report job and changes nothing). Nothing that creates keys; no private key, secret or
  session token is ever written (``keyPair``, ``PrivateKey``, ``SecretAccessKey``, ... members are
  dropped from every response before writing, should an API ever return one).
* Per-item calls (describe-certificate, get-policy-version, ...) run on ``--parallel`` threads;
  results are written in listing order, streamed, so memory stays flat for large fleets.
* Every list call is paginated. Throttling and transient errors are retried by botocore
  (``adaptive`` mode, 3 attempts, unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS or the profile say
  otherwise); throttling that outlasts those attempts is retried again here with exponential
  backoff and jitter (up to 6 more rounds, at most 60 s apart).
* An API that cannot be called (AccessDenied, not implemented by the endpoint, ...) does not stop
  the export: its file is not written and is listed in the manifest's ``unavailable`` with the
  reason; files that depend on it are listed too. A file the account simply has nothing for is
  written with an empty array. ``v2-logging-options.json`` is neither written nor listed when the
  API answers NotConfiguredException (v2 logging never configured).
* Timestamps are written as the AWS CLI v2 prints them with TZ=UTC (ISO 8601,
  ``2026-11-26T08:00:00.123000+00:00``); JSON with 4-space indentation, UTF-8, a final newline.
* Each file is written under a temporary name and renamed into place.

Exit status: 0 everything collected; 1 the export completed but some files are listed
unavailable; 2 nothing exported (no credentials, the account cannot be identified, --out unusable);
64 usage error; 130 interrupted (no manifest written).
"""

import argparse
import collections
import concurrent.futures
import datetime as dt
import json
import os
import random
import re
import sys
import threading
import time

PROG = "export-snapshot"

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_FATAL = 2
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130

# The AWS IoT v2 log group (v1 logs are plain text and carry no connection events in JSON).
IOT_LOG_GROUP = "AWSIotLogsV2"
IOT_LOG_FILE = "iot-logs/AWSIotLogsV2.jsonl"
# How the manifest names the logs when they cannot be exported: the folder, as fleet-audit's
# connection checks look it up (`iot-logs`, `iot-logs/` or `iot-logs/*`).
IOT_LOG_FOLDER = "iot-logs/"
CONNECTION_EVENTS = ("Connect", "Disconnect")
CONNECTION_FILTER = '{ ($.eventType = "Connect") || ($.eventType = "Disconnect") }'

# Members never written, whatever API returns them.
SECRET_MEMBERS = frozenset(
    {
        "keyPair",
        "KeyPair",
        "privateKey",
        "PrivateKey",
        "secretAccessKey",
        "SecretAccessKey",
        "SecretKey",
        "sessionToken",
        "SessionToken",
    }
)

# Error codes that mean "slow down" (not resource limits such as IoT's LimitExceededException).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException"})

OUTER_THROTTLE_ROUNDS = 6
OUTER_THROTTLE_CAP_SECONDS = 60.0
SERVICE_LAST_ACCESSED_TIMEOUT_SECONDS = 300.0


class Unavailable(Exception):
    """A file that cannot be collected; ``reason`` goes to the manifest."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class ItemVanished(Exception):
    """A listed resource was deleted before its describe call: it is skipped, not an error."""


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# JSON output


def utc_iso(value):
    """A datetime as the AWS CLI v2 prints it with TZ=UTC (``isoformat`` of the UTC time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat()


def clean(value):
    """Drops ResponseMetadata and secret members; datetimes become ISO 8601 UTC strings."""
    if isinstance(value, dict):
        return {
            key: clean(member)
            for key, member in value.items()
            if key not in SECRET_MEMBERS and key != "ResponseMetadata"
        }
    if isinstance(value, (list, tuple)):
        return [clean(member) for member in value]
    if isinstance(value, dt.datetime):
        return utc_iso(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def json_text(value):
    return json.dumps(clean(value), indent=4, ensure_ascii=False)


class AtomicFile:
    """A file written under a temporary name in the same directory and renamed on commit."""

    def __init__(self, directory, name):
        self.path = os.path.join(directory, name)
        folder = os.path.dirname(self.path)
        self.created_folder = folder if not os.path.isdir(folder) else None
        os.makedirs(folder, exist_ok=True)
        head, tail = os.path.split(self.path)
        self.temporary = os.path.join(head, f".{tail}.partial-{os.getpid()}")
        self.handle = open(self.temporary, "w", encoding="utf-8")

    def write(self, text):
        self.handle.write(text)

    def commit(self):
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temporary, self.path)

    def abort(self):
        try:
            self.handle.close()
        finally:
            try:
                os.unlink(self.temporary)
            except FileNotFoundError:
                pass
            if self.created_folder:  # an empty iot-logs/ would read as "no connections"
                try:
                    os.rmdir(self.created_folder)
                except OSError:
                    pass


def write_json(directory, name, value):
    out = AtomicFile(directory, name)
    try:
        out.write(json_text(value) + "\n")
    except BaseException:
        out.abort()
        raise
    out.commit()


def write_array_file(directory, name, key, elements):
    """Writes ``{"key": [elements...]}`` element by element, byte-identical to
    ``json.dumps(..., indent=4)``; ``elements`` may be a generator. Returns the count. If the
    generator raises, nothing is left behind."""
    out = AtomicFile(directory, name)
    count = 0
    try:
        out.write("{\n    " + json.dumps(key) + ": [")
        for element in elements:
            text = json_text(element)
            out.write("\n" if count == 0 else ",\n")
            out.write("\n".join("        " + line for line in text.split("\n")))
            count += 1
        out.write("\n    ]\n}\n" if count else "]\n}\n")
    except BaseException:
        out.abort()
        raise
    out.commit()
    return count


# --------------------------------------------------------------------------------------------
# Errors and retries


def _plain(text):
    """One line of an error message; an HTML error page is reduced to its title."""
    text = text if isinstance(text, str) else repr(text)
    title = re.search(r"<title>(.*?)</title>", text, re.S | re.I)
    if title:
        text = title.group(1)
    elif "<html" in text.lower() or "<!doctype" in text.lower():
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def failure_reason(operation, error):
    """The manifest's reason for a failed call, e.g.
    ``GetLoggingOptions: AccessDeniedException: User ... is not authorized ... (HTTP 403)``."""
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        metadata = error.response.get("ResponseMetadata", {})
        code = str(details.get("Code") or "Error")
        status = metadata.get("HTTPStatusCode")
        attempts = metadata.get("RetryAttempts", 0) + 1
        message = _plain(details.get("Message") or "")
        if code.isdigit():  # no error code, only a status (an HTML error page)
            text = "HTTP " + (message if message.startswith(code) else f"{code} {message}".strip())
        else:
            text = f"{code}: {message}" if message else code
            if status:
                text += f" (HTTP {status})"
        if attempts > 1:
            text += f" after {attempts} attempts"
        return f"{operation}: {text}"
    if isinstance(error, ResponseParserError):
        return f"{operation}: unreadable response ({_plain(str(error).split(chr(10), 1)[-1])})"
    return f"{operation}: {type(error).__name__}: {_plain(str(error))}"


def error_code(error):
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "")
    return ""


def is_throttling(error):
    from botocore.exceptions import ClientError

    if not isinstance(error, ClientError):
        return False
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error_code(error) in THROTTLING_CODES or status == 429


class Api:
    """The AWS clients with retries and failure reasons; thread-safe (boto3 clients are)."""

    def __init__(self, session, endpoint_url, parallel, sleep=time.sleep):
        import botocore.config

        self.sleep = sleep
        botocore_session = session._session
        mode = botocore_session.get_config_variable("retry_mode") or "adaptive"
        if mode == "legacy":  # botocore's implicit default: use the newer modes unless asked
            mode = "adaptive" if "AWS_RETRY_MODE" not in os.environ else mode
        attempts = botocore_session.get_config_variable("max_attempts") or 3
        self.retry_description = f"{mode} mode, {attempts} attempts"
        config = botocore.config.Config(
            retries={"mode": mode, "total_max_attempts": int(attempts)},
            max_pool_connections=max(10, parallel + 2),
            connect_timeout=10,
            read_timeout=60,
        )
        self.clients = {}
        for service in ("sts", "iot", "iam", "cognito-identity", "logs"):
            self.clients[service] = session.client(service, endpoint_url=endpoint_url, config=config)

    def operation_name(self, service, method):
        return self.clients[service].meta.method_to_api_mapping.get(method, method)

    def _with_backoff(self, call):
        """Runs ``call``; throttling that outlasted botocore's retries is retried here."""
        for round_number in range(OUTER_THROTTLE_ROUNDS + 1):
            try:
                return call()
            except Exception as error:  # noqa: BLE001 - classified below
                if not is_throttling(error) or round_number == OUTER_THROTTLE_ROUNDS:
                    raise
                delay = min(OUTER_THROTTLE_CAP_SECONDS, 2.0 ** (round_number + 1))
                self.sleep(delay * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable")

    def call(self, service, method, vanish_ok=False, **params):
        """One API call; a failure raises Unavailable with the reason (ItemVanished for a
        not-found answer when ``vanish_ok``)."""
        client = self.clients[service]
        try:
            response = self._with_backoff(lambda: getattr(client, method)(**params))
        except Exception as error:  # noqa: BLE001 - every failure becomes a reason
            if vanish_ok and error_code(error) in NOT_FOUND_CODES:
                raise ItemVanished() from error
            raise Unavailable(failure_reason(self.operation_name(service, method), error)) from error
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, service, method, page_size=None, vanish_ok=False, **params):
        """Yields every page of a paginated call, each call retried on its own (a page that
        fails after the retries raises Unavailable, so a listing is never silently cut short)."""
        model = self.clients[service].get_paginator(method)._pagination_cfg
        input_token, output_token = model["input_token"], model["output_token"]
        more_results = model.get("more_results")
        params = dict(params)
        if page_size and model.get("limit_key"):
            params[model["limit_key"]] = page_size
        seen = set()
        while True:
            page = self.call(service, method, vanish_ok=vanish_ok, **params)
            token = page.pop(output_token, None)
            truncated = page.pop(more_results, None) if more_results else None
            yield page
            if not token or (more_results and not truncated) or token in seen:
                return
            seen.add(token)
            params[input_token] = token

    def paginate(self, service, method, page_size=None, vanish_ok=False, **params):
        """Every page of a paginated call merged, as the AWS CLI prints it (lists
        concatenated, tokens dropped)."""
        merged = {}
        for page in self.pages(service, method, page_size=page_size, vanish_ok=vanish_ok, **params):
            for key, value in page.items():
                if isinstance(value, list):
                    merged.setdefault(key, []).extend(value)
                else:
                    merged.setdefault(key, value)
        return merged


# --------------------------------------------------------------------------------------------
# Progress


class Progress:
    """One line per step on stderr, and a count line at most every 2 s for long per-item steps."""

    def __init__(self, total, stream=sys.stderr, quiet=False):
        self.total = total
        self.number = 0
        self.stream = stream
        self.quiet = quiet
        self.lock = threading.Lock()
        self.last_report = 0.0

    def say(self, text):
        if not self.quiet:
            with self.lock:
                print(f"{PROG}: {text}", file=self.stream, flush=True)

    def step(self, name):
        self.number += 1
        self.started = time.monotonic()
        self.last_report = self.started  # the first count line after 2 s
        self.say(f"[{self.number:2d}/{self.total}] {name} ...")

    def items(self, name, done, total, what):
        now = time.monotonic()
        if now - self.last_report >= 2.0:
            self.last_report = now
            rate = done / max(now - self.started, 1e-6)
            self.say(f"        {name}: {done}/{total} {what} ({rate:.0f}/s)")

    def done(self, name, text):
        self.say(f"        {name}: {text} ({time.monotonic() - self.started:.1f}s)")


# --------------------------------------------------------------------------------------------
# The export


def ordered_parallel(function, items, workers):
    """Yields ``function(item)`` for each item in input order, computed on ``workers`` threads
    with a bounded window (results never pile up). ItemVanished results are skipped."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="export")
    window = collections.deque()
    limit = workers * 4
    try:
        for item in items:
            window.append(pool.submit(function, item))
            while len(window) >= limit:
                result = _settle(window.popleft())
                if result is not _VANISHED:
                    yield result
        while window:
            result = _settle(window.popleft())
            if result is not _VANISHED:
                yield result
    finally:
        for future in window:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


_VANISHED = object()


def _settle(future):
    try:
        return future.result()
    except ItemVanished:
        return _VANISHED


class Exporter:
    def __init__(self, api, out, parallel, logs_days, progress, now):
        self.api = api
        self.out = out
        self.parallel = parallel
        self.logs_days = logs_days
        self.progress = progress
        self.now = now
        self.unavailable = []
        self._memo = {}

    # ---- shared listings (computed once; a failure is remembered and named by dependents)

    def listing(self, key, compute):
        if key not in self._memo:
            try:
                self._memo[key] = ("ok", compute())
            except Unavailable as failure:
                self._memo[key] = ("failed", failure.reason)
        state, value = self._memo[key]
        if state == "failed":
            raise Unavailable(value)
        return value

    def certificate_list(self):
        return self.listing(
            "certificates",
            lambda: self.api.paginate("iot", "list_certificates", page_size=250).get("certificates", []),
        )

    def policy_list(self):
        return self.listing(
            "policies", lambda: self.api.paginate("iot", "list_policies", page_size=250).get("policies", [])
        )

    def thing_group_list(self):
        return self.listing(
            "thing-groups",
            lambda: self.api.paginate("iot", "list_thing_groups", page_size=250).get("thingGroups", []),
        )

    def role_alias_descriptions(self):
        def compute():
            names = self.api.paginate("iot", "list_role_aliases", page_size=250).get("roleAliases", [])
            return list(
                ordered_parallel(
                    lambda name: self.api.call("iot", "describe_role_alias", vanish_ok=True, roleAlias=name)[
                        "roleAliasDescription"
                    ],
                    names,
                    self.parallel,
                )
            )

        return self.listing("role-aliases", compute)

    @staticmethod
    def needs(what, listing):
        """A shared listing a dependent file needs; its failure is named in the file's reason."""
        try:
            return listing()
        except Unavailable as failure:
            raise Unavailable(f"needs {what}: {failure.reason}") from None

    # ---- per-item streaming with progress

    def per_item(self, name, items, function, what):
        """``function`` over ``items`` in parallel, in order, with progress; a failure of any
        item (other than a vanished resource) makes the whole file unavailable."""
        total = len(items)

        def counted():
            for done, result in enumerate(ordered_parallel(function, items, self.parallel), start=1):
                self.progress.items(name, done, total, what)
                yield result

        return counted()

    def array_file(self, name, key, items, function, what):
        """Writes ``{key: [function(item) for item in items]}`` with per_item; returns the count."""
        return write_array_file(self.out, name, key, self.per_item(name, items, function, what))

    # ---- the files

    def logging_options(self):
        write_json(self.out, "logging-options.json", self.api.call("iot", "get_logging_options"))
        return "written"

    def v2_logging_options(self):
        try:
            response = self.api.call("iot", "get_v2_logging_options")
        except Unavailable as failure:
            if failure.__cause__ is not None and error_code(failure.__cause__) == "NotConfiguredException":
                return "v2 logging never configured (NotConfiguredException): file not written"
            raise
        write_json(self.out, "v2-logging-options.json", response)
        return "written"

    def v2_logging_levels(self):
        try:
            levels = self.api.paginate("iot", "list_v2_logging_levels", page_size=250)
        except Unavailable as failure:
            if failure.__cause__ is None or error_code(failure.__cause__) != "NotConfiguredException":
                raise
            levels = {}  # v2 never configured: no resource-specific levels
        entries = levels.get("logTargetConfigurations", [])
        write_array_file(self.out, "v2-logging-levels.json", "logTargetConfigurations", entries)
        return f"{len(entries)} log target configuration(s)"

    def policies(self):
        policies = self.policy_list()

        def versions_of(policy):
            name = policy["policyName"]
            listed = self.api.call("iot", "list_policy_versions", vanish_ok=True, policyName=name)
            version_ids = sorted((v["versionId"] for v in listed.get("policyVersions", [])), key=_version_order)
            results = []
            for version_id in version_ids:
                try:
                    results.append(
                        self.api.call(
                            "iot", "get_policy_version", vanish_ok=True, policyName=name, policyVersionId=version_id
                        )
                    )
                except ItemVanished:
                    continue  # the version was deleted meanwhile
            return results

        def flattened():
            for versions in self.per_item("policies.json", policies, versions_of, "policies"):
                yield from versions

        count = write_array_file(self.out, "policies.json", "policyVersions", flattened())
        return f"{len(policies)} policies, {count} policy versions"

    def certificates(self):
        count = self.array_file(
            "certificates.json",
            "certificateDescriptions",
            self.certificate_list(),
            lambda c: self.api.call("iot", "describe_certificate", vanish_ok=True, certificateId=c["certificateId"])[
                "certificateDescription"
            ],
            "described",
        )
        return f"{count} certificate description(s)"

    def ca_certificates(self):
        count = self.array_file(
            "ca-certificates.json",
            "certificateDescriptions",
            self.api.paginate("iot", "list_ca_certificates", page_size=250).get("certificates", []),
            lambda c: self.api.call(
                "iot", "describe_ca_certificate", vanish_ok=True, certificateId=c["certificateId"]
            )["certificateDescription"],
            "described",
        )
        return f"{count} CA certificate description(s)"

    def things(self):
        things = self.api.paginate("iot", "list_things", page_size=250).get("things", [])
        write_array_file(self.out, "things.json", "things", things)
        return f"{len(things)} thing(s)"

    def thing_principals(self):
        certificates = self.needs("the certificate list", self.certificate_list)

        def things_of(certificate):
            arn = certificate["certificateArn"]
            response = self.api.paginate("iot", "list_principal_things", page_size=250, vanish_ok=True, principal=arn)
            return {"principal": arn, "things": response.get("things", [])}

        count = self.array_file("thing-principals.json", "principalThings", certificates, things_of, "certificates")
        return f"{count} certificate(s)"

    def thing_groups(self):
        count = self.array_file(
            "thing-groups.json",
            "thingGroups",
            self.thing_group_list(),
            lambda g: self.api.call("iot", "describe_thing_group", vanish_ok=True, thingGroupName=g["groupName"]),
            "described",
        )
        return f"{count} thing group(s)"

    def thing_group_members(self):
        groups = self.needs("the thing group list", self.thing_group_list)

        def members_of(group):
            name = group["groupName"]
            response = self.api.paginate(
                "iot", "list_things_in_thing_group", page_size=250, vanish_ok=True, thingGroupName=name
            )
            return {"thingGroupName": name, "things": response.get("things", [])}

        count = self.array_file("thing-group-members.json", "thingGroupMembers", groups, members_of, "groups")
        return f"{count} thing group(s)"

    def policy_targets(self):
        policies = self.needs("the policy list", self.policy_list)

        def targets_of(policy):
            name = policy["policyName"]
            response = self.api.paginate(
                "iot", "list_targets_for_policy", page_size=250, vanish_ok=True, policyName=name
            )
            return {"policyName": name, "targets": response.get("targets", [])}

        count = self.array_file("policy-targets.json", "policyTargets", policies, targets_of, "policies")
        return f"{count} policies"

    def role_aliases(self):
        descriptions = self.role_alias_descriptions()
        write_array_file(self.out, "role-aliases.json", "roleAliasDescriptions", descriptions)
        return f"{len(descriptions)} role alias(es)"

    def iam(self):
        details = self.api.paginate("iam", "get_account_authorization_details")
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
            details.setdefault(key, [])
        write_json(self.out, "iam.json", details)
        return f"{len(details['RoleDetailList'])} role(s), {len(details['Policies'])} managed policies"

    def iam_service_last_accessed(self):
        aliases = self.needs("the role aliases", self.role_alias_descriptions)
        role_arns = list(dict.fromkeys(alias["roleArn"] for alias in aliases if alias.get("roleArn")))

        def last_accessed(role_arn):
            job = self.api.call("iam", "generate_service_last_accessed_details", Arn=role_arn)["JobId"]
            deadline = time.monotonic() + SERVICE_LAST_ACCESSED_TIMEOUT_SECONDS
            delay = 0.5
            while True:
                report = self.api.call("iam", "get_service_last_accessed_details", JobId=job)
                status = report.get("JobStatus")
                if status == "COMPLETED":
                    break
                if status == "FAILED":
                    reason = (report.get("Error") or {}).get("Message", "job failed")
                    raise Unavailable(f"GetServiceLastAccessedDetails: job for {role_arn} FAILED: {reason}")
                if time.monotonic() > deadline:
                    raise Unavailable(
                        f"GetServiceLastAccessedDetails: job for {role_arn} not COMPLETED after "
                        f"{SERVICE_LAST_ACCESSED_TIMEOUT_SECONDS:.0f}s"
                    )
                self.api.sleep(delay)
                delay = min(delay * 2, 5.0)
            services = list(report.get("ServicesLastAccessed", []))
            while report.get("IsTruncated"):
                report = self.api.call("iam", "get_service_last_accessed_details", JobId=job, Marker=report["Marker"])
                services.extend(report.get("ServicesLastAccessed", []))
            entry = {"roleArn": role_arn, "ServicesLastAccessed": services}
            if "JobCompletionDate" in report:
                entry["JobCompletionDate"] = report["JobCompletionDate"]
            return entry

        count = self.array_file("iam-service-last-accessed.json", "roles", role_arns, last_accessed, "roles")
        return f"{count} role(s)"

    def cognito_identity_pools(self):
        count = self.array_file(
            "cognito-identity-pools.json",
            "identityPoolRoles",
            self.api.paginate("cognito-identity", "list_identity_pools", page_size=60).get("IdentityPools", []),
            lambda p: self.api.call(
                "cognito-identity", "get_identity_pool_roles", vanish_ok=True, IdentityPoolId=p["IdentityPoolId"]
            ),
            "pools",
        )
        return f"{count} identity pool(s)"

    def audit_configuration(self):
        write_json(self.out, "audit-configuration.json", self.api.call("iot", "describe_account_audit_configuration"))
        return "written"

    def audit_suppressions(self):
        suppressions = self.api.paginate("iot", "list_audit_suppressions", page_size=250).get("suppressions", [])
        write_array_file(self.out, "audit-suppressions.json", "suppressions", suppressions)
        return f"{len(suppressions)} suppression(s)"

    def mitigation_actions(self):
        count = self.array_file(
            "mitigation-actions.json",
            "mitigationActions",
            self.api.paginate("iot", "list_mitigation_actions", page_size=250).get("actionIdentifiers", []),
            lambda a: self.api.call("iot", "describe_mitigation_action", vanish_ok=True, actionName=a["actionName"]),
            "described",
        )
        return f"{count} mitigation action(s)"

    def iot_logs(self):
        end = int(self.now.timestamp() * 1000)
        start = end - self.logs_days * 86_400_000
        operation = self.api.operation_name("logs", "filter_log_events")
        counts = collections.Counter()

        def lines():
            pages = self.api.pages(
                "logs",
                "filter_log_events",
                vanish_ok=True,
                logGroupName=IOT_LOG_GROUP,
                startTime=start,
                endTime=end,
                filterPattern=CONNECTION_FILTER,
            )
            try:
                for page in pages:
                    for event in page.get("events", []):
                        counts["events"] += 1
                        line = connection_log_line(event.get("message", ""))
                        if line is not None:
                            counts["written"] += 1
                            yield line
                    self.progress.items(IOT_LOG_FOLDER, counts["written"], "?", "connection entries")
            except ItemVanished:
                raise Unavailable(
                    f"{operation}: log group {IOT_LOG_GROUP} does not exist "
                    "(AWS IoT v2 logging has not written logs in this region)"
                ) from None

        out = AtomicFile(self.out, IOT_LOG_FILE)
        try:
            for line in lines():
                out.write(line + "\n")
        except BaseException:
            out.abort()
            raise
        out.commit()
        return (
            f"{counts['written']} Connect/Disconnect entries of {counts['events']} events, "
            f"last {self.logs_days} day(s)"
        )

    # ---- driver

    def steps(self):
        steps = [
            ("logging-options.json", self.logging_options),
            ("v2-logging-options.json", self.v2_logging_options),
            ("v2-logging-levels.json", self.v2_logging_levels),
            ("policies.json", self.policies),
            ("certificates.json", self.certificates),
            ("ca-certificates.json", self.ca_certificates),
            ("things.json", self.things),
            ("thing-principals.json", self.thing_principals),
            ("thing-groups.json", self.thing_groups),
            ("thing-group-members.json", self.thing_group_members),
            ("policy-targets.json", self.policy_targets),
            ("role-aliases.json", self.role_aliases),
            ("iam.json", self.iam),
            ("iam-service-last-accessed.json", self.iam_service_last_accessed),
            ("cognito-identity-pools.json", self.cognito_identity_pools),
            ("audit-configuration.json", self.audit_configuration),
            ("audit-suppressions.json", self.audit_suppressions),
            ("mitigation-actions.json", self.mitigation_actions),
        ]
        if self.logs_days:
            steps.append((IOT_LOG_FOLDER, self.iot_logs))
        return steps

    def run(self):
        for name, step in self.steps():
            self.progress.step(name)
            try:
                summary = step()
            except Unavailable as failure:
                self.unavailable.append({"file": name, "reason": failure.reason})
                self.progress.done(name, f"UNAVAILABLE: {failure.reason}")
                continue
            except Exception as error:  # noqa: BLE001 - an exporter bug must not lose the rest
                reason = f"exporter error: {type(error).__name__}: {_plain(str(error))}"
                self.unavailable.append({"file": name, "reason": reason})
                self.progress.done(name, f"UNAVAILABLE: {reason}")
                continue
            self.progress.done(name, summary)


def _version_order(version_id):
    return (0, int(version_id)) if str(version_id).isdigit() else (1, str(version_id))


def connection_log_line(message):
    """The log entry as one JSON line when it is a Connect/Disconnect entry, else None."""
    text = message.strip()
    try:
        entry = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("eventType") not in CONNECTION_EVENTS:
        return None
    return text if "\n" not in text else json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# Command line


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_arguments(argv):
    parser = _Parser(
        prog="export-snapshot.sh",
        description="Export a FleetAudit snapshot (read-only AWS calls) of one account and region.",
    )
    parser.add_argument("--out", required=True, help="snapshot directory to create (must be absent or empty)")
    parser.add_argument("--region", help="AWS region (default: the profile's or AWS_REGION)")
    parser.add_argument("--profile", help="AWS CLI profile (default: the usual credential chain)")
    parser.add_argument("--endpoint-url", help="send every call to this endpoint (tests, VPC endpoints)")
    parser.add_argument(
        "--logs-days", type=int, default=0, metavar="N", help="also export N days of IoT connection logs"
    )
    parser.add_argument("--parallel", type=int, default=8, metavar="N", help="parallel per-item calls (default 8)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.parallel < 1 or args.parallel > 64:
        raise UsageError("--parallel must be between 1 and 64")
    if args.logs_days < 0 or args.logs_days > 3653:
        raise UsageError("--logs-days must be between 1 and 3653")
    return args


def fail(message, status):
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def main(argv=None):
    try:
        args = parse_arguments(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        print(
            "usage: export-snapshot.sh --out DIR [--region R] [--profile P] [--endpoint-url URL] "
            "[--logs-days N] [--parallel N] [--quiet]",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        return fail("python3 module boto3 is missing: python3 -m pip install boto3", EXIT_FATAL)

    if os.path.exists(args.out) and (not os.path.isdir(args.out) or os.listdir(args.out)):
        return fail(f"{args.out}: exists and is not an empty directory; choose a new --out", EXIT_FATAL)
    try:
        session = boto3.Session(profile_name=args.profile, region_name=args.region)
    except botocore.exceptions.BotoCoreError as error:
        return fail(f"cannot open the AWS profile: {error}", EXIT_FATAL)
    region = session.region_name
    if not region:
        return fail("no region: pass --region or configure one for the profile (AWS_REGION)", EXIT_USAGE)

    api = Api(session, args.endpoint_url, args.parallel)
    try:
        identity = api.call("sts", "get_caller_identity")
    except Unavailable as failure:
        return fail(f"cannot identify the account (no manifest can be written): {failure.reason}", EXIT_FATAL)
    account = identity["Account"]

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    exported_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as error:
        return fail(f"{args.out}: {error.strerror}", EXIT_FATAL)

    exporter = Exporter(api, args.out, args.parallel, args.logs_days, None, now)
    progress = Progress(len(exporter.steps()), quiet=args.quiet)
    exporter.progress = progress
    where = f", endpoint {args.endpoint_url}" if args.endpoint_url else ""
    progress.say(
        f"account {account}, region {region}{where}; {args.parallel} parallel calls, retries: {api.retry_description}"
    )
    started = time.monotonic()
    try:
        exporter.run()
        write_json(
            args.out,
            "manifest.json",
            {"accountId": account, "region": region, "exportedAt": exported_at, "unavailable": exporter.unavailable},
        )
    except KeyboardInterrupt:
        return fail(f"interrupted: {args.out} has no manifest.json and is an incomplete export", EXIT_INTERRUPTED)
    elapsed = time.monotonic() - started
    if exporter.unavailable:
        progress.say(
            f"wrote {args.out} in {elapsed:.1f}s; {len(exporter.unavailable)} file(s) could not be collected "
            "(listed in manifest.json 'unavailable'; the checks that need them will report FAILED):"
        )
        for entry in exporter.unavailable:
            progress.say(f"    {entry['file']}: {entry['reason']}")
        return EXIT_PARTIAL
    progress.say(f"wrote {args.out} in {elapsed:.1f}s; everything collected")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end test of scripts/export-snapshot.sh against moto's server, audited with fleet-audit.

A moto server (``moto[server]``, real-certificate mode) runs on 127.0.0.1 on a free port. The
test creates an account in it with boto3 (IoT policies broad and scoped, real X.509
certificates, a CA, things and groups, a role alias with its IAM role, a Cognito pool, IoT
connection logs), exports it with the script, checks every file, then audits the export with
``.build/debug/fleet-audit`` and asserts the exact findings. What moto lacks (logging options, CA
listing, Cognito pool roles, Defender APIs, IAM service-last-accessed) must appear in the
manifest's ``unavailable`` list with the failing operation named.

moto is required: without it the test FAILS (``scripts/install-deps.sh --test`` installs it).
The unit tests at the end need neither moto nor fleet-audit.

Run: python3 -m pytest -q scripts/tests/test_export_snapshot.py
"""

import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from repository import FLEET_AUDIT, ROOT, SCRIPTS

EXPORTER = SCRIPTS / "export-snapshot.sh"
VALIDATOR = SCRIPTS / "validate-defender-schema.py"

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
TASK_ID = "e2e0000000000000000000000000e2e0"
LOGGING_CHECK = "LOGGING_DISABLED_CHECK"
POLICY_CHECK = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"

# What moto 5.2.1 does not implement, and the operation each manifest reason must name.
MOTO_UNAVAILABLE = {
    "logging-options.json": "GetLoggingOptions",
    "v2-logging-options.json": "GetV2LoggingOptions",
    "v2-logging-levels.json": "ListV2LoggingLevels",
    "ca-certificates.json": "ListCACertificates",
    "iam-service-last-accessed.json": "GenerateServiceLastAccessedDetails",
    "cognito-identity-pools.json": "GetIdentityPoolRoles",
    "audit-configuration.json": "DescribeAccountAuditConfiguration",
    "audit-suppressions.json": "ListAuditSuppressions",
    "mitigation-actions.json": "ListMitigationActions",
}
WRITTEN = [
    "policies.json",
    "certificates.json",
    "things.json",
    "thing-principals.json",
    "thing-groups.json",
    "thing-group-members.json",
    "policy-targets.json",
    "role-aliases.json",
    "iam.json",
    "iot-logs/AWSIotLogsV2.jsonl",
]
EMPTY_FILES = {
    "policies.json": "policyVersions",
    "certificates.json": "certificateDescriptions",
    "things.json": "things",
    "thing-principals.json": "principalThings",
    "thing-groups.json": "thingGroups",
    "thing-group-members.json": "thingGroupMembers",
    "policy-targets.json": "policyTargets",
    "role-aliases.json": "roleAliasDescriptions",
    "iam-service-last-accessed.json": "roles",
    "cognito-identity-pools.json": "identityPoolRoles",
}

# moto's server with iot.use_valid_cert on: certificate ids are the SHA-256 of the DER, as in AWS.
# (moto 5.2.1 has no environment variable or /moto-api/config key for it in server mode.)
MOTO_LAUNCHER = """
import sys
from moto.core.config import default_user_config
default_user_config["iot"]["use_valid_cert"] = True
from moto.server import main
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
"""


def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


BROAD_POLICY = _document({"Effect": "Allow", "Action": "iot:*", "Resource": "*"})
THING = "${iot:Connection.Thing.ThingName}"
ARN = f"arn:aws:iot:{REGION}:{ACCOUNT}"
CONNECT_SCOPED = {
    "Effect": "Allow",
    "Action": "iot:Connect",
    "Resource": f"{ARN}:client/{THING}",
    "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}},
}
SCOPED_POLICY_V1 = _document(
    CONNECT_SCOPED,
    {"Effect": "Allow", "Action": "iot:Publish", "Resource": f"{ARN}:topic/sensors/{THING}/telemetry"},
)
SCOPED_POLICY_V2 = _document(
    CONNECT_SCOPED,
    {
        "Effect": "Allow",
        "Action": ["iot:Publish", "iot:Receive"],
        "Resource": f"{ARN}:topic/$aws/things/{THING}/shadow/*",
    },
    {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": f"{ARN}:topicfilter/$aws/things/{THING}/shadow/*"},
)


def require_moto():
    """moto[server] is a test dependency: its absence is a failure, never a skip."""
    try:
        import flask  # noqa: F401
        import flask_cors  # noqa: F401
        import moto
        import moto.server  # noqa: F401
    except ImportError as error:
        pytest.fail(
            f"moto[server] is required for the exporter's end-to-end test ({error}); "
            "run scripts/install-deps.sh --test",
            pytrace=False,
        )
    return moto.__version__


# --------------------------------------------------------------------------------------------
# The moto server, the seeded account and the export


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory):
    require_moto()
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto-server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-c", MOTO_LAUNCHER, str(port)], stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start:\n{log.read_text()}", pytrace=False)
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _aws_environment():
    """Fake credentials only; no profile or config file of the machine is read."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("BOTO_CONFIG",)
    }
    environment.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return environment


def _clients(endpoint):
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    return {
        service: session.client(service, endpoint_url=endpoint)
        for service in ("iot", "iam", "cognito-identity", "logs")
    }


def _certificates():
    """A CA, two device certificates it signed and one self-signed device certificate: real
    X.509; the keys live only in memory."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common):
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "FleetAudit e2e"),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("e2e Root CA"))
        .issuer_name(name("e2e Root CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def device(common, signer_key, issuer, days):
        key = ec.generate_private_key(ec.SECP256R1())
        return (
            x509.CertificateBuilder()
            .subject_name(name(common))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .sign(signer_key if signer_key else key, hashes.SHA256())
        )

    sensor = device("sensor-1", ca_key, ca.subject, 1095)
    spare = device("sensor-2", ca_key, ca.subject, 1095)
    gateway = device("gateway-1", None, name("gateway-1"), 365)

    def pem(certificate):
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def der_id(certificate):
        return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()

    return {
        label: {"pem": pem(c), "id": der_id(c)}
        for label, c in (("ca", ca), ("sensor", sensor), ("spare", spare), ("gateway", gateway))
    }


def _seed(endpoint):
    """Creates the test account in moto; returns what the assertions need."""
    c = _clients(endpoint)
    iot, iam = c["iot"], c["iam"]
    facts = {"certs": _certificates()}
    certs = facts["certs"]

    iot.create_policy(policyName="BroadPolicy", policyDocument=BROAD_POLICY)
    iot.create_policy(policyName="ScopedPolicy", policyDocument=SCOPED_POLICY_V1)
    iot.create_policy_version(policyName="ScopedPolicy", policyDocument=SCOPED_POLICY_V2, setAsDefault=True)

    iot.register_ca_certificate(caCertificate=certs["ca"]["pem"], setAsActive=True)
    sensor = iot.register_certificate(
        certificatePem=certs["sensor"]["pem"], caCertificatePem=certs["ca"]["pem"], setAsActive=True
    )
    spare = iot.register_certificate(
        certificatePem=certs["spare"]["pem"], caCertificatePem=certs["ca"]["pem"], status="INACTIVE"
    )
    gateway = iot.register_certificate_without_ca(certificatePem=certs["gateway"]["pem"], status="ACTIVE")
    # AWS-generated keys: the private key is returned once by this call and must never be exported.
    generated = iot.create_keys_and_certificate(setAsActive=True)
    facts["generated_private_key"] = generated["keyPair"]["PrivateKey"]
    facts["arns"] = {
        "sensor": sensor["certificateArn"],
        "spare": spare["certificateArn"],
        "gateway": gateway["certificateArn"],
        "generated": generated["certificateArn"],
    }
    facts["generated_id"] = generated["certificateId"]

    for thing, attributes in (("sensor-1", {"site": "lab"}), ("sensor-2", {"site": "lab"}), ("gateway-1", {})):
        iot.create_thing(thingName=thing, attributePayload={"attributes": attributes})
    iot.attach_thing_principal(thingName="sensor-1", principal=sensor["certificateArn"])
    iot.attach_thing_principal(thingName="gateway-1", principal=gateway["certificateArn"])
    fleet = iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="fleet-east", parentGroupName="fleet")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="sensor-1")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="sensor-2")
    iot.add_thing_to_thing_group(thingGroupName="fleet-east", thingName="sensor-2")
    facts["fleet_arn"] = fleet["thingGroupArn"]
    iot.attach_policy(policyName="BroadPolicy", target=gateway["certificateArn"])
    iot.attach_policy(policyName="ScopedPolicy", target=fleet["thingGroupArn"])

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "credentials.iot.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="DeviceUploadRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    facts["inline_policy"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::fleet-uploads/*"}],
    }
    iam.put_role_policy(
        RoleName="DeviceUploadRole", PolicyName="upload", PolicyDocument=json.dumps(facts["inline_policy"])
    )
    iam.create_role(RoleName="IoTLoggingRole", AssumeRolePolicyDocument=json.dumps(trust))
    facts["role_arn"] = role["Arn"]
    alias = iot.create_role_alias(roleAlias="DeviceUpload", roleArn=role["Arn"], credentialDurationSeconds=3600)
    facts["role_alias_arn"] = alias["roleAliasArn"]
    # A role alias whose role may revoke certificates: an IoT admin action for devices.
    admin_role = iam.create_role(RoleName="FleetAdminRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(
        RoleName="FleetAdminRole",
        PolicyName="certificates",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iot:UpdateCertificate", "Resource": "*"}],
            }
        ),
    )
    facts["admin_role_arn"] = admin_role["Arn"]
    admin_alias = iot.create_role_alias(roleAlias="FleetAdmin", roleArn=admin_role["Arn"])
    facts["admin_role_alias_arn"] = admin_alias["roleAliasArn"]

    c["cognito-identity"].create_identity_pool(IdentityPoolName="devices", AllowUnauthenticatedIdentities=False)

    logs = c["logs"]
    logs.create_log_group(logGroupName="AWSIotLogsV2")
    logs.create_log_stream(logGroupName="AWSIotLogsV2", logStreamName="broker")
    now_ms = int(time.time() * 1000)

    def entry(event_type, minutes_ago, client="sensor-1", device="sensor", address="198.51.100.7", **extra):
        when = dt.datetime.fromtimestamp((now_ms - minutes_ago * 60_000) / 1000, dt.timezone.utc)
        body = {
            "timestamp": when.strftime("%Y-%m-%d %H:%M:%S.") + f"{when.microsecond // 1000:03d}",
            "logLevel": "INFO",
            "traceId": f"trace-{event_type}-{client}-{minutes_ago}",
            "accountId": ACCOUNT,
            "status": "Success",
            "eventType": event_type,
            "protocol": "MQTT",
            "clientId": client,
            "principalId": certs[device]["id"],
            "sourceIp": address,
            "sourcePort": 50210,
            **extra,
        }
        return {"timestamp": now_ms - minutes_ago * 60_000, "message": json.dumps(body)}

    bye = {"disconnectReason": "CLIENT_INITIATED_DISCONNECT"}
    # The gateway's certificate is used by two clients at once (a cloned device): shared.
    clone = {"client": "gateway-clone", "device": "gateway", "address": "203.0.113.9"}
    events = [
        (entry("Connect", 4 * 24 * 60), False),  # outside a 2-day window
        (entry("Connect", 100, client="gateway-1", device="gateway"), True),
        (entry("Connect", 95, **clone), True),
        (entry("Connect", 90), True),
        (entry("Publish-In", 80, topicName="sensors/sensor-1/telemetry"), False),  # not a connection event
        (entry("Disconnect", 70, **clone, **bye), True),
        (entry("Disconnect", 65, client="gateway-1", device="gateway", **bye), True),
        (entry("Disconnect", 60, **bye), True),
    ]
    logs.put_log_events(logGroupName="AWSIotLogsV2", logStreamName="broker", logEvents=[e for e, _ in events])
    facts["log_messages_in_window"] = [e["message"] for e, kept in events if kept]
    return facts


def _run_exporter(endpoint, out, *extra, region=REGION, environment=None, timeout=300):
    command = [str(EXPORTER), "--out", str(out), "--region", region, "--endpoint-url", endpoint, *extra]
    env = _aws_environment()
    env.update(environment or {})
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def exported(moto_endpoint, tmp_path_factory):
    facts = _seed(moto_endpoint)
    out = tmp_path_factory.mktemp("export") / "snapshot"
    started = time.monotonic()
    result = _run_exporter(moto_endpoint, out, "--logs-days", "2", "--parallel", "4")
    facts["seconds"] = time.monotonic() - started
    facts["result"] = result
    facts["out"] = out
    return facts


def _read(snapshot, name):
    return json.loads((snapshot / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# The export


def test_export_completes_and_lists_what_moto_lacks(exported):
    result, out = exported["result"], exported["out"]
    assert result.returncode == 1, result.stderr  # complete, but some files unavailable
    manifest = _read(out, "manifest.json")
    assert set(manifest) == {"accountId", "region", "exportedAt", "unavailable"}
    assert manifest["accountId"] == ACCOUNT
    assert manifest["region"] == REGION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["exportedAt"])
    reasons = {entry["file"]: entry["reason"] for entry in manifest["unavailable"]}
    assert set(reasons) == set(MOTO_UNAVAILABLE), reasons
    for name, operation in MOTO_UNAVAILABLE.items():
        assert reasons[name].startswith(operation + ": "), reasons[name]
        assert not (out / name).exists(), f"{name} is listed unavailable but was written"
    for name in WRITTEN:
        assert (out / name).is_file(), f"{name} missing\n{result.stderr}"
    # manifest.json is written last; no temporary file is left behind.
    newest_data = max(p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert (out / "manifest.json").stat().st_mtime_ns >= newest_data
    assert not [p for p in out.rglob(".*") if ".partial-" in p.name]
    # Progress and the unavailable summary go to stderr.
    assert "[ 1/19] logging-options.json" in result.stderr
    assert "9 file(s) could not be collected" in result.stderr


def test_policies_hold_every_version_with_the_document_as_a_string(exported):
    versions = _read(exported["out"], "policies.json")["policyVersions"]
    by_key = {(v["policyName"], v["policyVersionId"]): v for v in versions}
    assert set(by_key) == {("BroadPolicy", "1"), ("ScopedPolicy", "1"), ("ScopedPolicy", "2")}
    assert by_key[("BroadPolicy", "1")]["policyDocument"] == BROAD_POLICY
    assert by_key[("ScopedPolicy", "1")]["policyDocument"] == SCOPED_POLICY_V1
    assert by_key[("ScopedPolicy", "2")]["policyDocument"] == SCOPED_POLICY_V2
    assert [v["isDefaultVersion"] for v in versions if v["policyName"] == "ScopedPolicy"] == [False, True]
    assert by_key[("BroadPolicy", "1")]["policyArn"] == f"{ARN}:policy/BroadPolicy"
    for version in versions:
        assert isinstance(version["policyDocument"], str)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", version["creationDate"])


def test_certificates_are_described_with_real_ids_and_no_private_key(exported):
    certs, out = exported["certs"], exported["out"]
    descriptions = _read(out, "certificates.json")["certificateDescriptions"]
    by_id = {d["certificateId"]: d for d in descriptions}
    # Real-certificate mode: the id is the SHA-256 of the DER encoding, as in AWS IoT.
    for label in ("sensor", "spare", "gateway"):
        described = by_id[certs[label]["id"]]
        assert described["certificatePem"] == certs[label]["pem"]
        assert described["certificateArn"] == f"{ARN}:cert/{certs[label]['id']}"
    assert by_id[certs["spare"]["id"]]["status"] == "INACTIVE"
    assert by_id[certs["sensor"]["id"]]["status"] == "ACTIVE"
    assert exported["generated_id"] in by_id
    assert len(descriptions) == 4
    # No private key or key pair anywhere in the snapshot.
    key_body = exported["generated_private_key"].splitlines()[1]
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "PRIVATE KEY" not in text, path
            assert key_body not in text, path
            assert '"keyPair"' not in text and '"PrivateKey"' not in text, path


def test_things_groups_principals_and_targets(exported):
    out, arns = exported["out"], exported["arns"]
    things = _read(out, "things.json")["things"]
    assert sorted(t["thingName"] for t in things) == ["gateway-1", "sensor-1", "sensor-2"]
    assert next(t for t in things if t["thingName"] == "sensor-1")["attributes"] == {"site": "lab"}

    principals = {p["principal"]: p["things"] for p in _read(out, "thing-principals.json")["principalThings"]}
    assert principals == {
        arns["sensor"]: ["sensor-1"],
        arns["spare"]: [],
        arns["gateway"]: ["gateway-1"],
        arns["generated"]: [],
    }

    groups = {g["thingGroupName"]: g for g in _read(out, "thing-groups.json")["thingGroups"]}
    assert set(groups) == {"fleet", "fleet-east"}
    assert groups["fleet-east"]["thingGroupMetadata"]["parentGroupName"] == "fleet"
    members = {m["thingGroupName"]: sorted(m["things"]) for m in _read(out, "thing-group-members.json")["thingGroupMembers"]}
    assert members == {"fleet": ["sensor-1", "sensor-2"], "fleet-east": ["sensor-2"]}

    targets = {t["policyName"]: t["targets"] for t in _read(out, "policy-targets.json")["policyTargets"]}
    assert targets == {"BroadPolicy": [arns["gateway"]], "ScopedPolicy": [exported["fleet_arn"]]}


def test_role_alias_and_iam_details(exported):
    out = exported["out"]
    aliases = {a["roleAlias"]: a for a in _read(out, "role-aliases.json")["roleAliasDescriptions"]}
    assert set(aliases) == {"DeviceUpload", "FleetAdmin"}
    assert aliases["DeviceUpload"]["roleArn"] == exported["role_arn"]
    assert aliases["DeviceUpload"]["roleAliasArn"] == exported["role_alias_arn"]
    assert aliases["DeviceUpload"]["credentialDurationSeconds"] == 3600
    assert aliases["FleetAdmin"]["roleArn"] == exported["admin_role_arn"]

    iam = _read(out, "iam.json")
    assert {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} <= set(iam)
    assert "IsTruncated" not in iam and "Marker" not in iam
    roles = {r["RoleName"]: r for r in iam["RoleDetailList"]}
    assert {"DeviceUploadRole", "IoTLoggingRole", "FleetAdminRole"} <= set(roles)
    inline = roles["DeviceUploadRole"]["RolePolicyList"]
    # IAM documents are JSON objects (boto3 decodes them), not strings.
    assert inline == [{"PolicyName": "upload", "PolicyDocument": exported["inline_policy"]}]
    assert isinstance(roles["DeviceUploadRole"]["AssumeRolePolicyDocument"], dict)


def test_connection_logs_in_the_window(exported):
    lines = (exported["out"] / "iot-logs" / "AWSIotLogsV2.jsonl").read_text(encoding="utf-8").splitlines()
    # Only Connect/Disconnect entries of the last 2 days, as the messages were written.
    assert lines == exported["log_messages_in_window"]


@pytest.mark.parametrize(
    "file, key, shape",
    [
        ("policies.json", "policyVersions", "GetPolicyVersionResponse"),
        ("certificates.json", "certificateDescriptions", "CertificateDescription"),
        ("thing-groups.json", "thingGroups", "DescribeThingGroupResponse"),
        ("role-aliases.json", "roleAliasDescriptions", "RoleAliasDescription"),
        ("things.json", "things", "ThingAttribute"),
    ],
)
def test_exported_elements_have_the_aws_shape(exported, tmp_path, file, key, shape):
    """Each element validates strictly against botocore's IoT model (ISO timestamps)."""
    elements = _read(exported["out"], file)[key]
    assert elements
    lines = tmp_path / "elements.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in elements), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), "--shape", shape, "--timestamps", "iso", "--jsonl", str(lines)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_files_are_printed_like_the_cli(exported):
    """4-space indentation and a final newline, as `aws ... --output json` prints."""
    for name in ("policies.json", "things.json", "iam.json", "manifest.json"):
        text = (exported["out"] / name).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=4, ensure_ascii=False) + "\n", name


# --------------------------------------------------------------------------------------------
# Auditing the export


@pytest.fixture(scope="module")
def fleet_audit():
    if not FLEET_AUDIT.exists():
        build = subprocess.run(["swift", "build"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if build.returncode != 0 or not FLEET_AUDIT.exists():
            pytest.fail(f"swift build failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}", pytrace=False)
    return str(FLEET_AUDIT)


def _registered_checks(fleet_audit):
    listing = subprocess.run([fleet_audit, "checks"], capture_output=True, text=True, check=True).stdout
    return {line.strip() for line in listing.splitlines() if re.fullmatch(r"[A-Z0-9_]+_CHECK", line.strip())}


def _audit(fleet_audit, snapshot, out, checks):
    result = subprocess.run(
        [fleet_audit, "audit", str(snapshot), "--out", str(out), "--checks", ",".join(checks), "--task-id", TASK_ID],
        capture_output=True,
        text=True,
    )
    task = json.loads((out / "audit-task.json").read_text())
    findings = json.loads((out / "findings.json").read_text())["findings"]
    return result, task, findings


def _finding_keys(findings):
    return [
        (
            f["checkName"],
            f["reasonForNonComplianceCode"],
            f["nonCompliantResource"]["resourceType"],
            f["nonCompliantResource"]["resourceIdentifier"],
        )
        for f in findings
    ]


def test_audit_of_the_export_fails_logging_check_on_the_unavailable_file(exported, fleet_audit, tmp_path):
    reason = next(
        e["reason"] for e in _read(exported["out"], "manifest.json")["unavailable"] if e["file"] == "logging-options.json"
    )
    result, task, findings = _audit(fleet_audit, exported["out"], tmp_path / "audit", [LOGGING_CHECK])
    assert result.returncode == 1, result.stdout + result.stderr  # a check FAILED, outputs written
    details = task["auditDetails"][LOGGING_CHECK]
    assert details["checkRunStatus"] == "FAILED"
    assert details["message"] == f"logging-options.json: not collected by the exporter: {reason}"
    assert findings == []


def test_audit_of_the_export_finds_the_broad_policy_only(exported, fleet_audit, tmp_path):
    """Active once IOT_POLICY_OVERLY_PERMISSIVE_CHECK is registered (it is being built on another
    branch); until then there is nothing to assert."""
    if POLICY_CHECK not in _registered_checks(fleet_audit):
        pytest.skip(f"{POLICY_CHECK} is not registered in this build of fleet-audit")
    result, task, findings = _audit(fleet_audit, exported["out"], tmp_path / "audit", [LOGGING_CHECK, POLICY_CHECK])
    assert result.returncode == 1, result.stdout + result.stderr  # LOGGING_DISABLED_CHECK still FAILED
    details = task["auditDetails"][POLICY_CHECK]
    assert details["checkRunStatus"] == "COMPLETED_NON_COMPLIANT", details
    assert details["nonCompliantResourcesCount"] == 1
    assert _finding_keys(findings) == [
        (
            POLICY_CHECK,
            "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
            "IOT_POLICY",
            {"policyVersionIdentifier": {"policyName": "BroadPolicy", "policyVersionId": "1"}},
        )
    ]
    assert findings[0]["severity"] == "CRITICAL"
    assert task["auditDetails"][LOGGING_CHECK]["checkRunStatus"] == "FAILED"


def test_an_empty_region_gives_empty_arrays_and_a_missing_log_group_is_unavailable(moto_endpoint, tmp_path):
    """Nothing in eu-west-1: every listing file holds an empty array (not an unavailable entry);
    without the AWSIotLogsV2 log group the logs folder is listed unavailable and not created."""
    out = tmp_path / "empty"
    result = _run_exporter(
        moto_endpoint, out, "--logs-days", "1", region="eu-west-1", environment={"AWS_MAX_ATTEMPTS": "1"}
    )
    assert result.returncode == 1, result.stderr
    manifest = _read(out, "manifest.json")
    assert manifest["region"] == "eu-west-1"
    reasons = {entry["file"]: entry["reason"] for entry in manifest["unavailable"]}
    lacking = set(MOTO_UNAVAILABLE) - {"cognito-identity-pools.json", "iam-service-last-accessed.json"}
    assert set(reasons) == lacking | {"iot-logs/"}
    assert reasons["iot-logs/"] == (
        "FilterLogEvents: log group AWSIotLogsV2 does not exist "
        "(AWS IoT v2 logging has not written logs in this region)"
    )
    assert not (out / "iot-logs").exists()
    for name, key in EMPTY_FILES.items():
        assert _read(out, name) == {key: []}, name


def _expected_results(exported):
    """Each check the test knows about → (checkRunStatus, start of its message or None, findings).
    Asserted for every one of them this build of fleet-audit registers."""
    reasons = {e["file"]: e["reason"] for e in _read(exported["out"], "manifest.json")["unavailable"]}

    def not_collected(name):
        return f"{name}: not collected by the exporter: {reasons[name]}"

    broad_policy = {"policyVersionIdentifier": {"policyName": "BroadPolicy", "policyVersionId": "1"}}
    return {
        LOGGING_CHECK: ("FAILED", not_collected("logging-options.json"), []),
        POLICY_CHECK: (
            "COMPLETED_NON_COMPLIANT",
            None,
            [(POLICY_CHECK, "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", "IOT_POLICY", broad_policy)],
        ),
        "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK": ("COMPLETED_COMPLIANT", None, []),
        "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK": (
            "COMPLETED_NON_COMPLIANT",
            None,
            [
                (
                    "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
                    "ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
                    "ROLE_ALIAS",
                    {"roleAliasArn": exported["admin_role_alias_arn"]},
                )
            ],
        ),
        "DEVICE_CERTIFICATE_SHARED_CHECK": (
            "COMPLETED_NON_COMPLIANT",
            None,
            [
                (
                    "DEVICE_CERTIFICATE_SHARED_CHECK",
                    "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES",
                    "DEVICE_CERTIFICATE",
                    {"deviceCertificateId": exported["certs"]["gateway"]["id"]},
                )
            ],
        ),
        "CONFLICTING_CLIENT_IDS_CHECK": ("COMPLETED_COMPLIANT", None, []),
        "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK": (
            "FAILED",
            not_collected("iam-service-last-accessed.json"),
            [],
        ),
        "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK": (
            "FAILED",
            not_collected("cognito-identity-pools.json"),
            [],
        ),
        "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK": (
            "FAILED",
            not_collected("cognito-identity-pools.json"),
            [],
        ),
    }


def test_audit_of_the_export_gives_the_exact_result_of_every_registered_check(exported, fleet_audit, tmp_path):
    """The checks this build registers, of those above (at least LOGGING_DISABLED_CHECK): each
    ends as expected with exactly the expected findings and no others."""
    expected = _expected_results(exported)
    checks = [name for name in expected if name in _registered_checks(fleet_audit)]
    assert LOGGING_CHECK in checks
    result, task, findings = _audit(fleet_audit, exported["out"], tmp_path / "audit", checks)
    assert result.returncode == 1, result.stdout + result.stderr
    keys = _finding_keys(findings)
    for name in checks:
        status, message, check_findings = expected[name]
        details = task["auditDetails"][name]
        assert details["checkRunStatus"] == status, (name, details)
        if message is not None:
            assert details.get("message", "").startswith(message), (name, details)
        assert [key for key in keys if key[0] == name] == check_findings, name
        assert details.get("nonCompliantResourcesCount", 0) == len(check_findings), (name, details)
    assert len(keys) == sum(len(expected[name][2]) for name in checks)


# --------------------------------------------------------------------------------------------
# Refusals


def test_refuses_a_non_empty_out_directory(moto_endpoint, tmp_path):
    (tmp_path / "old.json").write_text("{}")
    result = _run_exporter(moto_endpoint, tmp_path)
    assert result.returncode == 2
    assert "not an empty directory" in result.stderr
    assert not (tmp_path / "manifest.json").exists()


def test_usage_errors_exit_64(tmp_path):
    result = subprocess.run(
        [str(EXPORTER), "--out", str(tmp_path / "s"), "--parallel", "0"],
        env=_aws_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 64
    assert "--parallel" in result.stderr
    result = subprocess.run([str(EXPORTER)], env=_aws_environment(), capture_output=True, text=True)
    assert result.returncode == 64 and "--out" in result.stderr


def test_unreachable_endpoint_writes_nothing(tmp_path):
    out = tmp_path / "s"
    environment = _aws_environment()
    environment["AWS_MAX_ATTEMPTS"] = "1"
    result = subprocess.run(
        [str(EXPORTER), "--out", str(out), "--region", REGION, "--endpoint-url", f"http://127.0.0.1:{_free_port()}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "cannot identify the account" in result.stderr and "GetCallerIdentity" in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------------------------
# Unit tests of the exporter module (no server)


def _module():
    spec = importlib.util.spec_from_file_location("export_snapshot", SCRIPTS / "export_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


exporter = _module()


@pytest.mark.parametrize(
    "elements",
    [[], [{}], [{"a": 1}], [{"a": [1, {"b": "ü\n"}], "c": None}, {"d": []}, "s", 3]],
)
def test_streamed_array_file_matches_json_dumps(tmp_path, elements):
    count = exporter.write_array_file(str(tmp_path), "x.json", "items", iter(elements))
    assert count == len(elements)
    text = (tmp_path / "x.json").read_text(encoding="utf-8")
    assert text == json.dumps({"items": elements}, indent=4, ensure_ascii=False) + "\n"


def test_a_failing_stream_leaves_no_file(tmp_path):
    def elements():
        yield {"a": 1}
        raise exporter.Unavailable("DescribeCertificate: AccessDeniedException")

    with pytest.raises(exporter.Unavailable):
        exporter.write_array_file(str(tmp_path), "x.json", "items", elements())
    assert list(tmp_path.iterdir()) == []


def test_clean_drops_secrets_and_metadata_and_writes_utc_iso_times():
    pacific = dt.timezone(dt.timedelta(hours=-8))
    value = {
        "certificateArn": "arn",
        "keyPair": {"PrivateKey": "-----BEGIN RSA PRIVATE KEY-----"},
        "nested": [{"PrivateKey": "x", "SecretAccessKey": "y", "kept": dt.datetime(2026, 1, 2, 3, 4, 5, 6000, pacific)}],
        "ResponseMetadata": {"RequestId": "r"},
        "when": dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.timezone.utc),
    }
    assert exporter.clean(value) == {
        "certificateArn": "arn",
        "nested": [{"kept": "2026-01-02T11:04:05.006000+00:00"}],
        "when": "2026-11-26T08:00:00+00:00",
    }


def _client_error(code, status, message="", attempts=0):
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": attempts},
        },
        "Op",
    )


def test_failure_reasons():
    reason = exporter.failure_reason
    assert (
        reason("GetLoggingOptions", _client_error("AccessDeniedException", 403, "User: u is not authorized"))
        == "GetLoggingOptions: AccessDeniedException: User: u is not authorized (HTTP 403)"
    )
    html = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal</h1>"
    assert (
        reason("ListCACertificates", _client_error("500", 500, html, attempts=2))
        == "ListCACertificates: HTTP 500 Internal Server Error after 3 attempts"
    )


class _FakeApi(exporter.Api):
    """An Api over botocore Stubbers, with a recorded sleep."""

    def __init__(self):
        import boto3
        from botocore.stub import Stubber

        self.sleeps = []
        self.sleep = self.sleeps.append
        session = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name=REGION)
        self.clients = {"iot": session.client("iot")}
        self.stub = Stubber(self.clients["iot"])
        self.stub.activate()


def _exporter_over(api, out):
    return exporter.Exporter(api, str(out), 2, 0, exporter.Progress(1, quiet=True), dt.datetime.now(dt.timezone.utc))


def test_throttling_that_outlasts_botocore_is_retried_with_backoff(tmp_path):
    api = _FakeApi()
    for _ in range(3):
        api.stub.add_client_error("get_logging_options", service_error_code="ThrottlingException", http_status_code=400)
    api.stub.add_response("get_logging_options", {"roleArn": "arn:aws:iam::1:role/r", "logLevel": "ERROR"})
    export = _exporter_over(api, tmp_path)
    export.logging_options()
    assert json.loads((tmp_path / "logging-options.json").read_text()) == {
        "roleArn": "arn:aws:iam::1:role/r",
        "logLevel": "ERROR",
    }
    assert len(api.sleeps) == 3
    assert all(1.0 <= s <= 8.0 for s in api.sleeps) and api.sleeps[2] >= 4.0


def test_v2_never_configured_is_neither_written_nor_unavailable(tmp_path):
    api = _FakeApi()
    api.stub.add_client_error("get_v2_logging_options", service_error_code="NotConfiguredException", http_status_code=404)
    api.stub.add_client_error("list_v2_logging_levels", service_error_code="NotConfiguredException", http_status_code=404)
    api.stub.add_client_error("get_logging_options", service_error_code="AccessDeniedException", http_status_code=403)
    export = _exporter_over(api, tmp_path)
    export.steps = lambda: [
        ("v2-logging-options.json", export.v2_logging_options),
        ("v2-logging-levels.json", export.v2_logging_levels),
        ("logging-options.json", export.logging_options),
    ]
    export.run()
    assert not (tmp_path / "v2-logging-options.json").exists()
    assert json.loads((tmp_path / "v2-logging-levels.json").read_text()) == {"logTargetConfigurations": []}
    assert export.unavailable == [
        {"file": "logging-options.json", "reason": "GetLoggingOptions: AccessDeniedException (HTTP 403)"}
    ]


def test_pagination_follows_every_token_and_a_failed_page_fails_the_listing(tmp_path):
    api = _FakeApi()
    api.stub.add_response("list_things", {"things": [{"thingName": "a"}], "nextToken": "t1"}, {"maxResults": 250})
    api.stub.add_response(
        "list_things", {"things": [{"thingName": "b"}]}, {"maxResults": 250, "nextToken": "t1"}
    )
    assert api.paginate("iot", "list_things", page_size=250) == {"things": [{"thingName": "a"}, {"thingName": "b"}]}
    api.stub.add_response("list_things", {"things": [{"thingName": "a"}], "nextToken": "t1"})
    api.stub.add_client_error("list_things", service_error_code="AccessDeniedException", http_status_code=403)
    with pytest.raises(exporter.Unavailable, match="ListThings: AccessDeniedException"):
        api.paginate("iot", "list_things")


def test_ordered_parallel_keeps_order_and_skips_vanished_items():
    def work(n):
        time.sleep(0.001 * (n % 3))
        if n % 5 == 0:
            raise exporter.ItemVanished()
        return n

    assert list(exporter.ordered_parallel(work, range(40), 4)) == [n for n in range(40) if n % 5]


def test_connection_log_lines():
    assert exporter.connection_log_line('{"eventType": "Connect", "clientId": "c"}') == '{"eventType": "Connect", "clientId": "c"}'
    assert exporter.connection_log_line('{"eventType": "Publish-In"}') is None
    assert exporter.connection_log_line("not json") is None
    assert exporter.connection_log_line('{\n"eventType": "Disconnect"}') == '{"eventType":"Disconnect"}'


def test_install_deps_installs_moto_for_tests():
    script = (SCRIPTS / "install-deps.sh").read_text()
    assert "moto[server]" in script


def _called_actions():
    """Every AWS action the exporter's source calls, as IAM action names (iot:ListThings, ...)."""
    import boto3

    source = (SCRIPTS / "export_snapshot.py").read_text()
    calls = set(re.findall(r'"(sts|iot|iam|cognito-identity|logs)",\s*"([a-z0-9]+_[a-z0-9_]+)"', source))
    session = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name=REGION)
    actions = set()
    for service, method in calls:
        mapping = session.client(service).meta.method_to_api_mapping
        assert method in mapping, f"{service}.{method} is not an API method"
        actions.add(f"{service}:{mapping[method]}")
    return actions


def test_the_documented_iam_policy_allows_exactly_the_calls_the_exporter_makes():
    policy = json.loads((ROOT / "docs" / "exporter-iam-policy.json").read_text())
    allowed = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert allowed == _called_actions()
    assert all(statement["Effect"] == "Allow" for statement in policy["Statement"])
    guide = (ROOT / "docs" / "exporter.md").read_text()
    block = re.search(r"<!-- exporter-iam-policy -->\s*```json\n(.*?)```", guide, re.S)
    assert block, "docs/exporter.md must show the exporter's IAM policy after <!-- exporter-iam-policy -->"
    assert json.loads(block.group(1)) == policy

#!/usr/bin/env python3
"""Generate the bundled sample snapshot ``snapshots/workshop/``.

The snapshot is the AWS IoT account of the Device Defender workshop ("Audit: Mitigation
Actions", shared/seed/workshop-audit-mitigation-actions.md): account 123456789012 in
us-east-1, exported 2026-11-26T08:00:00Z. It gives users and tests one realistic account to
audit and mitigate offline:

* logging is disabled in both v1 and v2, so LOGGING_DISABLED_CHECK reports the account and
  the ``EnableErrorLoggingAction`` mitigation action has something to fix;
* ``TECHCON703_amazon_freertos_policy`` allows ``iot:*`` on ``*`` (the workshop's overly
  permissive policy; created but attached to nothing), next to two well-scoped policies
  that use ``${iot:Connection.Thing.ThingName}``; ``WorkshopDevicePolicy`` has two versions;
* one root CA and five device certificates that are real X.509 certificates signed by that
  CA (RSA 2048 and EC P-256 keys, one certificate INACTIVE), each attached to one thing;
* the two mitigation actions the workshop creates (ENABLE_IOT_LOGGING, PUBLISH_FINDING_TO_SNS).

Every file holds what the AWS CLI prints for the command named in shared/snapshot-format.md,
pretty-printed with 4-space indentation. ``policies.json`` uses AWS CLI v1 timestamps (epoch
seconds), the other files AWS CLI v2 ones (ISO 8601, UTC), so readers meet both forms.
Certificate ids are the lowercase hex SHA-256 of the DER encoding, as in AWS IoT, and
``validity`` is read from the certificate itself.

Keys and serial numbers are random, so every run produces different certificates (and so
different ids, ARNs and PEMs); the committed snapshot is the output of one run. All other
values are fixed. No private key is written anywhere: the CA key and the device keys live
only in memory while the script runs and are discarded, so the committed CA cannot sign
anything further; to change the certificates, rerun the script and commit the whole output.

* IoT policies for the misconfiguration check (the two documented cases and their fix),
  two role aliases (a scoped camera role and an over-broad firmware role, with IAM
  last-accessed data), and two Cognito identity pools (over-broad guest and app-user roles,
  and compliant dashboard roles), in ``iam.json`` as ``get-account-authorization-details``
  prints it.

Usage: python3 scripts/generate-workshop-snapshot.py [--identity-only] [OUTPUT_DIR]
``--identity-only`` rewrites only the files that involve no key material (policies, IAM,
role aliases, Cognito pools, mitigation actions), keeping the committed certificates.
OUTPUT_DIR defaults to snapshots/workshop under the repository root and is created if
missing; the files listed in FILES are overwritten, nothing else there is touched.
Needs Python 3.9+ and ``cryptography`` 42 or later (``pip install cryptography``).
"""

import datetime as dt
import hashlib
import json
import sys
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ACCOUNT = "123456789012"
REGION = "us-east-1"
EXPORTED_AT = "2026-11-26T08:00:00Z"
IOT_ARN = f"arn:aws:iot:{REGION}:{ACCOUNT}"
LOGGING_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSIoTLogging_Role"
# Namespace for the uuid5 ids below, so the non-certificate ids stay the same across runs.
ID_NAMESPACE = uuid.UUID("6f1d4c3e-2b7a-4e55-9a0c-8d1e5b7f3a21")

FILES = (
    "manifest.json",
    "logging-options.json",
    "v2-logging-options.json",
    "v2-logging-levels.json",
    "policies.json",
    "ca-certificates.json",
    "certificates.json",
    "things.json",
    "thing-principals.json",
    "policy-targets.json",
    "mitigation-actions.json",
    "role-aliases.json",
    "iam.json",
    "iam-service-last-accessed.json",
    "cognito-identity-pools.json",
)

# Files that involve no key material: `--identity-only` rewrites just these, keeping the certificates.
IDENTITY_FILES = (
    "policies.json",
    "mitigation-actions.json",
    "role-aliases.json",
    "iam.json",
    "iam-service-last-accessed.json",
    "cognito-identity-pools.json",
)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


def cli_v1_time(when):
    """AWS CLI v1 prints IoT timestamps as on the wire: epoch seconds with milliseconds."""
    return round(when.timestamp(), 3)


def cli_v2_time(when):
    """AWS CLI v2 prints ISO 8601 (with TZ=UTC: ``2026-03-01T10:05:12.345000+00:00``)."""
    return when.astimezone(dt.timezone.utc).isoformat()


def stable_uuid(*parts):
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def cert_id(certificate):
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def validity(certificate):
    return {
        "notBefore": cli_v2_time(certificate.not_valid_before_utc),
        "notAfter": cli_v2_time(certificate.not_valid_after_utc),
    }


# --- PKI -------------------------------------------------------------------------------

CA_SUBJECT = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "FleetAudit Workshop"),
    x509.NameAttribute(NameOID.COMMON_NAME, "FleetAudit Workshop Root CA"),
])
CA_NOT_BEFORE = utc(2025, 12, 15)
CA_NOT_AFTER = utc(2045, 12, 15)
CA_REGISTERED = utc(2026, 1, 5, 14, 22, 31, 518000)

# thing name, thing type, attributes, key type, notBefore, years valid, status, deactivated at
DEVICES = (
    ("workshop-gateway-01", "WorkshopGateway", {"site": "lab-1", "firmware": "2.1.0"},
     "RSA-2048", utc(2026, 1, 12, 9), 3, "ACTIVE", None),
    ("workshop-sensor-01", "WorkshopSensor", {"site": "lab-1", "firmware": "1.4.2"},
     "EC-P256", utc(2026, 2, 3, 11), 10, "ACTIVE", None),
    ("workshop-sensor-02", "WorkshopSensor", {"site": "lab-1", "firmware": "1.4.2"},
     "RSA-2048", utc(2026, 3, 1, 10), 5, "ACTIVE", None),
    ("workshop-sensor-03", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0"},
     "EC-P256", utc(2026, 4, 15, 8, 30), 10, "ACTIVE", None),
    ("workshop-sensor-04", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0"},
     "RSA-2048", utc(2026, 6, 8, 13), 1, "INACTIVE", utc(2026, 9, 14, 16, 2, 47, 205000)),
)
SENSOR_TELEMETRY_THINGS = ("workshop-sensor-01", "workshop-sensor-02", "workshop-sensor-03")


def new_key(key_type):
    if key_type == "RSA-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "EC-P256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(key_type)


def make_ca():
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(CA_SUBJECT)
        .issuer_name(CA_SUBJECT)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(CA_NOT_BEFORE)
        .not_valid_after(CA_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_device_certificate(ca_key, ca_cert, thing_name, key_type, not_before, years):
    key = new_key(key_type)
    is_rsa = key_type.startswith("RSA")
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "FleetAudit Workshop"),
            x509.NameAttribute(NameOID.COMMON_NAME, thing_name),
        ]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before.replace(year=not_before.year + years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=is_rsa,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


# --- Snapshot files --------------------------------------------------------------------

def policy_document(*statements):
    # Stored as the user wrote it; get-policy-version returns it as a JSON string.
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def iot_resource(kind, suffix):
    return f"{IOT_ARN}:{kind}/{suffix}"


THING = "${iot:Connection.Thing.ThingName}"
SHADOW = f"$aws/things/{THING}/shadow"

# name, version id, is default, created, last modified, document
POLICY_VERSIONS = (
    ("TECHCON703_amazon_freertos_policy", "1", True,
     utc(2026, 1, 5, 13, 48, 2, 117000), utc(2026, 1, 5, 13, 48, 2, 117000),
     policy_document({"Effect": "Allow", "Action": "iot:*", "Resource": "*"})),
    ("WorkshopDevicePolicy", "1", False,
     utc(2026, 1, 12, 8, 31, 44, 902000), utc(2026, 2, 2, 17, 5, 19, 336000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Connect",
          "Resource": iot_resource("client", THING)},
         {"Effect": "Allow", "Action": "iot:Publish",
          "Resource": iot_resource("topic", f"{SHADOW}/update")},
         {"Effect": "Allow", "Action": "iot:Subscribe",
          "Resource": iot_resource("topicfilter", f"{SHADOW}/update/accepted")},
         {"Effect": "Allow", "Action": "iot:Receive",
          "Resource": iot_resource("topic", f"{SHADOW}/update/accepted")})),
    ("WorkshopDevicePolicy", "2", True,
     utc(2026, 2, 2, 17, 5, 19, 336000), utc(2026, 2, 2, 17, 5, 19, 336000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Connect",
          "Resource": iot_resource("client", THING),
          "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}},
         {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"],
          "Resource": iot_resource("topic", f"{SHADOW}/*")},
         {"Effect": "Allow", "Action": "iot:Subscribe",
          "Resource": iot_resource("topicfilter", f"{SHADOW}/*")})),
    ("SensorTelemetryPolicy", "1", True,
     utc(2026, 2, 2, 17, 12, 3, 874000), utc(2026, 2, 2, 17, 12, 3, 874000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Publish",
          "Resource": iot_resource("topic", f"sensors/{THING}/telemetry")})),
    # IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK, the two documented cases and the fix.
    ("BuildingMonitorPolicy", "1", True,
     utc(2026, 3, 9, 10, 2, 41, 17000), utc(2026, 3, 9, 10, 2, 41, 17000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": iot_resource("topicfilter", "building/*")},
         {"Effect": "Deny", "Action": "iot:Subscribe",
          "Resource": iot_resource("topicfilter", "building/control_room/#")},
         {"Effect": "Allow", "Action": "iot:Receive", "Resource": iot_resource("topic", "building/*")})),
    ("BuildingOperatorPolicy", "1", True,
     utc(2026, 3, 9, 10, 5, 12, 250000), utc(2026, 3, 9, 10, 5, 12, 250000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": iot_resource("topicfilter", "building/*")},
         {"Effect": "Deny", "Action": "iot:Subscribe",
          "Resource": iot_resource("topicfilter", "building/control_room/*")},
         {"Effect": "Allow", "Action": "iot:Receive", "Resource": iot_resource("topic", "building/*")})),
    ("BuildingGuestPolicy", "1", True,
     utc(2026, 3, 9, 10, 8, 55, 901000), utc(2026, 3, 9, 10, 8, 55, 901000),
     policy_document(
         {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": iot_resource("topicfilter", "building/*")},
         {"Effect": "Deny", "Action": "iot:Subscribe",
          "Resource": iot_resource("topicfilter", "building/control_room/*")},
         {"Effect": "Allow", "Action": "iot:Receive", "Resource": iot_resource("topic", "building/*")},
         {"Effect": "Deny", "Action": "iot:Receive",
          "Resource": iot_resource("topic", "building/control_room/*")})),
)

# --- IAM roles behind role aliases and Cognito pools -----------------------------------

def role_arn(name):
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


CREDENTIALS_THING = "${credentials-iot:ThingName}"
FIRMWARE_BUCKET = "arn:aws:s3:::workshop-firmware-123456789012"
CAMERA_BUCKET = "arn:aws:s3:::workshop-camera-clips-123456789012"

# role name -> (created, inline policies {name: [statements]}, attached managed policy names)
ROLES = {
    # The credentials-provider role of a camera: its own thing's topics and one bucket.
    "WorkshopCameraRole": (utc(2026, 4, 2, 9, 0, 0, 0), {"CameraUpload": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{CAMERA_BUCKET}/{CREDENTIALS_THING}/*"},
        {"Effect": "Allow", "Action": "iot:Publish",
         "Resource": iot_resource("topic", f"cameras/{CREDENTIALS_THING}/events")},
    ]}, []),
    # The firmware updater's role: far more than a device needs.
    "WorkshopFirmwareRole": (utc(2026, 4, 2, 9, 30, 0, 0), {"FirmwareEverything": [
        {"Effect": "Allow", "Action": "iot:*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:PassRole", "dynamodb:PutItem"], "Resource": "*"},
    ]}, ["WorkshopFirmwareS3Access"]),
    # Cognito: a guest role that can read a thing and every thing's topics...
    "WorkshopGuestRole": (utc(2026, 5, 11, 14, 0, 0, 0), {"GuestIoT": [
        {"Effect": "Allow", "Action": "iot:DescribeThing",
         "Resource": iot_resource("thing", "workshop-gateway-01")},
        {"Effect": "Allow", "Action": ["iot:Connect", "iot:Subscribe", "iot:Receive"], "Resource": "*"},
    ]}, []),
    # ...and an app-user role that administers things.
    "WorkshopAppUserRole": (utc(2026, 5, 11, 14, 5, 0, 0), {"AppUserIoT": [
        {"Effect": "Allow", "Action": ["iot:DescribeThing", "iot:ListThingPrincipals"],
         "Resource": iot_resource("thing", "*")},
        {"Effect": "Allow", "Action": ["iot:CreateThing", "iot:AttachPolicy"], "Resource": "*"},
    ]}, []),
    # The dashboard pool's roles are the compliant look-alikes.
    "WorkshopDashboardGuestRole": (utc(2026, 5, 12, 8, 0, 0, 0), {"DashboardGuestIoT": [
        {"Effect": "Allow", "Action": ["iot:Connect", "iot:Receive"], "Resource": iot_resource("topic", "public/*")},
        {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": iot_resource("topicfilter", "public/*")},
    ]}, []),
    "WorkshopDashboardUserRole": (utc(2026, 5, 12, 8, 5, 0, 0), {"DashboardUserIoT": [
        {"Effect": "Allow", "Action": "iot:DescribeThing", "Resource": iot_resource("thing", "workshop-gateway-01")},
        {"Effect": "Allow", "Action": "iot:Publish", "Resource": iot_resource("topic", "dashboard/commands")},
    ]}, []),
}

# Customer managed policies: name -> [(version id, is default, created, statements)]
MANAGED_POLICIES = {
    "WorkshopFirmwareS3Access": [
        ("v1", False, utc(2026, 4, 2, 9, 31, 0, 0),
         [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{FIRMWARE_BUCKET}/*"}]),
        ("v2", True, utc(2026, 6, 1, 12, 0, 0, 0),
         [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
    ],
}

ROLE_ALIASES = (
    ("WorkshopCameraRoleAlias", "WorkshopCameraRole", utc(2026, 4, 2, 9, 10, 0, 0)),
    ("WorkshopFirmwareRoleAlias", "WorkshopFirmwareRole", utc(2026, 4, 2, 9, 40, 0, 0)),
)

# role -> {service namespace: last authenticated (None: never)}
SERVICE_LAST_ACCESSED = {
    "WorkshopCameraRole": {"iot": utc(2026, 11, 25, 6, 12, 0, 0), "s3": utc(2026, 11, 25, 6, 12, 5, 0)},
    "WorkshopFirmwareRole": {"iot": utc(2026, 11, 20, 3, 0, 0, 0), "s3": utc(2026, 10, 1, 3, 0, 0, 0),
                             "dynamodb": None, "iam": None},
}

IDENTITY_POOLS = (
    (f"{REGION}:7c6e0f3a-1d2b-4c5d-8e9f-0a1b2c3d4e5f", "WorkshopMobileApp",
     "WorkshopAppUserRole", "WorkshopGuestRole"),
    (f"{REGION}:2f4a6c8e-0b1d-4e3f-9a5b-7c9d1e3f5a7b", "WorkshopDashboard",
     "WorkshopDashboardUserRole", "WorkshopDashboardGuestRole"),
)


def iam_authorization_details():
    """`aws iam get-account-authorization-details` as the CLI prints it (IAM times are ISO strings)."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "credentials.iot.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    roles = []
    for name, (created, inline, attached) in ROLES.items():
        roles.append({
            "Path": "/", "RoleName": name, "RoleId": "AROA" + hashlib.sha256(name.encode()).hexdigest()[:17].upper(),
            "Arn": role_arn(name), "CreateDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": policy, "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
                               for policy, statements in inline.items()],
            "AttachedManagedPolicies": [{"PolicyName": policy, "PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/{policy}"}
                                        for policy in attached],
            "Tags": [],
        })
    policies = []
    for name, versions in MANAGED_POLICIES.items():
        default = next(version for version, is_default, _, _ in versions if is_default)
        policies.append({
            "PolicyName": name, "PolicyId": "ANPA" + hashlib.sha256(name.encode()).hexdigest()[:17].upper(),
            "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}", "Path": "/", "DefaultVersionId": default,
            "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
            "CreateDate": versions[0][2].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "UpdateDate": versions[-1][2].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": statements},
                                   "VersionId": version, "IsDefaultVersion": is_default,
                                   "CreateDate": created.strftime("%Y-%m-%dT%H:%M:%SZ")}
                                  for version, is_default, created, statements in versions],
        })
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies,
            "IsTruncated": False}


def role_aliases():
    return {"roleAliasDescriptions": [{
        "roleAlias": alias, "roleAliasArn": f"{IOT_ARN}:rolealias/{alias}", "roleArn": role_arn(role),
        "owner": ACCOUNT, "credentialDurationSeconds": 3600,
        "creationDate": cli_v2_time(created), "lastModifiedDate": cli_v2_time(created),
    } for alias, role, created in ROLE_ALIASES]}


def service_last_accessed():
    return {"roles": [{
        "roleArn": role_arn(role),
        "JobStatus": "COMPLETED",
        "ServicesLastAccessed": [
            dict({"ServiceName": namespace, "ServiceNamespace": namespace, "TotalAuthenticatedEntities": 0 if when is None else 1},
                 **({} if when is None else {"LastAuthenticated": cli_v2_time(when), "LastAuthenticatedRegion": REGION}))
            for namespace, when in services.items()
        ],
    } for role, services in SERVICE_LAST_ACCESSED.items()]}


def identity_pools():
    return {"identityPoolRoles": [{
        "IdentityPoolId": pool_id,
        "Roles": {"authenticated": role_arn(authenticated), "unauthenticated": role_arn(unauthenticated)},
    } for pool_id, _, authenticated, unauthenticated in IDENTITY_POOLS]}


def policies():
    return {"policyVersions": [
        {
            "policyArn": f"{IOT_ARN}:policy/{name}",
            "policyName": name,
            "policyDocument": document,
            "policyVersionId": version,
            "isDefaultVersion": is_default,
            "creationDate": cli_v1_time(created),
            "lastModifiedDate": cli_v1_time(modified),
            "generationId": hashlib.sha256(f"{name}/{version}".encode()).hexdigest(),
        }
        for name, version, is_default, created, modified, document in POLICY_VERSIONS
    ]}


def ca_description(ca_cert):
    ca_id = cert_id(ca_cert)
    return {
        "certificateArn": f"{IOT_ARN}:cacert/{ca_id}",
        "certificateId": ca_id,
        "status": "ACTIVE",
        "certificatePem": pem(ca_cert),
        "ownedBy": ACCOUNT,
        "creationDate": cli_v2_time(CA_REGISTERED),
        "autoRegistrationStatus": "DISABLE",
        "lastModifiedDate": cli_v2_time(CA_REGISTERED),
        "customerVersion": 1,
        "generationId": stable_uuid("cacert", "FleetAudit Workshop Root CA"),
        "validity": validity(ca_cert),
        "certificateMode": "DEFAULT",
    }


def device_description(ca_cert, certificate, thing_name, status, deactivated):
    device_id = cert_id(certificate)
    # Registered with AWS IoT a few minutes after issuance.
    registered = certificate.not_valid_before_utc + dt.timedelta(minutes=7, seconds=12,
                                                                  milliseconds=431)
    return {
        "certificateArn": f"{IOT_ARN}:cert/{device_id}",
        "certificateId": device_id,
        "caCertificateId": cert_id(ca_cert),
        "status": status,
        "certificatePem": pem(certificate),
        "ownedBy": ACCOUNT,
        "creationDate": cli_v2_time(registered),
        "lastModifiedDate": cli_v2_time(deactivated or registered),
        "customerVersion": 1,
        "transferData": {},
        "generationId": stable_uuid("cert", thing_name),
        "validity": validity(certificate),
        "certificateMode": "DEFAULT",
    }


def things():
    return {"things": [
        {
            "thingName": name,
            "thingTypeName": thing_type,
            "thingArn": f"{IOT_ARN}:thing/{name}",
            "attributes": attributes,
            "version": 1,
        }
        for name, thing_type, attributes, *_ in DEVICES
    ]}


MITIGATION_ACTIONS = (
    ("EnableErrorLoggingAction", "ENABLE_IOT_LOGGING",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionErrorLogging_Role",
     {"enableIoTLoggingParams": {"roleArnForLogging": LOGGING_ROLE, "logLevel": "ERROR"}},
     utc(2026, 11, 25, 15, 42, 10, 331000)),
    ("PublishFindingToSnsAction", "PUBLISH_FINDING_TO_SNS",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionPublishToSns_Role",
     {"publishFindingToSnsParams": {"topicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:DevDefenderAudit"}},
     utc(2026, 11, 25, 16, 3, 57, 648000)),
    ("ReplacePolicyWithBlankAction", "REPLACE_DEFAULT_POLICY_VERSION",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionPolicy_Role",
     {"replaceDefaultPolicyVersionParams": {"templateName": "BLANK_POLICY"}},
     utc(2026, 11, 25, 16, 20, 4, 118000)),
)


def mitigation_actions():
    return {"mitigationActions": [
        {
            "actionName": name,
            "actionType": action_type,
            "actionArn": f"{IOT_ARN}:mitigationaction/{name}",
            "actionId": stable_uuid("mitigationaction", name),
            "roleArn": role,
            "actionParams": params,
            "creationDate": cli_v2_time(created),
            "lastModifiedDate": cli_v2_time(created),
        }
        for name, action_type, role, params, created in MITIGATION_ACTIONS
    ]}


def build_identity_files():
    """The files of IDENTITY_FILES: deterministic, no keys involved."""
    return {
        "policies.json": policies(),
        "mitigation-actions.json": mitigation_actions(),
        "role-aliases.json": role_aliases(),
        "iam.json": iam_authorization_details(),
        "iam-service-last-accessed.json": service_last_accessed(),
        "cognito-identity-pools.json": identity_pools(),
    }


def build_snapshot():
    """Returns {file name: JSON value} for every file in FILES."""
    ca_key, ca_cert = make_ca()
    certificates = []
    cert_arn_by_thing = {}
    for name, _, _, key_type, not_before, years, status, deactivated in DEVICES:
        certificate = make_device_certificate(ca_key, ca_cert, name, key_type, not_before, years)
        description = device_description(ca_cert, certificate, name, status, deactivated)
        certificates.append(description)
        cert_arn_by_thing[name] = description["certificateArn"]

    return {
        "manifest.json": {
            "accountId": ACCOUNT, "region": REGION, "exportedAt": EXPORTED_AT, "unavailable": [],
        },
        "logging-options.json": {"roleArn": LOGGING_ROLE, "logLevel": "DISABLED"},
        "v2-logging-options.json": {
            "roleArn": LOGGING_ROLE, "defaultLogLevel": "DISABLED", "disableAllLogs": True,
        },
        "v2-logging-levels.json": {"logTargetConfigurations": [
            {"logTarget": {"targetType": "DEFAULT"}, "logLevel": "DISABLED"},
        ]},
        "policies.json": policies(),
        "ca-certificates.json": {"certificateDescriptions": [ca_description(ca_cert)]},
        "certificates.json": {"certificateDescriptions": certificates},
        "things.json": things(),
        "thing-principals.json": {"principalThings": [
            {"principal": arn, "things": [name]} for name, arn in cert_arn_by_thing.items()
        ]},
        # TECHCON703_amazon_freertos_policy has no targets, as in the workshop.
        "policy-targets.json": {"policyTargets": [
            {"policyName": "WorkshopDevicePolicy", "targets": list(cert_arn_by_thing.values())},
            {"policyName": "SensorTelemetryPolicy",
             "targets": [cert_arn_by_thing[name] for name in SENSOR_TELEMETRY_THINGS]},
        ]},
        "mitigation-actions.json": mitigation_actions(),
        "role-aliases.json": role_aliases(),
        "iam.json": iam_authorization_details(),
        "iam-service-last-accessed.json": service_last_accessed(),
        "cognito-identity-pools.json": identity_pools(),
    }


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    identity_only = "--identity-only" in argv[1:]
    arguments = [argument for argument in argv[1:] if argument != "--identity-only"]
    if len(arguments) > 1 or (arguments and arguments[0].startswith("-")):
        print("usage: generate-workshop-snapshot.py [--identity-only] [OUTPUT_DIR]", file=sys.stderr)
        return 64
    default = Path(__file__).resolve().parent.parent / "snapshots" / "workshop"
    out = Path(arguments[0]) if arguments else default
    out.mkdir(parents=True, exist_ok=True)
    if identity_only:
        snapshot = build_identity_files()
        assert tuple(snapshot) == IDENTITY_FILES
    else:
        snapshot = build_snapshot()
        assert tuple(snapshot) == FILES
    for name, value in snapshot.items():
        # Same layout as the AWS CLI's JSON output: 4-space indent, non-ASCII kept.
        text = json.dumps(value, indent=4, ensure_ascii=False) + "\n"
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(snapshot)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

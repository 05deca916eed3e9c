#!/usr/bin/env python3
"""Generate the bundled sample snapshot ``snapshots/workshop/``.

The snapshot is the AWS IoT account of the Device Defender workshop ("Audit: Mitigation
Actions", docs/workshop.md): account 123456789012 in
us-east-1, exported 2026-11-26T08:00:00Z. It gives users and tests one realistic account to
audit and mitigate offline:

* logging is disabled in both v1 and v2, so LOGGING_DISABLED_CHECK reports the account and
  the ``EnableErrorLoggingAction`` mitigation action has something to fix;
* ``TECHCON703_amazon_freertos_policy`` allows ``iot:*`` on ``*`` (the workshop's overly
  permissive policy; created but attached to nothing), next to two well-scoped policies
  that use ``${iot:Connection.Thing.ThingName}``; ``WorkshopDevicePolicy`` has two versions;
* a PKI with something for every certificate check: the root CA; a registered intermediate
  (Legacy Issuing CA) and an unregistered one (Field CA, in ``ca-chain/``), both revoked by the
  root's CRL in ``crls/``; a registered vendor CA with a ROCA key that expires in 16 days;
  thirteen device certificates (RSA, EC P-256/P-384, DSA, Ed25519 keys) with one ROCA key,
  one key listed in a demonstration Debian weak-key blacklist (written beside the snapshot,
  in ``workshop-weak-keys/``), one revoked by the root, two issued by the revoked Field CA,
  one expiring in 9 days and one expired, one INACTIVE; each attached to one thing;
* thing groups (a static hierarchy, a dynamic group, an empty ``Quarantine`` group) and their
  members; the account's audit configuration with the certificate thresholds;
* a day of connection logs in ``iot-logs/`` (JSON Lines in the morning, ``aws logs
  filter-log-events`` output in the afternoon) in which gateway-01's certificate is used by a
  bench rig at the same time, and two sensors fight over one client ID;
* the workshop's two mitigation actions (ENABLE_IOT_LOGGING, PUBLISH_FINDING_TO_SNS) and three
  certificate actions (UPDATE_DEVICE_CERTIFICATE, UPDATE_CA_CERTIFICATE, ADD_THINGS_TO_THING_GROUP).

Every file holds what the AWS CLI prints for the command named in docs/snapshot-format.md,
pretty-printed with 4-space indentation. ``policies.json`` uses AWS CLI v1 timestamps (epoch
seconds), the other files AWS CLI v2 ones (ISO 8601, UTC), so readers meet both forms.
Certificate ids are the lowercase hex SHA-256 of the DER encoding, as in AWS IoT, and
``validity`` is read from the certificate itself.

Keys, serial numbers and signatures come from a generator seeded with SEED and every other
value is fixed, so every run writes the same files (scripts/tests/test_generators.py checks
that the committed snapshot is what it writes). No private key is written anywhere: the CA key
and the device keys live only in memory while the script runs; to change the certificates,
change the script (or SEED) and commit the whole output.

* IoT policies for the misconfiguration check (the two documented cases and their fix),
  two role aliases (a scoped camera role and an over-broad firmware role, with IAM
  last-accessed data), and two Cognito identity pools (over-broad guest and app-user roles,
  and compliant dashboard roles), in ``iam.json`` as ``get-account-authorization-details``
  prints it.

Usage: python3 scripts/generate-workshop-snapshot.py [--identity-only] [OUTPUT_DIR]
``--identity-only`` rewrites only the files that involve no key material (policies, IAM,
role aliases, Cognito pools, mitigation actions), keeping the committed certificates.
OUTPUT_DIR defaults to snapshots/workshop under the repository root and is created if
missing; the files listed in FILES are overwritten and the folders in FOLDERS emptied first,
nothing else there is touched. The demonstration blacklist goes to OUTPUT_DIR-weak-keys/.
Needs Python 3.9+ and a ``cryptography`` whose certificate builders sign ECDSA
deterministically (``ecdsa_deterministic``, RFC 6979; 48.0 is what this was run with).
"""

import datetime as dt
import hashlib
import json
import random
import sys
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

import pki

ACCOUNT = "123456789012"
REGION = "us-east-1"
EXPORTED_AT = "2026-11-26T08:00:00Z"
# Seeds every key, serial number and DSA nonce (pki.py), so the output is the same on every run.
SEED = 20261126
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
    "thing-groups.json",
    "thing-group-members.json",
    "policy-targets.json",
    "audit-configuration.json",
    "mitigation-actions.json",
    "ca-chain/workshop-field-ca.pem",
    "crls/workshop-root-ca.crl",
    "crls/workshop-field-ca.crl",
    "iot-logs/2026-11-25-morning.jsonl",
    "iot-logs/2026-11-25-afternoon.json",
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
# Folders the generator owns entirely: emptied before writing.
FOLDERS = ("ca-chain", "crls", "iot-logs")


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

ORG = "FleetAudit Workshop"
CA_SUBJECT = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
    x509.NameAttribute(NameOID.COMMON_NAME, "FleetAudit Workshop Root CA"),
])
CA_NOT_BEFORE = utc(2025, 12, 15)
CA_NOT_AFTER = utc(2045, 12, 15)
CA_REGISTERED = utc(2026, 1, 5, 14, 22, 31, 518000)
CRL_BASE = "http://crl.fleetaudit-workshop.example"
ROOT_CRL_URL = f"{CRL_BASE}/workshop-root-ca.crl"
FIELD_CRL_URL = f"{CRL_BASE}/workshop-field-ca.crl"

# Intermediate and extra CAs: name, key type, issued by the root?, registered in IoT?,
# notBefore, notAfter, revoked by the root's CRL?
FIELD_CA = ("FleetAudit Workshop Field CA", "EC-P384", utc(2026, 2, 1), utc(2031, 2, 1))
LEGACY_ISSUING_CA = ("FleetAudit Workshop Legacy Issuing CA", "RSA-2048", utc(2025, 12, 20), utc(2030, 12, 20))
# A vendor CA registered long ago whose key has the ROCA structure, expiring in 16 days.
VENDOR_CA = ("FleetAudit TPM Vendor CA", "ROCA-RSA-2048", utc(2016, 12, 12), utc(2026, 12, 12))
VENDOR_CA_REGISTERED = utc(2017, 1, 9, 11, 4, 52, 118000)
LEGACY_CA_REGISTERED = utc(2026, 1, 6, 9, 12, 3, 406000)

# thing name, thing type, attributes, key type, issuer ("root" or "field"), notBefore, notAfter,
# status, deactivated at, registered at (None: 7 minutes after notBefore)
DEVICES = (
    ("workshop-gateway-01", "WorkshopGateway", {"site": "lab-1", "firmware": "2.1.0"},
     "RSA-2048", "root", utc(2026, 1, 12, 9), utc(2029, 1, 12, 9), "ACTIVE", None, None),
    ("workshop-sensor-01", "WorkshopSensor", {"site": "lab-1", "firmware": "1.4.2"},
     "EC-P256", "root", utc(2026, 2, 3, 11), utc(2036, 2, 3, 11), "ACTIVE", None, None),
    ("workshop-sensor-02", "WorkshopSensor", {"site": "lab-1", "firmware": "1.4.2"},
     "RSA-2048", "root", utc(2026, 3, 1, 10), utc(2031, 3, 1, 10), "ACTIVE", None, None),
    ("workshop-sensor-03", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0"},
     "EC-P256", "root", utc(2026, 4, 15, 8, 30), utc(2036, 4, 15, 8, 30), "ACTIVE", None, None),
    ("workshop-sensor-04", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0"},
     "RSA-2048", "root", utc(2026, 6, 8, 13), utc(2027, 6, 8, 13), "INACTIVE",
     utc(2026, 9, 14, 16, 2, 47, 205000), None),
    # A TPM-backed sensor whose key came from the vulnerable Infineon library (ROCA).
    ("workshop-sensor-05", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0", "battery": "12"},
     "ROCA-RSA-2048", "root", utc(2026, 5, 4, 7), utc(2031, 5, 4, 7), "ACTIVE", None, None),
    # A key made on an old Debian image (listed in snapshots/workshop-weak-keys/).
    ("workshop-sensor-06", "WorkshopSensor", {"site": "lab-2", "firmware": "0.9.8"},
     "RSA-2048", "root", utc(2026, 5, 20, 12), utc(2031, 5, 20, 12), "ACTIVE", None, None),
    ("workshop-sensor-07", "WorkshopSensor", {"site": "lab-2", "firmware": "1.5.0"},
     "DSA-2048", "root", utc(2026, 6, 1, 9), utc(2031, 6, 1, 9), "ACTIVE", None, None),
    # Revoked by the root CA (its CRL lists it) but still ACTIVE in AWS IoT.
    ("workshop-sensor-08", "WorkshopSensor", {"site": "lab-1", "firmware": "1.4.2"},
     "EC-P256", "root", utc(2026, 3, 9, 15), utc(2031, 3, 9, 15), "ACTIVE", None, None),
    # Issued by the Field CA, which the root has revoked.
    ("workshop-gateway-02", "WorkshopGateway", {"site": "field-3", "firmware": "2.1.0"},
     "EC-P384", "field", utc(2026, 2, 10, 8), utc(2029, 2, 10, 8), "ACTIVE", None, None),
    ("workshop-sensor-09", "WorkshopSensor", {"site": "field-3", "firmware": "1.5.0"},
     "Ed25519", "field", utc(2026, 2, 11, 8), utc(2031, 2, 11, 8), "ACTIVE", None, None),
    # Old sensors: one expires in 9 days, one expired 11 days before the export.
    ("workshop-sensor-10", "WorkshopSensor", {"site": "lab-2", "firmware": "1.2.0"},
     "EC-P256", "root", utc(2024, 11, 20, 9), utc(2026, 12, 5, 9), "ACTIVE", None, None),
    ("workshop-sensor-11", "WorkshopSensor", {"site": "lab-2", "firmware": "1.2.0"},
     "EC-P256", "root", utc(2025, 11, 1, 9), utc(2026, 11, 15, 9), "ACTIVE", None, None),
)
SENSOR_TELEMETRY_THINGS = ("workshop-sensor-01", "workshop-sensor-02", "workshop-sensor-03")
REVOKED_DEVICES = ("workshop-sensor-08",)
DEBIAN_WEAK_DEVICES = ("workshop-sensor-06",)


def make_ca(rng):
    key = pki.new_key("RSA-3072", rng)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(CA_SUBJECT)
        .issuer_name(CA_SUBJECT)
        .public_key(key.public_key())
        .serial_number(pki.serial_bytes(20, rng))
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


def make_sub_ca(definition, issuer_key, issuer_cert, crl_url, rng):
    """An intermediate CA with a short (8-byte) serial, as issuerCertificateSerialNumber allows."""
    common_name, key_type, not_before, not_after = definition
    key = pki.new_key(key_type, rng)
    certificate = pki.certificate(
        pki.name(common_name, ORG), key.public_key(), issuer_cert.subject, issuer_key,
        pki.serial_bytes(8, rng), not_before, not_after, rng, ca=True, issuer_certificate=issuer_cert,
        crl_url=crl_url)
    return key, certificate


def make_self_signed_ca(definition, rng):
    common_name, key_type, not_before, not_after = definition
    key = pki.new_key(key_type, rng)
    subject = pki.name(common_name, ORG)
    first = pki.certificate(subject, key.public_key(), subject, key, pki.serial_bytes(8, rng),
                            not_before, not_after, rng, ca=True)
    # Again, now with an AKI naming its own key.
    return key, pki.certificate(subject, key.public_key(), subject, key, first.serial_number,
                                not_before, not_after, rng, ca=True, issuer_certificate=first)


def make_device_certificate(issuer_key, issuer_cert, thing_name, key, not_before, not_after,
                            crl_url, rng):
    return pki.certificate(
        pki.name(thing_name, ORG), key.public_key(), issuer_cert.subject, issuer_key,
        pki.serial_bytes(20, rng), not_before, not_after, rng, issuer_certificate=issuer_cert,
        crl_url=crl_url)


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


def ca_description(ca_cert, name, registered, status="ACTIVE"):
    ca_id = cert_id(ca_cert)
    return {
        "certificateArn": f"{IOT_ARN}:cacert/{ca_id}",
        "certificateId": ca_id,
        "status": status,
        "certificatePem": pem(ca_cert),
        "ownedBy": ACCOUNT,
        "creationDate": cli_v2_time(registered),
        "autoRegistrationStatus": "DISABLE",
        "lastModifiedDate": cli_v2_time(registered),
        "customerVersion": 1,
        "generationId": stable_uuid("cacert", name),
        "validity": validity(ca_cert),
        "certificateMode": "DEFAULT",
    }


def device_description(ca_cert, certificate, thing_name, status, deactivated):
    """describe-certificate output. `ca_cert` None: registered without a registered CA (its issuer,
    the Field CA, is only in ca-chain/), which describe-certificate shows without caCertificateId."""
    device_id = cert_id(certificate)
    # Registered with AWS IoT a few minutes after issuance.
    registered = certificate.not_valid_before_utc + dt.timedelta(minutes=7, seconds=12,
                                                                  milliseconds=431)
    description = {
        "certificateArn": f"{IOT_ARN}:cert/{device_id}",
        "certificateId": device_id,
    }
    if ca_cert is not None:
        description["caCertificateId"] = cert_id(ca_cert)
    description.update({
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
    })
    return description


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


# name, parent (None: top level), description, dynamic query (None: static), created
THING_GROUPS = (
    ("Workshop", None, "Every workshop device", None, utc(2026, 1, 12, 8, 2, 11, 300000)),
    ("Lab1", "Workshop", "Devices of lab 1", None, utc(2026, 1, 12, 8, 3, 40, 120000)),
    ("Lab2", "Workshop", "Devices of lab 2", None, utc(2026, 1, 12, 8, 4, 2, 870000)),
    ("Gateways", None, "MQTT gateways", None, utc(2026, 1, 12, 8, 5, 19, 14000)),
    ("LowBattery", None, "Sensors reporting less than 20% battery", "attributes.battery < 20",
     utc(2026, 4, 2, 10, 11, 9, 600000)),
    ("Quarantine", None, "Devices isolated by Device Defender mitigation actions", None,
     utc(2026, 11, 25, 15, 40, 0, 250000)),
)
GROUP_MEMBERS = {
    "Lab1": ["workshop-gateway-01", "workshop-sensor-01", "workshop-sensor-02", "workshop-sensor-08"],
    "Lab2": ["workshop-sensor-03", "workshop-sensor-04", "workshop-sensor-05", "workshop-sensor-06",
             "workshop-sensor-07", "workshop-sensor-10", "workshop-sensor-11"],
    "Gateways": ["workshop-gateway-01", "workshop-gateway-02"],
    "LowBattery": ["workshop-sensor-05"],
}


def thing_groups():
    def arn(name):
        return f"{IOT_ARN}:thinggroup/{name}"
    groups = []
    for name, parent, description, query, created in THING_GROUPS:
        group = {
            "thingGroupName": name,
            "thingGroupId": stable_uuid("thinggroup", name),
            "thingGroupArn": arn(name),
            "version": 1,
            "thingGroupProperties": {"thingGroupDescription": description},
            "thingGroupMetadata": {"creationDate": cli_v2_time(created)},
        }
        if parent is not None:
            group["thingGroupMetadata"] = {
                "parentGroupName": parent,
                "rootToParentThingGroups": [{"groupName": parent, "groupArn": arn(parent)}],
                "creationDate": cli_v2_time(created),
            }
        if query is not None:
            group.update({"indexName": "AWS_Things", "queryString": query, "queryVersion": "2017-09-30",
                          "status": "ACTIVE"})
        groups.append(group)
    return {"thingGroups": groups}


def audit_configuration():
    """describe-account-audit-configuration: every check listed, the certificate thresholds set."""
    checks = [
        "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", "CA_CERTIFICATE_EXPIRING_CHECK",
        "CA_CERTIFICATE_KEY_QUALITY_CHECK", "CONFLICTING_CLIENT_IDS_CHECK", "DEVICE_CERTIFICATE_AGE_CHECK",
        "DEVICE_CERTIFICATE_EXPIRING_CHECK", "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
        "DEVICE_CERTIFICATE_SHARED_CHECK", "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK",
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
        "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK", "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
        "LOGGING_DISABLED_CHECK", "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
        "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
    ]
    configurations = {name: {"enabled": True} for name in checks}
    configurations["DEVICE_CERTIFICATE_EXPIRING_CHECK"]["configuration"] = {
        "CERT_EXPIRATION_THRESHOLD_IN_DAYS": "30"}
    configurations["DEVICE_CERTIFICATE_AGE_CHECK"]["configuration"] = {"CERT_AGE_THRESHOLD_IN_DAYS": "365"}
    return {
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/AWSIoTDeviceDefenderAudit_Role",
        "auditNotificationTargetConfigurations": {"SNS": {
            "targetArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:DevDefenderAudit",
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/AWSIoTDeviceDefenderNotification_Role",
            "enabled": True}},
        "auditCheckConfigurations": configurations,
    }


# --- Connection logs (2026-11-25, the day before the export) ----------------------------------

LOG_DAY = "2026-11-25"


class LogDay:
    """Connect/Disconnect entries as AWS IoT writes them to CloudWatch (cwl-format)."""

    def __init__(self, cert_by_thing):
        self.cert = cert_by_thing
        self.entries = []

    def entry(self, event_type, time, client, thing, ip, port, reason=None, status="Success"):
        timestamp = f"{LOG_DAY} {time}"
        entry = {
            "timestamp": timestamp, "logLevel": "INFO",
            "traceId": stable_uuid("trace", event_type, timestamp, client, ip, str(port)),
            "accountId": ACCOUNT, "status": status, "eventType": event_type, "protocol": "MQTT",
            "clientId": client, "principalId": self.cert[thing], "sourceIp": ip, "sourcePort": port,
        }
        if reason is not None:
            entry["disconnectReason"] = reason
        self.entries.append(entry)

    def session(self, start, end, client, thing, ip, port, reason="CLIENT_INITIATED_DISCONNECT"):
        self.entry("Connect", start, client, thing, ip, port)
        if end is not None:
            self.entry("Disconnect", end, client, thing, ip, port, reason)

    def other(self, event_type, time, client, thing, topic):
        self.entries.append({
            "timestamp": f"{LOG_DAY} {time}", "logLevel": "INFO",
            "traceId": stable_uuid("trace", event_type, time, client), "accountId": ACCOUNT,
            "status": "Success", "eventType": event_type, "protocol": "MQTT", "topicName": topic,
            "clientId": client, "principalId": self.cert[thing], "sourceIp": "203.0.113.21",
            "sourcePort": 51234})


def connection_logs(cert_by_thing):
    """One day of broker logs: ordinary sessions, one certificate used by two clients at once
    (gateway-01 and a bench clone), and two sensors fighting over one client ID."""
    day = LogDay(cert_by_thing)
    lab = "203.0.113.21"
    # Ordinary devices: connected all day with a reconnect or two.
    day.session("06:00:04.117", "14:12:40.902", "workshop-sensor-01", "workshop-sensor-01", lab, 40112,
                "MQTT_KEEP_ALIVE_TIMEOUT")
    day.session("14:13:02.311", None, "workshop-sensor-01", "workshop-sensor-01", lab, 40377)
    day.session("06:00:05.640", "23:59:00.003", "workshop-sensor-05", "workshop-sensor-05", lab, 40114)
    day.session("06:00:06.212", None, "workshop-sensor-06", "workshop-sensor-06", lab, 40118)
    day.session("06:00:07.850", None, "workshop-sensor-07", "workshop-sensor-07", lab, 40121)
    day.session("06:01:12.004", "21:30:44.781", "workshop-sensor-08", "workshop-sensor-08", lab, 40140)
    day.session("07:15:00.337", None, "workshop-gateway-02", "workshop-gateway-02", "198.51.100.40", 61002)
    day.session("07:15:02.918", None, "workshop-sensor-09", "workshop-sensor-09", "198.51.100.41", 61011)
    day.session("06:02:30.500", "18:02:30.771", "workshop-sensor-10", "workshop-sensor-10", lab, 40150)
    day.session("06:02:31.006", "06:02:31.420", "workshop-sensor-11", "workshop-sensor-11", lab, 40151,
                "CLIENT_ERROR")
    # The INACTIVE sensor-04 is refused.
    day.entry("Connect", "06:00:09.001", "workshop-sensor-04", "workshop-sensor-04", lab, 40125,
              status="Failure")
    # gateway-01's certificate, copied onto a bench test rig, used at the same time as the gateway.
    day.session("06:00:03.001", None, "workshop-gateway-01", "workshop-gateway-01", lab, 40110)
    day.session("13:12:45.226", "13:40:02.918", "workshop-gateway-01-bench", "workshop-gateway-01",
                "192.0.2.77", 55321)
    day.session("15:05:10.001", "15:21:36.450", "workshop-gateway-01-bench", "workshop-gateway-01",
                "192.0.2.77", 55390)
    # sensor-03 flashed with sensor-02's firmware configuration: both use client ID
    # workshop-sensor-02 and keep dropping each other.
    day.session("05:58:00.000", "07:10:00.512", "workshop-sensor-03", "workshop-sensor-03", lab, 40200)
    day.session("06:00:01.450", "10:30:00.118", "workshop-sensor-02", "workshop-sensor-02", lab, 40102,
                "DUPLICATE_CLIENTID")
    day.session("10:30:00.118", "10:30:07.990", "workshop-sensor-02", "workshop-sensor-03", lab, 40210,
                "DUPLICATE_CLIENTID")
    day.session("10:30:07.990", "10:31:02.004", "workshop-sensor-02", "workshop-sensor-02", lab, 40103,
                "DUPLICATE_CLIENTID")
    day.session("10:31:02.004", "16:45:10.300", "workshop-sensor-02", "workshop-sensor-03", lab, 40211,
                "DUPLICATE_CLIENTID")
    day.session("16:45:10.300", None, "workshop-sensor-02", "workshop-sensor-02", lab, 40104)
    # Other broker events are in the same log group; the audit ignores them.
    day.other("Publish-In", "09:00:00.250", "workshop-sensor-01", "workshop-sensor-01",
              "sensors/workshop-sensor-01/telemetry")
    day.other("Subscribe", "09:00:01.500", "workshop-gateway-01", "workshop-gateway-01",
              "$aws/things/workshop-gateway-01/shadow/update/accepted")
    entries = sorted(day.entries, key=lambda e: e["timestamp"])
    morning = [e for e in entries if e["timestamp"] < f"{LOG_DAY} 12:00"]
    afternoon = [e for e in entries if e["timestamp"] >= f"{LOG_DAY} 12:00"]
    return morning, afternoon


def filter_log_events(entries):
    """`aws logs filter-log-events --log-group-name AWSIotLogsV2` output for `entries`."""
    events = []
    for index, entry in enumerate(entries):
        when = dt.datetime.strptime(entry["timestamp"], "%Y-%m-%d %H:%M:%S.%f").replace(
            tzinfo=dt.timezone.utc)
        millis = int(when.timestamp() * 1000)
        events.append({
            "logStreamName": "b2b7e7d0-2f4c-4b0c-9a35-4b2c7a81a1f3",
            "timestamp": millis,
            "message": json.dumps(entry, separators=(",", ":")),
            "ingestionTime": millis + 412,
            "eventId": f"{millis:020d}{index:016d}",
        })
    return {"events": events, "searchedLogStreams": []}


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
    ("DeactivateDeviceCertificateAction", "UPDATE_DEVICE_CERTIFICATE",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionUpdateDeviceCert_Role",
     {"updateDeviceCertificateParams": {"action": "DEACTIVATE"}},
     utc(2026, 11, 25, 16, 10, 2, 115000)),
    ("DeactivateCACertificateAction", "UPDATE_CA_CERTIFICATE",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionUpdateCACert_Role",
     {"updateCACertificateParams": {"action": "DEACTIVATE"}},
     utc(2026, 11, 25, 16, 11, 40, 802000)),
    ("QuarantineThingsAction", "ADD_THINGS_TO_THING_GROUP",
     f"arn:aws:iam::{ACCOUNT}:role/IoTMitigationActionAddThingsToGroup_Role",
     {"addThingsToThingGroupParams": {"thingGroupNames": ["Quarantine"], "overrideDynamicGroups": True}},
     utc(2026, 11, 25, 16, 14, 27, 330000)),
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
    """Returns ({file name: JSON value or text} for every file in FILES, {blacklist file: text})."""
    rng = random.Random(SEED)
    ca_key, ca_cert = make_ca(rng)
    field_key, field_ca = make_sub_ca(FIELD_CA, ca_key, ca_cert, ROOT_CRL_URL, rng)
    legacy_key, legacy_ca = make_sub_ca(LEGACY_ISSUING_CA, ca_key, ca_cert, ROOT_CRL_URL, rng)
    vendor_key, vendor_ca = make_self_signed_ca(VENDOR_CA, rng)
    assert pki.has_roca_fingerprint(vendor_key.public_key().public_numbers().n)
    issuers = {"root": (ca_key, ca_cert, ROOT_CRL_URL), "field": (field_key, field_ca, FIELD_CRL_URL)}

    certificates = []
    cert_arn_by_thing = {}
    cert_id_by_thing = {}
    serial_by_thing = {}
    blacklist = []
    for name, _, _, key_type, issuer, not_before, not_after, status, deactivated, _ in DEVICES:
        key = pki.new_key(key_type, rng)
        issuer_key, issuer_cert, crl_url = issuers[issuer]
        certificate = make_device_certificate(issuer_key, issuer_cert, name, key, not_before, not_after,
                                              crl_url, rng)
        registered_ca = ca_cert if issuer == "root" else None
        description = device_description(registered_ca, certificate, name, status, deactivated)
        certificates.append(description)
        cert_arn_by_thing[name] = description["certificateArn"]
        cert_id_by_thing[name] = description["certificateId"]
        serial_by_thing[name] = certificate.serial_number
        if name in DEBIAN_WEAK_DEVICES:
            blacklist.append(pki.debian_blacklist_line(key.public_key()))
        if key_type == "ROCA-RSA-2048":
            assert pki.has_roca_fingerprint(key.public_key().public_numbers().n)

    revoked_at = utc(2026, 11, 18, 10, 30)
    root_crl = pki.revocation_list(
        ca_cert, ca_key,
        [(field_ca.serial_number, revoked_at), (legacy_ca.serial_number, revoked_at)]
        + [(serial_by_thing[name], revoked_at) for name in REVOKED_DEVICES],
        utc(2026, 11, 20), utc(2026, 12, 20), rng)
    field_crl = pki.revocation_list(field_ca, field_key, [], utc(2026, 11, 20), utc(2026, 12, 20), rng)

    morning, afternoon = connection_logs(cert_id_by_thing)
    # A demonstration list in the openssl-blacklist format: sensor-06's key among keys generated
    # here (the real Debian lists are not redistributed; see docs/checks.md).
    for _ in range(7):
        blacklist.append(pki.debian_blacklist_line(pki.new_key("RSA-2048", rng).public_key()))

    files = {
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
        "ca-certificates.json": {"certificateDescriptions": [
            ca_description(ca_cert, "FleetAudit Workshop Root CA", CA_REGISTERED),
            ca_description(legacy_ca, LEGACY_ISSUING_CA[0], LEGACY_CA_REGISTERED),
            ca_description(vendor_ca, VENDOR_CA[0], VENDOR_CA_REGISTERED),
        ]},
        "certificates.json": {"certificateDescriptions": certificates},
        "things.json": things(),
        "thing-principals.json": {"principalThings": [
            {"principal": arn, "things": [name]} for name, arn in cert_arn_by_thing.items()
        ]},
        "thing-groups.json": thing_groups(),
        "thing-group-members.json": {"thingGroupMembers": [
            {"thingGroupName": group, "things": members} for group, members in GROUP_MEMBERS.items()
        ]},
        # TECHCON703_amazon_freertos_policy has no targets, as in the workshop.
        "policy-targets.json": {"policyTargets": [
            {"policyName": "WorkshopDevicePolicy", "targets": list(cert_arn_by_thing.values())},
            {"policyName": "SensorTelemetryPolicy",
             "targets": [cert_arn_by_thing[name] for name in SENSOR_TELEMETRY_THINGS]},
        ]},
        "audit-configuration.json": audit_configuration(),
        "mitigation-actions.json": mitigation_actions(),
        "ca-chain/workshop-field-ca.pem": pem(field_ca),
        "crls/workshop-root-ca.crl": pki.pem(root_crl),
        "crls/workshop-field-ca.crl": pki.pem(field_crl),
        "iot-logs/2026-11-25-morning.jsonl":
            "".join(json.dumps(entry, separators=(",", ":")) + "\n" for entry in morning),
        "iot-logs/2026-11-25-afternoon.json": filter_log_events(afternoon),
        "role-aliases.json": role_aliases(),
        "iam.json": iam_authorization_details(),
        "iam-service-last-accessed.json": service_last_accessed(),
        "cognito-identity-pools.json": identity_pools(),
    }
    return files, {"blacklist.RSA-2048": "\n".join(sorted(blacklist)) + "\n"}


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
    blacklist = {}
    if identity_only:
        snapshot = build_identity_files()
        assert tuple(snapshot) == IDENTITY_FILES
    else:
        snapshot, blacklist = build_snapshot()
        assert tuple(snapshot) == FILES
        for folder in FOLDERS:
            if (out / folder).is_dir():
                for stale in (out / folder).iterdir():
                    stale.unlink()
            (out / folder).mkdir(exist_ok=True)
    for name, value in snapshot.items():
        if isinstance(value, str):
            text = value
        else:
            # Same layout as the AWS CLI's JSON output: 4-space indent, non-ASCII kept.
            text = json.dumps(value, indent=4, ensure_ascii=False) + "\n"
        (out / name).write_text(text, encoding="utf-8")
    if identity_only:
        print(f"wrote {len(snapshot)} files to {out}")
        return 0
    weak_keys = out.parent / (out.name + "-weak-keys")
    weak_keys.mkdir(exist_ok=True)
    for name, text in blacklist.items():
        (weak_keys / name).write_text(text, encoding="ascii")
    print(f"wrote {len(snapshot)} files to {out} and the demonstration blacklist to {weak_keys}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

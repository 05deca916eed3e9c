#!/usr/bin/env python3
"""A stand-in for `fleet-audit generate` while that command is not merged, with the same
arguments, so `make bench` can run against it:

    FLEET_GENERATE="python3 Benchmarks/scripts/standin-generate.py" make bench
    python3 Benchmarks/scripts/standin-generate.py --devices N --seed S --out DIR

It writes a snapshot of the issue's proportions: about 0.97 certificates per device with real
PEMs (keys from a small pool, signed by a registered root and an intermediate), N/10 policies
with 1-3 versions, things, thing principals, policy targets, and a day of connection logs with
about 3 connects per device (JSON Lines, plus one `filter-log-events` file); role aliases, IAM
roles, Cognito pools and the audit configuration are the workshop snapshot's. It plants expired,
expiring, old, revoked and shared certificates and conflicting client IDs. Unlike the real
generator its bytes are not reproducible (ECDSA signatures are randomised by OpenSSL), and it
writes no expected-counts file; it is a load generator, not a test fixture.
"""

import argparse
import datetime
import json
import os
import random
import shutil

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCOUNT, REGION = "123456789012", "us-east-1"
EXPORTED = datetime.datetime(2026, 11, 26, 8, 0, tzinfo=datetime.timezone.utc)


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench Fleet"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def ca(subject, key, issuer, issuer_key, serial, crl_url=None):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(serial).not_valid_before(EXPORTED - datetime.timedelta(days=900))
               .not_valid_after(EXPORTED + datetime.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    os.makedirs(os.path.join(out, "crls"), exist_ok=True)
    os.makedirs(os.path.join(out, "iot-logs"), exist_ok=True)
    n = args.devices

    root_key = ec.derive_private_key(1000 + args.seed, ec.SECP256R1())
    inter_key = ec.derive_private_key(2000 + args.seed, ec.SECP256R1())
    root = ca(name("Bench Root CA"), root_key, name("Bench Root CA"), root_key, 1)
    inter = ca(name("Bench Issuing CA"), inter_key, name("Bench Root CA"), root_key, 2,
               "http://crl.example/issuing.crl")
    pool = [ec.derive_private_key(10_000 + i, ec.SECP256R1()) for i in range(64)]
    ski = x509.AuthorityKeyIdentifier.from_issuer_public_key(inter_key.public_key())
    cdp = x509.CRLDistributionPoints([x509.DistributionPoint(
        [x509.UniformResourceIdentifier("http://crl.example/issuing.crl")], None, None, None)])

    def pem(cert):
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    def describe(cert, status, created, ca_id=None):
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
        element = {"certificateArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:{'cacert' if ca_id is None else 'cert'}/{fingerprint}",
                   "certificateId": fingerprint}
        if ca_id:
            element["caCertificateId"] = ca_id
        element.update({"status": status, "certificatePem": pem(cert), "ownedBy": ACCOUNT,
                        "creationDate": iso(created), "lastModifiedDate": iso(created), "customerVersion": 1,
                        "generationId": "%032x" % rng.getrandbits(128),
                        "validity": {"notBefore": iso(cert.not_valid_before_utc),
                                     "notAfter": iso(cert.not_valid_after_utc)}})
        return element

    root_id = root.fingerprint(hashes.SHA256()).hex()
    with open(os.path.join(out, "ca-certificates.json"), "w") as f:
        json.dump({"certificateDescriptions": [describe(root, "ACTIVE", EXPORTED - datetime.timedelta(days=800)),
                                               describe(inter, "ACTIVE", EXPORTED - datetime.timedelta(days=800))]},
                  f, indent=4)

    certificates = []  # (certificate id, thing name, status)
    revoked = []
    with open(os.path.join(out, "certificates.json"), "w") as f:
        f.write('{\n    "certificateDescriptions": [')
        count = n - n * 3 // 100  # about 0.97 certificates per device
        for i in range(count):
            thing = f"device-{i:07d}"
            roll = rng.random()
            days_left = rng.randint(60, 1500)
            if roll < 0.01:
                days_left = -rng.randint(1, 200)  # expired
            elif roll < 0.02:
                days_left = rng.randint(0, 29)  # expiring
            not_after = EXPORTED + datetime.timedelta(days=days_left)
            not_before = not_after - datetime.timedelta(days=rng.choice([730, 1095, 1825]))
            created = min(EXPORTED - datetime.timedelta(days=1), not_before + datetime.timedelta(days=1))
            serial = rng.getrandbits(120) | 1 << 121
            cert = (x509.CertificateBuilder().subject_name(name(thing)).issuer_name(inter.subject)
                    .public_key(pool[i % len(pool)].public_key()).serial_number(serial)
                    .not_valid_before(not_before).not_valid_after(not_after)
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(ski, critical=False).add_extension(cdp, critical=False)
                    .sign(inter_key, hashes.SHA256()))
            status = "ACTIVE" if rng.random() < 0.95 else rng.choice(["INACTIVE", "REVOKED", "PENDING_TRANSFER"])
            if rng.random() < 0.005:
                revoked.append(serial)
            element = describe(cert, status, created, root_id)
            certificates.append((element["certificateId"], thing, status))
            f.write(("," if i else "") + "\n        " + json.dumps(element))
        f.write("\n    ]\n}\n")

    builder = (x509.CertificateRevocationListBuilder().issuer_name(inter.subject)
               .last_update(EXPORTED - datetime.timedelta(days=1)).next_update(EXPORTED + datetime.timedelta(days=6))
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(inter_key.public_key()),
                              critical=False))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(EXPORTED - datetime.timedelta(days=2))
            .build())
    with open(os.path.join(out, "crls", "issuing.crl"), "wb") as f:
        f.write(builder.sign(inter_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    root_crl = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
                .last_update(EXPORTED - datetime.timedelta(days=1)).next_update(EXPORTED + datetime.timedelta(days=6))
                .sign(root_key, hashes.SHA256()))
    with open(os.path.join(out, "crls", "root.crl"), "wb") as f:
        f.write(root_crl.public_bytes(serialization.Encoding.PEM))

    prefix = f"arn:aws:iot:{REGION}:{ACCOUNT}:"
    scoped = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": prefix + "client/${iot:Connection.Thing.ThingName}"},
        {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"],
         "Resource": prefix + "topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
        {"Effect": "Allow", "Action": "iot:Subscribe",
         "Resource": prefix + "topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
        {"Effect": "Allow", "Action": "iot:Publish", "Resource": prefix + "topic/telemetry/${iot:ClientId}"}]}
    broad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}
    fleet = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": prefix + "client/*"},
        {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": prefix + "topicfilter/fleet/#"},
        {"Effect": "Deny", "Action": "iot:Subscribe", "Resource": prefix + "topicfilter/fleet/+/admin"}]}
    policies = []
    with open(os.path.join(out, "policies.json"), "w") as f:
        f.write('{\n    "policyVersions": [')
        first = True
        for p in range(max(1, n // 10)):
            policy = f"device-policy-{p:06d}"
            versions = rng.randint(1, 3)
            for v in range(1, versions + 1):
                roll = rng.random()
                document = broad if roll < 0.02 else fleet if roll < 0.05 else scoped
                element = {"policyArn": prefix + "policy/" + policy, "policyName": policy,
                           "policyDocument": json.dumps(document, indent=2), "policyVersionId": str(v),
                           "isDefaultVersion": v == versions, "creationDate": 1767620882.117,
                           "lastModifiedDate": 1767620882.117, "generationId": "%064x" % rng.getrandbits(256)}
                f.write(("" if first else ",") + "\n        " + json.dumps(element))
                first = False
            policies.append(policy)
        f.write("\n    ]\n}\n")

    with open(os.path.join(out, "things.json"), "w") as f:
        json.dump({"things": [{"thingName": f"device-{i:07d}", "thingTypeName": "sensor",
                               "thingArn": prefix + f"thing/device-{i:07d}", "attributes": {"site": f"s{i % 97}"},
                               "version": 1} for i in range(n)]}, f, indent=4)
    with open(os.path.join(out, "thing-principals.json"), "w") as f:
        json.dump({"principalThings": [{"principal": prefix + "cert/" + cid, "things": [thing]}
                                       for cid, thing, _ in certificates]}, f, indent=4)
    with open(os.path.join(out, "policy-targets.json"), "w") as f:
        targets = {}
        for index, (cid, _, _) in enumerate(certificates):
            targets.setdefault(policies[index % len(policies)], []).append(prefix + "cert/" + cid)
        json.dump({"policyTargets": [{"policyName": k, "targets": v} for k, v in targets.items()]}, f, indent=4)

    # One day of connection logs: about 3 sessions per device, planted shared certificates and conflicts.
    day = EXPORTED - datetime.timedelta(days=1)
    events = []
    for index, (cid, thing, status) in enumerate(certificates):
        port = 40000 + index % 20000
        ip = f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}"
        start = rng.randint(0, 3600)
        for _ in range(3):
            length = rng.randint(600, 20000)
            events.append((start, "Connect", thing, cid, ip, port, None))
            events.append((start + length, "Disconnect", thing, cid, ip, port, "CLIENT_INITIATED_DISCONNECT"))
            middle = start + length // 2
            start += length + rng.randint(5, 3000)
        plant = rng.random()
        if plant < 0.002:  # the same certificate, another client ID, during the last session
            events.append((middle, "Connect", thing + "-clone", cid, "198.51.100.7", 50000, None))
        elif plant < 0.004:  # the same client ID from another device, which displaces the last session
            other = certificates[(index + 1) % len(certificates)][0]
            events.append((middle, "Connect", thing, other, "198.51.100.9", 50001, None))
            events.append((middle, "Disconnect", thing, cid, ip, port, "DUPLICATE_CLIENTID"))
    events.sort(key=lambda e: e[0])

    def entry(e):
        moment = day + datetime.timedelta(seconds=e[0], milliseconds=rng.randint(0, 999))
        record = {"timestamp": moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}",
                  "logLevel": "INFO", "traceId": "%032x" % rng.getrandbits(128), "accountId": ACCOUNT,
                  "status": "Success", "eventType": e[1], "protocol": "MQTT", "clientId": e[2],
                  "principalId": e[3], "sourceIp": e[4], "sourcePort": e[5]}
        if e[6]:
            record["disconnectReason"] = e[6]
        return record, moment

    split = len(events) * 9 // 10
    with open(os.path.join(out, "iot-logs", "day-1.jsonl"), "w") as f:
        for e in events[:split]:
            f.write(json.dumps(entry(e)[0], separators=(",", ":")) + "\n")
    with open(os.path.join(out, "iot-logs", "day-2.json"), "w") as f:
        f.write('{\n    "events": [')
        for i, e in enumerate(events[split:]):
            record, moment = entry(e)
            millis = int(moment.timestamp() * 1000)
            f.write(("," if i else "") + "\n        " + json.dumps(
                {"logStreamName": "bench", "timestamp": millis, "message": json.dumps(record, separators=(",", ":")),
                 "ingestionTime": millis + 400, "eventId": "%036d" % i}))
        f.write("\n    ]\n}\n")

    for file, content in {
        "manifest.json": {"accountId": ACCOUNT, "region": REGION, "exportedAt": "2026-11-26T08:00:00Z",
                          "unavailable": []},
        "logging-options.json": {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/IoTLogging", "logLevel": "DISABLED"},
        "v2-logging-options.json": {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/IoTLogging",
                                    "defaultLogLevel": "ERROR", "disableAllLogs": False},
        "v2-logging-levels.json": {"logTargetConfigurations": []},
    }.items():
        with open(os.path.join(out, file), "w") as f:
            json.dump(content, f, indent=4)
    # Role aliases, IAM roles and Cognito pools are few in any fleet: the workshop's (same account).
    workshop = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "snapshots", "workshop")
    for file in ("role-aliases.json", "iam.json", "iam-service-last-accessed.json", "cognito-identity-pools.json",
                 "audit-configuration.json"):
        shutil.copyfile(os.path.join(workshop, file), os.path.join(out, file))


if __name__ == "__main__":
    main()

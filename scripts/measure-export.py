#!/usr/bin/env python3
"""Measure the exporter's per-call cost against moto's server on 127.0.0.1 (not against AWS).

Starts moto (real-certificate mode) on a free local port, registers N devices (a real X.509
certificate each, a thing, the certificate attached to the thing), then measures:

1. N ``describe-certificate`` calls one after another, and on --parallel threads;
2. a full ``export-snapshot.sh`` run at ``--parallel 1`` and at ``--parallel P``, with the time of
   each per-device step (certificates.json: one DescribeCertificate per device;
   thing-principals.json: one ListPrincipalThings per device) read from the exporter's progress.

and prints the per-call costs and what they imply for 10,000 devices. These are numbers of the
mock on this machine: a real account adds network latency and AWS's per-API request-rate quotas
(see docs/exporter.md, "For the account owner, step by step").

Usage: python3 scripts/measure-export.py [--devices N] [--parallel P]   (needs moto[server])
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import test_export_snapshot as e2e  # noqa: E402 - the moto launcher and the AWS environment


def devices(iot, count):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import datetime as dt

    key = ec.generate_private_key(ec.SECP256R1())  # one key is enough for timing; ids differ by serial
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ids = []
    for number in range(count):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"device-{number:05d}")])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
        registered = iot.register_certificate_without_ca(certificatePem=pem, status="ACTIVE")
        iot.create_thing(thingName=f"device-{number:05d}")
        iot.attach_thing_principal(thingName=f"device-{number:05d}", principal=registered["certificateArn"])
        ids.append(registered["certificateId"])
    return ids


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def step_seconds(stderr, name):
    match = re.search(rf"        {re.escape(name)}: [^\n]*\((\d+\.\d+)s\)\n", stderr)
    return float(match.group(1)) if match else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=8)
    args = parser.parse_args()
    e2e.require_moto = lambda: None  # pytest is not running; an ImportError is explicit enough
    port = e2e._free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", e2e.MOTO_LAUNCHER, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        for _ in range(300):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        iot = e2e._clients(endpoint)["iot"]
        print(f"moto {__import__('moto').__version__} on {endpoint}, {os.cpu_count()} CPU(s); {args.devices} devices")
        setup = timed(lambda: devices(iot, args.devices))
        print(f"  setup (register certificate + create thing + attach): {setup:.1f}s")
        ids = [c["certificateId"] for c in iot.list_certificates(pageSize=250)["certificates"]][:250]
        sample = (ids * (args.devices // len(ids) + 1))[: args.devices]

        sequential = timed(lambda: [iot.describe_certificate(certificateId=i) for i in sample])
        with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
            parallel = timed(lambda: list(pool.map(lambda i: iot.describe_certificate(certificateId=i), sample)))
        print(
            f"  DescribeCertificate x{len(sample)}: sequential {sequential:.2f}s "
            f"({1000 * sequential / len(sample):.2f} ms/call); {args.parallel} threads {parallel:.2f}s "
            f"({1000 * parallel / len(sample):.2f} ms/call effective)"
        )

        environment = e2e._aws_environment()
        environment["AWS_MAX_ATTEMPTS"] = "1"  # moto's unimplemented APIs: no retry sleeps in the totals
        results = {}
        for workers in (1, args.parallel):
            with tempfile.TemporaryDirectory() as scratch:
                out = Path(scratch) / "snapshot"
                command = [
                    str(HERE / "export-snapshot.sh"), "--out", str(out), "--region", e2e.REGION,
                    "--endpoint-url", endpoint, "--parallel", str(workers),
                ]
                started = time.perf_counter()
                run = subprocess.run(command, env=environment, capture_output=True, text=True)
                total = time.perf_counter() - started
                certificates = step_seconds(run.stderr, "certificates.json")
                principals = step_seconds(run.stderr, "thing-principals.json")
                results[workers] = (total, certificates, principals)
                print(
                    f"  export --parallel {workers}: {total:.1f}s total; certificates.json {certificates:.1f}s "
                    f"({1000 * certificates / args.devices:.2f} ms/device), thing-principals.json {principals:.1f}s "
                    f"({1000 * principals / args.devices:.2f} ms/device)"
                )
        for workers, (total, certificates, principals) in results.items():
            per_device = (certificates + principals) / args.devices
            print(
                f"  estimate for 10,000 devices at --parallel {workers} (mock): "
                f"{10_000 * per_device:.0f}s for the two per-device steps"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""The portal's API (ksan-portal, /api/v1) as a client sees it: its OpenAPI document is valid, schemathesis finds no
server error and no answer that breaks the document, and a request without a valid key learns nothing.

The `ksanctl` commands themselves are exercised by Tests/KSANIntegrationTests/PortalTests.swift.
"""

import os
import pathlib
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests
from openapi_spec_validator import validate

from conftest import KSAN_HOME

PORTAL = os.environ.get("KSAN_PORTAL_URL", "")
HEADERS = {"Authorization": f"Bearer {os.environ.get('KSAN_API_KEY', '')}"}


def test_the_openapi_document_is_valid():
    response = requests.get(f"{PORTAL}/api/v1/openapi.json", timeout=10)
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on any violation of OpenAPI 3.0
    assert document["servers"] == [{"url": "/api/v1"}]


def test_a_request_without_a_valid_key_learns_nothing():
    for headers in ({}, {"Authorization": "Bearer nope"}, {"X-API-Key": "ksan_aaaaaaaaaaaa_" + "b" * 40},
                    {"Authorization": "Basic YTpi"}):
        response = requests.get(f"{PORTAL}/api/v1/users", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.json() == {"error": {"code": "Unauthorized", "message": "Unauthorized"}}
    assert requests.get(f"{PORTAL}/api/v1/users", headers=HEADERS, timeout=10).status_code == 200


def test_bad_bodies_get_a_clear_400_and_change_nothing():
    before = requests.get(f"{PORTAL}/api/v1/users", headers=HEADERS, timeout=10).json()["items"]
    for body in (b"{nope", b'{"name": 5}', b'{"name": "x", "admin": true}', b"[]", b'{"name": ""}',
                 b'{"name": "a\\u0000b"}'):
        response = requests.post(f"{PORTAL}/api/v1/users", headers={**HEADERS, "Content-Type": "application/json"},
                                 data=body, timeout=10)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "BadRequest"
    assert requests.get(f"{PORTAL}/api/v1/users", headers=HEADERS, timeout=10).json()["items"] == before
    response = requests.request("PUT", f"{PORTAL}/api/v1/users", headers=HEADERS, timeout=10)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"


def test_every_service_of_the_cluster_is_online_and_serves_metrics(cluster):
    """cluster/up.sh gives every process the broker: each registers, and each serves Prometheus metrics."""
    deadline = time.monotonic() + 20
    while True:
        services = requests.get(f"{PORTAL}/api/v1/services", headers=HEADERS, timeout=10).json()["items"]
        online = sorted(s["kind"] for s in services if s["state"] == "Online")
        expected = sorted(["gateway", "metadata", "portal", "worker"] + ["osd"] * len(cluster["osds"]))
        if online == expected or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert online == expected, services
    status = requests.get(f"{PORTAL}/api/v1/status", headers=HEADERS, timeout=10).json()
    assert status["health"] == "OK", status["warnings"]
    assert status["capacityBytes"] > 0
    for url in [cluster["gateway"]["metrics"], f"{PORTAL}/metrics", f"{cluster['metadata']['url']}/metrics",
                cluster["worker"]["metrics"]]:
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert 'ksan_build_info{version="' in response.text
    # The worker runs garbage collection and repair (the gateway no longer does): its passes are counted.
    passes = [line for line in requests.get(cluster["worker"]["metrics"], timeout=10).text.splitlines()
              if line.startswith("ksan_worker_passes_total{")]
    assert any('worker="garbage-collection"' in line for line in passes), passes
    assert any('worker="repair"' in line for line in passes), passes
    assert "ksan_worker_passes_total" not in requests.get(cluster["gateway"]["metrics"], timeout=10).text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url}: the process exited; its log:\n{log.read_text()[-3000:]}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s; log:\n{log.read_text()[-3000:]}")


@pytest.fixture
def sandbox_portal(cluster, tmp_path):
    """A portal of its own over a database of its own (on the cluster's PostgreSQL, migrated by a ksan-metadata of
    its own), so that fuzzing may add, change and remove servers, disks, pools, users and keys without touching the
    cluster the other tests use. Yields (portal URL, API key)."""
    bin_dir = pathlib.Path(cluster["up_env"]["KSAN_BIN"])
    pg_port = cluster["postgres"]["port"]
    database = "ksan_fuzz_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-d", "postgres", "-q", "-c",
                    f"CREATE DATABASE {database}"], check=True, capture_output=True)
    url = f"postgres://postgres@127.0.0.1:{pg_port}/{database}"
    key = subprocess.run([bin_dir / "ksan-portal", "--new-api-key"], check=True, capture_output=True,
                         text=True).stdout.strip()
    (tmp_path / "api-key").write_text(key)
    (tmp_path / "cluster-key").write_text(uuid.uuid4().hex)
    metadata_port, portal_port = _free_port(), _free_port()
    processes = []
    try:
        metadata_log = tmp_path / "metadata.log"
        processes.append(subprocess.Popen(
            [bin_dir / "ksan-metadata", "--listen", f"127.0.0.1:{metadata_port}", "--postgres-url", url,
             "--topology", str(KSAN_HOME / "topology.json"), "--allow-open-api", "--log-level", "warning"],
            stdout=metadata_log.open("w"), stderr=subprocess.STDOUT))
        _wait_for(f"http://127.0.0.1:{metadata_port}/_ksan/health", processes[-1], metadata_log)
        portal_log = tmp_path / "portal.log"
        processes.append(subprocess.Popen(
            [bin_dir / "ksan-portal", "--listen", f"127.0.0.1:{portal_port}", "--postgres-url", url,
             "--api-key-file", str(tmp_path / "api-key"), "--log-level", "warning",
             # So that a join with a token the fuzzer made itself succeeds (without a key it would be a 503).
             "--cluster-key-file", str(tmp_path / "cluster-key"),
             "--metadata-url", f"http://127.0.0.1:{metadata_port}"],
            stdout=portal_log.open("w"), stderr=subprocess.STDOUT))
        _wait_for(f"http://127.0.0.1:{portal_port}/api/v1/health", processes[-1], portal_log)
        yield f"http://127.0.0.1:{portal_port}", key
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-d", "postgres", "-q",
                        "-c", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], capture_output=True)


def test_schemathesis_finds_nothing_wrong(sandbox_portal, tmp_path):
    """Every operation, generated requests (valid and not), and sequences of them, against a portal of its own: no
    5xx, every answer as the document says. KSAN_SCHEMATHESIS_EXAMPLES and KSAN_SCHEMATHESIS_SEED change the run
    (the fixed seed makes it repeatable). One worker: hypothesis's generation is not thread-safe on CPython 3.11
    (it failed with "AST constructor recursion depth mismatch" under two)."""
    portal, key = sandbox_portal
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{portal}/api/v1/openapi.json",
         "--header", f"Authorization: Bearer {key}",
         "--checks", "all", "--max-examples", os.environ.get("KSAN_SCHEMATHESIS_EXAMPLES", "30"),
         "--seed", os.environ.get("KSAN_SCHEMATHESIS_SEED", "20261201"), "--workers", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900)
    print(result.stdout[-6000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

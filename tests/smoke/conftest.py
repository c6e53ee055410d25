"""Fixtures of the smoke suite, which runs real S3 clients against a cluster started by cluster/up.sh.

The cluster is the one in KSAN_HOME (default <repo>/scratch/cluster). Its env file is loaded into os.environ first,
so boto3 and the aws CLI (a subprocess) reach it and nothing else:

    cluster/up.sh && python3 -m pytest -v tests/smoke

Use a throw-away cluster (scripts/test.sh makes one): test_durability deletes every shard file of one OSD and kills
another OSD (cluster/up.sh then restarts it), which costs the redundancy of every object stored before.
"""

import json
import os
import pathlib
import shlex
import socket
import subprocess
import sys
import warnings
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from s3util import RawS3, unique_bucket_name

REPO = pathlib.Path(__file__).resolve().parents[2]
KSAN_HOME = pathlib.Path(os.environ.get("KSAN_HOME") or REPO / "scratch" / "cluster").resolve()


def _read_env_file(path: pathlib.Path) -> dict[str, str]:
    """The `export NAME=VALUE` lines of the env file up.sh writes (lines that refer to other variables skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if len(words) == 2 and words[0] == "export" and "=" in words[1] and "$" not in words[1]:
            name, value = words[1].split("=", 1)
            values[name] = value
    return values


def pytest_configure(config):
    env_file = KSAN_HOME / "env"
    if not env_file.is_file() or not (KSAN_HOME / "cluster.json").is_file():
        pytest.exit(f"no cluster in {KSAN_HOME}: start one with cluster/up.sh (and set KSAN_HOME if not default)",
                    returncode=2)
    os.environ.update(_read_env_file(env_file))
    os.environ["KSAN_HOME"] = str(KSAN_HOME)
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, ["127.0.0.1,localhost", os.environ.get(name)]))
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ.pop("AWS_PROFILE", None)
    host = urlsplit(os.environ["AWS_ENDPOINT_URL"]).hostname
    if not _is_local_address(host):
        pytest.exit(f"refusing to test {os.environ['AWS_ENDPOINT_URL']}: the smoke suite only talks to this machine",
                    returncode=2)
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join([host, os.environ[name]])


def _is_local_address(host: str | None) -> bool:
    """Loopback, or an address of an interface of this network namespace (tests/netns/hosts.sh runs the suite
    inside a namespace, against a gateway on that namespace's own address): binding to it succeeds only then."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return True
    try:
        family = socket.AF_INET6 if ":" in (host or "") else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
        return True
    except OSError:
        return False


CLIENT_CONFIG = Config(
    s3={"addressing_style": "path"},
    retries={"mode": "standard", "total_max_attempts": 1},  # a failure is a finding, not something to retry
    connect_timeout=5,
    read_timeout=120,
    max_pool_connections=32,
)


@pytest.fixture(scope="session")
def cluster() -> dict:
    """cluster.json: ports, PID files, disk paths and the environment to re-run up.sh with. A cluster that is not
    cluster/up.sh's (tests/netns/hosts.sh: `"external": true`) has none of these: the tests that need them skip."""
    data = json.loads((KSAN_HOME / "cluster.json").read_text())
    if data.get("external"):
        pytest.skip("needs a cluster/up.sh cluster (its processes, logs and files); this one is external")
    return data


@pytest.fixture(scope="session")
def endpoint() -> str:
    return os.environ["AWS_ENDPOINT_URL"]


@pytest.fixture(scope="session")
def region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="session")
def s3(endpoint, region):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=CLIENT_CONFIG,
    )


@pytest.fixture(scope="session")
def raw(endpoint, region) -> RawS3:
    return RawS3(endpoint, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], region)


def empty_and_delete_bucket(s3, name: str):
    """Aborts the bucket's uploads, deletes its objects and the bucket. Problems are warnings: this is cleanup."""
    try:
        for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=name):
            for upload in page.get("Uploads", []):
                s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
        # Every version and delete marker (a bucket never versioned lists each object as its `null` version).
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
            keys = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in entries]
            if keys:
                s3.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        s3.delete_bucket(Bucket=name)
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchBucket":
            warnings.warn(f"cleanup of bucket {name} failed: {e}")


@pytest.fixture(scope="module")
def bucket(s3, request) -> str:
    """A new bucket for the test module, emptied and deleted after it."""
    name = unique_bucket_name("smoke-" + request.module.__name__.removeprefix("test_"))
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)


@pytest.fixture
def make_bucket(s3):
    """Creates more buckets for one test: make_bucket("prefix") -> name; all deleted after the test."""
    made = []

    def make(prefix: str = "smoke-extra") -> str:
        name = unique_bucket_name(prefix)
        s3.create_bucket(Bucket=name)
        made.append(name)
        return name

    yield make
    for name in made:
        empty_and_delete_bucket(s3, name)


@pytest.fixture(scope="session")
def aws():
    """Runs the aws CLI (v1, the interpreter's own `awscli` module) with the cluster's environment:
    aws("s3", "ls") -> CompletedProcess; fails the test on a non-zero exit unless check=False."""

    def run(*args, check=True, timeout=600):
        proc = subprocess.run([sys.executable, "-m", "awscli", *args], capture_output=True, text=True,
                              timeout=timeout, env=os.environ.copy())
        if check and proc.returncode != 0:
            pytest.fail(f"aws {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run

"""Durability: reads survive lost shard files and a dead OSD (erasure-code reconstruction); writes with an OSD down
follow the write quorum (k+1 of k+m shards). The cluster is made whole again by cluster/up.sh afterwards."""

import math
import os
import pathlib
import signal
import subprocess
import time

import pytest
import requests
from botocore.exceptions import ClientError

from s3util import MiB, s3_error

REPO = pathlib.Path(__file__).resolve().parents[2]
HTTP = requests.Session()
HTTP.trust_env = False


def geometry(cluster):
    """(k, m, width, hosts) of the default pool; a replicated pool of n copies is 1+(n-1)."""
    pool = cluster["pool"]
    k, m = (1, pool["replicas"] - 1) if "replicas" in pool else (pool["k"], pool["m"])
    return k, m, k + m, len(cluster["osds"])


def osd(cluster, osd_id):
    return next(o for o in cluster["osds"] if o["id"] == osd_id)


def shard_files(osd_entry) -> set[pathlib.Path]:
    return {p for disk in osd_entry["disks"] for p in pathlib.Path(disk["path"]).rglob("*.shard")}


def pid_alive(pid: int) -> bool:
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a killed child of init may linger as a zombie


def healthy(url: str) -> bool:
    try:
        return HTTP.get(f"{url}/_ksan/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def kill_osd(osd_entry):
    pid = int(pathlib.Path(osd_entry["pid_file"]).read_text())
    assert pid_alive(pid), f"{osd_entry['id']} (pid {pid}) is not running before the test"
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(pid) or healthy(osd_entry["endpoint"]):
        assert time.monotonic() < deadline, f"{osd_entry['id']} still alive 10 s after SIGKILL"
        time.sleep(0.05)


def restore(cluster):
    """Re-runs cluster/up.sh with the settings the cluster was made with: it restarts what is missing."""
    env = {**os.environ, **cluster["up_env"]}
    proc = subprocess.run([str(REPO / "cluster" / "up.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"cluster/up.sh could not restore the cluster:\n{proc.stderr[-4000:]}"
    for entry in cluster["osds"]:
        assert healthy(entry["endpoint"]), f"{entry['id']} is not healthy after cluster/up.sh"


@pytest.fixture
def restore_cluster(cluster):
    """Whatever a test breaks, the cluster is whole for the tests after it."""
    yield lambda: restore(cluster)
    restore(cluster)


@pytest.fixture(scope="module")
def damaged(s3, bucket, cluster):
    """A 10 MiB object of which one OSD (osd2, if it holds shards of it) lost every shard file."""
    before = {o["id"]: shard_files(o) for o in cluster["osds"]}
    data = os.urandom(10 * MiB)
    s3.put_object(Bucket=bucket, Key="damaged.bin", Body=data)
    new = {o["id"]: shard_files(o) - before[o["id"]] for o in cluster["osds"]}
    assert any(new.values()), "the PUT wrote no *.shard file under any disk of cluster.json"
    victim = "osd2" if new.get("osd2") else next(osd_id for osd_id, files in new.items() if files)
    files = shard_files(osd(cluster, victim))
    for path in files:
        path.unlink()
    return {"key": "damaged.bin", "data": data, "osd": victim, "deleted": len(files)}


def test_read_after_losing_every_shard_file_of_one_osd(s3, bucket, damaged):
    assert damaged["deleted"] > 0
    got = s3.get_object(Bucket=bucket, Key=damaged["key"])
    assert got["Body"].read() == damaged["data"]
    ranged = s3.get_object(Bucket=bucket, Key=damaged["key"], Range="bytes=4194000-4195000")
    assert ranged["Body"].read() == damaged["data"][4194000:4195001]


def test_osd_down_reads_and_writes(s3, bucket, cluster, damaged, restore_cluster):
    k, m, width, hosts = geometry(cluster)
    if hosts < 2:
        pytest.skip("one OSD host: losing it loses everything")
    most_per_host, least_per_host = math.ceil(width / hosts), width // hosts
    intact = os.urandom(3 * MiB + 17)
    s3.put_object(Bucket=bucket, Key="intact.bin", Body=intact)

    # Stop another host than the damaged one if the damaged object can lose both hosts' shards, else the same one.
    others = [o["id"] for o in cluster["osds"] if o["id"] != damaged["osd"]]
    stopped = others[0] if 2 * most_per_host <= m else damaged["osd"]
    kill_osd(osd(cluster, stopped))

    assert s3.get_object(Bucket=bucket, Key="intact.bin")["Body"].read() == intact
    assert s3.get_object(Bucket=bucket, Key=damaged["key"])["Body"].read() == damaged["data"]

    # A new object with `stopped` down: at most width - least_per_host of its shards can be written.
    fresh = os.urandom(5 * MiB)
    must_succeed = width - most_per_host >= k + 1
    must_fail = width - least_per_host < k + 1
    try:
        s3.put_object(Bucket=bucket, Key="written-degraded.bin", Body=fresh)
        written = True
    except ClientError as e:
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert not must_succeed, f"PUT with {stopped} down failed although {width - most_per_host} of {width} " \
                                 f"shards can be written (quorum {k + 1}): {e}"
        assert status >= 500, f"a PUT refused for lack of OSDs should be a 5xx (503), not {status}: {e}"
        written = False
    if written:
        assert not must_fail, f"PUT with {stopped} down succeeded with fewer than k+1 = {k + 1} shards written"
        assert s3.get_object(Bucket=bucket, Key="written-degraded.bin")["Body"].read() == fresh
    else:
        with s3_error("404", 404):
            s3.head_object(Bucket=bucket, Key="written-degraded.bin")

    restore_cluster()
    assert healthy(osd(cluster, stopped)["endpoint"])
    assert s3.get_object(Bucket=bucket, Key="intact.bin")["Body"].read() == intact
    assert s3.get_object(Bucket=bucket, Key=damaged["key"])["Body"].read() == damaged["data"]
    if written:
        assert s3.get_object(Bucket=bucket, Key="written-degraded.bin")["Body"].read() == fresh
    # Writes work again with every OSD back.
    again = os.urandom(5 * MiB)
    s3.put_object(Bucket=bucket, Key="after-restore.bin", Body=again)
    assert s3.get_object(Bucket=bucket, Key="after-restore.bin")["Body"].read() == again

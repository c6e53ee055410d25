"""A cluster of six OSD hosts, each in its own network namespace, with a 4+2 pool (one shard of each stripe per
host). Hosts are cut off the network by taking their link down on the bridge: packets to them are lost without
an answer, as in a real partition, so the gateway learns of it only through its timeouts.

Run by tests/netns/run.sh, inside the namespace of the gateway."""

import os
import pathlib
import subprocess
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

MiB = 1024 * 1024
BRIDGE = os.environ["KSAN_NETNS_BRIDGE"]
PREFIX = os.environ["KSAN_NETNS_PREFIX"]
HOME = pathlib.Path(os.environ["KSAN_NETNS_HOME"])

# What a client may wait for an answer while hosts are unreachable: a few seconds, never a TCP timeout.
READ_BUDGET = 15.0
WRITE_BUDGET = 20.0


def set_link(host: int, up: bool):
    subprocess.run(["ip", "netns", "exec", BRIDGE, "ip", "link", "set", f"{PREFIX}h{host}-b", "up" if up else "down"],
                   check=True)


@pytest.fixture
def cut():
    """cut(2, 5) takes hosts 2 and 5 off the network until the test ends."""
    done = []

    def take_down(*hosts):
        for host in hosts:
            set_link(host, False)
            done.append(host)

    yield take_down
    for host in done:
        set_link(host, True)


@pytest.fixture(scope="module")
def s3():
    return boto3.client("s3", config=Config(connect_timeout=5, read_timeout=120, retries={"max_attempts": 1},
                                            s3={"addressing_style": "path"}))


@pytest.fixture(scope="module")
def bucket(s3):
    name = f"netns-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def shard_files(host: int) -> int:
    """The number of shard files on a host's disks."""
    return sum(1 for _ in (HOME / f"h{host}").glob("d*/shards/*/*/*.shard"))


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_network_is_whole(s3, bucket):
    body = os.urandom(9 * MiB)
    s3.put_object(Bucket=bucket, Key="whole", Body=body)
    assert s3.get_object(Bucket=bucket, Key="whole")["Body"].read() == body


def test_one_host_cut_off_reads_and_writes_go_on(s3, bucket, cut):
    before = os.urandom(21 * MiB)  # six stripes
    s3.put_object(Bucket=bucket, Key="before-one", Body=before)
    cut(3)
    got, seconds = timed(lambda: s3.get_object(Bucket=bucket, Key="before-one")["Body"].read())
    assert got == before
    assert seconds < READ_BUDGET, f"GET with one host cut off took {seconds:.1f}s"
    # 4+2 over six hosts writes with one host missing: five shards are the write quorum.
    during = os.urandom(21 * MiB)
    _, seconds = timed(lambda: s3.put_object(Bucket=bucket, Key="during-one", Body=during))
    assert seconds < WRITE_BUDGET, f"PUT with one host cut off took {seconds:.1f}s"
    got, seconds = timed(lambda: s3.get_object(Bucket=bucket, Key="during-one")["Body"].read())
    assert got == during
    assert seconds < READ_BUDGET, f"GET with one host cut off took {seconds:.1f}s"


def test_two_hosts_cut_off_reads_go_on_and_writes_are_refused(s3, bucket, cut):
    before = os.urandom(13 * MiB)
    s3.put_object(Bucket=bucket, Key="before-two", Body=before)
    cut(1, 4)
    got, seconds = timed(lambda: s3.get_object(Bucket=bucket, Key="before-two")["Body"].read())
    assert got == before
    assert seconds < READ_BUDGET, f"GET with two hosts cut off took {seconds:.1f}s"
    started = time.monotonic()
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="during-two", Body=os.urandom(9 * MiB))
    seconds = time.monotonic() - started
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503, refused.value.response
    assert seconds < WRITE_BUDGET, f"a refused PUT took {seconds:.1f}s"
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=bucket, Key="during-two")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_after_healing_everything_reads_and_writes(s3, bucket):
    for key in ("whole", "before-one", "during-one", "before-two"):
        got, seconds = timed(lambda: s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        assert len(got) > 0
        assert seconds < READ_BUDGET, f"GET {key} after healing took {seconds:.1f}s"
    body = os.urandom(5 * MiB)
    s3.put_object(Bucket=bucket, Key="after", Body=body)
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == body


def test_a_write_made_while_a_host_was_cut_off_is_repaired(s3, bucket, cut):
    """A PUT with host 5 cut off stores 5 of 6 shards per stripe and queues the data for repair. Once host 5 is
    back, the repairer rebuilds its shards, so the object then survives two other hosts being cut off."""
    body = os.urandom(21 * MiB)  # six stripes: one shard of each on host 5
    before = shard_files(5)
    cut(5)
    s3.put_object(Bucket=bucket, Key="repaired", Body=body)
    assert shard_files(5) == before
    set_link(5, True)
    deadline = time.monotonic() + 60
    while shard_files(5) < before + 6 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert shard_files(5) == before + 6, "the repairer did not rebuild host 5's shards"
    cut(1, 2)
    got, seconds = timed(lambda: s3.get_object(Bucket=bucket, Key="repaired")["Body"].read())
    assert got == body
    assert seconds < READ_BUDGET, f"GET with two hosts cut off took {seconds:.1f}s"

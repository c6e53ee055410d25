"""Fault scenarios on six OSD hosts in network namespaces (EC 4+2, one shard of every stripe per host), each under a
mixed load of real S3 clients (load.py): inject the fault, then check every acknowledged object byte for byte and
that every deleted object stays deleted. Each prints a FIGURES line (docs/reliability.md).

Run by tests/faults/run.sh (through tests/netns/run.sh), inside the namespace of the gateway; every scenario leaves
the cluster whole for the next, so each also runs alone (-k NAME)."""

import json
import os
import pathlib
import random
import signal
import subprocess
import time
import urllib.request
import uuid

import pytest

from load import Load, client

HOME = pathlib.Path(os.environ["KSAN_NETNS_HOME"])
PREFIX = os.environ["KSAN_NETNS_PREFIX"]
PORTAL = os.environ["KSAN_PORTAL_URL"]
API_KEY = os.environ["KSAN_API_KEY"]

# What a client may wait for one answer while a host is dead or hung.
READ_BUDGET = 5.0
WRITE_BUDGET = 10.0


def portal(path: str):
    request = urllib.request.Request(f"{PORTAL}/api/v1{path}", headers={"Authorization": f"Bearer {API_KEY}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def eventually(what: str, condition, within: float, every: float = 0.5):
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {within} s"
        time.sleep(every)


class OSDHost:
    """The OSD process of host hN: killed, stopped and continued by PID, started again as run.sh started it."""

    def __init__(self, number: int):
        self.number = number
        self.pid_file = HOME / "run" / f"h{number}.pid"
        self.command = (pathlib.Path("/proc") / self.pid_file.read_text().strip() / "cmdline").read_bytes()

    @property
    def pid(self) -> int:
        return int(self.pid_file.read_text().strip())

    def signal(self, number):
        os.kill(self.pid, number)

    def kill(self):
        self.signal(signal.SIGKILL)
        eventually(f"h{self.number} gone", lambda: not pathlib.Path(f"/proc/{self.pid}").exists(), 10, 0.1)

    def start(self):
        argv = [part.decode() for part in self.command.split(b"\0") if part]
        log = open(HOME / "logs" / f"h{self.number}.log", "ab")
        process = subprocess.Popen(["ip", "netns", "exec", f"{PREFIX}h{self.number}", *argv], stdout=log,
                                   stderr=log, stdin=subprocess.DEVNULL)
        self.pid_file.write_text(str(process.pid))

    def state(self) -> str:
        return portal(f"/servers/h{self.number}")["state"]


def shard_files(host: int):
    return sorted((HOME / f"h{host}").glob("d*/shards/*/*/*.shard"))


def check(load: Load, name: str, **figures):
    verified, lost, wrong, resurrected = load.verify()
    figures = {"scenario": name, "verified": verified, "lost": len(lost), "wrong": len(wrong),
               "deleted": len(load.deleted), "resurrected": len(resurrected), "uncertain": len(load.uncertain),
               "ops": dict(load.ops), "failed": dict(load.errors), "load": load.summary(), **figures}
    print(f"\nFIGURES {json.dumps(figures)}")
    assert not lost, f"acknowledged objects lost: {lost[:10]}"
    assert not wrong, f"objects read back wrong: {wrong[:10]}"
    assert not resurrected, f"deleted objects found again: {resurrected[:10]}"
    assert verified > 0
    return figures


@pytest.fixture
def bucket():
    name = f"faults-{uuid.uuid4().hex[:10]}"
    client().create_bucket(Bucket=name)
    return name


def test_kill_host(bucket):
    """1. kill -9 one OSD host during load: no failed read, nothing acknowledged lost; the host stays down and its
    shards are rebuilt on the other hosts; then a second host is killed: everything still reads back."""
    first, second = OSDHost(6), OSDHost(5)
    load = Load(bucket, prefix="kill").start()
    time.sleep(6)
    killed_at = time.monotonic()
    first.kill()
    time.sleep(12)
    load.stop()
    assert load.errors["GET"] == 0, load.error_samples
    eventually("h6 Offline", lambda: first.state() == "Offline", 30)
    detected = time.monotonic() - killed_at
    backlog = {"bytes": 0, "data": 0, "started": None}

    def rebuilt():
        progress = portal("/status")["rebuild"]
        if "h6-d1" in progress["disks"]:
            if progress["bytesRemaining"] > backlog["bytes"]:
                backlog.update(bytes=progress["bytesRemaining"], data=progress["dataRemaining"])
            if backlog["started"] is None and progress["dataRemaining"] < backlog["data"]:
                backlog["started"] = time.monotonic()
            return progress["dataRemaining"] == 0 and backlog["data"] > 0
        return False

    eventually("h6's shards rebuilt on the other hosts", rebuilt, 240, 0.2)
    done = time.monotonic()
    seconds = done - killed_at
    # From the first poll that saw data moved (within 0.2 s of the start) to the last: the rebuild's own pace.
    moving = max(done - (backlog["started"] or done), 0.2)
    assert not any(set(["h6-d1", "h6-d2"]) & set(d) for d in placements()), "data still placed on h6"
    second.kill()
    try:
        figures = check(load, "kill_host", detected_s=round(detected, 1), rebuilt_after_kill_s=round(seconds, 1),
                        rebuilt_data=backlog["data"], rebuilt_mb_of_data=round(backlog["bytes"] / 1e6, 1),
                        rebuild_s=round(moving, 1),
                        rebuild_mb_per_s_of_shards=round(backlog["bytes"] / 4 / moving / 1e6, 1),
                        second_host_killed=True)
    finally:
        second.start()
        first.start()
        eventually("h5 and h6 Online", lambda: first.state() == "Online" and second.state() == "Online", 60)
    assert figures["failed"].get("GET", 0) == 0


def placement_rows():
    """(data id, its disks by shard index) of every stored object part, from PostgreSQL (run.sh's instance in this
    namespace)."""
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", "15432", "-U", "postgres", "-d", "ksan", "-At", "-c",
         "SELECT data_id || ' ' || array_to_string(disk_ids, ',') FROM placement"],
        check=True, capture_output=True, text=True).stdout
    return [(line.split(" ")[0], line.split(" ")[1].split(",")) for line in out.splitlines() if line]


def placements():
    return [disks for _, disks in placement_rows()]


def current_shard_files():
    """The shard files that placement names (h<N>/d<D>/shards/<xx>/<data id>/<stripe>.<shard>.shard on disk
    hN-dD), not the stale copies of moved shards that garbage collection has yet to delete."""
    named = {(disk, data_id, index) for data_id, disks in placement_rows() for index, disk in enumerate(disks)}
    files = []
    for host in range(1, 7):
        for path in shard_files(host):
            disk = f"h{host}-{path.parts[-5]}"
            if (disk, path.parts[-2], int(path.name.split(".")[1])) in named:
                files.append(path)
    return files


def test_corrupt_shards(bucket):
    """3. random bytes flipped in 1 % of the shard files: every GET still returns the right bytes, and the scrub
    and repair rewrite every damaged shard."""
    load = Load(bucket, prefix="corrupt").start()
    time.sleep(12)
    load.stop()
    files = current_shard_files()
    rng = random.Random(3)
    damaged = rng.sample(files, max(5, len(files) // 100))
    inodes = {}
    for path in damaged:
        data = path.read_bytes()
        offset = rng.randrange(len(data))
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(bytes([data[offset] ^ 0x5A]))
        inodes[path] = path.stat().st_ino
    corrupted_at = time.monotonic()
    verified, lost, wrong, _ = load.verify()
    assert not lost and not wrong, (lost[:5], wrong[:5])

    def repaired():
        # A repaired shard is a new file renamed into place: another inode (nothing is deleted meanwhile).
        return all(path.exists() and path.stat().st_ino != inode for path, inode in inodes.items())

    eventually("every damaged shard rewritten", repaired, 120, 1)
    check(load, "corrupt", shard_files=len(files), corrupted=len(damaged),
          repaired_within_s=round(time.monotonic() - corrupted_at, 1))


def test_hung_host(bucket):
    """8. SIGSTOP one OSD for 20 s (hung, not dead): reads keep within their latency budget, writes their quorum."""
    hung = OSDHost(3)
    load = Load(bucket, prefix="hang").start()
    time.sleep(6)
    hung.signal(signal.SIGSTOP)
    stopped = len(load.latency["GET"]), len(load.latency["PUT"])
    try:
        time.sleep(20)
    finally:
        hung.signal(signal.SIGCONT)
    during_get = load.latency["GET"][stopped[0]:]
    during_put = load.latency["PUT"][stopped[1]:]
    time.sleep(6)
    load.stop()
    eventually("h3 Online again", lambda: hung.state() == "Online", 30)
    figures = check(load, "hung_host", gets_while_hung=len(during_get), puts_while_hung=len(during_put),
                    max_get_while_hung_s=round(max(during_get, default=0), 2),
                    max_put_while_hung_s=round(max(during_put, default=0), 2))
    assert figures["failed"].get("GET", 0) == 0 and figures["failed"].get("PUT", 0) == 0, load.error_samples
    assert max(during_get, default=0) < READ_BUDGET
    assert max(during_put, default=0) < WRITE_BUDGET

"""A bounded mixed S3 load (PUT, GET, DELETE, multipart upload) from several boto3 clients, which remembers what
was acknowledged and what was deleted, so that a fault scenario can check every acknowledged object byte for byte
and that every deleted object stays deleted."""

import hashlib
import os
import random
import threading
import time
from collections import Counter, defaultdict

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

MiB = 1024 * 1024
SIZES = (4 * 1024, 100 * 1024, MiB, 5 * MiB)


def client():
    return boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 1},
                                            s3={"addressing_style": "path"}))


def status_of(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
    return type(error).__name__


class Load:
    """`threads` clients, each on keys of its own (no two clients race on a key), until stop()."""

    def __init__(self, bucket: str, threads: int = 3, prefix: str = "load", seed: int = 1):
        self.bucket = bucket
        self.prefix = prefix
        self.threads = threads
        self.seed = seed
        self.acked = {}  # key -> md5 hex of the acknowledged body
        self.deleted = set()
        self.uncertain = set()  # requests that failed: they may or may not have landed, but never half
        self.uncertain_bodies = {}  # key -> md5 of the body of a failed PUT or multipart upload
        self.ops = Counter()
        self.errors = Counter()
        self.error_samples = []
        self.latency = defaultdict(list)
        self.wrong = []  # GETs that returned other bytes: never allowed
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.workers = []

    def start(self):
        for index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(index,), daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def stop(self):
        self.stopping.set()
        for worker in self.workers:
            worker.join(timeout=120)

    def _record(self, op, started, error=None):
        with self.lock:
            self.ops[op] += 1
            self.latency[op].append(time.monotonic() - started)
            if error is not None:
                self.errors[op] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{op}: {status_of(error)} {error}")

    def _run(self, index):
        s3 = client()
        rng = random.Random(self.seed * 1000 + index)
        mine = []  # keys this client acknowledged and did not delete
        counter = 0
        while not self.stopping.is_set():
            roll = rng.random()
            if roll < 0.40 or not mine:
                counter += 1
                key = f"{self.prefix}/{index}/{counter}"
                body = os.urandom(rng.choice(SIZES))
                started = time.monotonic()
                try:
                    s3.put_object(Bucket=self.bucket, Key=key, Body=body)
                except (ClientError, BotoCoreError) as error:
                    self._record("PUT", started, error)
                    with self.lock:
                        self.uncertain.add(key)
                        self.uncertain_bodies[key] = hashlib.md5(body).hexdigest()
                    continue
                self._record("PUT", started)
                with self.lock:
                    self.acked[key] = hashlib.md5(body).hexdigest()
                mine.append(key)
            elif roll < 0.80:
                key = rng.choice(mine)
                started = time.monotonic()
                try:
                    got = s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                except (ClientError, BotoCoreError) as error:
                    self._record("GET", started, error)
                    continue
                self._record("GET", started)
                if hashlib.md5(got).hexdigest() != self.acked[key]:
                    with self.lock:
                        self.wrong.append(key)
            elif roll < 0.90:
                key = mine.pop(rng.randrange(len(mine)))
                started = time.monotonic()
                try:
                    s3.delete_object(Bucket=self.bucket, Key=key)
                except (ClientError, BotoCoreError) as error:
                    # It may have landed or not: neither kept nor deleted for the checks.
                    self._record("DELETE", started, error)
                    with self.lock:
                        del self.acked[key]
                        self.uncertain.add(key)
                    continue
                self._record("DELETE", started)
                with self.lock:
                    del self.acked[key]
                    self.deleted.add(key)
            else:
                counter += 1
                key = f"{self.prefix}/{index}/{counter}-multipart"
                parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(MiB)]
                started = time.monotonic()
                try:
                    upload = s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
                    etags = []
                    for number, part in enumerate(parts, start=1):
                        etags.append(s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number,
                                                    Body=part)["ETag"])
                    s3.complete_multipart_upload(
                        Bucket=self.bucket, Key=key, UploadId=upload,
                        MultipartUpload={"Parts": [{"ETag": e, "PartNumber": n} for n, e in enumerate(etags, 1)]})
                except (ClientError, BotoCoreError) as error:
                    self._record("MULTIPART", started, error)
                    with self.lock:
                        self.uncertain.add(key)
                        self.uncertain_bodies[key] = hashlib.md5(b"".join(parts)).hexdigest()
                    continue
                self._record("MULTIPART", started)
                with self.lock:
                    self.acked[key] = hashlib.md5(b"".join(parts)).hexdigest()
                mine.append(key)

    def verify(self):
        """Reads every acknowledged object and asks for every deleted one. Returns (verified, lost, wrong,
        resurrected): the objects read back right, those not found, those with other bytes, and deleted ones
        found again."""
        s3 = client()
        verified, lost, wrong, resurrected = 0, [], list(self.wrong), []
        for key, digest in sorted(self.acked.items()):
            try:
                got = s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            except ClientError as error:
                lost.append(f"{key}: {status_of(error)}")
                continue
            if hashlib.md5(got).hexdigest() == digest:
                verified += 1
            else:
                wrong.append(key)
        # A PUT that failed either landed whole or not at all: never other bytes.
        for key, digest in sorted(self.uncertain_bodies.items()):
            try:
                got = s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            except ClientError:
                continue
            if hashlib.md5(got).hexdigest() != digest:
                wrong.append(f"{key} (a failed write)")
        for key in sorted(self.deleted):
            try:
                s3.head_object(Bucket=self.bucket, Key=key)
                resurrected.append(key)
            except ClientError as error:
                if status_of(error) != "404":
                    resurrected.append(f"{key}: {status_of(error)}")
        return verified, lost, wrong, resurrected

    def summary(self) -> str:
        parts = []
        for op in ("PUT", "GET", "DELETE", "MULTIPART"):
            times = sorted(self.latency[op])
            if not times:
                continue
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            parts.append(f"{op} {self.ops[op]} ({self.errors[op]} failed, p99 {p99:.2f} s, max {times[-1]:.2f} s)")
        return "; ".join(parts)

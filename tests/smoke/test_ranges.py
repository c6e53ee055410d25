"""Ranged GETs of a 10 MiB object, across the boundaries of shard blocks and stripes."""

import random

import pytest

from s3util import MiB, s3_error

SIZE = 10 * MiB
KEY = "ten-mib.bin"


@pytest.fixture(scope="module")
def data(s3, bucket) -> bytes:
    body = random.Random(1234).randbytes(SIZE)
    s3.put_object(Bucket=bucket, Key=KEY, Body=body)
    return body


@pytest.mark.parametrize(
    "spec, first, last",
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=1048570-1048585", 1048570, 1048585),  # across a 1 MiB boundary
        ("bytes=4194300-4194400", 4194300, 4194400),  # across a 4 MiB boundary
        ("bytes=8388600-8388700", 8388600, 8388700),  # across an 8 MiB boundary
        ("bytes=1000000-6000000", 1000000, 6000000),  # several stripes
        ("bytes=-500", SIZE - 500, SIZE - 1),  # suffix
        ("bytes=9000000-", 9000000, SIZE - 1),  # open-ended
        ("bytes=10485000-99999999", 10485000, SIZE - 1),  # last byte past the end: clipped
        ("bytes=0-10485759", 0, SIZE - 1),  # the whole object
        ("bytes=-99999999", 0, SIZE - 1),  # suffix longer than the object: all of it
    ],
)
def test_satisfiable_range(s3, bucket, data, spec, first, last):
    response = s3.get_object(Bucket=bucket, Key=KEY, Range=spec)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert response["ContentRange"] == f"bytes {first}-{last}/{SIZE}"
    assert response["ContentLength"] == last - first + 1
    assert response["Body"].read() == data[first : last + 1]


def test_get_without_range_is_whole_object(s3, bucket, data):
    response = s3.get_object(Bucket=bucket, Key=KEY)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ContentLength"] == SIZE
    assert response["Body"].read() == data


@pytest.mark.parametrize("spec", ["bytes=10485760-", "bytes=20000000-20000010"])
def test_unsatisfiable_range_is_416(s3, bucket, data, spec):
    with s3_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key=KEY, Range=spec)


def test_range_on_empty_object_is_416(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    with s3_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key="empty", Range="bytes=0-0")

"""Single-part objects: PUT, GET, HEAD, DELETE, headers and metadata, ETags, sizes."""

import datetime
import email.utils
import gzip
import hashlib
import os

import pytest

from s3util import MiB, quoted_md5, s3_error


def headers_of(response) -> dict:
    return response["ResponseMetadata"]["HTTPHeaders"]


def test_put_get_head_delete(s3, bucket):
    body = b"hello, ksan\n" * 1000
    put = s3.put_object(Bucket=bucket, Key="roundtrip.txt", Body=body)
    assert put["ETag"] == quoted_md5(body)

    got = s3.get_object(Bucket=bucket, Key="roundtrip.txt")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    assert got["ETag"] == quoted_md5(body)
    assert got["LastModified"] is not None

    head = s3.head_object(Bucket=bucket, Key="roundtrip.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == quoted_md5(body)

    deleted = s3.delete_object(Bucket=bucket, Key="roundtrip.txt")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="roundtrip.txt")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="roundtrip.txt")


def test_standard_headers_and_user_metadata_round_trip(s3, bucket):
    body = gzip.compress(b"compressible text " * 500)
    expires = datetime.datetime(2037, 1, 1, 12, 30, tzinfo=datetime.timezone.utc)
    s3.put_object(
        Bucket=bucket,
        Key="with-headers.txt.gz",
        Body=body,
        ContentType="text/plain; charset=utf-8",
        ContentDisposition='attachment; filename="report.txt"',
        CacheControl="max-age=3600, private",
        ContentEncoding="gzip",
        ContentLanguage="de-CH",
        Expires=expires,
        Metadata={"color": "blue", "owner-id": "42", "note": "spaces are fine"},
    )
    got = s3.get_object(Bucket=bucket, Key="with-headers.txt.gz")
    assert got["Body"].read() == body  # stored as sent, not decoded
    head = s3.head_object(Bucket=bucket, Key="with-headers.txt.gz")
    for response in (got, head):
        headers = headers_of(response)
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert headers["content-disposition"] == 'attachment; filename="report.txt"'
        assert headers["cache-control"] == "max-age=3600, private"
        assert headers["content-encoding"] == "gzip"
        assert headers["content-language"] == "de-CH"
        assert email.utils.parsedate_to_datetime(headers["expires"]) == expires
        assert response["Metadata"] == {"color": "blue", "owner-id": "42", "note": "spaces are fine"}
        assert headers["x-amz-meta-color"] == "blue"


def test_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="no-type", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="no-type")["ContentType"]  # some default, e.g. binary/octet-stream


def test_empty_object(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["ContentLength"] == 0
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


@pytest.mark.parametrize("size", [1 * MiB, 20 * MiB, 4 * MiB + 3], ids=["1MiB", "20MiB", "4MiB+3"])
def test_large_objects_are_byte_identical(s3, bucket, size):
    body = os.urandom(size)
    key = f"large-{size}"
    put = s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert put["ETag"] == quoted_md5(body)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["ContentLength"] == size
    data = got["Body"].read()
    assert len(data) == size
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(body).hexdigest()


def test_overwrite_replaces_content_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="overwrite", Body=b"first", Metadata={"version": "1"})
    s3.put_object(Bucket=bucket, Key="overwrite", Body=b"second version", Metadata={"version": "2"})
    got = s3.get_object(Bucket=bucket, Key="overwrite")
    assert got["Body"].read() == b"second version"
    assert got["Metadata"] == {"version": "2"}
    assert got["ETag"] == quoted_md5(b"second version")


@pytest.mark.parametrize(
    "key",
    ["dir/sub dir/file with spaces.txt", "ünïcødé/日本語.bin", "special !$&'()*+,;=@%.txt", "a/../b", "trailing/"],
)
def test_keys_with_special_characters(s3, bucket, key):
    body = key.encode() * 3
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key).get("Contents", [])]
    assert key in listed


def test_get_missing_key_is_no_such_key(s3, bucket):
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="does/not/exist")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="does/not/exist")


def test_delete_missing_key_is_204(s3, bucket):
    deleted = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204

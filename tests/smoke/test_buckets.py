"""Bucket operations: create, head, list, location, conflicts, deletion and name validation."""

import pytest

from s3util import assert_error_response, s3_error, unique_bucket_name


def test_create_head_and_list(s3):
    name = unique_bucket_name("smoke-create")
    created = s3.create_bucket(Bucket=name)
    try:
        assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
        listed = {b["Name"]: b for b in s3.list_buckets()["Buckets"]}
        assert name in listed
        assert listed[name]["CreationDate"] is not None
    finally:
        s3.delete_bucket(Bucket=name)


def test_get_bucket_location(s3, bucket):
    location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
    # S3 answers an empty LocationConstraint for us-east-1; some stores name the region.
    assert location in (None, "", "us-east-1")


def test_create_twice_is_already_owned_by_you(s3, bucket):
    with s3_error("BucketAlreadyOwnedByYou", 409):
        s3.create_bucket(Bucket=bucket)


def test_delete_non_empty_bucket_fails(s3, make_bucket):
    name = make_bucket("smoke-nonempty")
    s3.put_object(Bucket=name, Key="keep-me", Body=b"x")
    with s3_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=name, Key="keep-me")["Body"].read() == b"x"


def test_delete_empty_bucket(s3):
    name = unique_bucket_name("smoke-delete")
    s3.create_bucket(Bucket=name)
    deleted = s3.delete_bucket(Bucket=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with s3_error("404", 404):
        s3.head_bucket(Bucket=name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_head_missing_bucket_is_404(s3):
    with s3_error("404", 404):
        s3.head_bucket(Bucket=unique_bucket_name("smoke-missing"))


def test_operations_on_missing_bucket_are_no_such_bucket(s3, raw):
    name = unique_bucket_name("smoke-missing")
    with s3_error("NoSuchBucket", 404):
        s3.list_objects_v2(Bucket=name)
    with s3_error("NoSuchBucket", 404):
        s3.put_object(Bucket=name, Key="k", Body=b"x")
    assert_error_response(raw.request("DELETE", f"/{name}"), 404, "NoSuchBucket")


@pytest.mark.parametrize(
    "name",
    [
        "A_B",  # upper case and underscore
        "ab",  # too short
        "a" * 64,  # too long
        "-abc",  # must start with a letter or digit
        "abc-",  # must end with a letter or digit
        "a..b",  # adjacent periods
        "192.168.1.1",  # formatted as an IP address (only a path segment here: the request goes to 127.0.0.1)
        "UPPERCASE",
    ],
)
def test_invalid_bucket_names_are_rejected(s3, raw, name):
    # Raw signed requests: boto3 refuses most of these names before sending anything.
    assert_error_response(raw.request("PUT", f"/{name}"), 400, "InvalidBucketName")
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_longest_and_shortest_valid_names(s3):
    for name in (unique_bucket_name("smoke-long").ljust(63, "x"), "k" + unique_bucket_name("s")[-2:]):
        assert len(name) in (3, 63)
        s3.create_bucket(Bucket=name)
        try:
            assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
        finally:
            s3.delete_bucket(Bucket=name)

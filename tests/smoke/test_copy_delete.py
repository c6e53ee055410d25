"""CopyObject (same bucket, across buckets, metadata COPY and REPLACE) and DeleteObjects (verbose and quiet)."""

import os

from s3util import quoted_md5, s3_error

BODY = os.urandom(300_000)
SOURCE_HEADERS = dict(ContentType="application/x-source", CacheControl="no-cache", Metadata={"origin": "source"})


def put_source(s3, bucket, key="source.bin"):
    s3.put_object(Bucket=bucket, Key=key, Body=BODY, **SOURCE_HEADERS)
    return key


def test_copy_within_bucket_keeps_metadata(s3, bucket):
    put_source(s3, bucket)
    copied = s3.copy_object(Bucket=bucket, Key="copy.bin", CopySource={"Bucket": bucket, "Key": "source.bin"})
    assert copied["CopyObjectResult"]["ETag"] == quoted_md5(BODY)
    got = s3.get_object(Bucket=bucket, Key="copy.bin")
    assert got["Body"].read() == BODY
    assert got["ContentType"] == "application/x-source"
    assert got["CacheControl"] == "no-cache"
    assert got["Metadata"] == {"origin": "source"}
    assert got["ETag"] == quoted_md5(BODY)


def test_copy_across_buckets(s3, bucket, make_bucket):
    put_source(s3, bucket)
    other = make_bucket("smoke-copy-dest")
    s3.copy_object(Bucket=other, Key="nested/dest.bin", CopySource=f"{bucket}/source.bin")
    assert s3.get_object(Bucket=other, Key="nested/dest.bin")["Body"].read() == BODY
    assert s3.get_object(Bucket=bucket, Key="source.bin")["Body"].read() == BODY  # source untouched


def test_copy_with_metadata_replace(s3, bucket):
    put_source(s3, bucket)
    s3.copy_object(
        Bucket=bucket,
        Key="replaced.bin",
        CopySource={"Bucket": bucket, "Key": "source.bin"},
        MetadataDirective="REPLACE",
        ContentType="text/x-replaced",
        Metadata={"fresh": "yes"},
    )
    head = s3.head_object(Bucket=bucket, Key="replaced.bin")
    assert head["ContentType"] == "text/x-replaced"
    assert head["Metadata"] == {"fresh": "yes"}
    assert head["ContentLength"] == len(BODY)
    assert s3.get_object(Bucket=bucket, Key="replaced.bin")["Body"].read() == BODY


def test_copy_onto_itself_with_replace_updates_metadata(s3, bucket):
    key = put_source(s3, bucket, "self.bin")
    s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                   MetadataDirective="REPLACE", Metadata={"round": "2"}, ContentType="text/x-second")
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Metadata"] == {"round": "2"}
    assert got["ContentType"] == "text/x-second"
    assert got["Body"].read() == BODY


def test_copy_missing_source_is_no_such_key(s3, bucket):
    with s3_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="dest", CopySource={"Bucket": bucket, "Key": "no-such-source"})


def put_keys(s3, bucket, keys):
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())


def remaining(s3, bucket, prefix):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def test_delete_objects_verbose(s3, bucket):
    keys = ["multi/a", "multi/b", "multi/c d", "multi/ü"]
    put_keys(s3, bucket, keys + ["multi/keep"])
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys + ["multi/missing"]], "Quiet": False}
    )
    assert sorted(d["Key"] for d in result.get("Deleted", [])) == sorted(keys + ["multi/missing"])
    assert result.get("Errors", []) == []
    assert remaining(s3, bucket, "multi/") == ["multi/keep"]


def test_delete_objects_quiet(s3, bucket):
    keys = [f"quiet/{i}" for i in range(25)]
    put_keys(s3, bucket, keys)
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys + ["quiet/missing"]], "Quiet": True}
    )
    assert result.get("Deleted", []) == []  # quiet mode reports errors only
    assert result.get("Errors", []) == []
    assert remaining(s3, bucket, "quiet/") == []

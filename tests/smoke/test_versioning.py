"""Versioned buckets end to end with boto3 and the aws CLI: PutBucketVersioning, version ids on every write, reads,
copies and tagging by version id, delete markers, the `null` version while suspended, ListObjectVersions,
DeleteObjects by version, BucketNotEmpty, and concurrent writers of one key."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from s3util import assert_error_response, s3_error


@pytest.fixture
def versioned(s3, make_bucket):
    name = make_bucket("smoke-versioned")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def versions_of(s3, bucket, prefix=""):
    """(key, version id, is latest, is marker) of every entry, in the listing's order, through the paginator."""
    entries = []
    for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": 7}):
        # boto3 splits the interleaved listing into two lists; the order within a key is by LastModified, then id.
        for v in page.get("Versions", []):
            entries.append((v["Key"], v["VersionId"], v["IsLatest"], False))
        for m in page.get("DeleteMarkers", []):
            entries.append((m["Key"], m["VersionId"], m["IsLatest"], True))
    return entries


def test_enable_suspend_and_mfa_delete(s3, make_bucket, raw):
    name = make_bucket("smoke-versioning")
    assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Suspended"
    with s3_error("NotImplemented", 501):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
                                 MFA="arn:aws:iam::1:mfa/x 123456")
    with s3_error("NotImplemented", 501):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    body = b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>On</Status></VersioningConfiguration>'
    assert_error_response(raw.request("PUT", f"/{name}", query="versioning", body=body), 400, "MalformedXML")
    assert_error_response(raw.request("PUT", f"/{name}", query="versioning", body=b"<Other/>"), 400, "MalformedXML")
    assert_error_response(raw.request("DELETE", f"/{name}", query="versioning"), 405, "MethodNotAllowed")
    # Never back to unversioned: still Enabled after the refusals.
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"


def test_every_write_is_a_version_read_by_its_id(s3, versioned):
    ids = []
    for i in range(3):
        response = s3.put_object(Bucket=versioned, Key="doc", Body=b"v%d" % i)
        ids.append(response["VersionId"])
    assert len(set(ids)) == 3 and "null" not in ids
    assert s3.get_object(Bucket=versioned, Key="doc")["Body"].read() == b"v2"
    for i, version_id in enumerate(ids):
        got = s3.get_object(Bucket=versioned, Key="doc", VersionId=version_id)
        assert got["Body"].read() == b"v%d" % i and got["VersionId"] == version_id
        head = s3.head_object(Bucket=versioned, Key="doc", VersionId=version_id)
        assert head["ContentLength"] == 2 and head["VersionId"] == version_id
    assert s3.head_object(Bucket=versioned, Key="doc")["VersionId"] == ids[2]
    assert versions_of(s3, versioned) == [("doc", ids[2], True, False), ("doc", ids[1], False, False),
                                          ("doc", ids[0], False, False)]
    listing = s3.list_object_versions(Bucket=versioned)
    assert [v["Size"] for v in listing["Versions"]] == [2, 2, 2]
    assert all(v["StorageClass"] == "STANDARD" and v["Owner"]["ID"] for v in listing["Versions"])
    # Range reads and attributes of an old version.
    assert s3.get_object(Bucket=versioned, Key="doc", VersionId=ids[0], Range="bytes=1-1")["Body"].read() == b"0"
    attributes = s3.get_object_attributes(Bucket=versioned, Key="doc", VersionId=ids[1], ObjectAttributes=["ObjectSize"])
    assert attributes["ObjectSize"] == 2 and attributes["VersionId"] == ids[1]
    # ListObjects shows the key once.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=versioned)["Contents"]] == ["doc"]
    with s3_error("NoSuchVersion", 404):
        s3.get_object(Bucket=versioned, Key="doc", VersionId="0000000000000nosuchversion00000")
    with s3_error("InvalidArgument", 400):
        s3.get_object(Bucket=versioned, Key="doc", VersionId="not an id")


def test_delete_markers(s3, versioned, raw):
    first = s3.put_object(Bucket=versioned, Key="gone", Body=b"data")["VersionId"]
    deleted = s3.delete_object(Bucket=versioned, Key="gone")
    marker = deleted["VersionId"]
    assert deleted["DeleteMarker"] is True and marker != first
    with s3_error("NoSuchKey", 404) as info:
        s3.get_object(Bucket=versioned, Key="gone")
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker
    with s3_error("404", 404):
        s3.head_object(Bucket=versioned, Key="gone")
    # A marker named by id: 405, with the marker's headers.
    response = raw.request("GET", f"/{versioned}/gone", query=f"versionId={marker}")
    assert_error_response(response, 405, "MethodNotAllowed")
    assert response.headers["x-amz-delete-marker"] == "true" and response.headers["x-amz-version-id"] == marker
    assert raw.request("HEAD", f"/{versioned}/gone", query=f"versionId={marker}").status_code == 405
    # The version under it is still readable by id, and the key is not listed.
    assert s3.get_object(Bucket=versioned, Key="gone", VersionId=first)["Body"].read() == b"data"
    assert "Contents" not in s3.list_objects_v2(Bucket=versioned, Prefix="gone")
    assert versions_of(s3, versioned, "gone") == [("gone", first, False, False), ("gone", marker, True, True)]
    with s3_error("NoSuchKey", 404):
        s3.copy_object(Bucket=versioned, Key="copy", CopySource={"Bucket": versioned, "Key": "gone"})
    with s3_error("InvalidRequest", 400):
        s3.copy_object(Bucket=versioned, Key="copy",
                       CopySource={"Bucket": versioned, "Key": "gone", "VersionId": marker})
    with s3_error("MethodNotAllowed", 405):
        s3.put_object_tagging(Bucket=versioned, Key="gone", VersionId=marker, Tagging={"TagSet": []})
    # Removing the marker by id brings the version back.
    removed = s3.delete_object(Bucket=versioned, Key="gone", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    assert s3.get_object(Bucket=versioned, Key="gone")["Body"].read() == b"data"
    # Removing the version by id deletes it for good.
    removed = s3.delete_object(Bucket=versioned, Key="gone", VersionId=first)
    assert removed["VersionId"] == first and "DeleteMarker" not in removed
    assert versions_of(s3, versioned, "gone") == []


def test_the_null_version_while_suspended(s3, make_bucket):
    name = make_bucket("smoke-suspended")
    s3.put_object(Bucket=name, Key="k", Body=b"before")  # the null version
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    enabled = s3.put_object(Bucket=name, Key="k", Body=b"enabled")["VersionId"]
    assert s3.get_object(Bucket=name, Key="k", VersionId="null")["Body"].read() == b"before"
    assert s3.head_object(Bucket=name, Key="k", VersionId="null")["VersionId"] == "null"
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    # A write while suspended replaces the null version and is current.
    written = s3.put_object(Bucket=name, Key="k", Body=b"suspended")
    assert "VersionId" not in written
    assert s3.get_object(Bucket=name, Key="k")["VersionId"] == "null"
    assert s3.get_object(Bucket=name, Key="k", VersionId="null")["Body"].read() == b"suspended"
    assert versions_of(s3, name) == [("k", "null", True, False), ("k", enabled, False, False)]
    # A delete while suspended makes the null version a delete marker.
    deleted = s3.delete_object(Bucket=name, Key="k")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null"
    assert versions_of(s3, name) == [("k", enabled, False, False), ("k", "null", True, True)]
    assert s3.get_object(Bucket=name, Key="k", VersionId=enabled)["Body"].read() == b"enabled"


def test_copies_and_part_copies_of_a_version(s3, versioned):
    old = s3.put_object(Bucket=versioned, Key="src", Body=b"old bytes")["VersionId"]
    s3.put_object(Bucket=versioned, Key="src", Body=b"new bytes")
    copied = s3.copy_object(Bucket=versioned, Key="dst", CopySource={"Bucket": versioned, "Key": "src", "VersionId": old})
    assert copied["CopySourceVersionId"] == old and copied["VersionId"] not in (old, "null")
    assert s3.get_object(Bucket=versioned, Key="dst")["Body"].read() == b"old bytes"
    # Restoring an old version onto its own key (allowed when a version is named).
    restored = s3.copy_object(Bucket=versioned, Key="src", CopySource={"Bucket": versioned, "Key": "src", "VersionId": old})
    assert s3.get_object(Bucket=versioned, Key="src")["Body"].read() == b"old bytes"
    assert s3.head_object(Bucket=versioned, Key="src")["VersionId"] == restored["VersionId"]
    with s3_error("InvalidRequest", 400):
        s3.copy_object(Bucket=versioned, Key="src", CopySource={"Bucket": versioned, "Key": "src"})
    with s3_error("NoSuchVersion", 404):
        s3.copy_object(Bucket=versioned, Key="dst",
                       CopySource={"Bucket": versioned, "Key": "src", "VersionId": "0000000000000nosuchversion00000"})
    # UploadPartCopy from a version, and the completed upload's version id.
    upload = s3.create_multipart_upload(Bucket=versioned, Key="mp")["UploadId"]
    part = s3.upload_part_copy(Bucket=versioned, Key="mp", UploadId=upload, PartNumber=1,
                               CopySource={"Bucket": versioned, "Key": "src", "VersionId": old})
    assert part["CopySourceVersionId"] == old
    done = s3.complete_multipart_upload(Bucket=versioned, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert done["VersionId"] and done["VersionId"] != "null"
    assert s3.head_object(Bucket=versioned, Key="mp")["VersionId"] == done["VersionId"]
    assert s3.get_object(Bucket=versioned, Key="mp")["Body"].read() == b"old bytes"


def test_tagging_by_version(s3, versioned):
    old = s3.put_object(Bucket=versioned, Key="t", Body=b"1", Tagging="gen=one")["VersionId"]
    new = s3.put_object(Bucket=versioned, Key="t", Body=b"2", Tagging="gen=two")["VersionId"]
    assert s3.get_object_tagging(Bucket=versioned, Key="t", VersionId=old)["TagSet"] == [{"Key": "gen", "Value": "one"}]
    put = s3.put_object_tagging(Bucket=versioned, Key="t", VersionId=old, Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
    assert put["VersionId"] == old
    assert s3.get_object_tagging(Bucket=versioned, Key="t", VersionId=old)["TagSet"] == [{"Key": "x", "Value": "y"}]
    current = s3.get_object_tagging(Bucket=versioned, Key="t")
    assert current["VersionId"] == new and current["TagSet"] == [{"Key": "gen", "Value": "two"}]
    assert s3.delete_object_tagging(Bucket=versioned, Key="t", VersionId=old)["VersionId"] == old
    assert s3.get_object_tagging(Bucket=versioned, Key="t", VersionId=old)["TagSet"] == []
    assert s3.head_object(Bucket=versioned, Key="t", VersionId=new).get("ResponseMetadata")["HTTPHeaders"][
        "x-amz-tagging-count"] == "1"
    with s3_error("NoSuchVersion", 404):
        s3.get_object_tagging(Bucket=versioned, Key="t", VersionId="0000000000000nosuchversion00000")


def test_delete_objects_by_version_and_bucket_not_empty(s3, make_bucket):
    name = make_bucket("smoke-delversions")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    a1 = s3.put_object(Bucket=name, Key="a", Body=b"1")["VersionId"]
    a2 = s3.put_object(Bucket=name, Key="a", Body=b"2")["VersionId"]
    s3.put_object(Bucket=name, Key="b", Body=b"b")
    result = s3.delete_objects(Bucket=name, Delete={"Objects": [
        {"Key": "a", "VersionId": a1}, {"Key": "b"}, {"Key": "c", "VersionId": "bad id"}]})
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert deleted["a"] == {"Key": "a", "VersionId": a1}
    assert deleted["b"]["DeleteMarker"] is True and deleted["b"]["DeleteMarkerVersionId"]
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("c", "InvalidArgument")]
    marker = deleted["b"]["DeleteMarkerVersionId"]
    # A bucket that holds only versions and markers is not empty.
    s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "a"}]})
    assert "Contents" not in s3.list_objects_v2(Bucket=name)
    with s3_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    # Removing a marker by id through DeleteObjects says so.
    result = s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "b", "VersionId": marker}]})
    assert result["Deleted"] == [{"Key": "b", "VersionId": marker, "DeleteMarker": True,
                                  "DeleteMarkerVersionId": marker}]
    assert s3.get_object(Bucket=name, Key="b")["Body"].read() == b"b"
    remaining = versions_of(s3, name)
    assert ("a", a2, False, False) in remaining and len(remaining) == 3  # a2, a's marker, b


def test_concurrent_writers_of_one_key(s3, versioned):
    def write(i):
        return s3.put_object(Bucket=versioned, Key="hot", Body=b"%d" % i)["VersionId"]

    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(write, range(64)))
    assert len(set(ids)) == 64
    listed = versions_of(s3, versioned, "hot")
    assert sorted(v[1] for v in listed) == sorted(ids)
    assert [v[2] for v in listed].count(True) == 1
    latest = next(v[1] for v in listed if v[2])
    assert s3.head_object(Bucket=versioned, Key="hot")["VersionId"] == latest
    # Newest first: the current version leads the raw listing.
    assert s3.list_object_versions(Bucket=versioned, Prefix="hot", MaxKeys=1)["Versions"][0]["VersionId"] == latest


def test_the_aws_cli_lists_and_deletes_versions(aws, s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="cli", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="cli", Body=b"2")
    listing = json.loads(aws("s3api", "list-object-versions", "--bucket", versioned, "--prefix", "cli").stdout)
    assert [v["VersionId"] for v in listing["Versions"]][1] == first
    assert json.loads(aws("s3api", "get-bucket-versioning", "--bucket", versioned).stdout)["Status"] == "Enabled"
    aws("s3api", "delete-object", "--bucket", versioned, "--key", "cli", "--version-id", first)
    listing = json.loads(aws("s3api", "list-object-versions", "--bucket", versioned, "--prefix", "cli").stdout)
    assert len(listing["Versions"]) == 1 and first not in json.dumps(listing)

"""Buckets that were never versioned, as S3 answers for them: GetBucketVersioning with an empty configuration,
ListObjectVersions with every object as version `null`, and `versionId=null` naming the object; so tools that empty
buckets by their versions (fsspec's s3fs, conformance suites) work. Versioned buckets: test_versioning.py."""

import os
import pathlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from s3util import RawS3, s3_error, unique_bucket_name

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def many(s3, make_bucket_module):
    """A bucket of 2,500 keys: 2,000 under 20 prefixes `d00/`..`d19/` (100 each) and 500 at the top."""
    bucket = make_bucket_module
    keys = [f"d{d:02}/k{i:03}" for d in range(20) for i in range(100)] + [f"top{i:03}" for i in range(500)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=key.encode()), keys))
    return bucket, sorted(keys)


@pytest.fixture(scope="module")
def make_bucket_module(s3):
    name = unique_bucket_name("smoke-versions")
    s3.create_bucket(Bucket=name)
    yield name
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=name):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
    s3.delete_bucket(Bucket=name)


def test_get_bucket_versioning_of_a_bucket_never_versioned(s3, bucket):
    response = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in response and "MFADelete" not in response
    with s3_error("NoSuchBucket", 404):
        s3.get_bucket_versioning(Bucket=unique_bucket_name("smoke-missing"))


def test_every_object_is_its_null_version(s3, many):
    bucket, keys = many
    versions, prefixes = [], []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 300}):
        versions += page.get("Versions", [])
        prefixes += page.get("CommonPrefixes", [])
        assert not page.get("DeleteMarkers")
    assert [v["Key"] for v in versions] == keys
    assert not prefixes
    head = s3.head_object(Bucket=bucket, Key=keys[0])
    for version in versions[:5]:
        assert version["VersionId"] == "null" and version["IsLatest"] is True
        assert version["StorageClass"] == "STANDARD" and version["Owner"]["ID"]
    assert versions[0]["ETag"] == head["ETag"] and versions[0]["Size"] == head["ContentLength"]


def test_list_object_versions_parameters(s3, many):
    bucket, keys = many
    # Delimiter: 20 common prefixes and the 500 top-level keys, in pages of 100 that mix both.
    seen_prefixes, seen_keys, pages = [], [], 0
    for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 100}):
        pages += 1
        seen_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        seen_keys += [v["Key"] for v in page.get("Versions", [])]
        assert page["Delimiter"] == "/" and page["MaxKeys"] == 100
    assert seen_prefixes == [f"d{d:02}/" for d in range(20)]
    assert seen_keys == [k for k in keys if "/" not in k]
    assert pages == 6  # 520 entries, 100 a page
    # Prefix and max-keys, one page at a time by hand: key-marker and version-id-marker.
    first = s3.list_object_versions(Bucket=bucket, Prefix="d03/", MaxKeys=40)
    assert first["IsTruncated"] is True and first["Prefix"] == "d03/"
    assert [v["Key"] for v in first["Versions"]] == [f"d03/k{i:03}" for i in range(40)]
    assert first["NextKeyMarker"] == "d03/k039" and first["NextVersionIdMarker"] == "null"
    second = s3.list_object_versions(Bucket=bucket, Prefix="d03/", MaxKeys=100, KeyMarker=first["NextKeyMarker"],
                                     VersionIdMarker=first["NextVersionIdMarker"])
    assert second["KeyMarker"] == "d03/k039" and second["VersionIdMarker"] == "null"
    assert [v["Key"] for v in second["Versions"]] == [f"d03/k{i:03}" for i in range(40, 100)]
    assert second["IsTruncated"] is False and "NextKeyMarker" not in second
    # key-marker alone skips every version of that key.
    after = s3.list_object_versions(Bucket=bucket, KeyMarker="top497")
    assert [v["Key"] for v in after["Versions"]] == ["top498", "top499"]
    # A page that ends on a common prefix continues after the whole prefix.
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/", MaxKeys=3)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["d00/", "d01/", "d02/"]
    assert page["NextKeyMarker"] == "d02/" and "NextVersionIdMarker" not in page
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/", MaxKeys=2, KeyMarker=page["NextKeyMarker"])
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["d03/", "d04/"]
    # max-keys 0, and errors.
    empty = s3.list_object_versions(Bucket=bucket, MaxKeys=0)
    assert not empty.get("Versions") and empty["MaxKeys"] == 0
    with s3_error("InvalidArgument", 400):
        s3.list_object_versions(Bucket=bucket, VersionIdMarker="null")
    with s3_error("InvalidArgument", 400):
        s3.list_object_versions(Bucket=bucket, KeyMarker="top001", VersionIdMarker="not an id!")
    # A well-formed id this store did not make (or a `null` gone since): the key's versions from its newest, so
    # that nothing is skipped.
    after_gone = s3.list_object_versions(Bucket=bucket, KeyMarker="top497", VersionIdMarker="3HL4kqtJlcpXroDTDmJ+rmSp")
    assert [v["Key"] for v in after_gone["Versions"]] == ["top497", "top498", "top499"]
    with s3_error("InvalidArgument", 400):
        s3.list_object_versions(Bucket=bucket, MaxKeys=-1)


def test_list_object_versions_with_url_encoding(s3, bucket):
    s3.put_object(Bucket=bucket, Key="enc/a b+c\u00e9", Body=b"x")
    page = s3.list_object_versions(Bucket=bucket, Prefix="enc/", EncodingType="url")
    # botocore decodes keys only when it asked for the encoding itself: here they come as sent.
    assert [v["Key"] for v in page["Versions"]] == ["enc/a%20b%2Bc%C3%A9"]
    raw = RawS3(os.environ["AWS_ENDPOINT_URL"], os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"],
                os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    text = raw.request("GET", f"/{bucket}", query="encoding-type=url&prefix=enc%2F&versions").text
    assert "<Key>enc/a%20b%2Bc%C3%A9</Key>" in text and "<EncodingType>url</EncodingType>" in text


def test_version_id_null_names_the_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="null/one", Body=b"one")
    s3.put_object(Bucket=bucket, Key="null/two", Body=b"two")
    assert s3.get_object(Bucket=bucket, Key="null/one", VersionId="null")["Body"].read() == b"one"
    assert s3.head_object(Bucket=bucket, Key="null/one", VersionId="null")["ContentLength"] == 3
    with s3_error("NoSuchVersion", 404):
        s3.get_object(Bucket=bucket, Key="null/one", VersionId="3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
    # A delete of a version that does not exist succeeds and removes nothing, as S3's does.
    gone = s3.delete_object(Bucket=bucket, Key="null/one", VersionId="someversion")
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 204 and gone["VersionId"] == "someversion"
    with s3_error("InvalidArgument", 400):
        s3.delete_object(Bucket=bucket, Key="null/one", VersionId="not an id")
    assert s3.get_object(Bucket=bucket, Key="null/one")["Body"].read() == b"one"  # nothing deleted
    s3.delete_object(Bucket=bucket, Key="null/one", VersionId="null")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="null/one")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "null/two", "VersionId": "null"}, {"Key": "null/three", "VersionId": "other"}]})
    assert result["Deleted"] == [{"Key": "null/two", "VersionId": "null"}, {"Key": "null/three", "VersionId": "other"}]
    assert not result.get("Errors")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="null/two")


def s3fs_python() -> str:
    """The interpreter of a virtual environment with fsspec's s3fs, apart from the aws CLI's botocore (s3fs pins
    its own through aiobotocore). Made once, under .build-venv/ (ignored by git)."""
    venv = REPO / ".build-venv" / "s3fs"
    python = venv / "bin" / "python"
    if not (venv / ".ready").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "s3fs"], check=True, timeout=900)
        (venv / ".ready").write_text("s3fs\n")
    return str(python)


S3FS_SCRIPT = """
import os, sys, s3fs
fs = s3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"],
                       endpoint_url=os.environ["AWS_ENDPOINT_URL"], client_kwargs={"region_name": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")})
bucket = sys.argv[1]
fs.mkdir(bucket)
for i in range(3):
    with fs.open(f"{bucket}/dir/file{i}.txt", "wb") as f:
        f.write(b"s3fs %d" % i)
fs.put_file(__file__, f"{bucket}/script.py")
listing = sorted(fs.ls(f"{bucket}/dir"))
assert listing == [f"{bucket}/dir/file{i}.txt" for i in range(3)], listing
assert fs.cat(f"{bucket}/dir/file1.txt") == b"s3fs 1"
fs.rm(bucket, recursive=True)
fs.invalidate_cache()
assert not fs.exists(bucket), "the bucket is still there"
print("ok")
"""


def test_fsspec_s3fs_puts_lists_and_removes_a_whole_bucket(s3, tmp_path):
    python = s3fs_python()
    script = tmp_path / "s3fs_check.py"
    script.write_text(S3FS_SCRIPT)
    name = unique_bucket_name("smoke-s3fs")
    proc = subprocess.run([python, str(script), name], capture_output=True, text=True, timeout=300,
                          env=os.environ.copy())
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stdout + proc.stderr
    with s3_error("404", 404):
        s3.head_bucket(Bucket=name)

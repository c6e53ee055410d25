"""A versioned bucket of 2,000 versions (200 keys of 10 versions in 10 prefixes, delete markers on some) listed
through ListObjectVersions' pagination with and without a delimiter: every version and marker exactly once, keys in
order, each key's versions newest first."""

from concurrent.futures import ThreadPoolExecutor

import pytest


@pytest.fixture(scope="module")
def history(s3, make_bucket_module):
    bucket = make_bucket_module
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    keys = [f"v/p{p}/k{k:02}" for p in range(10) for k in range(20)]

    def write(key):
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=b"%d" % i)["VersionId"] for i in range(10)]
        marker = None
        if key.endswith(("k03", "k17")):
            marker = s3.delete_object(Bucket=bucket, Key=key)["VersionId"]
        return key, ids, marker

    with ThreadPoolExecutor(16) as pool:
        written = {key: (ids, marker) for key, ids, marker in pool.map(write, keys)}
    for p in range(10):
        s3.put_object(Bucket=bucket, Key=f"v/p{p}/sub/x", Body=b"x")
    return bucket, written


@pytest.fixture(scope="module")
def make_bucket_module(s3):
    from conftest import empty_and_delete_bucket
    from s3util import unique_bucket_name
    name = unique_bucket_name("smoke-vlist")
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)


def walk(s3, **kwargs):
    versions, markers, prefixes, pages = [], [], [], 0
    for page in s3.get_paginator("list_object_versions").paginate(**kwargs):
        pages += 1
        versions += page.get("Versions", [])
        markers += page.get("DeleteMarkers", [])
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return versions, markers, prefixes, pages


def test_every_version_once_over_pages(s3, history):
    bucket, written = history
    versions, markers, prefixes, pages = walk(s3, Bucket=bucket, Prefix="v/", PaginationConfig={"PageSize": 97})
    assert not prefixes and pages == -(-(2000 + 20 + 10) // 97)
    assert len(versions) == 2010 and len(markers) == 20
    assert len({(v["Key"], v["VersionId"]) for v in versions + markers}) == 2030
    keys = [v["Key"] for v in versions]
    assert keys == sorted(keys)
    for key, (ids, marker) in written.items():
        listed = [v["VersionId"] for v in versions if v["Key"] == key]
        assert listed == ids[::-1], key  # newest first
        latest = [v["IsLatest"] for v in versions if v["Key"] == key]
        assert latest == [marker is None] + [False] * 9, key
        if marker:
            assert [m["VersionId"] for m in markers if m["Key"] == key] == [marker]


def test_pages_with_a_delimiter(s3, history):
    bucket, written = history
    _, _, prefixes, _ = walk(s3, Bucket=bucket, Prefix="v/", Delimiter="/", PaginationConfig={"PageSize": 3})
    assert prefixes == [f"v/p{p}/" for p in range(10)]
    versions, markers, prefixes, pages = walk(s3, Bucket=bucket, Prefix="v/p3/", Delimiter="/",
                                              PaginationConfig={"PageSize": 7})
    assert prefixes == ["v/p3/sub/"]
    assert len(versions) == 200 and len(markers) == 2 and pages == -(-(200 + 2 + 1) // 7)
    assert [v["VersionId"] for v in versions if v["Key"] == "v/p3/k05"] == written["v/p3/k05"][0][::-1]
    # ListObjectsV2 sees each key once, and not those whose current version is a marker.
    listed = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="v/p3/", Delimiter="/"):
        listed += [o["Key"] for o in page.get("Contents", [])]
    assert listed == [f"v/p3/k{k:02}" for k in range(20) if k not in (3, 17)]


def test_emptying_page_by_page_deletes_everything(s3, make_bucket):
    """Deleting each page's versions before asking for the next (what cleanup tools do) leaves nothing behind:
    the next page goes on from a marker that was just deleted."""
    bucket = make_bucket("smoke-vempty")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key in ("a", "b", "c"):
        for i in range(7):
            s3.put_object(Bucket=bucket, Key=key, Body=b"%d" % i)
        s3.delete_object(Bucket=bucket, Key=key)
    deleted = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 5}):
        entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": e["Key"], "VersionId": e["VersionId"]}
                                                             for e in entries]})
        deleted += len(entries)
    assert deleted == 24
    assert not s3.list_object_versions(Bucket=bucket).get("Versions")
    s3.delete_bucket(Bucket=bucket)

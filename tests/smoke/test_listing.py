"""ListObjects v1 and v2 over 2,000 keys: pagination, delimiters, prefixes, StartAfter, URL encoding, max-keys=0."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_plus

import pytest

DIRS = [f"dir{d:02d}/" for d in range(20)]
NESTED = [f"dir{i % 20:02d}/file{i:04d}" for i in range(2000)]
TOP_LEVEL = ["alpha", "top-1", "top-2", "zeta.txt"]
ALL_KEYS = sorted(NESTED + TOP_LEVEL)


@pytest.fixture(scope="module")
def listing_bucket(s3, bucket):
    def put(key):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, ALL_KEYS))  # list() re-raises the first failure
    return bucket


def pages_v2(s3, bucket, **kwargs):
    """Every page of a ListObjectsV2, following NextContinuationToken by hand."""
    pages, token = [], None
    while True:
        page = s3.list_objects_v2(Bucket=bucket, **kwargs, **({"ContinuationToken": token} if token else {}))
        pages.append(page)
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            return pages
        token = page["NextContinuationToken"]
        assert token, "a truncated page without NextContinuationToken"
        assert len(pages) < 1000, "pagination does not end"


def keys_of(page):
    return [o["Key"] for o in page.get("Contents", [])]


def prefixes_of(page):
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


def test_v2_all_keys_in_pages_of_100(s3, listing_bucket):
    pages = pages_v2(s3, listing_bucket, MaxKeys=100)
    assert len(pages) == 21  # 2,004 keys
    for page in pages[:-1]:
        assert page["KeyCount"] == 100 and len(keys_of(page)) == 100
        assert page["MaxKeys"] == 100
    assert page_sizes(pages)[-1] == 4
    listed = [k for page in pages for k in keys_of(page)]
    assert listed == ALL_KEYS  # complete, sorted, no duplicates
    sizes = {o["Key"]: o["Size"] for page in pages for o in page["Contents"]}
    assert sizes["dir07/file1987"] == len(b"dir07/file1987")
    assert all(o["ETag"] and o["LastModified"] for page in pages for o in page["Contents"])


def page_sizes(pages):
    return [len(keys_of(p)) + len(prefixes_of(p)) for p in pages]


def test_v2_delimiter_gives_exactly_the_directories(s3, listing_bucket):
    pages = pages_v2(s3, listing_bucket, Delimiter="/")
    assert len(pages) == 1
    assert prefixes_of(pages[0]) == DIRS
    assert keys_of(pages[0]) == TOP_LEVEL
    assert pages[0]["KeyCount"] == len(DIRS) + len(TOP_LEVEL)


def test_v2_delimiter_with_small_pages(s3, listing_bucket):
    pages = pages_v2(s3, listing_bucket, Delimiter="/", MaxKeys=7)
    assert all(size <= 7 for size in page_sizes(pages))
    assert sum(page_sizes(pages)) == len(DIRS) + len(TOP_LEVEL)
    assert [p for page in pages for p in prefixes_of(page)] == DIRS
    assert [k for page in pages for k in keys_of(page)] == TOP_LEVEL


def test_v2_prefix(s3, listing_bucket):
    pages = pages_v2(s3, listing_bucket, Prefix="dir03/", MaxKeys=30)
    listed = [k for page in pages for k in keys_of(page)]
    assert listed == [k for k in ALL_KEYS if k.startswith("dir03/")]
    assert len(listed) == 100

    nested = s3.list_objects_v2(Bucket=listing_bucket, Prefix="dir0", Delimiter="/")
    assert prefixes_of(nested) == DIRS[:10]
    assert keys_of(nested) == []


def test_v2_start_after(s3, listing_bucket):
    start = "dir05/file0105"
    pages = pages_v2(s3, listing_bucket, StartAfter=start, MaxKeys=250)
    assert [k for page in pages for k in keys_of(page)] == [k for k in ALL_KEYS if k > start]


def test_v1_pages_with_next_marker(s3, listing_bucket):
    """v1 with a delimiter: NextMarker names where the next page starts."""
    seen_keys, seen_prefixes, marker, pages = [], [], "", 0
    while True:
        page = s3.list_objects(Bucket=listing_bucket, Delimiter="/", MaxKeys=7, Marker=marker)
        pages += 1
        assert len(keys_of(page)) + len(prefixes_of(page)) <= 7
        seen_keys += keys_of(page)
        seen_prefixes += prefixes_of(page)
        if not page["IsTruncated"]:
            break
        marker = page["NextMarker"]
        assert marker in keys_of(page) + prefixes_of(page)
        assert pages < 100
    assert seen_prefixes == DIRS
    assert seen_keys == TOP_LEVEL


def test_v1_pages_by_last_key(s3, listing_bucket):
    """v1 without a delimiter: the client continues after the last key of the page."""
    listed, marker = [], ""
    while True:
        page = s3.list_objects(Bucket=listing_bucket, MaxKeys=100, Marker=marker)
        keys = keys_of(page)
        assert len(keys) <= 100
        listed += keys
        if not page["IsTruncated"]:
            break
        marker = keys[-1]
    assert listed == ALL_KEYS


def test_max_keys_zero(s3, listing_bucket):
    page = s3.list_objects_v2(Bucket=listing_bucket, MaxKeys=0)
    assert page["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert page["KeyCount"] == 0
    assert keys_of(page) == [] and prefixes_of(page) == []


def test_encoding_type_url(s3, make_bucket):
    bucket = make_bucket("smoke-encoding")
    keys = sorted(["plain", "with space/and more.txt", "ünïcødé/文件.txt", "plus+sign&amp", "percent%41"])
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    # Asked explicitly, keys come back URL-encoded (botocore decodes them only when it set the parameter itself).
    page = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert page["EncodingType"] == "url"
    encoded = keys_of(page)
    assert [unquote_plus(k) for k in encoded] == keys
    for raw_key in encoded:
        assert " " not in raw_key and raw_key.isascii(), f"not URL-encoded: {raw_key!r}"

    v1 = s3.list_objects(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert sorted(unquote_plus(p) for p in prefixes_of(v1)) == ["with space/", "ünïcødé/"]

    # Without it, botocore asks for url encoding and decodes: the keys as they were written.
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == keys
    assert keys_of(s3.list_objects(Bucket=bucket)) == keys

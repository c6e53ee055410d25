"""Conditional requests (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since) on GET, HEAD, PUT,
CompleteMultipartUpload and copy sources, and GET's response-* overrides."""

import datetime

from s3util import MiB, quoted_md5, s3_error

PAST = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
FUTURE = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)


def test_conditional_get_and_head(s3, bucket):
    body = b"conditional\n" * 100
    etag = s3.put_object(Bucket=bucket, Key="cond/get", Body=body)["ETag"]
    assert s3.get_object(Bucket=bucket, Key="cond/get", IfMatch=etag)["Body"].read() == body
    assert s3.get_object(Bucket=bucket, Key="cond/get", IfMatch="*")["Body"].read() == body
    with s3_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key="cond/get", IfMatch='"0123456789abcdef0123456789abcdef"')
    with s3_error("304", 304):
        s3.get_object(Bucket=bucket, Key="cond/get", IfNoneMatch=etag)
    with s3_error("304", 304):
        s3.get_object(Bucket=bucket, Key="cond/get", IfModifiedSince=FUTURE)
    assert s3.get_object(Bucket=bucket, Key="cond/get", IfModifiedSince=PAST)["Body"].read() == body
    with s3_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key="cond/get", IfUnmodifiedSince=PAST)
    # If-Match true wins over If-Unmodified-Since false; If-None-Match false wins over If-Modified-Since true.
    assert s3.get_object(Bucket=bucket, Key="cond/get", IfMatch=etag, IfUnmodifiedSince=PAST)["ETag"] == etag
    other = '"ffffffffffffffffffffffffffffffff"'
    assert s3.get_object(Bucket=bucket, Key="cond/get", IfNoneMatch=other, IfModifiedSince=FUTURE)["ETag"] == etag
    with s3_error("412", 412):
        s3.head_object(Bucket=bucket, Key="cond/get", IfMatch=other)
    with s3_error("304", 304):
        s3.head_object(Bucket=bucket, Key="cond/get", IfNoneMatch=etag)


def test_create_only_and_if_match_put(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="cond/put", Body=b"one", IfNoneMatch="*")
    assert first["ETag"] == quoted_md5(b"one")
    with s3_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="cond/put", Body=b"two", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="cond/put")["Body"].read() == b"one"
    with s3_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="cond/put", Body=b"three", IfMatch=quoted_md5(b"nope"))
    s3.put_object(Bucket=bucket, Key="cond/put", Body=b"four", IfMatch=first["ETag"])
    assert s3.get_object(Bucket=bucket, Key="cond/put")["Body"].read() == b"four"
    with s3_error("NoSuchKey", 404):
        s3.put_object(Bucket=bucket, Key="cond/absent", Body=b"x", IfMatch=first["ETag"])
    # A large create-only PUT onto an existing key is refused before its data is stored.
    with s3_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="cond/put", Body=b"z" * (5 * MiB), IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="cond/put")["Body"].read() == b"four"


def test_create_only_complete_multipart_upload(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cond/mpu", Body=b"exists")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="cond/mpu")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="cond/mpu", UploadId=upload, PartNumber=1, Body=b"p" * 100)
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    with s3_error("PreconditionFailed", 412):
        s3.complete_multipart_upload(
            Bucket=bucket, Key="cond/mpu", UploadId=upload, MultipartUpload=parts, IfNoneMatch="*"
        )
    # The refused completion leaves the upload open and the object as it was.
    assert s3.get_object(Bucket=bucket, Key="cond/mpu")["Body"].read() == b"exists"
    s3.list_parts(Bucket=bucket, Key="cond/mpu", UploadId=upload)
    s3.delete_object(Bucket=bucket, Key="cond/mpu")
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="cond/mpu", UploadId=upload, MultipartUpload=parts, IfNoneMatch="*"
    )
    assert done["ETag"].endswith('-1"')


def test_copy_source_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cond/src", Body=b"source")["ETag"]
    source = {"Bucket": bucket, "Key": "cond/src"}
    s3.copy_object(Bucket=bucket, Key="cond/dst1", CopySource=source, CopySourceIfMatch=etag)
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="cond/dst2", CopySource=source, CopySourceIfMatch=quoted_md5(b"x"))
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="cond/dst3", CopySource=source, CopySourceIfNoneMatch=etag)
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="cond/dst4", CopySource=source, CopySourceIfUnmodifiedSince=PAST)
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="cond/dst2")


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cond/override", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket,
        Key="cond/override",
        ResponseContentType="application/x-test",
        ResponseContentDisposition='attachment; filename="a.bin"',
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="ko",
        ResponseContentEncoding="identity",
    )
    assert got["ContentType"] == "application/x-test"
    assert got["ContentDisposition"] == 'attachment; filename="a.bin"'
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "ko"
    assert got["ContentEncoding"] == "identity"
    assert s3.get_object(Bucket=bucket, Key="cond/override")["ContentType"] == "text/plain"

"""Multipart uploads: boto3's managed transfer of 100 MiB, and the low-level API with its error cases."""

import os

from boto3.s3.transfer import TransferConfig

from s3util import MiB, md5_hex, multipart_etag, quoted_md5, random_file, s3_error, sha256_file

PART = 5 * MiB  # the smallest part that may be followed by another


def test_upload_file_100mib_with_8mib_parts(s3, bucket, tmp_path):
    source, copy = tmp_path / "source.bin", tmp_path / "downloaded.bin"
    random_file(source, 100 * MiB)
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)

    s3.upload_file(str(source), bucket, "big/100mib.bin", Config=config)

    parts = []
    with open(source, "rb") as f:
        while chunk := f.read(8 * MiB):
            parts.append(chunk)
    assert len(parts) == 13
    head = s3.head_object(Bucket=bucket, Key="big/100mib.bin")
    assert head["ContentLength"] == 100 * MiB
    assert head["ETag"] == multipart_etag(parts)

    s3.download_file(bucket, "big/100mib.bin", str(copy), Config=config)
    assert sha256_file(copy) == sha256_file(source)


def create(s3, bucket, key, **kwargs):
    return s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)["UploadId"]


def upload(s3, bucket, key, upload_id, number, body):
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)["ETag"]
    assert etag == quoted_md5(body)
    return {"PartNumber": number, "ETag": etag}


def upload_ids(s3, bucket):
    return {u["UploadId"]: u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])}


def test_low_level_upload_list_and_complete(s3, bucket):
    key = "low-level/object.bin"
    upload_id = create(s3, bucket, key, ContentType="application/x-parts", Metadata={"kind": "multipart"})
    assert upload_ids(s3, bucket).get(upload_id) == key

    first, tail = os.urandom(PART), b"!"
    parts = [upload(s3, bucket, key, upload_id, 1, first), upload(s3, bucket, key, upload_id, 2, tail)]

    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [
        (1, quoted_md5(first), PART),
        (2, quoted_md5(tail), 1),
    ]

    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    assert done["ETag"] == multipart_etag([first, tail])
    assert upload_id not in upload_ids(s3, bucket)

    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == first + tail
    assert got["ETag"] == multipart_etag([first, tail])
    assert got["ContentType"] == "application/x-parts"
    assert got["Metadata"] == {"kind": "multipart"}


def test_reuploaded_part_replaces_the_first(s3, bucket):
    key = "low-level/reupload.bin"
    upload_id = create(s3, bucket, key)
    upload(s3, bucket, key, upload_id, 1, b"a" * PART)
    second = os.urandom(PART)
    parts = [upload(s3, bucket, key, upload_id, 1, second), upload(s3, bucket, key, upload_id, 2, b"end")]
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == second + b"end"


def test_abort_removes_the_upload(s3, bucket):
    key = "low-level/aborted.bin"
    upload_id = create(s3, bucket, key)
    upload(s3, bucket, key, upload_id, 1, os.urandom(1000))
    aborted = s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert upload_id not in upload_ids(s3, bucket)
    with s3_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
    with s3_error("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=b"late")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def test_complete_out_of_order_is_invalid_part_order(s3, bucket):
    key = "low-level/order.bin"
    upload_id = create(s3, bucket, key)
    first, second = os.urandom(PART), os.urandom(PART)  # both big enough to be anywhere but last
    parts = [upload(s3, bucket, key, upload_id, 1, first), upload(s3, bucket, key, upload_id, 2, second)]
    with s3_error("InvalidPartOrder", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                     MultipartUpload={"Parts": list(reversed(parts))})
    # A refused completion leaves the upload open: it can still be completed properly.
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == first + second


def test_complete_with_wrong_etag_or_missing_part_is_invalid_part(s3, bucket):
    key = "low-level/invalid-part.bin"
    upload_id = create(s3, bucket, key)
    parts = [upload(s3, bucket, key, upload_id, n, os.urandom(PART)) for n in (1, 2)]

    wrong_etag = [parts[0], {"PartNumber": 2, "ETag": f'"{md5_hex(b"something else")}"'}]
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                     MultipartUpload={"Parts": wrong_etag})
    never_uploaded = parts + [{"PartNumber": 3, "ETag": quoted_md5(b"never sent")}]
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                     MultipartUpload={"Parts": never_uploaded})
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def test_small_non_last_part_is_entity_too_small(s3, bucket):
    key = "low-level/too-small.bin"
    upload_id = create(s3, bucket, key)
    parts = [upload(s3, bucket, key, upload_id, 1, os.urandom(1 * MiB)), upload(s3, bucket, key, upload_id, 2, b"y")]
    with s3_error("EntityTooSmall", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def test_single_small_part_is_allowed(s3, bucket):
    key = "low-level/one-part.bin"
    upload_id = create(s3, bucket, key)
    body = b"only part"
    parts = [upload(s3, bucket, key, upload_id, 1, body)]
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert done["ETag"] == multipart_etag([body])
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body


def test_list_multipart_uploads_by_prefix(s3, bucket):
    ids = {create(s3, bucket, f"uploads/{name}"): f"uploads/{name}" for name in ("a", "b", "c")}
    other = create(s3, bucket, "elsewhere/d")
    try:
        listed = s3.list_multipart_uploads(Bucket=bucket, Prefix="uploads/").get("Uploads", [])
        assert {u["UploadId"]: u["Key"] for u in listed} == ids
        assert [u["Key"] for u in listed] == sorted(ids.values())
    finally:
        for upload_id, key in [*ids.items(), (other, "elsewhere/d")]:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


"""x-amz-storage-class as boto3 and the aws CLI send it: a class the operator mapped to a pool (ksanctl
storage-class set) is stored in that pool and shown by HEAD, GET and every listing, multipart uploads included;
an unmapped class is InvalidStorageClass. The mapping is removed at the end, for the tests that expect none.
"""

import json
import subprocess
import time

import pytest

from s3util import s3_error


def ksanctl(*args):
    return subprocess.run(["ksanctl", *args], capture_output=True, text=True, timeout=60, check=True).stdout


@pytest.fixture(scope="module")
def standard_ia(s3, bucket):
    ksanctl("storage-class", "set", "STANDARD_IA", "--pool", "default")
    # The gateway hears of the change on the bus; its cache expires in 10 s anyway.
    deadline = time.monotonic() + 15
    while True:
        try:
            s3.put_object(Bucket=bucket, Key="classes/probe", Body=b"p", StorageClass="STANDARD_IA")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield
    ksanctl("storage-class", "remove", "STANDARD_IA")


def test_a_mapped_class_is_stored_and_shown_everywhere(s3, bucket, standard_ia):
    s3.put_object(Bucket=bucket, Key="classes/ia", Body=b"infrequent", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=bucket, Key="classes/std", Body=b"standard")
    assert s3.head_object(Bucket=bucket, Key="classes/ia")["StorageClass"] == "STANDARD_IA"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="classes/std")  # S3 omits STANDARD
    got = s3.get_object(Bucket=bucket, Key="classes/ia")
    assert got["StorageClass"] == "STANDARD_IA" and got["Body"].read() == b"infrequent"
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="classes/")["Contents"]}
    assert listed["classes/ia"] == "STANDARD_IA" and listed["classes/std"] == "STANDARD"
    v1 = {o["Key"]: o["StorageClass"] for o in s3.list_objects(Bucket=bucket, Prefix="classes/")["Contents"]}
    assert v1 == listed
    versions = {v["Key"]: v["StorageClass"] for v in s3.list_object_versions(Bucket=bucket, Prefix="classes/")["Versions"]}
    assert versions["classes/ia"] == "STANDARD_IA"
    attributes = s3.get_object_attributes(Bucket=bucket, Key="classes/ia", ObjectAttributes=["StorageClass"])
    assert attributes["StorageClass"] == "STANDARD_IA"
    # A copy is STANDARD unless it asks for a class, as in S3; asking changes even the object itself.
    s3.copy_object(Bucket=bucket, Key="classes/copy", CopySource={"Bucket": bucket, "Key": "classes/ia"})
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="classes/copy")
    s3.copy_object(Bucket=bucket, Key="classes/std", CopySource={"Bucket": bucket, "Key": "classes/std"},
                   StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="classes/std")["StorageClass"] == "STANDARD_IA"


def test_a_multipart_upload_keeps_its_class(s3, bucket, standard_ia):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="classes/mpu", StorageClass="STANDARD_IA")["UploadId"]
    uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix="classes/mpu")["Uploads"]
    assert [u["StorageClass"] for u in uploads] == ["STANDARD_IA"]
    part = s3.upload_part(Bucket=bucket, Key="classes/mpu", UploadId=upload, PartNumber=1, Body=b"m" * 1000)
    assert s3.list_parts(Bucket=bucket, Key="classes/mpu", UploadId=upload)["StorageClass"] == "STANDARD_IA"
    s3.complete_multipart_upload(Bucket=bucket, Key="classes/mpu", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.head_object(Bucket=bucket, Key="classes/mpu")["StorageClass"] == "STANDARD_IA"


def test_the_aws_cli_sets_a_class(aws, s3, bucket, standard_ia, tmp_path):
    source = tmp_path / "file.txt"
    source.write_bytes(b"from the cli")
    aws("s3", "cp", str(source), f"s3://{bucket}/classes/cli", "--storage-class", "STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="classes/cli")["StorageClass"] == "STANDARD_IA"
    listing = json.loads(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "classes/cli").stdout)
    assert listing["Contents"][0]["StorageClass"] == "STANDARD_IA"
    failed = aws("s3", "cp", str(source), f"s3://{bucket}/classes/glacier", "--storage-class", "GLACIER", check=False)
    assert failed.returncode != 0 and "InvalidStorageClass" in failed.stderr


def test_an_unmapped_class_is_refused_and_nothing_is_stored(s3, bucket):
    for storage_class in ("GLACIER", "DEEP_ARCHIVE"):
        with s3_error("InvalidStorageClass", 400):
            s3.put_object(Bucket=bucket, Key="classes/refused", Body=b"x", StorageClass=storage_class)
        with s3_error("InvalidStorageClass", 400):
            s3.create_multipart_upload(Bucket=bucket, Key="classes/refused", StorageClass=storage_class)
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="classes/refused")

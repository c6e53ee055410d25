"""What unchanged clients trip over: requests signed for another region (s3cmd's default `US`, boto3 and the aws
CLI created for another region) must be correctable by the client, as S3 makes them; a refused sub-resource call is
named by its operation."""

import os
import pathlib
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import boto3
import requests
import pytest
from botocore.config import Config

from s3util import RawS3, s3_error, unique_bucket_name

OTHER_REGION = "eu-west-9"


def error_element(text: str, name: str) -> str | None:
    element = ET.fromstring(text).find(name)
    return None if element is None else element.text


def test_a_request_signed_for_another_region_says_which_region_to_sign_for(endpoint, region, bucket):
    """400 AuthorizationHeaderMalformed with <Region> and x-amz-bucket-region, as S3 answers; nothing is stored."""
    other = RawS3(endpoint, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], OTHER_REGION)
    response = other.request("PUT", f"/{bucket}/region/raw", body=b"x")
    assert response.status_code == 400, response.text
    assert error_element(response.text, "Code") == "AuthorizationHeaderMalformed"
    assert error_element(response.text, "Region") == region
    assert f"'{OTHER_REGION}' is wrong; expecting '{region}'" in error_element(response.text, "Message")
    assert error_element(response.text, "RequestId") == response.headers["x-amz-request-id"]
    assert response.headers["x-amz-bucket-region"] == region
    head = other.request("HEAD", f"/{bucket}")
    assert head.status_code == 400 and head.headers["x-amz-bucket-region"] == region
    presigned = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=OTHER_REGION, config=Config(s3={"addressing_style": "path"}),
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    ).generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "region/presigned"})
    response = other.session.put(presigned, data=b"x", timeout=30)
    assert response.status_code == 400, response.text
    assert error_element(response.text, "Code") == "AuthorizationQueryParametersError"
    assert error_element(response.text, "Region") == region
    mine = RawS3(endpoint, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], region)
    for key in ("region/raw", "region/presigned"):
        assert mine.request("HEAD", f"/{bucket}/{key}").status_code == 404


def test_boto3_created_for_another_region_works(endpoint, region, bucket):
    """botocore follows the <Region> of the error and retries there: PUT, GET, HeadBucket and listing work."""
    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=OTHER_REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "total_max_attempts": 1}),
    )
    client.put_object(Bucket=bucket, Key="region/boto3", Body=b"from another region")
    assert client.get_object(Bucket=bucket, Key="region/boto3")["Body"].read() == b"from another region"
    head = client.head_bucket(Bucket=bucket)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == region
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="region/")["Contents"]]
    assert "region/boto3" in keys


def test_aws_cli_with_another_region_works(aws, bucket, tmp_path):
    source = tmp_path / "cli.txt"
    source.write_text("from the aws CLI in another region\n")
    aws("--region", OTHER_REGION, "s3", "cp", str(source), f"s3://{bucket}/region/cli.txt")
    listing = aws("--region", OTHER_REGION, "s3", "ls", f"s3://{bucket}/region/").stdout
    assert "cli.txt" in listing
    aws("--region", OTHER_REGION, "s3", "cp", f"s3://{bucket}/region/cli.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_text() == source.read_text()


def test_head_bucket_and_get_bucket_location_say_the_region(s3, region, bucket):
    head = s3.head_bucket(Bucket=bucket)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == region
    location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
    assert location == (None if region == "us-east-1" else region)  # us-east-1 is the empty constraint in S3


def test_s3cmd_with_its_default_configuration(tmp_path, s3):
    """s3cmd's defaults sign for region `US` (bucket_location = US): it must find the region from the error."""
    host = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"]).netloc
    config = tmp_path / "s3cfg"
    config.write_text(  # only what a user must set; everything else s3cmd's defaults
        "[default]\n"
        f"access_key = {os.environ['AWS_ACCESS_KEY_ID']}\n"
        f"secret_key = {os.environ['AWS_SECRET_ACCESS_KEY']}\n"
        f"host_base = {host}\nhost_bucket = {host}\n"
        "use_https = False\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}

    def s3cmd(*args):
        proc = subprocess.run(["s3cmd", "-c", str(config), *args], capture_output=True, text=True, timeout=300,
                              env=env)
        if proc.returncode != 0:
            pytest.fail(f"s3cmd {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    name = unique_bucket_name("smoke-s3cmd-default")
    source = tmp_path / "file.txt"
    source.write_text("s3cmd with a default configuration\n")
    try:
        s3cmd("mb", f"s3://{name}")
        s3cmd("put", str(source), f"s3://{name}/file.txt")
        assert "file.txt" in s3cmd("ls", f"s3://{name}")
        assert name in s3cmd("ls")
        s3cmd("del", f"s3://{name}/file.txt")
        s3cmd("rb", f"s3://{name}")
    finally:
        try:
            for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
                s3.delete_object(Bucket=name, Key=item["Key"])
            s3.delete_bucket(Bucket=name)
        except Exception:  # noqa: BLE001 - cleanup of a bucket rb already removed
            pass


def test_a_refused_sub_resource_call_is_named_by_its_operation(s3, bucket, cluster):
    """NotImplemented names the operation (GetBucketCors), and so does the gateway's request log line."""
    with s3_error("NotImplemented", 501) as info:
        s3.get_bucket_cors(Bucket=bucket)
    error = info.value.response["Error"]
    assert "GetBucketCors" in error["Message"]
    request_id = info.value.response["ResponseMetadata"]["RequestId"]
    with s3_error("NotImplemented", 501):
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    log = pathlib.Path(cluster["home"], "logs", "gateway.log")
    lines = [line for line in log.read_text(errors="replace").splitlines() if f"ksan.request_id={request_id}" in line]
    assert lines, f"no log line for request {request_id}"
    assert any("ksan.operation=GetBucketCors" in line for line in lines), lines
    assert not any("ksan.operation=Unknown" in line for line in lines), lines


# Each header the gateway does not honour yet, as boto3 sends it, and the error S3 (or its peers) would give.
UNHONOURED = [
    ({"ServerSideEncryption": "AES256"}, "NotImplemented", 501),
    ({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "key"}, "NotImplemented", 501),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}, "NotImplemented", 501),
    ({"ACL": "public-read"}, "NotImplemented", 501),
    ({"GrantRead": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'}, "NotImplemented", 501),
    ({"StorageClass": "GLACIER"}, "InvalidStorageClass", 400),  # a class no pool stores here
    ({"StorageClass": "NOT_A_CLASS"}, "InvalidStorageClass", 400),
    ({"WebsiteRedirectLocation": "/elsewhere"}, "NotImplemented", 501),
    ({"ObjectLockLegalHoldStatus": "ON"}, "InvalidRequest", 400),  # a bucket without object lock
    ({"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": "2099-01-01T00:00:00Z"}, "InvalidRequest", 400),
]


@pytest.mark.parametrize("kwargs,code,status", UNHONOURED, ids=[next(iter(k)) + "=" + str(next(iter(k.values())))[:12]
                                                                  for k, _, _ in UNHONOURED])
def test_a_header_not_honoured_is_refused_and_nothing_is_stored(s3, bucket, kwargs, code, status):
    key = "unhonoured/" + next(iter(kwargs))
    s3.put_object(Bucket=bucket, Key="unhonoured/source", Body=b"source")
    with s3_error(code, status):
        s3.put_object(Bucket=bucket, Key=key, Body=b"must not be stored", **kwargs)
    with s3_error(code, status):
        s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": "unhonoured/source"}, **kwargs)
    with s3_error(code, status):
        s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)
    assert not s3.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads")


def test_what_is_true_today_is_accepted(s3, bucket):
    for kwargs in ({"ACL": "private"}, {"ACL": "bucket-owner-full-control"}, {"StorageClass": "STANDARD"}):
        s3.put_object(Bucket=bucket, Key="honoured/object", Body=b"x", **kwargs)
    assert s3.get_object(Bucket=bucket, Key="honoured/object")["Body"].read() == b"x"


def test_bucket_creation_refuses_what_it_cannot_honour(s3, make_bucket):
    for kwargs, code in (({"ACL": "public-read"}, "NotImplemented"),
                         ({"ObjectOwnership": "ObjectWriter"}, "NotImplemented")):
        name = unique_bucket_name("smoke-refused")
        with s3_error(code, 501):
            s3.create_bucket(Bucket=name, **kwargs)
        with s3_error("404", 404):
            s3.head_bucket(Bucket=name)
    make_bucket("smoke-owner-enforced")  # the default of boto3 and S3: no header at all
    name = unique_bucket_name("smoke-private")
    s3.create_bucket(Bucket=name, ACL="private", ObjectOwnership="BucketOwnerEnforced")
    s3.delete_bucket(Bucket=name)


def test_expected_bucket_owner_is_checked(s3, bucket):
    owner = s3.list_buckets()["Owner"]["ID"]
    s3.put_object(Bucket=bucket, Key="owner/checked", Body=b"x", ExpectedBucketOwner=owner)
    with s3_error("AccessDenied", 403):
        s3.put_object(Bucket=bucket, Key="owner/other", Body=b"x", ExpectedBucketOwner="111122223333")
    with s3_error("AccessDenied", 403):
        s3.copy_object(Bucket=bucket, Key="owner/copy", CopySource={"Bucket": bucket, "Key": "owner/checked"},
                       ExpectedSourceBucketOwner="111122223333")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="owner/other")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="owner/copy")


def test_post_object_refuses_fields_it_cannot_honour(s3, bucket, endpoint):
    for fields, code in (({"x-amz-server-side-encryption": "AES256"}, "NotImplemented"),
                         ({"acl": "public-read"}, "NotImplemented"),
                         ({"x-amz-storage-class": "GLACIER"}, "InvalidStorageClass")):
        key = "post/" + next(iter(fields))
        conditions = [{name: value} for name, value in fields.items()]
        post = s3.generate_presigned_post(bucket, key, Fields=fields, Conditions=conditions)
        response = requests.post(post["url"], data=post["fields"], files={"file": ("f.txt", b"data")}, timeout=30)
        assert response.status_code in (400, 501), response.text
        assert error_element(response.text, "Code") == code
        with s3_error("404", 404):
            s3.head_object(Bucket=bucket, Key=key)


def test_a_retried_complete_multipart_upload_gets_the_same_success(s3, bucket):
    """A client whose first response was lost retries CompleteMultipartUpload: S3 answers it with the same result
    (kept for a day here); a retry naming other parts is NoSuchUpload."""
    first, second = os.urandom(5 * 1024 * 1024), os.urandom(1234)
    for key, checksum in (("retry/plain", None), ("retry/crc32", "CRC32")):
        extra = {"ChecksumAlgorithm": checksum} if checksum else {}
        upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)["UploadId"]
        parts = []
        for number, data in ((1, first), (2, second)):
            response = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=data, **extra)
            part = {"PartNumber": number, "ETag": response["ETag"]}
            if checksum:
                part["ChecksumCRC32"] = response["ChecksumCRC32"]
            parts.append(part)
        done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
        again = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                             MultipartUpload={"Parts": parts})
        for field in ("ETag", "Bucket", "Key", "Location", "ChecksumCRC32", "ChecksumType"):
            assert again.get(field) == done.get(field), field
        if checksum:
            assert done["ChecksumCRC32"].endswith("-2")
        with s3_error("NoSuchUpload", 404):
            s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                         MultipartUpload={"Parts": parts[:1]})
        with s3_error("NoSuchUpload", 404):
            s3.complete_multipart_upload(Bucket=bucket, Key=key + "-other", UploadId=upload,
                                         MultipartUpload={"Parts": parts})
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == first + second

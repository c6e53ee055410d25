"""POST Object (browser form upload) with policies signed by boto3's generate_presigned_post, sent by requests."""

import hashlib
import os
import xml.etree.ElementTree as ET

import boto3
import pytest
import requests
from botocore.config import Config

from s3util import MiB, quoted_md5, s3_error


def post(presigned, payload, extra=None, filename="upload.bin"):
    fields = dict(presigned["fields"])
    fields.update(extra or {})
    return requests.post(presigned["url"], data=fields, files={"file": (filename, payload)}, timeout=120,
                         allow_redirects=False)


@pytest.fixture(params=["s3", "s3v4"], ids=["sigv2-form", "sigv4-form"])
def signer(request, endpoint, region):
    """A client whose generate_presigned_post signs the policy with SigV2 or SigV4."""
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        config=Config(signature_version=request.param, s3={"addressing_style": "path"}))


def test_post_object_streams_the_file_and_enforces_the_policy(s3, signer, bucket):
    s3, reader = signer, s3
    payload = os.urandom(6 * MiB + 5)
    presigned = s3.generate_presigned_post(
        Bucket=bucket, Key="post/${filename}",
        Fields={"Content-Type": "application/x-upload", "x-amz-meta-origin": "form"},
        Conditions=[["starts-with", "$key", "post/"], {"Content-Type": "application/x-upload"},
                    {"x-amz-meta-origin": "form"}, ["content-length-range", 1, 10 * MiB]],
        ExpiresIn=600,
    )
    response = post(presigned, payload, filename="photo.bin")
    assert response.status_code == 204, response.text
    assert response.headers["ETag"] == quoted_md5(payload)
    got = reader.get_object(Bucket=bucket, Key="post/photo.bin")
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(payload).digest()
    assert got["ContentType"] == "application/x-upload"
    assert got["Metadata"] == {"origin": "form"}

    # success_action_status 201 answers a PostResponse document.
    presigned = s3.generate_presigned_post(
        Bucket=bucket, Key="post/created", Fields={"success_action_status": "201"},
        Conditions=[{"success_action_status": "201"}], ExpiresIn=600)
    response = post(presigned, b"created")
    assert response.status_code == 201, response.text
    doc = ET.fromstring(response.content)
    assert doc.find("Key").text == "post/created" and doc.find("Bucket").text == bucket

    # success_action_redirect: 303 to the URL with bucket, key and etag.
    presigned = s3.generate_presigned_post(
        Bucket=bucket, Key="post/redirected", Fields={"success_action_redirect": "http://127.0.0.1/done"},
        Conditions=[{"success_action_redirect": "http://127.0.0.1/done"}], ExpiresIn=600)
    response = post(presigned, b"redirected")
    assert response.status_code == 303, response.text
    assert response.headers["Location"].startswith("http://127.0.0.1/done?bucket=")


def test_post_object_refusals_store_nothing(s3, signer, bucket):
    s3, reader = signer, s3
    presigned = s3.generate_presigned_post(
        Bucket=bucket, Key="post/limited", Conditions=[["content-length-range", 10, 1000]], ExpiresIn=600)
    too_big = post(presigned, b"x" * 5000)
    assert too_big.status_code == 400 and "<Code>EntityTooLarge</Code>" in too_big.text, too_big.text
    too_small = post(presigned, b"x")
    assert too_small.status_code == 400 and "<Code>EntityTooSmall</Code>" in too_small.text, too_small.text
    # A field the policy does not cover, a key outside the policy, a tampered signature.
    extra = post(presigned, b"x" * 100, extra={"x-amz-meta-sneaky": "1"})
    assert extra.status_code == 403 and "<Code>AccessDenied</Code>" in extra.text, extra.text
    other_key = post(presigned, b"x" * 100, extra={"key": "elsewhere"})
    assert other_key.status_code == 403, other_key.text
    signature_field = "signature" if "signature" in presigned["fields"] else "x-amz-signature"
    tampered = post(presigned, b"x" * 100, extra={signature_field: presigned["fields"][signature_field][::-1]})
    assert tampered.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in tampered.text, tampered.text
    expired = s3.generate_presigned_post(Bucket=bucket, Key="post/expired", ExpiresIn=-10)
    late = post(expired, b"late")
    assert late.status_code == 403 and "expired" in late.text, late.text
    for key in ("post/limited", "elsewhere", "post/expired"):
        with s3_error("404", 404):
            reader.head_object(Bucket=bucket, Key=key)


def test_post_object_tagging_field(s3, signer, bucket):
    """The form's `tagging` field is a Tagging document; S3's limits apply and a refused form stores nothing."""
    s3, reader = signer, s3
    tagging = "<Tagging><TagSet><Tag><Key>form</Key><Value>yes</Value></Tag></TagSet></Tagging>"
    presigned = s3.generate_presigned_post(Bucket=bucket, Key="post/tagged", Fields={"tagging": tagging},
                                           Conditions=[{"tagging": tagging}], ExpiresIn=600)
    response = post(presigned, b"tagged")
    assert response.status_code == 204, response.text
    assert reader.get_object_tagging(Bucket=bucket, Key="post/tagged")["TagSet"] == [{"Key": "form", "Value": "yes"}]
    assert reader.head_object(Bucket=bucket, Key="post/tagged")["ResponseMetadata"]["HTTPHeaders"][
        "x-amz-tagging-count"] == "1"
    too_many = ("<Tagging><TagSet>" + "".join(f"<Tag><Key>k{i}</Key><Value>v</Value></Tag>" for i in range(11))
                + "</TagSet></Tagging>")
    for bad, code in ((too_many, "InvalidTag"), ("<Tagging><TagSet>", "MalformedXML")):
        presigned = s3.generate_presigned_post(Bucket=bucket, Key="post/bad-tags", Fields={"tagging": bad},
                                               Conditions=[{"tagging": bad}], ExpiresIn=600)
        response = post(presigned, b"x")
        assert response.status_code == 400 and f"<Code>{code}</Code>" in response.text, response.text
    with s3_error("404", 404):
        reader.head_object(Bucket=bucket, Key="post/bad-tags")

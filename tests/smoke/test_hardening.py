"""Regression tests of the hardening issue, against a running cluster: requests that used to kill the gateway, leak
data, or be honoured without a signature covering them. Each fails on the code before the fixes.

Every test that could crash the gateway checks afterwards that the same gateway process (same PID) still serves."""

import hashlib
import os
import pathlib
import re
import time
import urllib.parse
import uuid

import boto3
import pytest
import requests
from botocore.config import Config

from s3util import MiB, assert_error_response, md5_b64, s3_error, xml_fields


@pytest.fixture
def gateway_pid(cluster):
    """The gateway's PID before the test; after it, the gateway must be that same process, still serving."""
    pid_file = pathlib.Path(cluster["gateway"]["pid_file"])
    before = int(pid_file.read_text())
    yield before
    assert pathlib.Path(f"/proc/{before}").exists(), "the gateway process died"
    assert int(pid_file.read_text()) == before, "the gateway was restarted"


def send_with_unsigned(raw, method, path, *, query="", signed_headers=None, unsigned_headers, body=b""):
    """Signs a request with `signed_headers` only, then adds `unsigned_headers` on the wire."""
    url, headers = raw.sign(method, path, query=query, headers=signed_headers, body=body)
    headers.update(unsigned_headers)
    return raw.session.request(method, url, headers=headers, data=body, timeout=60)


def error_lines(path: str) -> int:
    """The number of error-level log lines in a service's log."""
    try:
        return sum(1 for line in open(path, errors="replace") if " error " in line or "[error]" in line.lower())
    except FileNotFoundError:
        return 0


# ---------------------------------------------------------------------------------------------------- XML parsing


def test_deeply_nested_xml_is_malformed_and_the_gateway_survives(s3, raw, bucket, gateway_pid):
    depth = 60_000
    body = b"<Delete>" + b"<a>" * depth + b"</a>" * depth + b"</Delete>"
    assert len(body) < 2 * MiB
    resp = raw.request("POST", f"/{bucket}", query="delete", body=body, headers={"Content-MD5": md5_b64(body)})
    assert_error_response(resp, 400, "MalformedXML")

    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="deep/complete")["UploadId"]
    try:
        body = b"<CompleteMultipartUpload>" + b"<Part>" * depth + b"</Part>" * depth + b"</CompleteMultipartUpload>"
        resp = raw.request("POST", f"/{bucket}/deep/complete", query=f"uploadId={upload_id}", body=body)
        assert_error_response(resp, 400, "MalformedXML")
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key="deep/complete", UploadId=upload_id)
    s3.put_object(Bucket=bucket, Key="deep/after", Body=b"still serving")


@pytest.mark.parametrize("body", [
    b"<Delete><Object><Key>a</Key></Object></Delete><Delete><Object><Key>b</Key></Object></Delete>",
    b"<Delete><Object><Key>a</Key></Object></Delete>trailing junk",
    b"<Delete><Object><Key>a</Key></Object></Delete><",
    b"<!DOCTYPE d [<!ENTITY e 'x'>]><Delete><Object><Key>&e;</Key></Object></Delete>",
    b"<Delete><Object><Key>a\x00b</Key></Object></Delete>",
], ids=["two-roots", "trailing-text", "trailing-tag", "doctype", "nul"])
def test_xml_that_is_not_one_well_formed_document_is_malformed(s3, raw, bucket, body):
    s3.put_object(Bucket=bucket, Key="a", Body=b"kept")
    resp = raw.request("POST", f"/{bucket}", query="delete", body=body, headers={"Content-MD5": md5_b64(body)})
    assert_error_response(resp, 400, "MalformedXML")
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"kept"


# ---------------------------------------------------------------------------------------------------- integers


def test_integers_in_headers_and_queries_are_validated(s3, raw, bucket, gateway_pid):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="ints/mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="ints/mp", UploadId=upload_id, PartNumber=1, Body=b"p" * 100)["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="ints/mp", UploadId=upload_id,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    attributes = {"x-amz-object-attributes": "ObjectParts"}
    for name, value in [("x-amz-max-parts", "-1"), ("x-amz-max-parts", "x"), ("x-amz-part-number-marker", "-5"),
                        ("x-amz-part-number-marker", "99999999999999999999")]:
        resp = raw.request("GET", f"/{bucket}/ints/mp", query="attributes", headers={**attributes, name: value})
        assert_error_response(resp, 400, "InvalidArgument")
        _, fields = xml_fields(resp.content)
        assert fields.get("ArgumentName") == name and fields.get("ArgumentValue") == value
    resp = raw.request("GET", f"/{bucket}/ints/mp", query="attributes", headers={**attributes, "x-amz-max-parts": "1"})
    assert resp.status_code == 200, resp.text

    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="ints/open")["UploadId"]
    try:
        for query in (f"uploadId={upload_id}&max-parts=-1", f"uploadId={upload_id}&part-number-marker=-1",
                      f"uploadId={upload_id}&part-number-marker=abc"):
            assert_error_response(raw.request("GET", f"/{bucket}/ints/open", query=query), 400, "InvalidArgument")
        for query in ("list-type=2&max-keys=-1", "max-keys=abc", "uploads&max-uploads=-3"):
            assert_error_response(raw.request("GET", f"/{bucket}", query=query), 400, "InvalidArgument")
        for number in ("0", "-1", "10001", "x"):
            resp = raw.request("PUT", f"/{bucket}/ints/open", query=f"partNumber={number}&uploadId={upload_id}",
                               body=b"x")
            assert_error_response(resp, 400, "InvalidArgument")
        body = (b"<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>\"x\"</ETag></Part>"
                b"</CompleteMultipartUpload>")
        resp = raw.request("POST", f"/{bucket}/ints/open", query=f"uploadId={upload_id}", body=body)
        assert_error_response(resp, 400, "InvalidArgument")
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key="ints/open", UploadId=upload_id)


def test_out_of_range_dates_in_conditional_headers_are_ignored(s3, raw, bucket, gateway_pid):
    s3.put_object(Bucket=bucket, Key="dates", Body=b"dated")
    for header in ("If-Modified-Since", "If-Unmodified-Since"):
        for value in ("Sun, 06 Nov 99999999999 08:49:37 GMT", "Sun, 4294967296 Nov 1994 00:00:00 GMT",
                      "Sun, 06 Nov 1994 99999999999:00:00 GMT"):
            resp = raw.request("GET", f"/{bucket}/dates", headers={header: value})
            assert resp.status_code == 200 and resp.content == b"dated", (header, value, resp.status_code)


# ---------------------------------------------------------------------------------------------------- signatures


def test_unsigned_amz_headers_are_refused_with_sigv4_headers(s3, raw, bucket):
    resp = send_with_unsigned(raw, "PUT", f"/{bucket}/unsigned/meta", body=b"data",
                              unsigned_headers={"x-amz-meta-injected": "yes"})
    assert_error_response(resp, 403, "AccessDenied")
    _, fields = xml_fields(resp.content)
    assert fields.get("HeadersNotSigned") == "x-amz-meta-injected"
    assert "not signed" in fields["Message"]
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="unsigned/meta")
    # The same header, signed, is accepted.
    resp = raw.request("PUT", f"/{bucket}/unsigned/meta", body=b"data", headers={"x-amz-meta-injected": "yes"})
    assert resp.status_code == 200, resp.text


def presigner(endpoint, region, version):
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        config=Config(signature_version=version, s3={"addressing_style": "path"}))


def test_a_presigned_put_cannot_be_turned_into_a_copy(s3, endpoint, region, bucket):
    s3.put_object(Bucket=bucket, Key="private/secret", Body=b"the secret")
    signer = presigner(endpoint, region, "s3v4")
    url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "public/drop"}, ExpiresIn=300)
    session = requests.Session()
    session.trust_env = False
    resp = session.put(url, data=b"", headers={"x-amz-copy-source": f"/{bucket}/private/secret"}, timeout=60)
    assert_error_response(resp, 403, "AccessDenied")
    assert xml_fields(resp.content)[1].get("HeadersNotSigned") == "x-amz-copy-source"
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="public/drop")
    # Unchanged, the presigned URL works.
    assert session.put(url, data=b"dropped", timeout=60).status_code == 200

    # Presigned UploadPart cannot become UploadPartCopy either.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="public/mp")["UploadId"]
    try:
        url = signer.generate_presigned_url("upload_part", Params={"Bucket": bucket, "Key": "public/mp",
                                                                   "UploadId": upload_id, "PartNumber": 1},
                                            ExpiresIn=300)
        resp = session.put(url, data=b"", headers={"x-amz-copy-source": f"/{bucket}/private/secret"}, timeout=60)
        assert_error_response(resp, 403, "AccessDenied")
        assert s3.list_parts(Bucket=bucket, Key="public/mp", UploadId=upload_id).get("Parts", []) == []
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key="public/mp", UploadId=upload_id)

    # Signature Version 2 signs every x-amz-* header: an added one breaks the signature.
    url = presigner(endpoint, region, "s3").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "public/v2drop"}, ExpiresIn=300)
    resp = session.put(url, data=b"", headers={"x-amz-copy-source": f"/{bucket}/private/secret"}, timeout=60)
    assert_error_response(resp, 403, "SignatureDoesNotMatch")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="public/v2drop")


def test_sigv2_presigned_urls_are_capped_at_seven_days(s3, endpoint, region, bucket):
    s3.put_object(Bucket=bucket, Key="v2/object", Body=b"v2")
    v2 = presigner(endpoint, region, "s3")
    session = requests.Session()
    session.trust_env = False
    ok = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v2/object"}, ExpiresIn=3600)
    assert session.get(ok, timeout=30).content == b"v2"
    far = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v2/object"},
                                    ExpiresIn=30 * 365 * 86400)
    assert_error_response(session.get(far, timeout=30), 403, "AccessDenied")


# ---------------------------------------------------------------------------------------------------- NUL bytes


def test_nul_bytes_are_refused_as_client_errors(s3, raw, cluster, bucket, gateway_pid):
    before = error_lines(cluster["metadata"]["log"]), error_lines(cluster["gateway"]["log"])
    assert_error_response(raw.request("PUT", f"/{bucket}/nul%00key", body=b"x"), 400, "InvalidURI")
    assert_error_response(raw.request("GET", f"/{bucket}/nul%00key"), 400, "InvalidURI")
    assert_error_response(raw.request("PUT", "/nul%00bucket"), 400, "InvalidURI")
    for query in ("list-type=2&prefix=a%00b", "marker=%00", "list-type=2&start-after=%00", "delimiter=%00",
                  "uploads&key-marker=%00"):
        assert_error_response(raw.request("GET", f"/{bucket}", query=query), 400, "InvalidArgument")
    token = urllib.parse.quote("YQBi")  # base64 of "a\0b"
    assert_error_response(raw.request("GET", f"/{bucket}", query=f"list-type=2&continuation-token={token}"), 400,
                          "InvalidArgument")
    s3.put_object(Bucket=bucket, Key="nul/source", Body=b"source")
    resp = raw.request("PUT", f"/{bucket}/nul/copy", headers={"x-amz-copy-source": f"/{bucket}/nul%00/source"})
    assert_error_response(resp, 400, "InvalidArgument")
    # An access key id with a NUL needs no credentials to reach metadata: refused before any lookup.
    session = requests.Session()
    session.trust_env = False
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    query = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%00ID%2F" + date[:8] + "%2Fus-east-1%2Fs3%2F"
             "aws4_request&X-Amz-Date=" + date + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature="
             + "0" * 64)
    resp = session.get(f"{raw.endpoint}/{bucket}/x?{query}", timeout=30)
    assert resp.status_code in (400, 403), resp.text
    assert b"InternalError" not in resp.content
    after = error_lines(cluster["metadata"]["log"]), error_lines(cluster["gateway"]["log"])
    assert after == before, "a NUL byte was logged as a server error"


# ---------------------------------------------------------------------------------------------------- POST Object


def test_post_object_applies_the_metadata_limit_and_the_pre_data_budget(s3, endpoint, region, bucket):
    signer = boto3.client("s3", endpoint_url=endpoint, region_name=region,
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))

    def post(fields, conditions):
        presigned = signer.generate_presigned_post(Bucket=bucket, Key="post/limit", Fields=fields,
                                                   Conditions=conditions, ExpiresIn=600)
        return requests.post(presigned["url"], data=presigned["fields"], files={"file": ("f", b"payload")},
                             timeout=60)

    big = "m" * 3000  # over the 2 KiB of user metadata, under the 20 KB of form fields
    resp = post({"x-amz-meta-big": big}, [{"x-amz-meta-big": big}])
    assert_error_response(resp, 400, "MetadataTooLarge")
    huge = "h" * 30_000  # over the 20 KB S3 reads before the file
    resp = post({"x-amz-meta-huge": huge}, [{"x-amz-meta-huge": huge}])
    assert_error_response(resp, 400, "MaxPostPreDataLengthExceeded")
    assert xml_fields(resp.content)[1].get("MaxPostPreDataLengthBytes") == "20480"
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="post/limit")
    ok = post({"x-amz-meta-small": "s" * 100}, [{"x-amz-meta-small": "s" * 100}])
    assert ok.status_code == 204, ok.text


# ---------------------------------------------------------------------------------------------------- GC grace


def test_a_read_that_started_on_a_version_finishes_on_it(s3, bucket):
    """The data of an overwritten and then deleted version stays readable for reads already streaming it: garbage
    collection (every 10 s here) waits for its grace period (2 h by default) before it deletes shards."""
    payload = os.urandom(40 * MiB)
    s3.put_object(Bucket=bucket, Key="grace/object", Body=payload)
    body = s3.get_object(Bucket=bucket, Key="grace/object")["Body"]
    first = body.read(1 * MiB)
    s3.put_object(Bucket=bucket, Key="grace/object", Body=b"replaced")
    s3.delete_object(Bucket=bucket, Key="grace/object")
    time.sleep(25)  # two garbage collection passes
    rest = body.read()
    assert hashlib.sha256(first + rest).digest() == hashlib.sha256(payload).digest()

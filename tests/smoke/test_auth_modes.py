"""Authentication modes and addressing as clients use them: presigned URLs (and their expiry), clock skew, boto3
with request_checksum_calculation="when_required", virtual-hosted-style requests, and malformed streaming uploads
that must store nothing."""

import base64
import datetime
import os
import socket
import time
import urllib.parse
import zlib

import boto3
import botocore.auth
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from s3util import MiB, quoted_md5, s3_error
from test_checksums_streaming import signed_chunked_put


def test_presigned_urls_and_their_expiry(s3, bucket):
    s3.put_object(Bucket=bucket, Key="auth/presigned", Body=b"presigned body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "auth/presigned"}, ExpiresIn=300)
    got = requests.get(url, timeout=30)
    assert got.status_code == 200 and got.content == b"presigned body"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "auth/presigned-put"}, ExpiresIn=300)
    assert requests.put(put_url, data=b"via presigned put", timeout=30).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="auth/presigned-put")["Body"].read() == b"via presigned put"
    short = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "auth/presigned"}, ExpiresIn=1)
    time.sleep(2.2)
    expired = requests.get(short, timeout=30)
    assert expired.status_code == 403 and "<Code>AccessDenied</Code>" in expired.text
    assert "Request has expired" in expired.text


def test_skewed_clock_is_refused(raw, bucket, monkeypatch):
    real = datetime.datetime

    class TwentyMinutesAgo(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() - datetime.timedelta(minutes=20)

        @classmethod
        def now(cls, tz=None):
            return real.now(tz) - datetime.timedelta(minutes=20)

    monkeypatch.setattr(botocore.auth.datetime, "datetime", TwentyMinutesAgo)
    response = raw.request("GET", f"/{bucket}")
    monkeypatch.undo()
    assert response.status_code == 403, response.text
    assert "<Code>RequestTimeTooSkewed</Code>" in response.text
    assert raw.request("GET", f"/{bucket}").status_code == 200


def test_boto3_when_required_checksums(endpoint, region, bucket):
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=region,
        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                      response_checksum_validation="when_required"))
    body = os.urandom(2 * MiB)
    assert client.put_object(Bucket=bucket, Key="auth/when-required", Body=body)["ETag"] == quoted_md5(body)
    assert client.get_object(Bucket=bucket, Key="auth/when-required")["Body"].read() == body
    upload = client.create_multipart_upload(Bucket=bucket, Key="auth/when-required-mpu")["UploadId"]
    parts = []
    for number, size in ((1, 5 * MiB), (2, 1234)):
        data = os.urandom(size)
        etag = client.upload_part(Bucket=bucket, Key="auth/when-required-mpu", UploadId=upload,
                                  PartNumber=number, Body=data)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    client.complete_multipart_upload(Bucket=bucket, Key="auth/when-required-mpu", UploadId=upload,
                                     MultipartUpload={"Parts": parts})
    assert client.head_object(Bucket=bucket, Key="auth/when-required-mpu")["ContentLength"] == 5 * MiB + 1234
    client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "auth/when-required"}]})


@pytest.fixture
def virtual_hosts(monkeypatch):
    """Resolves <bucket>.<KSAN_S3_DOMAIN> to the gateway's address for this test, as DNS would for a real
    deployment."""
    domain = os.environ.get("KSAN_S3_DOMAIN")
    assert domain, "the cluster's env file has no KSAN_S3_DOMAIN (cluster/up.sh writes it)"
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and (host == domain or host.endswith("." + domain)):
            host = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"]).hostname
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return domain


def test_virtual_hosted_style(virtual_hosts, region, bucket):
    port = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"]).port
    client = boto3.client("s3", endpoint_url=f"http://{virtual_hosts}:{port}", region_name=region,
                          config=Config(s3={"addressing_style": "virtual"}))
    client.put_object(Bucket=bucket, Key="auth/virtual host.txt", Body=b"virtual")
    assert client.get_object(Bucket=bucket, Key="auth/virtual host.txt")["Body"].read() == b"virtual"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="auth/virtual")["Contents"]]
    assert keys == ["auth/virtual host.txt"]


def streaming_args():
    env = os.environ
    return (env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
            env.get("AWS_DEFAULT_REGION", "us-east-1"))


class StreamingMarkerAuth(S3SigV4Auth):
    """SigV4 whose payload hash is the unsigned-trailer streaming marker, as SDKs sign aws-chunked uploads."""

    def payload(self, request):
        return "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def unsigned_trailer_put(raw, path, body: bytes, trailer: str, headers=None, framing=None):
    """A PUT with STREAMING-UNSIGNED-PAYLOAD-TRAILER and the given trailer line; `headers` values of None remove a
    header. Returns the response."""
    if framing is None:
        framing = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n" + trailer.encode() + b"\r\n\r\n"
    all_headers = {
        "Content-Encoding": "aws-chunked",
        "X-Amz-Decoded-Content-Length": str(len(body)),
        "X-Amz-Trailer": trailer.split(":", 1)[0],
        "Content-Length": str(len(framing)),
        "X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    }
    all_headers.update(headers or {})
    all_headers = {name: value for name, value in all_headers.items() if value is not None}
    request = AWSRequest(method="PUT", url=raw.endpoint + path, headers=all_headers)
    StreamingMarkerAuth(Credentials(raw.access_key, raw.secret_key), "s3", raw.region).add_auth(request)
    return raw.session.put(raw.endpoint + path, headers=dict(request.headers.items()), data=framing, timeout=60)


def test_malformed_streaming_uploads_store_nothing(s3, raw, bucket):
    body = os.urandom(100_000)
    good = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    bad = base64.b64encode((zlib.crc32(body) ^ 1).to_bytes(4, "big")).decode()
    ok = unsigned_trailer_put(raw, f"/{bucket}/bad/ok", body, f"x-amz-checksum-crc32:{good}")
    assert ok.status_code == 200, ok.text
    cases = {
        "bad trailer checksum": (unsigned_trailer_put(raw, f"/{bucket}/bad/crc", body, f"x-amz-checksum-crc32:{bad}"),
                                 400, "BadDigest"),
        "wrong decoded length": (unsigned_trailer_put(
            raw, f"/{bucket}/bad/length", body, f"x-amz-checksum-crc32:{good}",
            headers={"X-Amz-Decoded-Content-Length": str(len(body) + 1)}), 400, "IncompleteBody"),
        "truncated chunk": (unsigned_trailer_put(
            raw, f"/{bucket}/bad/truncated", body, f"x-amz-checksum-crc32:{good}",
            framing=f"{len(body):x}\r\n".encode() + body[:5000]), 400, "IncompleteBody"),
        "unknown checksum algorithm": (raw.request(
            "PUT", f"/{bucket}/bad/algorithm", body=b"x", headers={"x-amz-sdk-checksum-algorithm": "MD6"}),
            400, "InvalidRequest"),
        "missing decoded length": (unsigned_trailer_put(
            raw, f"/{bucket}/bad/nolength", body, f"x-amz-checksum-crc32:{good}",
            headers={"X-Amz-Decoded-Content-Length": None}), 411, "MissingContentLength"),
    }
    status, text = signed_chunked_put(*streaming_args(), f"/{bucket}/bad/chunksig", [os.urandom(70_000)], tamper=0)
    for name, (response, status_code, code) in cases.items():
        assert response.status_code == status_code, f"{name}: {response.status_code} {response.text}"
        assert f"<Code>{code}</Code>" in response.text, f"{name}: {response.text}"
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text
    for key in ("crc", "length", "truncated", "algorithm", "nolength", "chunksig"):
        with s3_error("404", 404):
            s3.head_object(Bucket=bucket, Key=f"bad/{key}")

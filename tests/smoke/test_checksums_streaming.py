"""Additional checksums (x-amz-checksum-*) and SigV4 streaming uploads (aws-chunked): botocore's own trailer
encoder, and signed chunks computed here independently of the gateway's code."""

import base64
import datetime
import hashlib
import hmac
import os
import socket
import urllib.parse
import zlib

import botocore.httpchecksum
import pytest

from s3util import MiB, quoted_md5, s3_error

ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_checksum_header_verified_stored_and_returned(s3, bucket, algorithm):
    body = os.urandom(3 * MiB + 17)
    key = f"ck/{algorithm}"
    put = s3.put_object(Bucket=bucket, Key=key, Body=body, ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    if algorithm == "SHA256":
        assert value == base64.b64encode(hashlib.sha256(body).digest()).decode()
    if algorithm == "CRC32":
        assert value == base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key=key)
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == body


def test_wrong_checksum_is_bad_digest_and_stores_nothing(raw, bucket):
    body = b"checksummed body" * 1000
    wrong = base64.b64encode((zlib.crc32(body) ^ 1).to_bytes(4, "big")).decode()
    response = raw.request("PUT", f"/{bucket}/ck/wrong", body=body, headers={"x-amz-checksum-crc32": wrong})
    assert response.status_code == 400, response.text
    assert "<Code>BadDigest</Code>" in response.text
    assert raw.request("HEAD", f"/{bucket}/ck/wrong").status_code == 404
    two = raw.request(
        "PUT", f"/{bucket}/ck/two", body=body,
        headers={"x-amz-checksum-crc32": wrong, "x-amz-checksum-sha1": base64.b64encode(b"x" * 20).decode()},
    )
    assert two.status_code == 400 and "<Code>InvalidRequest</Code>" in two.text


@pytest.fixture
def trailer_checksums(monkeypatch):
    """Makes botocore send checksums in aws-chunked trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as it does over
    HTTPS by default, although the test cluster speaks plain HTTP."""
    real = botocore.httpchecksum.urlparse
    monkeypatch.setattr(botocore.httpchecksum, "urlparse", lambda url: real(url.replace("http://", "https://", 1)))


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC64NVME", "SHA256"])
def test_botocore_aws_chunked_trailer(s3, bucket, trailer_checksums, algorithm):
    body = os.urandom(5 * MiB + 3)
    key = f"stream/{algorithm}"
    put = s3.put_object(Bucket=bucket, Key=key, Body=body, ChecksumAlgorithm=algorithm)
    assert put["ETag"] == quoted_md5(body)
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == body
    assert got[f"Checksum{algorithm}"] == put[f"Checksum{algorithm}"]
    assert "aws-chunked" not in got.get("ContentEncoding", "")
    # A multipart upload whose parts stream with trailers too.
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key + ".mpu")["UploadId"]
    part = s3.upload_part(
        Bucket=bucket, Key=key + ".mpu", UploadId=upload, PartNumber=1, Body=body, ChecksumAlgorithm=algorithm
    )
    assert part["ETag"] == quoted_md5(body)
    s3.complete_multipart_upload(
        Bucket=bucket, Key=key + ".mpu", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.get_object(Bucket=bucket, Key=key + ".mpu")["Body"].read() == body


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_chunked_put(endpoint, access_key, secret_key, region, path, chunks, tamper=None, transfer_chunked=False):
    """A PUT with STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signed per the AWS docs; returns (status, body). With
    `transfer_chunked` the aws-chunked body goes out with Transfer-Encoding: chunked instead of a Content-Length."""
    url = urllib.parse.urlparse(endpoint)
    host = url.netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{date}/{region}/s3/aws4_request"
    decoded = sum(len(c) for c in chunks)
    empty = hashlib.sha256(b"").hexdigest()
    framing_length = 0
    for size in [len(c) for c in chunks] + [0]:
        framing_length += len(f"{size:x};chunk-signature=") + 64 + 2 + size + 2
    headers = {
        "host": host,
        "content-encoding": "aws-chunked",
        "content-length": str(framing_length),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(decoded),
    }
    if transfer_chunked:
        del headers["content-length"]
    signed = sorted(headers)
    canonical = "\n".join(
        ["PUT", urllib.parse.quote(path, safe="/~"), "", "".join(f"{h}:{headers[h]}\n" for h in signed),
         ";".join(signed), headers["x-amz-content-sha256"]]
    )
    key = _sign(_sign(_sign(_sign(f"AWS4{secret_key}".encode(), date), region), "s3"), "aws4_request")
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    previous = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(signed)}, Signature={previous}"
    )
    body = b""
    for index, chunk in enumerate(list(chunks) + [b""]):
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, empty, hashlib.sha256(chunk).hexdigest()]
        )
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if tamper == index:
            chunk = bytes([chunk[0] ^ 1]) + chunk[1:]
        body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
    request = f"PUT {urllib.parse.quote(path, safe='/~')} HTTP/1.1\r\n"
    if transfer_chunked:
        headers["transfer-encoding"] = "chunked"  # not signed, as SDKs do
        pieces = [body[i:i + 100_000] for i in range(0, len(body), 100_000)]
        body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"
    for name, value in headers.items():
        request += f"{name}: {value}\r\n"
    request += f"authorization: {authorization}\r\nconnection: close\r\n\r\n"
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(request.encode() + body)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), payload.decode(errors="replace")


def test_signed_streaming_upload(s3, bucket):
    env = os.environ
    args = (env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
            env.get("AWS_DEFAULT_REGION", "us-east-1"))
    chunks = [os.urandom(64 * 1024) for _ in range(40)] + [os.urandom(1000)]
    status, text = signed_chunked_put(*args, f"/{bucket}/stream/signed.bin", chunks)
    assert status == 200, text
    assert s3.get_object(Bucket=bucket, Key="stream/signed.bin")["Body"].read() == b"".join(chunks)
    status, text = signed_chunked_put(*args, f"/{bucket}/stream/tampered.bin", chunks, tamper=7)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, text
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="stream/tampered.bin")


def _multipart(s3, bucket, key, parts, algorithm, checksum_type=None):
    extra = {"ChecksumType": checksum_type} if checksum_type else {}
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm, **extra)["UploadId"]
    done = []
    for number, data in enumerate(parts, start=1):
        part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=data,
                              ChecksumAlgorithm=algorithm)
        done.append({"PartNumber": number, "ETag": part["ETag"], f"Checksum{algorithm}": part[f"Checksum{algorithm}"]})
    return upload, s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                                MultipartUpload={"Parts": done})


def _crc32(data):
    return zlib.crc32(data).to_bytes(4, "big")


def _crc64nvme(data):
    import awscrt.checksums

    return awscrt.checksums.crc64nvme(data).to_bytes(8, "big")


@pytest.mark.parametrize(
    "algorithm, checksum_type, expected",
    [
        ("CRC32", "COMPOSITE", lambda parts: base64.b64encode(_crc32(b"".join(_crc32(p) for p in parts))).decode()
         + f"-{len(parts)}"),
        ("SHA256", None, lambda parts: base64.b64encode(
            hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()).decode() + f"-{len(parts)}"),
        ("CRC32", "FULL_OBJECT", lambda parts: base64.b64encode(_crc32(b"".join(parts))).decode()),
        ("CRC64NVME", "FULL_OBJECT", lambda parts: base64.b64encode(_crc64nvme(b"".join(parts))).decode()),
    ],
    ids=["crc32-composite", "sha256-composite", "crc32-full-object", "crc64nvme-full-object"],
)
def test_multipart_checksums(s3, bucket, algorithm, checksum_type, expected):
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 1), os.urandom(77)]
    key = f"mpu-checksum/{algorithm}-{checksum_type}"
    _, complete = _multipart(s3, bucket, key, parts, algorithm, checksum_type)
    want = expected(parts)
    assert complete[f"Checksum{algorithm}"] == want
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == want
    assert head["ChecksumType"] == (checksum_type or "COMPOSITE")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(parts)


def test_part_checksum_must_match_the_upload_algorithm(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu-checksum/mismatch", ChecksumAlgorithm="CRC32")["UploadId"]
    with s3_error("InvalidRequest", 400):
        s3.upload_part(Bucket=bucket, Key="mpu-checksum/mismatch", UploadId=upload, PartNumber=1, Body=b"x",
                       ChecksumAlgorithm="SHA256")
    s3.abort_multipart_upload(Bucket=bucket, Key="mpu-checksum/mismatch", UploadId=upload)


def test_complete_checks_the_clients_checksums(s3, bucket):
    key = "mpu-checksum/client-checks"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32",
                                        ChecksumType="FULL_OBJECT")["UploadId"]
    parts = [os.urandom(5 * MiB), os.urandom(1000)]
    done = []
    for number, data in enumerate(parts, start=1):
        part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=data,
                              ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": number, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]})
    # A part checksum that is not the stored one: InvalidPart, and the upload stays.
    wrong_part = [dict(done[0]), done[1]]
    wrong_part[0]["ChecksumCRC32"] = base64.b64encode(_crc32(b"other")).decode()
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": wrong_part})
    # A whole-object checksum that does not match the parts: BadDigest.
    with s3_error("BadDigest", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done},
                                     ChecksumCRC32=base64.b64encode(_crc32(b"not the object")).decode(),
                                     ChecksumType="FULL_OBJECT")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)
    whole = base64.b64encode(_crc32(b"".join(parts))).decode()
    complete = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done},
                                            ChecksumCRC32=whole, ChecksumType="FULL_OBJECT")
    assert complete["ChecksumCRC32"] == whole
    assert s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")["ChecksumCRC32"] == whole


def test_get_object_attributes(s3, bucket):
    body = os.urandom(1000)
    put = s3.put_object(Bucket=bucket, Key="attrs/simple", Body=body, ChecksumAlgorithm="SHA256")
    attributes = s3.get_object_attributes(
        Bucket=bucket, Key="attrs/simple", ObjectAttributes=["ETag", "Checksum", "StorageClass", "ObjectSize"])
    assert attributes["ETag"] == put["ETag"].strip('"')
    assert attributes["ObjectSize"] == 1000
    assert attributes["StorageClass"] == "STANDARD"
    assert attributes["Checksum"]["ChecksumSHA256"] == put["ChecksumSHA256"]

    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(10)]
    _multipart(s3, bucket, "attrs/mpu", parts, "CRC32", "COMPOSITE")
    page = s3.get_object_attributes(Bucket=bucket, Key="attrs/mpu", ObjectAttributes=["ObjectParts", "Checksum"],
                                    MaxParts=2)
    object_parts = page["ObjectParts"]
    assert object_parts["TotalPartsCount"] == 3 and object_parts["IsTruncated"] is True
    assert object_parts["NextPartNumberMarker"] == 2
    assert [p["Size"] for p in object_parts["Parts"]] == [5 * MiB, 5 * MiB]
    assert object_parts["Parts"][0]["ChecksumCRC32"] == base64.b64encode(_crc32(parts[0])).decode()
    assert page["Checksum"]["ChecksumCRC32"].endswith("-3")
    rest = s3.get_object_attributes(Bucket=bucket, Key="attrs/mpu", ObjectAttributes=["ObjectParts"],
                                    PartNumberMarker=2)["ObjectParts"]
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and rest["IsTruncated"] is False
    with s3_error("NoSuchKey", 404):
        s3.get_object_attributes(Bucket=bucket, Key="attrs/missing", ObjectAttributes=["ETag"])

"""HTTP behaviour S3 clients rely on: Transfer-Encoding: chunked bodies, Expect: 100-continue answered only once
a request has passed its checks, and keep-alive connections that carry one request after another."""

import hashlib
import os
import socket
from urllib.parse import urlsplit

from s3util import HTTPReader, MiB, quoted_md5, s3_error, xml_fields
from test_checksums_streaming import signed_chunked_put


def pieces(data: bytes, size: int = 200_000):
    """The body as an iterator, which `requests` sends with Transfer-Encoding: chunked."""
    return (data[i:i + size] for i in range(0, len(data), size))


def assert_absent(s3, bucket, key):
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def test_chunked_put_streams_without_content_length(s3, raw, bucket):
    body = os.urandom(9 * MiB + 5)  # three stripes, the last one short
    resp = raw.request("PUT", f"/{bucket}/chunked/unsigned", send_body=pieces(body), unsigned_payload=True)
    assert resp.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in resp.request.headers
    assert resp.status_code == 200, resp.text
    assert resp.headers["ETag"] == quoted_md5(body)
    got = s3.get_object(Bucket=bucket, Key="chunked/unsigned")
    assert got["ContentLength"] == len(body)
    assert got["Body"].read() == body
    small = b"a small chunked body"  # ends within the inline threshold
    assert raw.request("PUT", f"/{bucket}/chunked/small", send_body=pieces(small, 5),
                       unsigned_payload=True).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="chunked/small")["Body"].read() == small


def test_chunked_put_with_signed_payload_hash(s3, raw, bucket):
    body = os.urandom(5 * MiB)
    # Signed with the body's SHA-256, sent chunked: the hash is checked on the streamed bytes.
    resp = raw.request("PUT", f"/{bucket}/chunked/signed", body=body, send_body=pieces(body))
    assert resp.status_code == 200, resp.text
    assert s3.get_object(Bucket=bucket, Key="chunked/signed")["Body"].read() == body
    other = os.urandom(5 * MiB)
    resp = raw.request("PUT", f"/{bucket}/chunked/mismatch", body=body, send_body=pieces(other))
    assert resp.status_code == 400 and xml_fields(resp.content)[1]["Code"] == "XAmzContentSHA256Mismatch", resp.text
    assert_absent(s3, bucket, "chunked/mismatch")


def test_chunked_upload_part(s3, raw, bucket):
    key = "chunked/multipart"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = [os.urandom(5 * MiB), os.urandom(MiB + 1)]
    done = []
    for number, data in enumerate(parts, start=1):
        resp = raw.request("PUT", f"/{bucket}/{key}", query=f"partNumber={number}&uploadId={upload}",
                           send_body=pieces(data), unsigned_payload=True)
        assert resp.status_code == 200, resp.text
        assert resp.headers["ETag"] == quoted_md5(data)
        done.append({"PartNumber": number, "ETag": resp.headers["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done})
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(parts)


def test_aws_chunked_body_over_chunked_transfer_encoding(s3, bucket):
    env = os.environ
    args = (env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
            env.get("AWS_DEFAULT_REGION", "us-east-1"))
    chunks = [os.urandom(64 * 1024) for _ in range(20)] + [os.urandom(333)]
    status, text = signed_chunked_put(*args, f"/{bucket}/chunked/aws-chunked", chunks, transfer_chunked=True)
    assert status == 200, text
    assert s3.get_object(Bucket=bucket, Key="chunked/aws-chunked")["Body"].read() == b"".join(chunks)
    status, text = signed_chunked_put(*args, f"/{bucket}/chunked/tampered", chunks, tamper=3, transfer_chunked=True)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, text
    assert_absent(s3, bucket, "chunked/tampered")


def test_expect_continue_after_checks_then_keep_alive(s3, raw, bucket):
    body = os.urandom(2 * MiB)
    path = f"/{bucket}/expect/accepted"
    sock = raw.open_request("PUT", path, headers={"Content-Length": str(len(body)), "Expect": "100-continue"})
    with sock:
        reader = HTTPReader(sock)
        status, _, _ = reader.response()
        assert status == 100, "the checks passed, so the gateway asks for the body"
        sock.sendall(body)
        status, headers, text = reader.response()
        assert status == 200, text
        assert headers["etag"] == quoted_md5(body)
        assert headers.get("connection", "").lower() != "close"
        # The same connection carries the next request.
        url, signed = raw.sign("GET", path)
        head = [f"GET {path} HTTP/1.1", f"Host: {urlsplit(url).netloc}"]
        head += [f"{name}: {value}" for name, value in signed.items() if name.lower() != "host"]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        status, _, got = reader.response()
        assert status == 200 and hashlib.md5(got).digest() == hashlib.md5(body).digest()


def test_pipelined_request_before_an_expect_request(s3, raw, bucket):
    """A GET and a PUT with Expect: 100-continue sent back to back: the GET's answer keeps the connection open,
    and the PUT is then asked for its body."""
    body = os.urandom(100_000)
    s3.put_object(Bucket=bucket, Key="expect/pipelined-get", Body=b"first")
    get_url, get_signed = raw.sign("GET", f"/{bucket}/expect/pipelined-get")
    put_url, put_signed = raw.sign("PUT", f"/{bucket}/expect/pipelined-put", unsigned_payload=True,
                                   headers={"Content-Length": str(len(body)), "Expect": "100-continue"})
    netloc = urlsplit(get_url).netloc

    def head(method, url, signed):
        lines = [f"{method} {urlsplit(url).path} HTTP/1.1", f"Host: {netloc}"]
        lines += [f"{name}: {value}" for name, value in signed.items() if name.lower() != "host"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    with socket.create_connection((urlsplit(get_url).hostname, urlsplit(get_url).port), timeout=30) as sock:
        sock.sendall(head("GET", get_url, get_signed) + head("PUT", put_url, put_signed))
        reader = HTTPReader(sock)
        status, headers, got = reader.response()
        assert status == 200 and got == b"first"
        assert headers.get("connection", "").lower() != "close", headers
        status, _, _ = reader.response()
        assert status == 100
        sock.sendall(body)
        status, _, text = reader.response()
        assert status == 200, text
    assert s3.get_object(Bucket=bucket, Key="expect/pipelined-put")["Body"].read() == body


def test_expect_continue_refused_before_the_body(s3, raw, bucket):
    """A request that fails its checks is answered at once, without 100 Continue, so the client never uploads;
    the connection closes after the answer, since the body it announced never comes."""
    cases = [
        ("bad signature", f"/{bucket}/expect/refused", {"secret_key": "wrong" * 8}, 403, "SignatureDoesNotMatch"),
        ("no such bucket", f"/{bucket}-missing/expect/refused", {}, 404, "NoSuchBucket"),
        ("key too long", f"/{bucket}/" + "k" * 1025, {}, 400, "KeyTooLongError"),
    ]
    for name, path, sign_args, want_status, want_code in cases:
        sock = raw.open_request("PUT", path, headers={"Content-Length": str(MiB), "Expect": "100-continue"},
                                **sign_args)
        with sock:
            reader = HTTPReader(sock)
            status, headers, text = reader.response()
            assert status == want_status, f"{name}: {status} {text[:300]!r}"
            assert xml_fields(text)[1]["Code"] == want_code, f"{name}: {text[:300]!r}"
            assert headers.get("connection", "").lower() == "close", f"{name}: {headers}"
            assert reader.closed(), f"{name}: the connection stays open after a refused Expect request"
    assert_absent(s3, bucket, "expect/refused")


def test_expect_continue_body_sent_without_waiting(s3, raw, bucket):
    """Clients may stop waiting for 100 Continue and send the body; that works too."""
    body = os.urandom(300_000)
    sock = raw.open_request("PUT", f"/{bucket}/expect/eager",
                            headers={"Content-Length": str(len(body)), "Expect": "100-continue"})
    with sock:
        sock.sendall(body)
        reader = HTTPReader(sock)
        status, _, text = reader.response()
        if status == 100:
            status, _, text = reader.response()
        assert status == 200, text
    assert s3.get_object(Bucket=bucket, Key="expect/eager")["Body"].read() == body


def test_boto3_put_with_expect_header(s3, bucket):
    """botocore sends Expect: 100-continue on PutObject and UploadPart with a body; it waits for the interim answer."""
    body = os.urandom(3 * MiB)
    put = s3.put_object(Bucket=bucket, Key="expect/boto3", Body=body)
    assert put["ETag"] == quoted_md5(body)
    assert s3.get_object(Bucket=bucket, Key="expect/boto3")["Body"].read() == body

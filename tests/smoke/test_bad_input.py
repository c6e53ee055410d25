"""Malformed and hostile requests, sent raw (signed with SigV4 by hand) so that boto3 cannot fix them first.

Every error is checked for its status, an x-amz-request-id header, and an XML body with Code, Message, RequestId."""

import base64
import socket

from s3util import HTTPReader, MiB, assert_error_response, drain, md5_b64, s3_error, xml_fields


def assert_absent(s3, bucket, key):
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)


def test_raw_client_signs_correctly(raw, bucket):
    """Guards the tests below: a well-formed raw request succeeds, so their failures are the server's judgement."""
    assert raw.request("PUT", f"/{bucket}/raw/ok", body=b"ok").status_code == 200
    assert raw.request("GET", f"/{bucket}/raw/ok").content == b"ok"
    assert raw.request("GET", f"/{bucket}", query="list-type=2&prefix=raw%2F").status_code == 200
    unsigned = raw.request("PUT", f"/{bucket}/raw/unsigned", body=b"unsigned", unsigned_payload=True)
    assert unsigned.status_code == 200, unsigned.text


def test_complete_multipart_with_malformed_xml(s3, raw, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="bad/complete")["UploadId"]
    try:
        for body in (b"<CompleteMultipartUpload><Part><PartNumber>1</Part>", b"this is not xml", b""):
            resp = raw.request("POST", f"/{bucket}/bad/complete", query=f"uploadId={upload_id}", body=body)
            assert_error_response(resp, 400, "MalformedXML")
    finally:
        s3.abort_multipart_upload(Bucket=bucket, Key="bad/complete", UploadId=upload_id)


def test_delete_objects_with_malformed_xml(raw, bucket):
    body = b"<Delete><Object><Key>a</Key></Object"
    resp = raw.request("POST", f"/{bucket}", query="delete", body=body, headers={"Content-MD5": md5_b64(body)})
    assert_error_response(resp, 400, "MalformedXML")


def test_put_with_wrong_content_md5_is_bad_digest(s3, raw, bucket):
    resp = raw.request("PUT", f"/{bucket}/bad/digest", body=b"the real body",
                       headers={"Content-MD5": md5_b64(b"some other body")})
    assert_error_response(resp, 400, "BadDigest")
    assert_absent(s3, bucket, "bad/digest")


def test_put_with_right_content_md5_is_accepted(s3, raw, bucket):
    resp = raw.request("PUT", f"/{bucket}/good/digest", body=b"checked body",
                       headers={"Content-MD5": md5_b64(b"checked body")})
    assert resp.status_code == 200, resp.text
    assert s3.get_object(Bucket=bucket, Key="good/digest")["Body"].read() == b"checked body"


def test_put_with_invalid_content_md5_is_invalid_digest(s3, raw, bucket):
    for value in ("not base64 at all!", base64.b64encode(b"too short").decode()):
        resp = raw.request("PUT", f"/{bucket}/bad/invalid-digest", body=b"body", headers={"Content-MD5": value})
        assert_error_response(resp, 400, "InvalidDigest")
    assert_absent(s3, bucket, "bad/invalid-digest")


def test_put_without_length_or_chunked_body_is_411(s3, raw, bucket):
    # Neither Content-Length nor Transfer-Encoding: chunked (chunked bodies are accepted: see test_http.py).
    sock = raw.open_request("PUT", f"/{bucket}/bad/no-length")
    with sock:
        status, _, body = HTTPReader(sock).response()
    assert status == 411 and b"<Code>MissingContentLength</Code>" in body, body
    assert_absent(s3, bucket, "bad/no-length")


def test_body_shorter_than_content_length_creates_nothing(s3, raw, bucket):
    sock = raw.open_put(f"/{bucket}/bad/short-body", content_length=1000)
    sock.sendall(b"0123456789")
    sock.shutdown(socket.SHUT_WR)  # the client is done: 990 bytes never come
    answer = drain(sock)
    sock.close()
    if answer:  # the server may also just close the connection; if it answers, it is the client's fault
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == b"400", f"a truncated PUT is a 400 IncompleteBody: {answer[:400]!r}"
        assert xml_fields(body)[1].get("Code") == "IncompleteBody", answer[:400]
    assert_absent(s3, bucket, "bad/short-body")


def test_key_longer_than_1024_bytes(s3, raw, bucket):
    resp = raw.request("PUT", f"/{bucket}/" + "k" * 1025, body=b"x")
    assert_error_response(resp, 400, "KeyTooLongError")
    longest = "k" * 1024
    assert raw.request("PUT", f"/{bucket}/{longest}", body=b"x").status_code == 200
    assert s3.head_object(Bucket=bucket, Key=longest)["ContentLength"] == 1


def test_unknown_access_key_is_invalid_access_key_id(raw, bucket):
    resp = raw.request("GET", f"/{bucket}", access_key="AKIAKSANUNKNOWN00000")
    assert_error_response(resp, 403, "InvalidAccessKeyId")


def test_wrong_secret_is_signature_does_not_match(s3, raw, bucket):
    resp = raw.request("PUT", f"/{bucket}/bad/signature", body=b"x", secret_key="wrong" * 8)
    assert_error_response(resp, 403, "SignatureDoesNotMatch")
    assert_absent(s3, bucket, "bad/signature")


def test_tampered_request_is_signature_does_not_match(s3, raw, bucket):
    url, headers = raw.sign("PUT", f"/{bucket}/bad/tampered", body=b"x")
    resp = raw.session.put(url.replace("/bad/tampered", "/bad/other-key"), headers=headers, data=b"x", timeout=60)
    assert_error_response(resp, 403, "SignatureDoesNotMatch")
    assert_absent(s3, bucket, "bad/other-key")


def test_payload_hash_mismatch_is_rejected(s3, raw, bucket):
    url, headers = raw.sign("PUT", f"/{bucket}/bad/payload-hash", body=b"signed body")
    resp = raw.session.put(url, headers=headers, data=b"another body", timeout=60)
    assert_error_response(resp, 400, "XAmzContentSHA256Mismatch")
    assert_absent(s3, bucket, "bad/payload-hash")


def test_anonymous_request_is_access_denied(raw, bucket):
    resp = raw.session.get(f"{raw.endpoint}/{bucket}", timeout=60)
    assert_error_response(resp, 403, "AccessDenied")


def test_error_on_head_has_request_id_and_no_body(raw, bucket):
    url, headers = raw.sign("HEAD", f"/{bucket}/no/such/key")
    resp = raw.session.head(url, headers=headers, timeout=60)
    assert_error_response(resp, 404, "NoSuchKey")
    assert resp.content == b""


def test_gateway_still_serves_after_bad_requests(s3, bucket):
    s3.put_object(Bucket=bucket, Key="after", Body=b"fine" * MiB)
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == b"fine" * MiB


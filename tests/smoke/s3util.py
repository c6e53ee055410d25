"""Helpers for the smoke suite: hashes, S3 error checks and raw SigV4-signed requests.

Raw requests exist for what boto3 refuses to send or hides: invalid bucket names, malformed XML, bad digests,
missing lengths, truncated bodies, wrong keys or signatures.
"""

import base64
import contextlib
import hashlib
import os
import socket
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

KiB = 1024
MiB = 1024 * KiB


def unique_bucket_name(prefix: str) -> str:
    """A bucket name no other test or run uses: the prefix and 12 random hex digits."""
    prefix = prefix.lower().replace("_", "-")[:40].strip("-")
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def quoted_md5(data: bytes) -> str:
    """The ETag S3 gives a single-part object: the quoted hex MD5 of its bytes."""
    return f'"{md5_hex(data)}"'


def md5_b64(data: bytes) -> str:
    """A Content-MD5 header value."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def multipart_etag(parts: list[bytes]) -> str:
    """The ETag of a completed multipart upload: hex MD5 of the concatenated binary part MD5s, dash, part count."""
    digest = hashlib.md5(b"".join(hashlib.md5(part).digest() for part in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def random_file(path, size: int):
    """Writes `size` random bytes to `path`, 1 MiB at a time."""
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = min(left, MiB)
            f.write(os.urandom(chunk))
            left -= chunk


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xml_fields(body: bytes) -> tuple[str, dict[str, str]]:
    """Root element name and {child name: text} of an XML document, namespaces dropped."""
    root = ET.fromstring(body)
    return _local_name(root.tag), {_local_name(child.tag): (child.text or "") for child in root}


def assert_error_response(resp: requests.Response, status: int, code: str):
    """An S3 error: the status, an x-amz-request-id header and (but for HEAD) an XML <Error> with Code, Message and
    RequestId."""
    assert resp.status_code == status, (
        f"expected {status} {code}, got {resp.status_code}: {resp.content[:500]!r}"
    )
    request_id = resp.headers.get("x-amz-request-id")
    assert request_id, f"{code}: no x-amz-request-id header in {dict(resp.headers)}"
    if resp.request.method == "HEAD":
        return
    try:
        root, fields = xml_fields(resp.content)
    except ET.ParseError as e:
        pytest.fail(f"{code}: the error body is not XML ({e}): {resp.content[:500]!r}")
    assert root == "Error", f"root element {root!r}, not Error: {resp.content[:500]!r}"
    assert fields.get("Code") == code, f"Code {fields.get('Code')!r}, expected {code!r}: {resp.content[:500]!r}"
    assert fields.get("Message"), f"{code}: empty or missing Message"
    assert fields.get("RequestId") == request_id, (
        f"{code}: RequestId {fields.get('RequestId')!r} differs from x-amz-request-id {request_id!r}"
    )


@contextlib.contextmanager
def s3_error(code: str, status: int):
    """Expects the boto3 call in the block to fail with this S3 error code and HTTP status."""
    with pytest.raises(ClientError) as info:
        yield info
    response = info.value.response
    got = response.get("Error", {}).get("Code")
    assert got == code, f"error code {got!r}, expected {code!r}: {response}"
    metadata = response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == status, f"status {metadata['HTTPStatusCode']}, expected {status}"
    assert metadata["HTTPHeaders"].get("x-amz-request-id"), f"no x-amz-request-id header: {metadata}"
    if not code.isdigit():  # HEAD errors have no body, so botocore names them by status only
        assert response["Error"].get("Message"), f"{code}: empty Message: {response}"


class RawS3:
    """Sends SigV4-signed requests that boto3 would not send, with `requests` or a plain socket."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, region: str):
        self.endpoint = endpoint.rstrip("/")
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy: the cluster is on 127.0.0.1

    def sign(self, method, path, *, query="", headers=None, body=b"", access_key=None, secret_key=None,
             unsigned_payload=False):
        """Returns (url, headers) of a signed request. `path` is already URL-encoded (`/bucket/key`)."""
        url = self.endpoint + path + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        if unsigned_payload:
            request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
        credentials = Credentials(access_key or self.access_key, secret_key or self.secret_key)
        S3SigV4Auth(credentials, "s3", self.region).add_auth(request)
        return url, dict(request.headers.items())

    def request(self, method, path, *, query="", headers=None, body=b"", send_body=None, timeout=120, **sign_args):
        """Signs and sends a request; `send_body` (an iterator, for chunked encoding) replaces `body` on the wire."""
        url, signed = self.sign(method, path, query=query, headers=headers, body=body, **sign_args)
        return self.session.request(method, url, headers=signed, data=body if send_body is None else send_body,
                                    timeout=timeout)

    def open_put(self, path, content_length: int) -> socket.socket:
        """Opens a socket and sends the headers of a PUT (unsigned payload) announcing `content_length` bytes; the
        caller sends as much of the body as it likes."""
        return self.open_request("PUT", path, headers={"Content-Length": str(content_length)})

    def open_request(self, method, path, *, headers=None, unsigned_payload=True, **sign_args) -> socket.socket:
        """Opens a socket and sends only the head of a signed request, exactly the headers given plus the signature
        (no Content-Length unless given); the caller sends the body, or not."""
        url, signed = self.sign(method, path, headers=headers, unsigned_payload=unsigned_payload, **sign_args)
        if not any(name.lower() == "content-length" for name in (headers or {})):
            signed = {name: value for name, value in signed.items() if name.lower() != "content-length"}
        parts = urlsplit(url)
        sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
        head += [f"{name}: {value}" for name, value in signed.items() if name.lower() != "host"]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        return sock


class HTTPReader:
    """Reads HTTP/1.1 responses, one at a time, from a socket (interim 1xx responses included)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError(f"connection closed; unread: {self.buffer[:200]!r}")
        self.buffer += data

    def response(self) -> tuple[int, dict[str, str], bytes]:
        """The next response: (status, {lower-case header: value}, body framed by its Content-Length)."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0")) if status >= 200 else 0
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed(self, seconds: float = 10) -> bool:
        """Whether the server closes the connection (with nothing more to read) within `seconds`."""
        self.sock.settimeout(seconds)
        try:
            return self.buffer == b"" and self.sock.recv(65536) == b""
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True


def drain(sock: socket.socket, limit_seconds: float = 30) -> bytes:
    """Reads what the server answers until it closes the connection or `limit_seconds` pass."""
    sock.settimeout(limit_seconds)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return received

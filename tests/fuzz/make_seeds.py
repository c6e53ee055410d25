#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/seeds/<target>/) and their dictionaries (tests/fuzz/dict).

Signed seeds are signed with the fuzz targets' secret (FuzzTargets.secretKey), so mutations start from requests
that pass verification and reach the code behind it. Run it again after changing a target's input format."""

import base64
import hashlib
import hmac
import json
import pathlib
import struct
import zlib

ROOT = pathlib.Path(__file__).resolve().parent
SECRET = "fuzz-secret-key"
AKID = "AKIDFUZZ"
DATE, TIME = "20130524", "20130524T000000Z"
SCOPE = f"{DATE}/us-east-1/s3/aws4_request"


def write(target, name, data):
    path = ROOT / "seeds" / target
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def signing_key():
    key = ("AWS4" + SECRET).encode()
    for part in (DATE, "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(string_to_sign):
    return hmac.new(signing_key(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def sigv4_header(method, path, query, headers, payload_hash):
    headers = dict(headers, **{"x-amz-date": TIME, "x-amz-content-sha256": payload_hash})
    names = sorted(headers)
    canonical = "\n".join([method, path, query, "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names),
                           payload_hash])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", TIME, SCOPE, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = sign(to_sign)
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, SignedHeaders={';'.join(names)}, "
                                f"Signature={signature}")
    return "\n".join([method, path, query] + [f"{n}: {v}" for n, v in headers.items()])


def sigv4_presigned(method, path, host):
    query = (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AKID}%2F{DATE}%2Fus-east-1%2Fs3%2Faws4_request"
             f"&X-Amz-Date={TIME}&X-Amz-Expires=86400&X-Amz-SignedHeaders=host")
    canonical = "\n".join([method, path, query, f"host:{host}\n", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", TIME, SCOPE, hashlib.sha256(canonical.encode()).hexdigest()])
    return "\n".join([method, path, query + "&X-Amz-Signature=" + sign(to_sign), f"host: {host}"])


def sigv2(method, path, query_auth):
    if query_auth:
        expires = "1175139620"
        to_sign = f"{method}\n\n\n{expires}\n/johnsmith{path}"
        signature = base64.b64encode(hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
        query = f"AWSAccessKeyId={AKID}&Expires={expires}&Signature=" + signature.replace("+", "%2B").replace("=", "%3D")
        return "\n".join([method, path, query, "host: johnsmith.s3.amazonaws.com"])
    date = "Tue, 27 Mar 2007 19:36:42 +0000"
    to_sign = f"{method}\n\ntext/plain\n{date}\nx-amz-meta-a:1\n/johnsmith{path}"
    signature = base64.b64encode(hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    return "\n".join([method, path, "", "host: johnsmith.s3.amazonaws.com", f"date: {date}",
                      "content-type: text/plain", "x-amz-meta-a: 1", f"authorization: AWS {AKID}:{signature}"])


def chunked(payload: bytes, pieces, signed: bool, trailer: bool) -> bytes:
    mode = (1 if signed else 0) | (2 if trailer else 0)
    out = bytes([mode]) + struct.pack(">H", len(payload)) + bytes([7])
    previous = "0" * 64
    chunks = [payload[i:i + pieces] for i in range(0, len(payload), pieces)] + [b""]
    for chunk in chunks:
        header = f"{len(chunk):x}"
        if signed:
            to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", TIME, SCOPE, previous,
                                 hashlib.sha256(b"").hexdigest(), hashlib.sha256(chunk).hexdigest()])
            previous = sign(to_sign)
            header += f";chunk-signature={previous}"
        out += header.encode() + b"\r\n" + chunk + (b"\r\n" if chunk else b"")
    if trailer:
        crc = base64.b64encode(struct.pack(">I", zlib.crc32(payload))).decode()
        line = f"x-amz-checksum-crc32:{crc}"
        out += line.encode() + b"\n"
        if signed:
            to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", TIME, SCOPE, previous,
                                 hashlib.sha256((line + "\n").encode()).hexdigest()])
            out += f"x-amz-trailer-signature:{sign(to_sign)}\r\n".encode()
        out += b"\r\n"
    else:
        out += b"\r\n"
    return out


def policy_document():
    return json.dumps({
        "expiration": "2030-01-01T00:00:00Z",
        "conditions": [{"bucket": "bucket"}, ["starts-with", "$key", "uploads/"], {"content-type": "text/plain"},
                       ["content-length-range", 1, 1048576], ["eq", "$x-amz-meta-a", "b"],
                       {"success_action_status": "201"}],
    })


def post_form():
    policy = base64.b64encode(policy_document().encode()).decode()
    signature = hmac.new(signing_key(), policy.encode(), hashlib.sha256).hexdigest()
    fields = [("key", "uploads/${filename}"), ("content-type", "text/plain"), ("x-amz-meta-a", "b"),
              ("success_action_status", "201"), ("policy", policy), ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
              ("x-amz-credential", f"{AKID}/{SCOPE}"), ("x-amz-date", TIME), ("x-amz-signature", signature)]
    body = "preamble\r\n"
    for name, value in fields:
        body += f"--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
    body += "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n"
    body += "\r\nthe file's content\r\n--XyZ--\r\n"
    return body


def main():
    write("xml", "delete.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/'
          '2006-03-01/"><Quiet>true</Quiet><Object><Key>a &amp; b</Key><VersionId>null</VersionId></Object>'
          '<Object><Key><![CDATA[c<d]]></Key></Object></Delete>')
    write("xml", "complete.xml", "<CompleteMultipartUpload>" + "".join(
        f'<Part><PartNumber>{n}</PartNumber><ETag>"{n:032x}"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>'
        for n in range(1, 4)) + "</CompleteMultipartUpload>")
    write("xml", "bucket.xml", "<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint>"
          "</CreateBucketConfiguration>")
    write("xml", "misc.xml", "<?xml version='1.0'?><!-- c --><?pi x?><s3:a xmlns:s3='u' x='1'>t&#65;&#x42;&lt;"
          "<b/><c y=\"&quot;\">\r\n</c></s3:a>")

    host = "bucket.s3.example.com"
    write("sigv4", "header-get.txt", sigv4_header("GET", "/bucket/key", "", {"host": host, "range": "bytes=0-9"},
                                                  hashlib.sha256(b"").hexdigest()))
    write("sigv4", "header-put.txt", sigv4_header("PUT", "/bucket/a%20b", "partNumber=1&uploadId=x",
                                                  {"host": host, "x-amz-meta-a": "1", "content-md5": "AAAA"},
                                                  "UNSIGNED-PAYLOAD"))
    write("sigv4", "streaming.txt", sigv4_header("PUT", "/bucket/s", "", {
        "host": host, "x-amz-decoded-content-length": "66560", "content-encoding": "aws-chunked",
        "x-amz-trailer": "x-amz-checksum-crc32"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"))
    write("sigv4", "presigned.txt", sigv4_presigned("GET", "/bucket/key", host))
    for name, text in (("header.txt", sigv2("PUT", "/photos/puppy.jpg", False)),
                       ("query.txt", sigv2("GET", "/photos/puppy.jpg", True))):
        write("sigv2", name, text)

    write("aws-chunked", "unsigned-trailer.bin", chunked(b"x" * 1500, 1024, signed=False, trailer=True))
    write("aws-chunked", "signed.bin", chunked(b"hello world " * 100, 512, signed=True, trailer=False))
    write("aws-chunked", "signed-trailer.bin", chunked(b"trailing" * 50, 100, signed=True, trailer=True))
    write("aws-chunked", "unsigned.bin", chunked(b"", 1, signed=False, trailer=False))

    write("post-form", "signed-form.txt", post_form())
    write("post-form", "minimal.txt", "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--XyZ\r\n"
          "Content-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--XyZ--")
    for index, header in enumerate(["bytes=0-99", "bytes=-5", "bytes=10-", "bytes=5-3", "bytes=0-0,2-3", "items=1-2"]):
        write("range", f"r{index}.bin", struct.pack(">Q", 1000 + index) + header.encode())
    write("post-policy", "policy.json", policy_document())
    write("post-policy", "minimal.json", '{"expiration":"2030-01-01T00:00:00.000Z","conditions":[]}')

    write("request", "list.txt", "GET\n/bucket\nlist-type=2&prefix=a%2Fb&max-keys=10&encoding-type=url\nhost: localhost")
    write("request", "virtual.txt", "PUT\n/a/b%20c\npartNumber=2&uploadId=u\nhost: bucket.s3.example.com:9000\n"
          "x-amz-checksum-crc32: AAAAAA==\nif-match: \"abc\"\nif-none-match: *\ncontent-md5: AAAAAAAAAAAAAAAAAAAAAA==")
    write("request", "get.txt", "GET\n/b/k\npartNumber=1&response-content-type=x\nhost: h\nrange: bytes=1-\n"
          "if-modified-since: Sun, 06 Nov 1994 08:49:37 GMT\nx-amz-max-parts: 5\nx-amz-part-number-marker: 1")
    write("request", "post.txt", "POST\n/b\ndelete\nhost: h\nx-amz-sdk-checksum-algorithm: CRC32C")

    dicts = {
        "xml": ["<", ">", "</", "/>", "<?xml version=\\\"1.0\\\"?>", "?>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
                "&lt;", "&#x", "&#", ";", "xmlns=\\\"", "<!DOCTYPE", "<Delete>", "<Object>", "<Key>", "</Key>", "<Part>",
                "<PartNumber>", "<ETag>", "\\xef\\xbb\\xbf", "\\xc3\\xa9", "\\xed\\xa0\\x80"],
        "sigv4": ["AWS4-HMAC-SHA256", "Credential=", "SignedHeaders=", "Signature=", "X-Amz-Algorithm=",
                  "X-Amz-Credential=", "X-Amz-Signature=", "X-Amz-Expires=", "X-Amz-Date=", "X-Amz-SignedHeaders=",
                  "x-amz-content-sha256", "UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                  "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "aws4_request", "%2F", "%20", "x-amz-date: "],
        "sigv2": ["AWS ", "AWSAccessKeyId=", "Signature=", "Expires=", "x-amz-", "?acl", "?uploads", "date: "],
        "aws-chunked": [";chunk-signature=", "\\x0d\\x0a", "x-amz-checksum-crc32:", "x-amz-trailer-signature:",
                        "0\\x0d\\x0a", "ffffffff"],
        "post-form": ["--XyZ", "\\x0d\\x0a", "Content-Disposition: form-data; name=\\\"", "\\\"; filename=\\\"",
                      "policy", "x-amz-signature", "x-amz-meta-", "${filename}"],
        "post-policy": ["\\\"expiration\\\"", "\\\"conditions\\\"", "\\\"starts-with\\\"", "\\\"eq\\\"",
                        "\\\"content-length-range\\\"", "\\\"$key\\\"", "1e400", "-1", "9223372036854775807"],
        "range": ["bytes=", "-", ",", "9223372036854775807"],
        "request": ["%00", "%2F", "uploadId=", "partNumber=", "max-keys=", "list-type=2", "x-amz-copy-source: ",
                    "host: ", "range: bytes=", "x-amz-checksum-", ".s3.example.com"],
    }
    (ROOT / "dict").mkdir(exist_ok=True)
    for target, tokens in dicts.items():
        (ROOT / "dict" / f"{target}.dict").write_text("".join(f'"{token}"\n' for token in tokens))


if __name__ == "__main__":
    main()

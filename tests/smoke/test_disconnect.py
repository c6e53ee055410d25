"""A client that goes away in the middle of a PUT leaves no object behind, and the gateway carries on."""

import os
import socket
import time

from s3util import MiB, s3_error


def test_client_disconnect_mid_put_leaves_nothing(s3, raw, bucket):
    key = "disconnect/partial.bin"
    sock = raw.open_put(f"/{bucket}/{key}", content_length=20 * MiB)
    sock.sendall(os.urandom(3 * MiB))
    sock.close()

    time.sleep(1)  # give the gateway a moment to notice; nothing observable to poll for: the object must not appear
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key=key)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="disconnect/").get("Contents", [])
    assert [o["Key"] for o in listed] == []


def test_same_key_works_after_a_disconnect(s3, raw, bucket):
    key = "disconnect/retried.bin"
    sock = raw.open_put(f"/{bucket}/{key}", content_length=20 * MiB)
    sock.sendall(os.urandom(3 * MiB))
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()

    body = os.urandom(6 * MiB)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body

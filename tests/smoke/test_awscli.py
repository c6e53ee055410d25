"""The aws CLI (v1) against the cluster, configured only by the environment of KSAN_HOME/env (AWS_ENDPOINT_URL)."""

import json
import os
import time

import pytest

from s3util import MiB, random_file, sha256_file, unique_bucket_name


@pytest.fixture(scope="module")
def cli_bucket(aws, s3):
    name = unique_bucket_name("smoke-awscli")
    out = aws("s3", "mb", f"s3://{name}").stdout
    assert f"make_bucket: {name}" in out
    yield name
    aws("s3", "rb", "--force", f"s3://{name}", check=False)


def listed_buckets(aws):
    return [line.split()[-1] for line in aws("s3", "ls").stdout.splitlines() if line.strip()]


def test_mb_ls_rb(aws):
    name = unique_bucket_name("smoke-cli-mb")
    aws("s3", "mb", f"s3://{name}")
    assert name in listed_buckets(aws)
    out = aws("s3", "rb", f"s3://{name}").stdout
    assert f"remove_bucket: {name}" in out
    assert name not in listed_buckets(aws)


def test_cp_30mib_up_and_down(aws, cli_bucket, tmp_path):
    source, back = tmp_path / "thirty.bin", tmp_path / "back.bin"
    random_file(source, 30 * MiB)
    aws("s3", "cp", str(source), f"s3://{cli_bucket}/cp/thirty.bin")

    head = json.loads(aws("s3api", "head-object", "--bucket", cli_bucket, "--key", "cp/thirty.bin").stdout)
    assert head["ContentLength"] == 30 * MiB
    assert head["ETag"].strip('"').endswith("-4"), f"awscli uploads 30 MiB in 4 parts of 8 MiB: {head['ETag']}"

    listing = aws("s3", "ls", f"s3://{cli_bucket}/cp/").stdout
    assert "thirty.bin" in listing and str(30 * MiB) in listing

    aws("s3", "cp", f"s3://{cli_bucket}/cp/thirty.bin", str(back))
    assert sha256_file(back) == sha256_file(source)


def make_tree(root, files):
    an_hour_ago = time.time() - 3600  # older than any LastModified, whatever its precision: sync compares them
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.utime(path, (an_hour_ago, an_hour_ago))


def tree(root):
    return {
        os.path.relpath(os.path.join(d, f), root): open(os.path.join(d, f), "rb").read()
        for d, _, names in os.walk(root)
        for f in names
    }


def test_sync_and_rm_recursive(aws, cli_bucket, tmp_path):
    local, restored = tmp_path / "local", tmp_path / "restored"
    files = {f"sub{i % 3}/file {i}.txt": os.urandom(1000 + i) for i in range(12)}
    files["top.txt"] = b"top"
    make_tree(local, files)
    remote = f"s3://{cli_bucket}/sync/"

    first = aws("s3", "sync", str(local), remote).stdout
    assert first.count("upload:") == len(files)
    again = aws("s3", "sync", str(local), remote).stdout
    assert "upload:" not in again, f"a second sync of unchanged files uploaded again:\n{again}"

    (local / "top.txt").write_bytes(b"changed content, another size")
    third = aws("s3", "sync", str(local), remote).stdout
    assert third.count("upload:") == 1 and "top.txt" in third

    listed = aws("s3", "ls", "--recursive", remote).stdout.splitlines()
    assert len(listed) == len(files)

    aws("s3", "sync", remote, str(restored))
    assert tree(restored) == tree(local)

    removed = aws("s3", "rm", "--recursive", remote).stdout
    assert removed.count("delete:") == len(files)
    assert aws("s3", "ls", "--recursive", remote, check=False).stdout.strip() == ""


def test_s3api_head_object_and_missing_key(aws, cli_bucket, tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(b"small object\n")
    aws("s3", "cp", str(path), f"s3://{cli_bucket}/api/small.txt", "--content-type", "text/x-small",
        "--metadata", "origin=awscli")
    head = json.loads(aws("s3api", "head-object", "--bucket", cli_bucket, "--key", "api/small.txt").stdout)
    assert head["ContentLength"] == len(b"small object\n")
    assert head["ContentType"] == "text/x-small"
    assert head["Metadata"] == {"origin": "awscli"}

    missing = aws("s3api", "head-object", "--bucket", cli_bucket, "--key", "api/missing", check=False)
    assert missing.returncode != 0
    assert "404" in missing.stderr or "Not Found" in missing.stderr


def test_rb_non_empty_fails_without_force(aws, s3):
    name = unique_bucket_name("smoke-cli-rb")
    aws("s3", "mb", f"s3://{name}")
    s3.put_object(Bucket=name, Key="x", Body=b"x")
    failed = aws("s3", "rb", f"s3://{name}", check=False)
    assert failed.returncode != 0 and "BucketNotEmpty" in failed.stderr
    aws("s3", "rb", "--force", f"s3://{name}")
    assert name not in listed_buckets(aws)

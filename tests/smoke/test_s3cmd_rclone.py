"""s3cmd (SigV4 and SigV2 modes) and rclone (copy, sync, check, lsf, deletefile) against the cluster, as users run them."""

import hashlib
import os
import pathlib
import shutil
import subprocess
import urllib.parse

import pytest

from s3util import MiB


def run(args, env, timeout=600):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


@pytest.fixture(scope="module")
def tools():
    missing = [tool for tool in ("s3cmd", "rclone") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{missing} not installed: .ci/run installs them from Debian")


def s3cmd_config(tmp_path: pathlib.Path, signature_v2: bool) -> str:
    host = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"]).netloc
    config = tmp_path / ("s3cfg-v2" if signature_v2 else "s3cfg-v4")
    config.write_text(
        "[default]\n"
        f"access_key = {os.environ['AWS_ACCESS_KEY_ID']}\n"
        f"secret_key = {os.environ['AWS_SECRET_ACCESS_KEY']}\n"
        f"host_base = {host}\nhost_bucket = {host}\n"
        "use_https = False\n"
        f"signature_v2 = {signature_v2}\n"
        f"bucket_location = {os.environ.get('AWS_DEFAULT_REGION', 'us-east-1')}\n"
    )
    return str(config)


def random_file(path: pathlib.Path, size: int) -> str:
    data = os.urandom(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("signature_v2", [False, True], ids=["sigv4", "sigv2"])
def test_s3cmd(tools, tmp_path, make_bucket, signature_v2):
    bucket = make_bucket()
    cfg = ["s3cmd", "-c", s3cmd_config(tmp_path, signature_v2)]
    env = os.environ.copy()
    small = tmp_path / "small.txt"
    small.write_text("hello from s3cmd\n")
    big = tmp_path / "big.bin"
    digest = random_file(big, 20 * MiB)  # above s3cmd's 15 MiB chunk: a multipart upload
    run(cfg + ["put", str(small), f"s3://{bucket}/dir/small.txt"], env)
    run(cfg + ["put", str(big), f"s3://{bucket}/big.bin"], env)
    listing = run(cfg + ["ls", "--recursive", f"s3://{bucket}"], env)
    assert "dir/small.txt" in listing and "big.bin" in listing
    run(cfg + ["get", "--force", f"s3://{bucket}/big.bin", str(tmp_path / "back.bin")], env)
    assert hashlib.sha256((tmp_path / "back.bin").read_bytes()).hexdigest() == digest
    info = run(cfg + ["info", f"s3://{bucket}/dir/small.txt"], env)
    assert "File size:" in info and "17" in info
    run(cfg + ["del", f"s3://{bucket}/dir/small.txt"], env)
    assert "dir/small.txt" not in run(cfg + ["ls", "--recursive", f"s3://{bucket}"], env)


def test_rclone(tools, tmp_path, make_bucket):
    bucket = make_bucket()
    env = os.environ.copy()
    env.pop("AWS_CA_BUNDLE", None)  # rclone's SDK refuses a CA bundle with its own HTTP transport
    env.update(
        RCLONE_CONFIG_K_TYPE="s3",
        RCLONE_CONFIG_K_PROVIDER="Other",
        RCLONE_CONFIG_K_ENDPOINT=os.environ["AWS_ENDPOINT_URL"],
        RCLONE_CONFIG_K_ACCESS_KEY_ID=os.environ["AWS_ACCESS_KEY_ID"],
        RCLONE_CONFIG_K_SECRET_ACCESS_KEY=os.environ["AWS_SECRET_ACCESS_KEY"],
        RCLONE_CONFIG_K_REGION=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        RCLONE_CONFIG_K_FORCE_PATH_STYLE="true",
    )
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("alpha\n")
    (source / "sub" / "b.txt").write_text("beta\n")
    random_file(source / "sub" / "big.bin", 12 * MiB)
    # above rclone's 200 MiB upload cutoff: a multipart upload
    random_file(source / "huge.bin", 210 * MiB)
    rclone = ["rclone", "--config", "/dev/null"]
    run(rclone + ["copy", str(source), f"k:{bucket}/copy"], env)
    files = set(run(rclone + ["lsf", "-R", f"k:{bucket}/copy"], env).split())
    assert {"a.txt", "sub/", "sub/b.txt", "sub/big.bin", "huge.bin"} <= files
    run(rclone + ["check", str(source), f"k:{bucket}/copy"], env)
    (source / "a.txt").unlink()
    (source / "c.txt").write_text("gamma\n")
    run(rclone + ["sync", str(source), f"k:{bucket}/copy"], env)
    files = set(run(rclone + ["lsf", "-R", f"k:{bucket}/copy"], env).split())
    assert "a.txt" not in files and "c.txt" in files
    run(rclone + ["check", str(source), f"k:{bucket}/copy"], env)
    run(rclone + ["deletefile", f"k:{bucket}/copy/c.txt"], env)
    assert "c.txt" not in run(rclone + ["lsf", f"k:{bucket}/copy"], env).split()

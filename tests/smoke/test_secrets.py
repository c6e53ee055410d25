"""Secrets stay secret on the machine that runs the cluster: never on a command line (every local user can read
/proc/*/cmdline), never in a log, and keys, logs and data readable by the cluster's own user only."""

import os
import pathlib
import stat


def secret_key() -> str:
    return os.environ["AWS_SECRET_ACCESS_KEY"]


def test_no_process_has_a_secret_on_its_command_line(cluster):
    cluster_key = pathlib.Path(cluster["home"], "cluster-key").read_text().strip()
    checked = 0
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "ksan-" in cmdline:
            checked += 1
            # Booleans first, so that a failure message never prints the secret itself.
            leaked_secret, leaked_key = secret_key() in cmdline, cluster_key in cmdline
            assert not leaked_secret, f"the admin secret is on the command line of pid {entry.name}"
            assert not leaked_key, f"the cluster key is on the command line of pid {entry.name}"
    assert checked >= 3, "no ksan process found to check"


def test_no_log_holds_a_secret(cluster):
    cluster_key = pathlib.Path(cluster["home"], "cluster-key").read_text().strip()
    logs = list(pathlib.Path(cluster["home"], "logs").glob("*.log"))
    assert logs
    for log in logs + [pathlib.Path(cluster["postgres"]["log"])]:
        if not log.exists():
            continue
        text = log.read_text(errors="replace")
        leaked_secret, leaked_key = secret_key() in text, cluster_key in text
        assert not leaked_secret, f"{log} holds the admin secret"
        assert not leaked_key, f"{log} holds the cluster key"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_keys_logs_and_data_are_readable_by_the_service_only(cluster):
    home = pathlib.Path(cluster["home"])
    assert mode(home) & 0o077 in (0, 0o011), f"{home} is {oct(mode(home))}"
    for name in ("admin-keys", "cluster-key", "env"):
        assert mode(home / name) & 0o077 == 0, f"{name} is {oct(mode(home / name))}"
    for directory in [home / "logs", home / "run"] + [pathlib.Path(d["path"]) for o in cluster["osds"]
                                                       for d in o["disks"]]:
        assert mode(directory) & 0o077 == 0, f"{directory} is {oct(mode(directory))}"
    for log in (home / "logs").glob("*.log"):
        assert mode(log) & 0o077 == 0, f"{log} is {oct(mode(log))}"
    # Shard files and their directories too.
    for disk in [pathlib.Path(d["path"]) for o in cluster["osds"] for d in o["disks"]]:
        for path in list(disk.rglob("*"))[:200]:
            assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"

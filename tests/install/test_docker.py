#!/usr/bin/env python3
"""docker/ checked without a container engine: the secrets docker/make-secrets.sh makes, and the compose file as
docker-compose renders it, each KSAN container's configuration checked by its real executable.

For every KSAN service of the rendered compose file, the executable of its entrypoint is run with
`--check-config` and exactly the container's environment (the image's KSAN_CONFIG naming docker/ksan.toml, as the
Dockerfile copies it): it must accept the configuration, and what it comes to must fit the containers: each file it
names is a secret or a volume of that container, each URL names a service of the file on the port that service
listens on, each OSD's host id and disks are those of docker/topology.json, the health check's port is the one it
listens on, and only the services that need PostgreSQL's password get it.

Usage: KSAN_BIN=.build/debug python3 tests/install/test_docker.py   (prints PASS/FAIL lines; exit 1 on a failure)
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
BIN = Path(os.environ.get("KSAN_BIN", REPO / ".build/debug"))
failures = 0


def check(condition, what):
    global failures
    print(("PASS " if condition else "FAIL ") + what)
    if not condition:
        failures += 1
    return condition


def dockerfile():
    """The Dockerfile's instructions, continuation lines joined, as (INSTRUCTION, arguments) pairs."""
    text = (DOCKER / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def check_dockerfile():
    instructions = dockerfile()
    copies = [args.split() for name, args in instructions if name == "COPY" and not args.startswith("--from")]
    for sources_and_target in copies:
        for source in sources_and_target[:-1]:
            check((REPO / source).exists(), f"Dockerfile: COPY {source} exists in the repository")
    config = [args.split("=", 1)[1] for name, args in instructions if name == "ENV" and args.startswith("KSAN_CONFIG=")]
    copied = {parts[-1]: parts[0] for parts in copies}
    check(config and copied.get(config[0]) == "docker/ksan.toml",
          f"Dockerfile: KSAN_CONFIG ({config}) is where docker/ksan.toml is copied")
    package = (REPO / "Package.swift").read_text()
    build_packages = " ".join(args for name, args in instructions if name == "RUN")
    for apt in re.findall(r'\.apt\(\["([^"]+)"\]\)', package):
        check(apt in build_packages, f"Dockerfile: the build stage installs {apt} (a system library of Package.swift)")
    runtime = {"libisal-dev": "libisal2", "librabbitmq-dev": "librabbitmq4"}
    final_stage = build_packages.split("swift build")[-1]
    for dev, library in runtime.items():
        check(library in final_stage, f"Dockerfile: the final stage installs {library}, the runtime of {dev}")
    froms = [args.split()[0] for name, args in instructions if name == "FROM"]
    toolchain = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    version = re.search(r"Swift version (\d+\.\d+)", toolchain)
    if version:
        check(all(image.startswith(f"swift:{version.group(1)}-") for image in froms),
              f"Dockerfile: images {froms} are of the toolchain the project is built with ({version.group(1)})")
    executables = re.findall(r"--product (\S+)", build_packages)
    check(executables, "Dockerfile: builds products")
    for product in executables:
        check(f'"$bin/{product}"' in build_packages, f"Dockerfile: copies {product} into the image")


def make_secrets(directory):
    result = subprocess.run(["bash", str(DOCKER / "make-secrets.sh"), str(directory)], capture_output=True, text=True)
    check(result.returncode == 0, f"make-secrets.sh exits 0 ({result.stderr.strip()[-200:]})")
    return result.stdout


def check_secrets(directory):
    first = make_secrets(directory)
    files = {path.name: path.read_text() for path in directory.iterdir()}
    check(stat.S_IMODE(directory.stat().st_mode) == 0o700, "secrets: the directory is 0700")
    check(all(stat.S_IMODE((directory / name).stat().st_mode) == 0o644 for name in files),
          "secrets: the files are 0644 (bind-mounted into containers whose user is not their owner)")
    check(re.fullmatch(r"[0-9a-f]{64}\n", files["cluster-key"]), "secrets: cluster-key is 64 hex digits")
    check(re.fullmatch(r"KSAN_ADMIN_ACCESS_KEY=[A-Z0-9]{20}\nKSAN_ADMIN_SECRET_KEY=[A-Za-z0-9]{40}\n",
                       files["admin-keys"]), "secrets: admin-keys holds a 20-character access key, a 40-character secret")
    check(re.fullmatch(r"ksan_[a-z0-9]{12}_[A-Za-z0-9]{40}\n", files["api-key"]),
          "secrets: api-key is ksan_<12>_<40>")
    rabbit, pg = files["rabbitmq-password"].strip(), files["postgres-password"].strip()
    check(len(rabbit) == 32 and len(pg) == 32 and rabbit != pg, "secrets: two different 32-character passwords")
    check(files["rabbitmq.conf"] == f"default_user = ksan\ndefault_pass = {rabbit}\n",
          "secrets: rabbitmq.conf makes the user ksan with RabbitMQ's password")
    check(files["ksan.env"] == f"KSAN_AMQP_URL=amqp://ksan:{rabbit}@rabbitmq:5672/\n",
          "secrets: ksan.env holds the broker URL with RabbitMQ's password")
    check(files["postgres.env"] == "".join(f"KSAN_{s}_POSTGRES_URL=postgres://ksan:{pg}@postgres:5432/ksan\n"
                                           for s in ("METADATA", "PORTAL")),
          "secrets: postgres.env holds the metadata and portal URLs with PostgreSQL's password")
    second = make_secrets(directory)
    check({path.name: path.read_text() for path in directory.iterdir()} == files and "wrote" not in second
          and "wrote" in first, "secrets: a second run keeps every file")
    check("ksan_" not in first and pg not in first and rabbit not in first,
          "secrets: make-secrets.sh prints no secret but the access key")
    return files


def render(project):
    result = subprocess.run(["docker-compose", "-f", str(project / "docker" / "docker-compose.yml"), "config"],
                            capture_output=True, text=True)
    return result


def check_service(name, service, compose, topology, secrets, secret_files):
    executable = service["entrypoint"][0]
    environment = {key: str(value) for key, value in (service.get("environment") or {}).items()}
    env = {"PATH": os.environ["PATH"], "KSAN_CONFIG": str(DOCKER / "ksan.toml"), **environment}
    result = subprocess.run([str(BIN / executable), "--check-config"], env=env, capture_output=True, text=True)
    if not check(result.returncode == 0, f"{name}: {executable} --check-config accepts the container's configuration"):
        print(result.stdout + result.stderr)
        return
    options = {}
    for line in result.stdout.splitlines():
        flag, _, value = line.partition(" ")
        options.setdefault(flag, []).append(value)
    mounted_secrets = {entry.get("target") or f"/run/secrets/{entry['source']}": entry["source"]
                       for entry in service.get("secrets", [])}
    volumes = [volume.split(":")[1] for volume in service.get("volumes", [])]
    for flag, values in options.items():
        for value in values:
            if flag.endswith("-file"):
                check(value in mounted_secrets, f"{name}: {flag} {value} is a secret mounted into the container")
                check(value not in mounted_secrets or secrets.get(mounted_secrets[value], {}).get("file"),
                      f"{name}: {flag} comes from a file of secrets/")
            if flag == "--topology":
                check(value in volumes, f"{name}: --topology {value} is mounted into the container")
            if flag.endswith("-url") or flag == "$KSAN_AMQP_URL":
                url = urlsplit(value)
                target = compose["services"].get(url.hostname)
                check(target is not None, f"{name}: {flag} names the service {url.hostname}")
                if target and "entrypoint" in target:
                    port = target_listen_port(target, compose)
                    check(port == url.port, f"{name}: {flag} port {url.port} is where {url.hostname} listens ({port})")
    listen = int(options["--listen"][0].rsplit(":", 1)[1])
    check(str(listen) == environment.get("KSAN_PORT"), f"{name}: the health check's KSAN_PORT is the listen port")
    check(options.get("$KSAN_AMQP_URL") == [f"amqp://ksan:***@rabbitmq:5672/"],
          f"{name}: sends its events to the compose broker")
    pg_password = secret_files["postgres-password"].strip()
    has_pg = any(pg_password in value for value in environment.values())
    check(has_pg == (executable in ("ksan-metadata", "ksan-portal")),
          f"{name}: has PostgreSQL's password only if it talks to PostgreSQL ({has_pg})")
    for port in service.get("ports", []):
        published = int(str(port).split(":")[-1].split("/")[0])
        own = [int(v.rsplit(":", 1)[1]) for f, vs in options.items() if f in ("--listen", "--metrics-listen") for v in vs]
        check(published in own, f"{name}: published port {published} is one it listens on")
    if executable == "ksan-osd":
        host_id = options["--host-id"][0]
        host = next((h for h in topology["hosts"] if h["id"] == host_id), None)
        if check(host is not None, f"{name}: host id {host_id} is a host of topology.json"):
            disks = [value.split("=", 1) for value in options["--disk"]]
            check(sorted(d for d, _ in disks) == sorted(host["disks"]), f"{name}: its disks are {host['disks']}")
            check(all(any(path.startswith(v + "/") for v in volumes) for _, path in disks),
                  f"{name}: every disk is on a volume of the container")
            check(host["endpoint"] == f"http://{name}:{listen}", f"{name}: topology.json's endpoint reaches it")


def target_listen_port(service, compose):
    env = {"PATH": os.environ["PATH"], "KSAN_CONFIG": str(DOCKER / "ksan.toml"),
           **{k: str(v) for k, v in (service.get("environment") or {}).items()}}
    result = subprocess.run([str(BIN / service["entrypoint"][0]), "--check-config"], env=env, capture_output=True,
                            text=True)
    match = re.search(r"^--listen \S+:(\d+)$", result.stdout, re.M)
    return int(match.group(1)) if match else None


def main():
    check_dockerfile()
    with tempfile.TemporaryDirectory(prefix="ksan-docker-") as scratch:
        project = Path(scratch)
        shutil.copytree(DOCKER, project / "docker", ignore=shutil.ignore_patterns("secrets"))
        missing = render(project)
        check(missing.returncode != 0, "compose: without docker/make-secrets.sh the file does not render "
                                       f"({missing.stderr.strip()[-120:]})")
        secret_files = check_secrets(project / "docker" / "secrets")
        rendered = render(project)
        if not check(rendered.returncode == 0, "compose: docker-compose config renders the file"):
            print(rendered.stderr)
            return
        compose = yaml.safe_load(rendered.stdout)
        topology = json.loads((DOCKER / "topology.json").read_text())
        secrets = compose.get("secrets", {})
        ksan = {name: s for name, s in compose["services"].items() if s.get("image") == "ksan:latest"}
        check(sorted(s["entrypoint"][0] for s in ksan.values()) ==
              ["ksan-gateway", "ksan-metadata", "ksan-osd", "ksan-osd", "ksan-osd", "ksan-portal", "ksan-worker"],
              "compose: metadata, three OSDs, a gateway, the portal and a worker")
        for name, service in sorted(ksan.items()):
            check_service(name, service, compose, topology, secrets, secret_files)
        osd_hosts = sorted(s["environment"]["KSAN_OSD_HOST_ID"] for s in ksan.values()
                           if s["entrypoint"][0] == "ksan-osd")
        check(osd_hosts == sorted(h["id"] for h in topology["hosts"]), "compose: an OSD for every host of topology.json")
        postgres = compose["services"]["postgres"]["environment"]
        check(postgres.get("POSTGRES_PASSWORD_FILE") == "/run/secrets/postgres-password"
              and "POSTGRES_PASSWORD" not in postgres, "compose: PostgreSQL's password comes from its secret file")
        static = "".join((DOCKER / name).read_text() for name in ("docker-compose.yml", "ksan.toml", "Dockerfile"))
        check(not any(value.strip() in static for value in secret_files.values() if len(value.strip()) >= 16),
              "no secret is in docker-compose.yml, ksan.toml or the Dockerfile")
    print(f"test_docker.py: {'FAILED' if failures else 'all checks passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

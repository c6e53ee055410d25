#!/usr/bin/env bash
# Tests cluster/install.sh into / (its system mode, what an operator runs on a host) without changing this machine:
# the test runs in mount and network namespaces of its own, where /etc, /usr/local, /var and /srv are overlays whose
# changes go to a scratch directory (deleted at the end), and only a loopback interface exists.
#
#   1. install.sh --prefix / --no-start with all five roles and two disks under /srv/ksan;
#   2. the system user and group ksan (system, nologin, home /var/lib/ksan);
#   3. owners and modes: executables and configuration root's, secrets, state, logs and disks ksan's (0600, 0750);
#      units that name /usr/local/bin and /etc/ksan, verified by the installer;
#   4. a second run changes no byte and keeps the keys;
#   5. every role started as its unit starts it: as User=/Group= (ksan), with EnvironmentFile= read first, then
#      ExecStart= (systemd's sandboxing aside: no systemd runs here), over a private PostgreSQL; all four answer,
#      ksanctl status works with the generated API key, an S3 object goes in and comes back, and its shards are
#      files of the user ksan on the disks.
#
# Usage: bash tests/install/test_system.sh   (as root; KSAN_BIN: directory of built executables, default the debug
# build). Prints PASS or FAIL per check; exits non-zero if any failed. Without root it prints SKIP and exits 0.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KSAN_BIN=${KSAN_BIN:-$REPO/.build/x86_64-unknown-linux-gnu/debug}
ME=test_system.sh

# ---------------------------------------------------------------------------------------------------- outside
if [[ ${KSAN_SYSTEM_TEST_INSIDE:-} != yes ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "$ME: SKIP: needs root (a mount namespace with overlays over /etc, /usr/local, /var and /srv)"
        exit 0
    fi
    for binary in ksan-metadata ksan-osd ksan-gateway ksan-portal ksan-worker ksanctl; do
        [[ -x $KSAN_BIN/$binary ]] || {
            echo "$ME: ERROR: $KSAN_BIN/$binary is missing: build it or set KSAN_BIN" >&2
            exit 1
        }
    done
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/ksan-system-test.XXXXXX")
    chmod 0755 "$SCRATCH" # the user ksan runs the stand-ins in it
    trap 'rm -rf -- "$SCRATCH"' EXIT
    status=0
    KSAN_SYSTEM_TEST_INSIDE=yes SCRATCH=$SCRATCH KSAN_BIN=$(cd "$KSAN_BIN" && pwd) \
        unshare --mount --propagation private --net bash "${BASH_SOURCE[0]}" || status=$?
    # The namespaces end with their last process: none of the services (their PIDs in pids) may be left.
    while read -r pid; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "FAIL nothing of the test survives it: $(ps -o pid=,args= -p "$pid")"
            kill -9 "$pid" 2>/dev/null || true
            status=1
        fi
    done < <(cat "$SCRATCH/pids" 2>/dev/null)
    exit "$status"
fi

# ---------------------------------------------------------------------------------------------------- inside
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$REPO/tests/install/lib.sh"
die() {
    echo "$ME: ERROR: $*" >&2
    exit 1
}

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -d $SCRATCH/postgres ]]; then
        # shellcheck source=cluster/lib/postgres.sh
        (source "$REPO/cluster/lib/postgres.sh" && pg_stop "$SCRATCH/postgres") >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

ip link set lo up
# Every directory the installer writes under becomes an overlay: its changes land in the scratch directory. Checked
# before anything is installed, so that a failed mount can never let the installer write to the machine.
for dir in etc usr/local var srv; do
    mkdir -p "$SCRATCH/overlay/$dir/upper" "$SCRATCH/overlay/$dir/work"
    mount -t overlay overlay \
        -o "lowerdir=/$dir,upperdir=$SCRATCH/overlay/$dir/upper,workdir=$SCRATCH/overlay/$dir/work" "/$dir"
    [[ $(findmnt -n -o FSTYPE --target "/$dir") == overlay ]] || die "/$dir is not an overlay: not installing"
done
getent passwd ksan >/dev/null && die "this machine has a user ksan already: the test needs one the installer makes"

# Stand-ins for the executables (exec the real ones): what is tested is the files around them.
FAST_BIN=$SCRATCH/bin
make_stand_ins "$FAST_BIN" "$KSAN_BIN"

# ---------------------------------------------------------------------------------------------------- 1. install
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"
PG_PORT=5432
KSAN_PG_FAST=1 pg_start "$SCRATCH/postgres" "$PG_PORT" >"$SCRATCH/postgres-start.log" 2>&1 ||
    die "PostgreSQL did not start: $(tail -n 20 "$SCRATCH/postgres-start.log")"
pg_create_db "$PG_PORT" ksan >/dev/null
cat >"$SCRATCH/topology.json" <<'EOF'
{"hosts": [{"id": "h1", "endpoint": "http://127.0.0.1:9101", "disks": ["h1-d1", "h1-d2"]}],
 "pools": [{"id": "default", "replicas": 1, "default": true, "disks": ["h1-d1", "h1-d2"]}]}
EOF
ROLES=metadata,osd,gateway,portal,worker
INSTALL=("$REPO/cluster/install.sh" --prefix / --no-start --bin "$FAST_BIN" --roles "$ROLES"
    --host-id h1 --address 127.0.0.1 --disk h1-d1=/srv/ksan/d1 --disk h1-d2=/srv/ksan/d2
    --postgres-url "postgres://postgres@127.0.0.1:$PG_PORT/ksan" --topology "$SCRATCH/topology.json")
check "install.sh --prefix / succeeds" "${INSTALL[@]}"
cp "$SCRATCH/check.out" "$SCRATCH/install.log"

# ---------------------------------------------------------------------------------------------------- 2. the user
user_ok() {
    local entry uid
    entry=$(getent passwd ksan) || {
        echo "no user ksan"
        return 1
    }
    IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
    [[ $home == /var/lib/ksan && $shell == /usr/sbin/nologin ]] || {
        echo "ksan: home $home, shell $shell"
        return 1
    }
    ((uid < 1000)) || {
        echo "ksan has uid $uid: not a system user"
        return 1
    }
    getent group ksan >/dev/null || {
        echo "no group ksan"
        return 1
    }
    [[ $(id -gn ksan) == ksan ]] || {
        echo "ksan's group is $(id -gn ksan)"
        return 1
    }
}
check "the system user ksan: uid below 1000, group ksan, home /var/lib/ksan, no login shell" user_ok

# ---------------------------------------------------------------------------------------------------- 3. files
owned() { # OWNER:GROUP MODE PATH...
    local expected=$1 mode=$2 path status=0 actual
    shift 2
    for path in "$@"; do
        actual=$(stat -c '%U:%G %a' -- "$path" 2>/dev/null) || {
            echo "$path is missing"
            status=1
            continue
        }
        [[ $actual == "$expected $mode" ]] || {
            echo "$path is $actual, not $expected $mode"
            status=1
        }
    done
    return "$status"
}
check "executables root:root 0755 in /usr/local/bin" owned root:root 755 \
    /usr/local/bin/{ksan-metadata,ksan-osd,ksan-gateway,ksan-portal,ksan-worker,ksanctl}
check "/etc/ksan root:root 0755" owned root:root 755 /etc/ksan
check "ksan.toml and topology.json root:root 0644" owned root:root 644 /etc/ksan/ksan.toml /etc/ksan/topology.json
check "secrets ksan:ksan 0600: cluster-key, api-key, admin-keys" owned ksan:ksan 600 \
    /etc/ksan/cluster-key /etc/ksan/api-key /etc/ksan/admin-keys
check "state, logs and disks ksan:ksan 0750" owned ksan:ksan 750 /var/lib/ksan /var/log/ksan /srv/ksan/d1 /srv/ksan/d2
check "units root:root 0644 in /etc/systemd/system" owned root:root 644 \
    /etc/systemd/system/ksan-{metadata,osd,gateway,portal,worker}.service
units_name_the_system() {
    local unit status=0
    for unit in /etc/systemd/system/ksan-{metadata,osd,gateway,portal,worker}.service; do
        grep -q "^ExecStart=/usr/local/bin/ksan-[a-z]* --config /etc/ksan/ksan.toml$" "$unit" || {
            echo "$unit: $(grep '^ExecStart=' "$unit")"
            status=1
        }
        if ! grep -q '^User=ksan$' "$unit" || ! grep -q '^Group=ksan$' "$unit"; then
            echo "$unit does not run as ksan"
            status=1
        fi
        if grep -q "$SCRATCH" "$unit"; then
            echo "$unit names the scratch directory"
            status=1
        fi
    done
    grep -q '^ReadWritePaths=/var/lib/ksan /var/log/ksan /srv/ksan/d1 /srv/ksan/d2$' \
        /etc/systemd/system/ksan-osd.service || {
        echo "ksan-osd.service: $(grep '^ReadWritePaths=' /etc/systemd/system/ksan-osd.service)"
        status=1
    }
    return "$status"
}
check "units run /usr/local/bin/ksan-ROLE --config /etc/ksan/ksan.toml as ksan; the OSD writes only its paths" \
    units_name_the_system
check "the installer verified every unit (systemd-analyze verify)" \
    grep -q 'verified ksan-portal.service (systemd-analyze verify)' "$SCRATCH/install.log"
check "ksan.toml names the system paths" grep -q '^disk = \["h1-d1=/srv/ksan/d1", "h1-d2=/srv/ksan/d2"\]$' \
    /etc/ksan/ksan.toml
check "the summary says how to start (--no-start)" grep -q 'systemctl daemon-reload && systemctl enable --now' \
    "$SCRATCH/install.log"

# ---------------------------------------------------------------------------------------------------- 4. re-run
# Owner and mode of every directory and file the installer made, and the size, modification time and content of
# every file (a directory's time changes with the temporary files an unchanged write makes and removes).
fingerprint() {
    find /usr/local/bin /etc/ksan /etc/systemd/system /var/lib/ksan /var/log/ksan /srv/ksan \
        \( -path '/etc/systemd/system/*' -a ! -name 'ksan-*' \) -prune -o \
        \( -type d -printf '%p %u:%g %m\n' \) -o \( -printf '%p %u:%g %m %s %T@\n' \) | sort
    sha256sum /etc/ksan/* /etc/systemd/system/ksan-*.service
}
fingerprint >"$SCRATCH/before"
sleep 1 # so that a rewrite shows in the modification times
check "a second run succeeds" "${INSTALL[@]}"
fingerprint >"$SCRATCH/after"
check "a second run changes no byte, owner or mode" diff "$SCRATCH/before" "$SCRATCH/after"

# ---------------------------------------------------------------------------------------------------- 5. start
# start ROLE: as systemd would, but for its sandboxing: EnvironmentFile= read by root, then ExecStart= as User=.
start() {
    local role=$1 unit exec_start env_file user group
    unit=/etc/systemd/system/ksan-$role.service
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
    user=$(sed -n 's/^User=//p' "$unit")
    group=$(sed -n 's/^Group=//p' "$unit")
    # shellcheck disable=SC2086,SC2016 # ExecStart= is split on spaces, as systemd splits it
    env -i PATH=/usr/local/bin:/usr/bin:/bin KSAN_HEARTBEAT_SECONDS=1 bash -c \
        'set -a; if [[ -f $1 ]]; then source "$1"; fi; set +a; shift; exec "$@"' _ "$env_file" \
        setpriv --reuid "$user" --regid "$group" --init-groups -- $exec_start \
        >>"$SCRATCH/$role.log" 2>&1 </dev/null &
    PIDS+=($!)
    echo "$!" >>"$SCRATCH/pids"
}
answers() { # URL: within 60 s
    local deadline=$((SECONDS + 60))
    until curl --noproxy '*' -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || {
            echo "nothing answered $1 within 60 s"
            return 1
        }
        sleep 0.2
    done
}
declare -A HEALTH=([metadata]=http://127.0.0.1:9300/_ksan/health [osd]=http://127.0.0.1:9101/_ksan/health
    [gateway]=http://127.0.0.1:9000/_ksan/health [portal]=http://127.0.0.1:9400/api/v1/health
    [worker]=http://127.0.0.1:9500/_ksan/health)
for role in metadata osd gateway portal worker; do
    start "$role"
    if ! check "ksan-$role started from its unit as ksan answers ${HEALTH[$role]}" answers "${HEALTH[$role]}"; then
        tail -n 20 "$SCRATCH/$role.log" | sed 's/^/     /'
    fi
done
runs_as_ksan() {
    local pid status=0
    for pid in "${PIDS[@]}"; do
        # The service is the last of the exec chain: env, bash, setpriv, the stand-in, the executable.
        [[ $(ps -o user= -p "$pid") == ksan ]] || {
            echo "process $pid ($(ps -o args= -p "$pid")) runs as $(ps -o user= -p "$pid")"
            status=1
        }
    done
    return "$status"
}
check "every service runs as ksan" runs_as_ksan
API_KEY=$(</etc/ksan/api-key)
check "ksanctl status with the generated API key" \
    env KSAN_PORTAL_URL=http://127.0.0.1:9400 KSAN_API_KEY="$API_KEY" HOME="$SCRATCH" /usr/local/bin/ksanctl status
s3_round_trip() {
    ACCESS=$(sed -n 's/^KSAN_ADMIN_ACCESS_KEY=//p' /etc/ksan/admin-keys) \
        SECRET=$(sed -n 's/^KSAN_ADMIN_SECRET_KEY=//p' /etc/ksan/admin-keys) python3 - <<'EOF'
import os, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9000", region_name="us-east-1",
                  aws_access_key_id=os.environ["ACCESS"], aws_secret_access_key=os.environ["SECRET"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.create_bucket(Bucket="system")
body = os.urandom(3 << 20)
s3.put_object(Bucket="system", Key="o", Body=body)
assert s3.get_object(Bucket="system", Key="o")["Body"].read() == body, "the object came back different"
EOF
}
check "an S3 object goes in and comes back" s3_round_trip
shards_are_ksans() {
    local files
    files=$(find /srv/ksan -name '*.shard' -printf '%u\n' | sort | uniq -c)
    [[ -n $files && $files != *root* ]] || {
        echo "shard files by owner: ${files:-none}"
        return 1
    }
    echo "$files"
}
check "its shards are files of the user ksan on /srv/ksan" shards_are_ksans

echo
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))

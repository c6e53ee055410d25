#!/usr/bin/env bash
# Four hosts installed by cluster/install.sh, each in a network namespace of its own, each process started as its
# systemd unit would start it (the unit's ExecStart=, with its EnvironmentFile=) from the files the installer laid
# out; a fourth host joined with a join token and added with ksanctl while a load runs; then the smoke suite
# against the cluster.
#
#   tests/netns/hosts.sh [pytest args]     (root; KSAN_BIN = directory of the built executables)
#
#   h1  10.232.N.11  PostgreSQL (its loopback), RabbitMQ, ksan-metadata, ksan-portal, ksan-osd, ksan-gateway,
#                    ksan-worker
#   h2  10.232.N.12  ksan-osd, ksan-gateway, ksan-worker   (joined with a token; two workers share the work)
#   h3  10.232.N.13  ksan-osd                        (joined with the same token)
#   h4  10.232.N.14  ksan-osd                        (joined with a second token while the cluster serves)
# Every host has two disks. The seed pool `default` is EC 2+1 over h1..h3; once h4 is in, the pool `wide`, EC 2+2
# over all eight disks, becomes the default, so the smoke suite's buckets put a shard of every stripe on h4.
# Traffic goes only to addresses of these namespaces, from inside them (pytest runs in h1); the namespaces have
# no default route, so no packet can leave the machine.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"

log() { printf 'hosts: %s\n' "$*" >&2; }
die() {
    printf 'hosts: ERROR: %s\n' "$*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "network namespaces need root"
command -v ip >/dev/null || die "ip (iproute2) is missing"
[[ -n ${KSAN_BIN:-} && -x $KSAN_BIN/ksan-gateway ]] || die "set KSAN_BIN to the directory of the built executables"
BIN=$(cd "$KSAN_BIN" && pwd)

RUN_ID=$(printf '%04x' $((RANDOM % 65536)))
NET=10.232.$((RANDOM % 250 + 1))
PREFIX=ksh$RUN_ID
BRIDGE_NS=${PREFIX}br
HOME_DIR=${KSAN_HOSTS_HOME:-$(mktemp -d /tmp/ksan-hosts.XXXXXX)}
mkdir -p "$HOME_DIR/logs"
chmod 755 "$HOME_DIR"
PG_PORT=5432 AMQP_PORT=5672
AMQP_USER=ksan AMQP_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
PIDS=()
NAMESPACES=()

ns() { echo "${PREFIX}$1"; }    # HOST -> its namespace
addr() { echo "$NET.1${1#h}"; } # HOST -> its address
root() { echo "$HOME_DIR/$1"; } # HOST -> its install prefix
in_ns() {
    local host=$1
    shift
    ip netns exec "$(ns "$host")" "$@"
}

cleanup() {
    local status=$?
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    if [[ -d $HOME_DIR/rabbitmq ]]; then
        in_ns h1 bash -c "source '$REPO/cluster/lib/rabbitmq.sh'; rmq_stop '$HOME_DIR/rabbitmq'" >/dev/null 2>&1
    fi
    if [[ -d $HOME_DIR/postgres/data ]]; then
        in_ns h1 bash -c "source '$REPO/cluster/lib/postgres.sh'; pg_stop '$HOME_DIR/postgres'" >/dev/null 2>&1
    fi
    # Nothing of the run may outlive it (a service whose PID was not the one recorded would).
    if left=$(pgrep -af -- "$HOME_DIR/"); then
        log "ERROR: processes of the run are still there:"$'\n'"$left"
        pkill -9 -f -- "$HOME_DIR/"
        status=1
    fi
    for namespace in "${NAMESPACES[@]}"; do ip netns delete "$namespace" 2>/dev/null; done
    if ((status == 0)) && [[ -z ${KSAN_HOSTS_KEEP:-} ]]; then
        rm -rf "$HOME_DIR"
    else
        log "state and logs kept in $HOME_DIR"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------- network
log "namespaces ${PREFIX}*, network $NET.0/24, state in $HOME_DIR"
ip netns add "$BRIDGE_NS"
NAMESPACES+=("$BRIDGE_NS")
ip netns exec "$BRIDGE_NS" ip link add br0 type bridge
ip netns exec "$BRIDGE_NS" ip link set br0 up
for host in h1 h2 h3 h4; do
    ip netns add "$(ns $host)"
    NAMESPACES+=("$(ns $host)")
    in_ns $host ip link set lo up
    ip link add "$(ns $host)" netns "$(ns $host)" type veth peer name "$(ns $host)b" netns "$BRIDGE_NS"
    ip netns exec "$BRIDGE_NS" ip link set "$(ns $host)b" master br0 up
    in_ns $host ip addr add "$(addr $host)/24" dev "$(ns $host)"
    in_ns $host ip link set "$(ns $host)" up
done

# The installer gets small stand-ins for the executables (exec the real ones): a debug build weighs some 140 MB
# per executable, four hosts would copy 3 GB. What is tested is the files the installer writes around them.
FAST_BIN=$HOME_DIR/bin
mkdir -p "$FAST_BIN"
for binary in ksan-metadata ksan-osd ksan-gateway ksan-portal ksan-worker ksanctl; do
    printf '#!/bin/sh\nexec %q "$@"\n' "$BIN/$binary" >"$FAST_BIN/$binary"
    chmod 0755 "$FAST_BIN/$binary"
done

install_host() { # HOST ROLES ARGS...
    local host=$1 roles=$2
    shift 2
    in_ns "$host" "$REPO/cluster/install.sh" --prefix "$(root "$host")" --bin "$FAST_BIN" --roles "$roles" \
        --host-id "$host" --address "$(addr "$host")" \
        --disk "$host-d1=/srv/ksan/d1" --disk "$host-d2=/srv/ksan/d2" "$@" >"$HOME_DIR/logs/install-$host.log" 2>&1 ||
        die "install.sh on $host failed: $(tail -n 20 "$HOME_DIR/logs/install-$host.log")"
    log "installed $host ($roles)"
}

# start HOST ROLE: runs the unit's ExecStart= with its EnvironmentFile= inside the host's namespace.
start() {
    local host=$1 role=$2 unit exec_start env_file
    unit=$(root "$host")/etc/systemd/system/ksan-$role.service
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
    [[ -n $exec_start && -n $env_file ]] || die "$unit has no ExecStart= or EnvironmentFile="
    # shellcheck disable=SC2086,SC2016 # ExecStart= is split on spaces, as systemd splits it (the installer allows no others)
    # `ip netns exec` itself (not the in_ns function, whose subshell would be $!), so that $! is the service: ip,
    # env, bash and the stand-in all exec, and cleanup's kill reaches the process.
    ip netns exec "$(ns "$host")" env -i PATH=/usr/bin:/bin KSAN_HEARTBEAT_SECONDS=1 \
        bash -c 'set -a; source "$1"; set +a; shift; exec "$@"' _ "$env_file" $exec_start \
        >>"$HOME_DIR/logs/$host-$role.log" 2>&1 </dev/null &
    PIDS+=($!)
}

wait_ready() { # HOST URL
    local deadline=$((SECONDS + 60))
    until in_ns "$1" curl --noproxy '*' -fsS -o /dev/null --max-time 2 "$2" 2>/dev/null; do
        ((SECONDS < deadline)) || die "nothing healthy at $2 in $1; logs in $HOME_DIR/logs"
        sleep 0.2
    done
}
health() { # HOST ROLE -> its health URL
    case $2 in
    metadata) echo "http://$(addr "$1"):9300/_ksan/health" ;;
    osd) echo "http://$(addr "$1"):9101/_ksan/health" ;;
    gateway) echo "http://$(addr "$1"):9000/_ksan/health" ;;
    portal) echo "http://$(addr "$1"):9400/api/v1/health" ;;
    worker) echo "http://$(addr "$1"):9500/_ksan/health" ;;
    esac
}
start_roles() { # HOST ROLE...
    local host=$1 role
    shift
    for role in "$@"; do
        start "$host" "$role"
        wait_ready "$host" "$(health "$host" "$role")"
    done
}

# ---------------------------------------------------------------------------------------------------- h1
KSAN_PG_FAST=1 in_ns h1 bash -c \
    "source '$REPO/cluster/lib/postgres.sh'; pg_start '$HOME_DIR/postgres' $PG_PORT && pg_create_db $PG_PORT ksan" \
    >"$HOME_DIR/logs/postgres-start.log" 2>&1 || die "PostgreSQL did not start in h1: $(tail "$HOME_DIR/logs/postgres-start.log")"
# RabbitMQ on h1's address, with a user of its own (guest may connect from loopback only).
in_ns h1 env KSAN_RMQ_USER=$AMQP_USER KSAN_RMQ_PASSWORD="$AMQP_PASSWORD" bash -c \
    "source '$REPO/cluster/lib/rabbitmq.sh'; rmq_start '$HOME_DIR/rabbitmq' $AMQP_PORT $(addr h1)" \
    >"$HOME_DIR/logs/rabbitmq-start.log" 2>&1 || die "RabbitMQ did not start in h1: $(tail "$HOME_DIR/logs/rabbitmq-start.log")"
AMQP_URL=amqp://$AMQP_USER:$AMQP_PASSWORD@$(addr h1):$AMQP_PORT/

cat >"$HOME_DIR/topology.json" <<EOF
{"hosts": [
  {"id": "h1", "endpoint": "http://$(addr h1):9101", "disks": ["h1-d1", "h1-d2"]},
  {"id": "h2", "endpoint": "http://$(addr h2):9101", "disks": ["h2-d1", "h2-d2"]},
  {"id": "h3", "endpoint": "http://$(addr h3):9101", "disks": ["h3-d1", "h3-d2"]}],
 "pools": [{"id": "default", "k": 2, "m": 1, "default": true,
            "disks": ["h1-d1", "h1-d2", "h2-d1", "h2-d2", "h3-d1", "h3-d2"]}]}
EOF
install_host h1 metadata,portal,osd,gateway,worker --postgres-url "postgres://postgres@127.0.0.1:$PG_PORT/ksan" \
    --amqp-url "$AMQP_URL" --topology "$HOME_DIR/topology.json" --region us-east-1 --domain s3.ksan.test
start_roles h1 metadata portal osd gateway worker

ETC1=$(root h1)/etc/ksan
PORTAL=http://$(addr h1):9400
API_KEY=$(<"$ETC1/api-key")
ctl() { in_ns h1 env KSAN_PORTAL_URL="$PORTAL" KSAN_API_KEY="$API_KEY" HOME="$HOME_DIR" "$FAST_BIN/ksanctl" "$@"; }

# ---------------------------------------------------------------------------------------------------- h2, h3
TOKEN=$(ctl join-token create --uses 2 --description "h2 and h3" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
KSAN_JOIN_TOKEN=$TOKEN install_host h2 osd,gateway,worker --portal-url "$PORTAL" --domain s3.ksan.test
KSAN_JOIN_TOKEN=$TOKEN install_host h3 osd --portal-url "$PORTAL"
cmp -s "$ETC1/cluster-key" "$(root h2)/etc/ksan/cluster-key" || die "h2 did not get the cluster key by joining"
grep -q "metadata-url = \"http://$(addr h1):9300\"" "$(root h3)/etc/ksan/ksan.toml" || die "h3 has no metadata URL"
grep -q "KSAN_AMQP_URL='$AMQP_URL'" "$(root h3)/etc/ksan/ksan.env" || die "h3 has no broker URL"
start_roles h2 osd gateway worker
start_roles h3 osd
log "h1..h3 serve; join tokens now: $(ctl join-token list --json | tr -d ' \n')"

# Both gateways serve S3, and the seed pool writes to h1..h3.
ADMIN_ACCESS=$(sed -n 's/^KSAN_ADMIN_ACCESS_KEY=//p' "$ETC1/admin-keys")
ADMIN_SECRET=$(sed -n 's/^KSAN_ADMIN_SECRET_KEY=//p' "$ETC1/admin-keys")
s3py() { # HOST GATEWAY-HOST PYTHON: runs PYTHON with `s3` a boto3 client of that gateway
    in_ns "$1" env NO_PROXY='*' no_proxy='*' AWS_EC2_METADATA_DISABLED=true python3 -c "
import boto3, botocore.config, sys, time
s3 = boto3.client('s3', endpoint_url='http://$(addr "$2"):9000', region_name='us-east-1',
                  aws_access_key_id='$ADMIN_ACCESS', aws_secret_access_key='$ADMIN_SECRET',
                  config=botocore.config.Config(s3={'addressing_style': 'path'}, retries={'total_max_attempts': 1}))
$3"
}
s3py h2 h2 "s3.create_bucket(Bucket='seed'); s3.put_object(Bucket='seed', Key='k', Body=b'x' * 300000)" ||
    die "a PUT through h2's gateway failed"
s3py h1 h1 "assert s3.get_object(Bucket='seed', Key='k')['Body'].read() == b'x' * 300000" ||
    die "h1's gateway does not read what h2's wrote"

# ---------------------------------------------------------------------------------------------------- h4
# A load through both gateways while h4 joins, is added to the topology and becomes part of the default pool:
# every PUT is acknowledged, and every acknowledged object reads back.
s3py h1 h1 "
import threading
s3.create_bucket(Bucket='load')
stop = time.monotonic() + 10 ** 6
failures, written = [], []
def run(n):
    i = 0
    while not __import__('os').path.exists('$HOME_DIR/stop-load'):
        key = f'w{n}/{i}'
        try:
            s3.put_object(Bucket='load', Key=key, Body=key.encode() * 5000)
            written.append(key)
        except Exception as e:
            failures.append(f'{key}: {e}')
        i += 1
threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
[t.start() for t in threads]
[t.join() for t in threads]
for key in written:
    assert s3.get_object(Bucket='load', Key=key)['Body'].read() == key.encode() * 5000, key
print(f'{len(written)} written and read back, {len(failures)} failed', *failures[:5], sep='\n')
sys.exit(1 if failures or not written else 0)
" >"$HOME_DIR/logs/load.log" 2>&1 &
LOAD=$!
sleep 2

TOKEN4=$(ctl join-token create --description h4 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
KSAN_JOIN_TOKEN=$TOKEN4 install_host h4 osd --portal-url "$PORTAL"
start_roles h4 osd
h4_files() { find "$(root h4)/srv/ksan" -type f | wc -l; }
H4_BEFORE=$(h4_files)
{
    ctl server add h4 --endpoint "http://$(addr h4):9101"
    ctl disk add h4-d1 --server h4
    ctl disk add h4-d2 --server h4
    ctl pool create wide --ec 2+2 --default \
        --disks h1-d1,h1-d2,h2-d1,h2-d2,h3-d1,h3-d2,h4-d1,h4-d2
} >"$HOME_DIR/logs/ksanctl-add-h4.log" 2>&1 || die "adding h4 with ksanctl failed: $(cat "$HOME_DIR/logs/ksanctl-add-h4.log")"
sleep 3
touch "$HOME_DIR/stop-load"
wait "$LOAD" || die "the load during h4's addition failed: $(tail -n 8 "$HOME_DIR/logs/load.log")"
log "load while h4 joined: $(head -n 1 "$HOME_DIR/logs/load.log")"

# Every service of the four hosts is registered and Online (heartbeats every second here).
deadline=$((SECONDS + 30))
until [[ $(ctl service list --json | python3 -c '
import json, sys
items = json.load(sys.stdin)
print(sorted(s["kind"] for s in items if s["state"] == "Online"))') == "['gateway', 'gateway', 'metadata', 'osd', 'osd', 'osd', 'osd', 'portal', 'worker', 'worker']" ]]; do
    ((SECONDS < deadline)) || die "not every service is Online: $(ctl service list)"
    sleep 0.5
done
ctl status >"$HOME_DIR/logs/status.txt"
log "ksanctl status:"
sed 's/^/    /' "$HOME_DIR/logs/status.txt" >&2

# ---------------------------------------------------------------------------------------------------- smoke
# The suite runs in h1 against h1's gateway; the tests that need a cluster/up.sh cluster's files skip.
# test_versions' s3fs comes from PyPI into a venv of its own, made here, where the network is (never in h1).
S3FS_VENV=$REPO/.build-venv/s3fs
if [[ ! -f $S3FS_VENV/.ready ]]; then
    if python3 -m venv --clear "$S3FS_VENV" && "$S3FS_VENV/bin/python" -m pip install --quiet s3fs; then
        echo s3fs >"$S3FS_VENV/.ready"
    else
        log "could not make $S3FS_VENV: test_versions' s3fs test will fail"
    fi
fi
SMOKE_HOME=$HOME_DIR/smoke-home
mkdir -p "$SMOKE_HOME"
echo '{"external": true}' >"$SMOKE_HOME/cluster.json"
cat >"$SMOKE_HOME/env" <<EOF
export AWS_ENDPOINT_URL=http://$(addr h1):9000
export AWS_ACCESS_KEY_ID=$ADMIN_ACCESS
export AWS_SECRET_ACCESS_KEY=$ADMIN_SECRET
export AWS_DEFAULT_REGION=us-east-1
export KSAN_S3_DOMAIN=s3.ksan.test
export KSAN_PORTAL_URL=$PORTAL
export KSAN_API_KEY=$API_KEY
EOF
in_ns h1 env KSAN_HOME="$SMOKE_HOME" PATH="$FAST_BIN:$PATH" NO_PROXY='*' no_proxy='*' \
    python3 -m pytest -p no:cacheprovider "$REPO/tests/smoke" "$@"

# The default pool's stripes reached h4: shards of the suite's objects are on its disks.
H4_AFTER=$(h4_files)
((H4_AFTER > H4_BEFORE)) || die "no shard reached h4's disks ($H4_BEFORE files before, $H4_AFTER after)"
log "h4's disks: $H4_BEFORE files when it joined, $H4_AFTER after the suite; four hosts installed, joined, serving"

#!/usr/bin/env bash
# Multi-host tests: every OSD host gets a network namespace of its own, with its own address on a private bridge,
# so a test can cut a host off the network (its link goes down: packets are silently lost, as in a real partition)
# or kill it, and see what the cluster does.
#
#   tests/netns/run.sh [pytest args]      (root; KSAN_BIN = directory of the built executables)
#
# Layout (all namespaces are created here and deleted on exit; nothing is added to the root namespace):
#   ksan<R>br       the bridge (10.231.<N>.0/24)
#   ksan<R>core     PostgreSQL, ksan-metadata, ksan-gateway and ksan-worker on its loopback; 10.231.<N>.1 on the
#                   bridge;
#                   the tests (pytest) run here too, as S3 clients of the gateway on 127.0.0.1
#   ksan<R>h1..h6   one ksan-osd each on 10.231.<N>.1x:9101, two disk directories
# The default pool is 4+2 over the six hosts: one shard of every stripe per host.
#
# Options (environment), for tests/faults/run.sh:
#   KSAN_NETNS_TESTS        the pytest directory (default tests/netns)
#   KSAN_NETNS_BUS=1        also RabbitMQ (on the core's bridge address, a user of its own) and ksan-portal in the
#                           core, and the metadata service on the core's bridge address too: every process gets the
#                           broker (hosts are judged Offline from their heartbeats) and the OSDs the metadata
#                           service (their scrub reports damage). pytest then gets KSAN_PORTAL_URL and KSAN_API_KEY
#   KSAN_NETNS_METADATA_ARGS, KSAN_NETNS_OSD_ARGS, KSAN_NETNS_WORKER_ARGS   extra flags of those processes
#   KSAN_NETNS_TMPFS_DISKS  disk directories (h3/d2 ...) that get a file system of their own, a 4 GiB tmpfs, so
#                           that a test can shrink it (mount -o remount,size=) to fill the disk; unmounted on exit
# Traffic goes only to loopback or to addresses of these namespaces, from inside them; the namespaces have no
# default route, so no packet can leave the machine.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"

log() { printf 'netns: %s\n' "$*" >&2; }
die() {
    printf 'netns: ERROR: %s\n' "$*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "network namespaces need root"
command -v ip >/dev/null || die "ip (iproute2) is missing"
[[ -n ${KSAN_BIN:-} && -x $KSAN_BIN/ksan-gateway ]] || die "set KSAN_BIN to the directory of the built executables"
BIN=$(cd "$KSAN_BIN" && pwd)

HOSTS=${KSAN_NETNS_HOSTS:-6}
TESTS=${KSAN_NETNS_TESTS:-$REPO/tests/netns}
BUS=${KSAN_NETNS_BUS:-}
read -r -a METADATA_ARGS <<<"${KSAN_NETNS_METADATA_ARGS:-}"
read -r -a OSD_ARGS <<<"${KSAN_NETNS_OSD_ARGS:-}"
read -r -a WORKER_ARGS <<<"${KSAN_NETNS_WORKER_ARGS:-}"
RUN_ID=$(printf '%04x' $((RANDOM % 65536)))
NET=10.231.$((RANDOM % 250 + 1))
PREFIX=ksan$RUN_ID
BRIDGE_NS=${PREFIX}br
CORE_NS=${PREFIX}core
HOME_DIR=${KSAN_NETNS_HOME:-$(mktemp -d /tmp/ksan-netns.XXXXXX)}
mkdir -p "$HOME_DIR/logs" "$HOME_DIR/run"
chmod 755 "$HOME_DIR"
PG_DIR=$HOME_DIR/postgres
PG_PORT=15432
METADATA_PORT=9300
GATEWAY_PORT=9000
WORKER_PORT=9500
OSD_PORT=9101
PORTAL_PORT=9400
AMQP_PORT=5672
PIDS=()
NAMESPACES=()
MOUNTS=()
read -r -a TMPFS_DISKS <<<"${KSAN_NETNS_TMPFS_DISKS:-}"

in_ns() { # NAMESPACE COMMAND...
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

cleanup() {
    local status=$?
    set +e
    # Also the processes a test started again (it rewrites their PID files).
    for file in "$HOME_DIR"/run/*.pid; do
        [[ -f $file ]] && PIDS+=("$(cat "$file")")
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    if [[ -d $PG_DIR/data ]]; then in_ns "$CORE_NS" bash -c "source '$REPO/cluster/lib/postgres.sh'; pg_stop '$PG_DIR'"; fi
    if [[ -d $HOME_DIR/rabbitmq ]]; then
        in_ns "$CORE_NS" bash -c "source '$REPO/cluster/lib/rabbitmq.sh'; rmq_stop '$HOME_DIR/rabbitmq'" >/dev/null 2>&1
    fi
    for ns in "${NAMESPACES[@]}"; do ip netns delete "$ns" 2>/dev/null; done
    for mount in "${MOUNTS[@]}"; do umount -l "$mount" 2>/dev/null; done
    if ((status == 0)) && [[ -z ${KSAN_NETNS_KEEP:-} ]]; then
        rm -rf "$HOME_DIR"
    else
        log "logs kept in $HOME_DIR/logs"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

add_ns() {
    ip netns add "$1"
    NAMESPACES+=("$1")
    in_ns "$1" ip link set lo up
}

# attach NAMESPACE NAME ADDRESS: a veth from NAMESPACE (interface NAME, with ADDRESS/24) to the bridge.
attach() {
    local ns=$1 name=$2 address=$3
    ip link add "$name" netns "$ns" type veth peer name "$name-b" netns "$BRIDGE_NS"
    in_ns "$BRIDGE_NS" ip link set "$name-b" master br0 up
    in_ns "$ns" ip addr add "$address/24" dev "$name"
    in_ns "$ns" ip link set "$name" up
}

log "namespaces ${PREFIX}*, network $NET.0/24, state in $HOME_DIR"
add_ns "$BRIDGE_NS"
in_ns "$BRIDGE_NS" ip link add br0 type bridge
in_ns "$BRIDGE_NS" ip link set br0 up
add_ns "$CORE_NS"
attach "$CORE_NS" "${PREFIX}c" "$NET.1"
for ((i = 1; i <= HOSTS; i++)); do
    add_ns "${PREFIX}h$i"
    attach "${PREFIX}h$i" "${PREFIX}h$i" "$NET.$((10 + i))"
done

# start NAME NAMESPACE BINARY ARGS...: runs a KSAN executable inside a namespace, logging to logs/NAME.log.
start() {
    local name=$1 ns=$2 binary=$3
    shift 3
    ip netns exec "$ns" "$BIN/$binary" "$@" --log-level info >>"$HOME_DIR/logs/$name.log" 2>&1 </dev/null &
    PIDS+=($!)
    echo $! >"$HOME_DIR/run/$name.pid"
}

wait_ready() { # NAMESPACE ADDRESS:PORT
    local deadline=$((SECONDS + 60))
    until in_ns "$1" curl --noproxy '*' -fsS -o /dev/null --max-time 2 "http://$2/_ksan/health" 2>/dev/null; do
        ((SECONDS < deadline)) || die "nothing healthy at $2 in $1; logs in $HOME_DIR/logs"
        sleep 0.2
    done
}

KSAN_PG_FAST=1 in_ns "$CORE_NS" bash -c \
    "source '$REPO/cluster/lib/postgres.sh'; pg_start '$PG_DIR' $PG_PORT && pg_create_db $PG_PORT ksan" >&2 ||
    die "PostgreSQL did not start in $CORE_NS"

METADATA_LISTEN=127.0.0.1
if [[ -n $BUS ]]; then
    AMQP_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    in_ns "$CORE_NS" env KSAN_RMQ_USER=ksan KSAN_RMQ_PASSWORD="$AMQP_PASSWORD" bash -c \
        "source '$REPO/cluster/lib/rabbitmq.sh'; rmq_start '$HOME_DIR/rabbitmq' $AMQP_PORT $NET.1" \
        >"$HOME_DIR/logs/rabbitmq-start.log" 2>&1 ||
        die "RabbitMQ did not start in $CORE_NS: $(tail "$HOME_DIR/logs/rabbitmq-start.log")"
    # Every process below inherits the broker's URL (never on a command line).
    export KSAN_AMQP_URL=amqp://ksan:$AMQP_PASSWORD@$NET.1:$AMQP_PORT/
    # The core's loopback and its bridge address: the OSDs report to it.
    METADATA_LISTEN=0.0.0.0
    OSD_ARGS+=(--metadata-url "http://$NET.1:$METADATA_PORT")
fi

KEY_FILE=$HOME_DIR/cluster-key
(umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$KEY_FILE")
ACCESS_KEY=NETNS$(printf '%015d' $RANDOM)
SECRET_KEY=$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
ADMIN_KEYS_FILE=$HOME_DIR/admin-keys
(umask 077 && printf 'KSAN_ADMIN_ACCESS_KEY=%s\nKSAN_ADMIN_SECRET_KEY=%s\n' "$ACCESS_KEY" "$SECRET_KEY" >"$ADMIN_KEYS_FILE")
HOSTS=$HOSTS NET=$NET OSD_PORT=$OSD_PORT HOME_DIR=$HOME_DIR PREFIX=$PREFIX python3 - <<'EOF'
import json, os
e = os.environ
hosts = [{"id": f"h{i}", "endpoint": f"http://{e['NET']}.{10 + i}:{e['OSD_PORT']}", "disks": [f"h{i}-d1", f"h{i}-d2"]}
         for i in range(1, int(e["HOSTS"]) + 1)]
pool = {"id": "default", "k": 4, "m": 2, "default": True, "disks": [d for h in hosts for d in h["disks"]]}
with open(f"{e['HOME_DIR']}/topology.json", "w") as f:
    json.dump({"hosts": hosts, "pools": [pool]}, f)
EOF

start metadata "$CORE_NS" ksan-metadata --listen "$METADATA_LISTEN:$METADATA_PORT" \
    --postgres-url "postgres://postgres@127.0.0.1:$PG_PORT/ksan" --topology "$HOME_DIR/topology.json" \
    --admin-keys-file "$ADMIN_KEYS_FILE" --cluster-key-file "$KEY_FILE" "${METADATA_ARGS[@]}"
wait_ready "$CORE_NS" "127.0.0.1:$METADATA_PORT"
for disk in "${TMPFS_DISKS[@]}"; do
    [[ $disk =~ ^h[0-9]+/d[12]$ ]] || die "KSAN_NETNS_TMPFS_DISKS: $disk is not hN/dD"
    mkdir -p "$HOME_DIR/$disk"
    mount -t tmpfs -o size=4g,mode=0700 "ksan-$PREFIX" "$HOME_DIR/$disk"
    MOUNTS+=("$HOME_DIR/$disk")
done
for ((i = 1; i <= HOSTS; i++)); do
    mkdir -p "$HOME_DIR/h$i/d1" "$HOME_DIR/h$i/d2"
    start "h$i" "${PREFIX}h$i" ksan-osd --listen "$NET.$((10 + i)):$OSD_PORT" --host-id "h$i" \
        --disk "h$i-d1=$HOME_DIR/h$i/d1" --disk "h$i-d2=$HOME_DIR/h$i/d2" --cluster-key-file "$KEY_FILE" \
        "${OSD_ARGS[@]}"
done
for ((i = 1; i <= HOSTS; i++)); do wait_ready "${PREFIX}h$i" "$NET.$((10 + i)):$OSD_PORT"; done
start gateway "$CORE_NS" ksan-gateway --listen "127.0.0.1:$GATEWAY_PORT" \
    --metadata-url "http://127.0.0.1:$METADATA_PORT" --region us-east-1 --cluster-key-file "$KEY_FILE"
wait_ready "$CORE_NS" "127.0.0.1:$GATEWAY_PORT"
start worker "$CORE_NS" ksan-worker --listen "127.0.0.1:$WORKER_PORT" \
    --metadata-url "http://127.0.0.1:$METADATA_PORT" --repair-interval 1 --cluster-key-file "$KEY_FILE" \
    "${WORKER_ARGS[@]}"
wait_ready "$CORE_NS" "127.0.0.1:$WORKER_PORT"
PORTAL_ENV=()
if [[ -n $BUS ]]; then
    API_KEY_FILE=$HOME_DIR/api-key
    (umask 077 && "$BIN/ksan-portal" --new-api-key >"$API_KEY_FILE")
    start portal "$CORE_NS" ksan-portal --listen "127.0.0.1:$PORTAL_PORT" \
        --postgres-url "postgres://postgres@127.0.0.1:$PG_PORT/ksan" --api-key-file "$API_KEY_FILE" \
        --cluster-key-file "$KEY_FILE" --metadata-url "http://127.0.0.1:$METADATA_PORT"
    deadline=$((SECONDS + 60))
    until in_ns "$CORE_NS" curl --noproxy '*' -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORTAL_PORT/api/v1/health"; do
        ((SECONDS < deadline)) || die "the portal did not start; logs in $HOME_DIR/logs"
        sleep 0.2
    done
    PORTAL_ENV=(KSAN_PORTAL_URL="http://127.0.0.1:$PORTAL_PORT" KSAN_API_KEY="$(cat "$API_KEY_FILE")" KSAN_BIN="$BIN")
fi
log "cluster up: $HOSTS OSD hosts, gateway at 127.0.0.1:$GATEWAY_PORT in $CORE_NS"

# The tests run inside the core namespace; they cut hosts off through the bridge namespace.
in_ns "$CORE_NS" env \
    AWS_ENDPOINT_URL="http://127.0.0.1:$GATEWAY_PORT" AWS_ACCESS_KEY_ID="$ACCESS_KEY" \
    AWS_SECRET_ACCESS_KEY="$SECRET_KEY" AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    NO_PROXY='*' no_proxy='*' \
    KSAN_NETNS_BRIDGE="$BRIDGE_NS" KSAN_NETNS_PREFIX="$PREFIX" KSAN_NETNS_HOSTS="$HOSTS" \
    KSAN_NETNS_HOME="$HOME_DIR" KSAN_NETNS_TMPFS_DISKS="${TMPFS_DISKS[*]}" "${PORTAL_ENV[@]}" \
    python3 -m pytest -p no:cacheprovider "$TESTS" "$@"

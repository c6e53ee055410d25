#!/usr/bin/env bash
# Starts a whole KSAN cluster on this machine, on 127.0.0.1 only: a private PostgreSQL, a private RabbitMQ (the
# cluster's event bus), ksan-metadata, N ksan-osd hosts with their disk directories, the S3 gateway, and the portal
# (the control-plane API that ksanctl uses), and ksan-worker (garbage collection, repair). Everything lives under
# KSAN_HOME.
#
# Idempotent: processes that already run are left alone; the ones whose PID file is missing or whose process died
# are (re)started, so running it again after a crash, or after a test killed an OSD, brings the cluster back whole.
#
# Settings (environment; the values of the first run are kept in KSAN_HOME/settings and are the defaults of later
# runs, so `cluster/up.sh` alone restarts a cluster as it was made):
#   KSAN_HOME            state, data and logs            default <repo>/scratch/cluster
#   KSAN_BIN             directory of ksan-metadata, ksan-osd, ksan-gateway, ksan-portal, ksan-worker, ksanctl; unset:
#                        `swift build -c release`
#                        in KSAN_RELEASE_SCRATCH (default <repo>/.build-release, apart from the debug build's .build)
#   KSAN_PG_PORT         PostgreSQL port                 default 15432
#   KSAN_AMQP_PORT       RabbitMQ AMQP port (+1, +2: its Erlang distribution and epmd)   default 15672
#   KSAN_METADATA_PORT   ksan-metadata port              default 9300
#   KSAN_OSD_BASE_PORT   port of osd1 (osdN: +N-1)       default 9101
#   KSAN_GATEWAY_PORT    S3 endpoint port                default 9000
#   KSAN_PORTAL_PORT     portal API port (ksanctl)       default 9400
#   KSAN_WORKER_PORT     ksan-worker's health and /metrics port   default 9500
#   KSAN_METRICS_PORT    the gateway's /metrics port (the others serve /metrics on their own port)   default 9090
#   KSAN_OSDS            number of OSD hosts             default 3
#   KSAN_DISKS_PER_OSD   disk directories per OSD        default 2
#   KSAN_EC              default pool: K+M (4+2, 2+1, 8+4) or repN (replicated, N copies)   default 4+2
#   KSAN_REGION          S3 region                       default us-east-1
#   KSAN_DOMAIN          virtual-hosted-style domain     default s3.localhost (<bucket>.s3.localhost)
#   KSAN_READY_TIMEOUT   seconds to wait for each process's /_ksan/health    default 60
# Background work (unset: the service's own default; see docs/operations.md):
#   KSAN_SCRUB_INTERVAL  OSDs: seconds between scrub passes, 0: none        (--scrub-interval, default 86400)
#   KSAN_SCRUB_RATE      OSDs: MB per second a scrub pass reads              (--scrub-rate, default 64)
#   KSAN_REPAIR_INTERVAL worker: seconds between idle repair passes          (--repair-interval, default 10)
#   KSAN_REPAIR_RATE     worker: MB per second of shards repair moves, 0: no limit    (--repair-rate, default 0)
#   KSAN_GC_INTERVAL     worker: seconds between idle garbage collection passes       (--gc-interval, default 10)
#   KSAN_GC_GRACE        worker: seconds the data of a replaced version is kept       (--gc-grace, default 7200)
#   KSAN_REBUILD_INTERVAL  worker: seconds between rebuild passes that found nothing to move  (--rebuild-interval, 10)
#   KSAN_REBUILD_RATE    worker: MB per second of shards a rebuild or drain moves, 0: no limit  (--rebuild-rate, 0)
#   KSAN_REBUILD_AFTER   worker: seconds a host stays Offline before its disks are rebuilt elsewhere (--rebuild-after, 600)
#   KSAN_REBUILD_PARALLEL  worker: data relocated at once by a rebuild  (--rebuild-parallel, default 4)
#   KSAN_OSD_TIMEOUT     metadata: seconds of OSD silence before its host is Offline  (--osd-timeout, default 30)
#   KSAN_DISK_RESERVE    OSDs: free space kept on every disk, a size or a percentage  (--disk-reserve, default 1%)
#
# Afterwards: `source KSAN_HOME/env` and use `aws s3 ls`, boto3, ...; stop with cluster/down.sh.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"
# shellcheck source=cluster/lib/rabbitmq.sh
source "$REPO/cluster/lib/rabbitmq.sh"

log() { printf 'up.sh: %s\n' "$*" >&2; }
die() {
    printf 'up.sh: ERROR: %s\n' "$*" >&2
    exit 1
}

if [[ -d /opt/swift/usr/bin && :$PATH: != *:/opt/swift/usr/bin:* ]]; then
    PATH=$PATH:/opt/swift/usr/bin
fi

# ---------------------------------------------------------------------------------------------------- settings
KSAN_HOME=${KSAN_HOME:-$REPO/scratch/cluster}
mkdir -p "$KSAN_HOME"
KSAN_HOME=$(cd "$KSAN_HOME" && pwd)
SETTINGS_FILE=$KSAN_HOME/settings
SETTINGS=(KSAN_PG_PORT KSAN_AMQP_PORT KSAN_METADATA_PORT KSAN_OSD_BASE_PORT KSAN_GATEWAY_PORT KSAN_PORTAL_PORT KSAN_METRICS_PORT KSAN_WORKER_PORT KSAN_OSDS KSAN_DISKS_PER_OSD KSAN_EC
    KSAN_REGION KSAN_DOMAIN KSAN_SCRUB_INTERVAL KSAN_SCRUB_RATE KSAN_REPAIR_INTERVAL KSAN_REPAIR_RATE KSAN_GC_INTERVAL KSAN_GC_GRACE
    KSAN_REBUILD_INTERVAL KSAN_REBUILD_RATE KSAN_REBUILD_AFTER KSAN_REBUILD_PARALLEL KSAN_OSD_TIMEOUT KSAN_DISK_RESERVE)

# Values of the first run, for the variables this run does not set.
if [[ -f $SETTINGS_FILE ]]; then
    while IFS='=' read -r name value; do
        for known in "${SETTINGS[@]}"; do
            if [[ $name == "$known" && -z ${!name:-} ]]; then
                printf -v "$name" '%s' "$value"
            fi
        done
    done <"$SETTINGS_FILE"
fi
KSAN_PG_PORT=${KSAN_PG_PORT:-15432}
KSAN_AMQP_PORT=${KSAN_AMQP_PORT:-15672}
KSAN_METADATA_PORT=${KSAN_METADATA_PORT:-9300}
KSAN_OSD_BASE_PORT=${KSAN_OSD_BASE_PORT:-9101}
KSAN_GATEWAY_PORT=${KSAN_GATEWAY_PORT:-9000}
KSAN_PORTAL_PORT=${KSAN_PORTAL_PORT:-9400}
KSAN_METRICS_PORT=${KSAN_METRICS_PORT:-9090}
KSAN_WORKER_PORT=${KSAN_WORKER_PORT:-9500}
KSAN_OSDS=${KSAN_OSDS:-3}
KSAN_DISKS_PER_OSD=${KSAN_DISKS_PER_OSD:-2}
KSAN_EC=${KSAN_EC:-4+2}
KSAN_REGION=${KSAN_REGION:-us-east-1}
KSAN_DOMAIN=${KSAN_DOMAIN:-s3.localhost} # virtual-hosted-style requests: <bucket>.$KSAN_DOMAIN
KSAN_READY_TIMEOUT=${KSAN_READY_TIMEOUT:-60}

for name in KSAN_PG_PORT KSAN_AMQP_PORT KSAN_METADATA_PORT KSAN_OSD_BASE_PORT KSAN_GATEWAY_PORT KSAN_PORTAL_PORT KSAN_METRICS_PORT KSAN_WORKER_PORT KSAN_OSDS KSAN_DISKS_PER_OSD \
    KSAN_READY_TIMEOUT; do
    [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "$name must be a positive number, not '${!name}'"
done
# Background rates: passed on as flags when set (numbers; each service checks its own range).
OSD_BACKGROUND=() WORKER_BACKGROUND=() METADATA_BACKGROUND=()
for pair in KSAN_SCRUB_INTERVAL:--scrub-interval KSAN_SCRUB_RATE:--scrub-rate KSAN_REPAIR_INTERVAL:--repair-interval \
    KSAN_REPAIR_RATE:--repair-rate KSAN_GC_INTERVAL:--gc-interval KSAN_GC_GRACE:--gc-grace \
    KSAN_REBUILD_INTERVAL:--rebuild-interval KSAN_REBUILD_RATE:--rebuild-rate KSAN_REBUILD_AFTER:--rebuild-after \
    KSAN_REBUILD_PARALLEL:--rebuild-parallel KSAN_OSD_TIMEOUT:--osd-timeout; do
    name=${pair%%:*} flag=${pair#*:}
    [[ -n ${!name:-} ]] || continue
    [[ ${!name} =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$name must be a number, not '${!name}'"
    case $name in
    KSAN_SCRUB_*) OSD_BACKGROUND+=("$flag" "${!name}") ;;
    KSAN_OSD_TIMEOUT) METADATA_BACKGROUND+=("$flag" "${!name}") ;;
    *) WORKER_BACKGROUND+=("$flag" "${!name}") ;;
    esac
done
if [[ -n ${KSAN_DISK_RESERVE:-} ]]; then
    [[ $KSAN_DISK_RESERVE =~ ^[0-9]+([.][0-9]+)?%$|^[0-9]+[KMGTkmgt]?$ ]] ||
        die "KSAN_DISK_RESERVE must be a size (512M, 10G) or a percentage (2%), not '$KSAN_DISK_RESERVE'"
    OSD_BACKGROUND+=(--disk-reserve "$KSAN_DISK_RESERVE")
fi
DISK_COUNT=$((KSAN_OSDS * KSAN_DISKS_PER_OSD))
if [[ $KSAN_EC =~ ^([0-9]+)\+([0-9]+)$ ]]; then
    EC_K=${BASH_REMATCH[1]} EC_M=${BASH_REMATCH[2]} EC_REPLICAS=''
    ((EC_K >= 1 && EC_M >= 1)) || die "KSAN_EC=$KSAN_EC: k and m must be at least 1"
    WIDTH=$((EC_K + EC_M))
elif [[ $KSAN_EC =~ ^rep([0-9]+)$ ]]; then
    EC_K='' EC_M='' EC_REPLICAS=${BASH_REMATCH[1]}
    ((EC_REPLICAS >= 1)) || die "KSAN_EC=$KSAN_EC: at least one replica"
    WIDTH=$EC_REPLICAS
else
    die "KSAN_EC must look like 4+2 (erasure coding) or rep3 (replication), not '$KSAN_EC'"
fi
((WIDTH <= DISK_COUNT)) ||
    die "KSAN_EC=$KSAN_EC needs $WIDTH disks but $KSAN_OSDS OSDs x $KSAN_DISKS_PER_OSD disks = $DISK_COUNT:" \
        "raise KSAN_OSDS or KSAN_DISKS_PER_OSD"
# Shards are dealt round-robin over the hosts: one host holds up to ceil(width/hosts) of a stripe, which must not
# exceed what the pool can lose (m; copies-1) nor the host's disks (the metadata service refuses such a pool).
PER_HOST=$(((WIDTH + KSAN_OSDS - 1) / KSAN_OSDS))
TOLERATES=${EC_M:-$((EC_REPLICAS - 1))}
((PER_HOST <= KSAN_DISKS_PER_OSD)) ||
    die "KSAN_EC=$KSAN_EC over $KSAN_OSDS OSDs puts $PER_HOST shards on one host, which has $KSAN_DISKS_PER_OSD disks"
((TOLERATES == 0 || PER_HOST <= TOLERATES)) ||
    die "KSAN_EC=$KSAN_EC over $KSAN_OSDS OSDs puts $PER_HOST shards of a stripe on one host, more than the" \
        "$TOLERATES it can lose: raise KSAN_OSDS"

RUN=$KSAN_HOME/run
LOGS=$KSAN_HOME/logs
# Keys, logs and data are the cluster's own: no other local user may read them. KSAN_HOME itself stays traversable
# (0711) because PostgreSQL runs as the postgres user and must reach its directory inside.
umask 077
mkdir -p "$RUN" "$LOGS"
chmod 711 "$KSAN_HOME"
chmod 700 "$RUN" "$LOGS"
chmod 600 "$LOGS"/*.log 2>/dev/null || true
for name in "${SETTINGS[@]}"; do printf '%s=%s\n' "$name" "${!name:-}"; done >"$SETTINGS_FILE"

# One up.sh at a time per KSAN_HOME.
exec 9>"$RUN/up.lock"
if ! flock -n 9; then
    log "another up.sh works on $KSAN_HOME; waiting for it"
    flock -w 600 9 || die "gave up waiting for the other up.sh"
fi

# ---------------------------------------------------------------------------------------------------- prerequisites
missing=()
[[ -x $KSAN_PG_BIN/initdb && -x $KSAN_PG_BIN/pg_ctl && -x $KSAN_PG_BIN/psql ]] || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
[[ -f /usr/include/isa-l/erasure_code.h ]] || missing+=(libisal-dev)
[[ -f /usr/include/lz4.h ]] || missing+=(liblz4-dev)
[[ -f /usr/include/amqp.h || -f /usr/include/rabbitmq-c/amqp.h ]] || missing+=(librabbitmq-dev)
[[ -x ${KSAN_RMQ_BIN:-/usr/lib/rabbitmq/bin}/rabbitmq-server ]] || missing+=(rabbitmq-server)
[[ -f /usr/include/openssl/ssl.h ]] || missing+=(libssl-dev)
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing missing packages: ${missing[*]}"
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
        die "missing packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
    fi
fi

# ---------------------------------------------------------------------------------------------------- binaries
BINARIES=(ksan-metadata ksan-osd ksan-gateway ksan-portal ksan-worker ksanctl)
if [[ -n ${KSAN_BIN:-} ]]; then
    [[ -d $KSAN_BIN ]] || die "KSAN_BIN=$KSAN_BIN is not a directory"
    BIN=$(cd "$KSAN_BIN" && pwd)
else
    command -v swift >/dev/null ||
        die "swift not found: install the Swift 6 toolchain (expected in /opt/swift/usr/bin) or set KSAN_BIN"
    # A scratch path of its own, so that a release build does not hold .build's lock against the debug builds.
    scratch=${KSAN_RELEASE_SCRATCH:-$REPO/.build-release}
    log "building release binaries (swift build -c release --scratch-path $scratch; incremental after the first time)"
    (cd "$REPO" && swift build -c release --scratch-path "$scratch" >&2) || die "swift build -c release failed"
    BIN=$(cd "$REPO" && swift build -c release --scratch-path "$scratch" --show-bin-path)
fi
for binary in "${BINARIES[@]}"; do
    [[ -x $BIN/$binary ]] || die "$BIN/$binary is missing: build it (swift build) or point KSAN_BIN at it"
done

# ---------------------------------------------------------------------------------------------------- keys, files
KEYS_FILE=$KSAN_HOME/admin-keys
random_string() { # LENGTH CHARACTER-SET (tr syntax)
    local length=$1 set=$2 out=
    while ((${#out} < length)); do
        out+=$(LC_ALL=C tr -dc "$set" < <(head -c 1024 /dev/urandom))
    done
    printf '%s' "${out:0:length}"
}
if [[ ! -s $KEYS_FILE ]]; then
    (
        umask 077
        printf 'KSAN_ADMIN_ACCESS_KEY=%s\nKSAN_ADMIN_SECRET_KEY=%s\n' \
            "$(random_string 20 'A-Z0-9')" "$(random_string 40 'A-Za-z0-9')" >"$KEYS_FILE.tmp"
    )
    mv "$KEYS_FILE.tmp" "$KEYS_FILE"
    log "generated admin keys in $KEYS_FILE"
fi
# The cluster key: every internal call (gateway and OSD scrubber to metadata, gateway to OSDs) is signed with it.
CLUSTER_KEY_FILE=$KSAN_HOME/cluster-key
if [[ ! -s $CLUSTER_KEY_FILE ]]; then
    (
        umask 077
        random_string 48 'A-Za-z0-9' >"$CLUSTER_KEY_FILE.tmp"
    )
    mv "$CLUSTER_KEY_FILE.tmp" "$CLUSTER_KEY_FILE"
    log "generated the cluster key in $CLUSTER_KEY_FILE"
fi
# The broker's password (user ksan): set at the broker's first start, read from here by the services.
AMQP_PASSWORD_FILE=$KSAN_HOME/amqp-password
if [[ ! -s $AMQP_PASSWORD_FILE ]]; then
    (
        umask 077
        random_string 32 'A-Za-z0-9' >"$AMQP_PASSWORD_FILE.tmp"
    )
    mv "$AMQP_PASSWORD_FILE.tmp" "$AMQP_PASSWORD_FILE"
fi
AMQP_PASSWORD=$(<"$AMQP_PASSWORD_FILE")
# The portal's bootstrap API key (only its hash is stored in the database).
API_KEY_FILE=$KSAN_HOME/api-key
if [[ ! -s $API_KEY_FILE ]]; then
    (
        umask 077
        "$BIN/ksan-portal" --new-api-key >"$API_KEY_FILE.tmp"
    )
    mv "$API_KEY_FILE.tmp" "$API_KEY_FILE"
    log "generated the portal's API key in $API_KEY_FILE"
fi
API_KEY=$(<"$API_KEY_FILE")
ACCESS_KEY=$(sed -n 's/^KSAN_ADMIN_ACCESS_KEY=//p' "$KEYS_FILE")
SECRET_KEY=$(sed -n 's/^KSAN_ADMIN_SECRET_KEY=//p' "$KEYS_FILE")
[[ -n $ACCESS_KEY && -n $SECRET_KEY ]] || die "$KEYS_FILE is damaged: delete it to generate new keys"

PG_DIR=$KSAN_HOME/postgres
PG_URL=postgres://postgres@127.0.0.1:$KSAN_PG_PORT/ksan
METADATA_URL=http://127.0.0.1:$KSAN_METADATA_PORT
ENDPOINT=http://127.0.0.1:$KSAN_GATEWAY_PORT
PORTAL_URL=http://127.0.0.1:$KSAN_PORTAL_PORT
TOPOLOGY_FILE=$KSAN_HOME/topology.json
ENV_FILE=$KSAN_HOME/env

osd_port() { echo $((KSAN_OSD_BASE_PORT + $1 - 1)); }
for ((i = 1; i <= KSAN_OSDS; i++)); do
    for ((d = 1; d <= KSAN_DISKS_PER_OSD; d++)); do mkdir -p "$KSAN_HOME/osd$i/d$d"; done
    chmod -R go-rwx "$KSAN_HOME/osd$i"
done

# topology.json (read by ksan-metadata at start) and cluster.json (for people and tests), written by one program.
KSAN_HOME=$KSAN_HOME BIN=$BIN OSDS=$KSAN_OSDS DISKS=$KSAN_DISKS_PER_OSD OSD_BASE_PORT=$KSAN_OSD_BASE_PORT \
    EC=$KSAN_EC EC_K=$EC_K EC_M=$EC_M EC_REPLICAS=$EC_REPLICAS PG_PORT=$KSAN_PG_PORT PG_URL=$PG_URL \
    AMQP_PORT=$KSAN_AMQP_PORT PORTAL_PORT=$KSAN_PORTAL_PORT METRICS_PORT=$KSAN_METRICS_PORT WORKER_PORT=$KSAN_WORKER_PORT \
    METADATA_PORT=$KSAN_METADATA_PORT GATEWAY_PORT=$KSAN_GATEWAY_PORT REGION=$KSAN_REGION \
    TOPOLOGY_FILE=$TOPOLOGY_FILE ENV_FILE=$ENV_FILE python3 - <<'EOF'
import json, os

e = os.environ
home = e["KSAN_HOME"]
osds, disks = int(e["OSDS"]), int(e["DISKS"])
base = int(e["OSD_BASE_PORT"])
hosts = []
for i in range(1, osds + 1):
    hosts.append({
        "id": f"osd{i}",
        "port": base + i - 1,
        "endpoint": f"http://127.0.0.1:{base + i - 1}",
        "pid_file": f"{home}/run/osd{i}.pid",
        "log": f"{home}/logs/osd{i}.log",
        "disks": [{"id": f"osd{i}-d{d}", "path": f"{home}/osd{i}/d{d}"} for d in range(1, disks + 1)],
    })
pool = {"id": "default", "disks": [d["id"] for h in hosts for d in h["disks"]], "default": True}
if e["EC_REPLICAS"]:
    pool["replicas"] = int(e["EC_REPLICAS"])
else:
    pool["k"], pool["m"] = int(e["EC_K"]), int(e["EC_M"])
topology = {
    "hosts": [{"id": h["id"], "endpoint": h["endpoint"], "disks": [d["id"] for d in h["disks"]]} for h in hosts],
    "pools": [pool],
}
cluster = {
    "home": home,
    "bin": e["BIN"],
    "region": e["REGION"],
    "ec": e["EC"],
    "pool": pool,
    "topology_file": e["TOPOLOGY_FILE"],
    "env_file": e["ENV_FILE"],
    "admin_keys_file": f"{home}/admin-keys",
    "postgres": {"port": int(e["PG_PORT"]), "url": e["PG_URL"], "dir": f"{home}/postgres",
                 "log": f"{home}/postgres/postgres.log"},
    "metadata": {"port": int(e["METADATA_PORT"]), "url": f"http://127.0.0.1:{e['METADATA_PORT']}",
                 "pid_file": f"{home}/run/metadata.pid", "log": f"{home}/logs/metadata.log"},
    "portal": {"port": int(e["PORTAL_PORT"]), "url": f"http://127.0.0.1:{e['PORTAL_PORT']}",
               "pid_file": f"{home}/run/portal.pid", "log": f"{home}/logs/portal.log"},
    "gateway": {"port": int(e["GATEWAY_PORT"]), "endpoint": f"http://127.0.0.1:{e['GATEWAY_PORT']}",
                "metrics": f"http://127.0.0.1:{e['METRICS_PORT']}/metrics",
                "pid_file": f"{home}/run/gateway.pid", "log": f"{home}/logs/gateway.log"},
    "worker": {"port": int(e["WORKER_PORT"]), "url": f"http://127.0.0.1:{e['WORKER_PORT']}",
               "metrics": f"http://127.0.0.1:{e['WORKER_PORT']}/metrics",
               "pid_file": f"{home}/run/worker.pid", "log": f"{home}/logs/worker.log"},
    "osds": hosts,
    # What cluster/up.sh needs to restart this cluster as it is (used by tests that kill a process).
    "rabbitmq": {"port": int(e["AMQP_PORT"]), "dir": f"{home}/rabbitmq", "log": f"{home}/rabbitmq/rabbitmq.log"},
    "up_env": {"KSAN_HOME": home, "KSAN_BIN": e["BIN"], "KSAN_PG_PORT": e["PG_PORT"], "KSAN_AMQP_PORT": e["AMQP_PORT"], "KSAN_PORTAL_PORT": e["PORTAL_PORT"], "KSAN_METRICS_PORT": e["METRICS_PORT"], "KSAN_WORKER_PORT": e["WORKER_PORT"],
               "KSAN_METADATA_PORT": e["METADATA_PORT"], "KSAN_GATEWAY_PORT": e["GATEWAY_PORT"],
               "KSAN_OSD_BASE_PORT": str(base), "KSAN_OSDS": str(osds), "KSAN_DISKS_PER_OSD": str(disks),
               "KSAN_EC": e["EC"], "KSAN_REGION": e["REGION"]},
}
for path, doc in ((e["TOPOLOGY_FILE"], topology), (f"{home}/cluster.json", cluster)):
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
EOF

(
    umask 077
    cat >"$ENV_FILE.tmp" <<EOF
# KSAN cluster in $KSAN_HOME: \`source $ENV_FILE\`, then aws s3 ls, boto3, ... reach it.
export KSAN_HOME='$KSAN_HOME'
export AWS_ENDPOINT_URL=$ENDPOINT
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_DEFAULT_REGION=$KSAN_REGION
export KSAN_S3_DOMAIN=$KSAN_DOMAIN
export AWS_EC2_METADATA_DISABLED=true
export KSAN_PORTAL_URL=$PORTAL_URL
export KSAN_API_KEY=$API_KEY
export PATH=$BIN:\$PATH
export NO_PROXY=127.0.0.1,localhost\${NO_PROXY:+,\$NO_PROXY}
export no_proxy=127.0.0.1,localhost\${no_proxy:+,\$no_proxy}
EOF
)
mv "$ENV_FILE.tmp" "$ENV_FILE"

# ---------------------------------------------------------------------------------------------------- processes
# is_running NAME BINARY: the PID file names a live process of BINARY. A stale PID file is removed.
is_running() {
    local name=$1 binary=$2 pidfile=$RUN/$1.pid pid cmdline
    [[ -f $pidfile ]] || return 1
    pid=$(<"$pidfile")
    if pid_alive "$pid"; then
        cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
        [[ $cmdline == *"$binary"* ]] && return 0
    fi
    log "$name: removing stale PID file (process $pid is gone)"
    rm -f "$pidfile"
    return 1
}

# start NAME PORT BINARY ARGS...: starts BINARY in its own session unless NAME already runs.
STARTED=()
start() {
    local name=$1 port=$2 binary=$3
    shift 3
    if is_running "$name" "$binary"; then
        return 0
    fi
    if port_in_use "$port"; then
        die "$name: port $port on 127.0.0.1 is taken by a process that is not this cluster's $name" \
            "(another cluster? see KSAN_*_PORT)"
    fi
    local logfile=$LOGS/$name.log
    # The arguments carry no secret (keys travel in files and the environment), so they may be logged.
    printf '\n===== %s up.sh starts: %s %s\n' "$(date '+%F %T')" "$binary" "$*" >>"$logfile"
    chmod 600 "$logfile"
    # Own session, no terminal, and not holding the lock (fd 9), so it outlives this script and its terminal.
    setsid nohup "$BIN/$binary" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
    echo $! >"$RUN/$name.pid"
    STARTED+=("$name")
    log "$name: started (pid $!, log $logfile)"
}

fail_with_log() { # NAME MESSAGE
    local logfile=$LOGS/$1.log
    {
        printf 'up.sh: ERROR: %s %s; the end of %s:\n' "$1" "$2" "$logfile"
        tail -n 40 "$logfile" | sed 's/^/    /'
    } >&2
    exit 1
}

# wait_ready NAME PORT [PATH]: polls PATH (default /_ksan/health) until it answers 200; fails if the process dies or
# the time runs out.
wait_ready() {
    local name=$1 port=$2 path=${3:-/_ksan/health} deadline=$((SECONDS + KSAN_READY_TIMEOUT)) pid
    pid=$(<"$RUN/$name.pid")
    until curl --noproxy '*' -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port$path" 2>/dev/null; do
        pid_alive "$pid" || fail_with_log "$name" "(pid $pid) exited before it was ready"
        ((SECONDS < deadline)) ||
            fail_with_log "$name" "(pid $pid) did not answer http://127.0.0.1:$port$path within ${KSAN_READY_TIMEOUT}s"
        sleep 0.2
    done
}

pg_start "$PG_DIR" "$KSAN_PG_PORT" 9>&- || die "PostgreSQL did not start" # 9>&-: the server must not keep the lock
pg_create_db "$KSAN_PG_PORT" ksan || die "could not create database ksan on 127.0.0.1:$KSAN_PG_PORT"
# The event bus. S3 keeps working while it is down (events wait in the metadata service's outbox).
KSAN_RMQ_USER=ksan KSAN_RMQ_PASSWORD=$AMQP_PASSWORD rmq_start "$KSAN_HOME/rabbitmq" "$KSAN_AMQP_PORT" 9>&- ||
    die "RabbitMQ did not start (see $KSAN_HOME/rabbitmq/rabbitmq.log)"

# The admin keys are read from their file (0600), the broker's URL (every service) from the environment:
# never passed on a command line that every local user can see.
export KSAN_AMQP_URL=amqp://ksan:$AMQP_PASSWORD@127.0.0.1:$KSAN_AMQP_PORT/
start metadata "$KSAN_METADATA_PORT" ksan-metadata --listen "127.0.0.1:$KSAN_METADATA_PORT" \
    --postgres-url "$PG_URL" --topology "$TOPOLOGY_FILE" \
    --admin-keys-file "$KEYS_FILE" --cluster-key-file "$CLUSTER_KEY_FILE" "${METADATA_BACKGROUND[@]}"
wait_ready metadata "$KSAN_METADATA_PORT"

for ((i = 1; i <= KSAN_OSDS; i++)); do
    disk_args=()
    for ((d = 1; d <= KSAN_DISKS_PER_OSD; d++)); do disk_args+=(--disk "osd$i-d$d=$KSAN_HOME/osd$i/d$d"); done
    start "osd$i" "$(osd_port "$i")" ksan-osd --listen "127.0.0.1:$(osd_port "$i")" --host-id "osd$i" "${disk_args[@]}" \
        --metadata-url "$METADATA_URL" --cluster-key-file "$CLUSTER_KEY_FILE" "${OSD_BACKGROUND[@]}"
done
for ((i = 1; i <= KSAN_OSDS; i++)); do wait_ready "osd$i" "$(osd_port "$i")"; done

start gateway "$KSAN_GATEWAY_PORT" ksan-gateway --listen "127.0.0.1:$KSAN_GATEWAY_PORT" \
    --metadata-url "$METADATA_URL" --region "$KSAN_REGION" --domain "$KSAN_DOMAIN" --cluster-key-file "$CLUSTER_KEY_FILE" \
    --metrics-listen "127.0.0.1:$KSAN_METRICS_PORT"
wait_ready gateway "$KSAN_GATEWAY_PORT"

start worker "$KSAN_WORKER_PORT" ksan-worker --listen "127.0.0.1:$KSAN_WORKER_PORT" --metadata-url "$METADATA_URL" \
    --cluster-key-file "$CLUSTER_KEY_FILE" "${WORKER_BACKGROUND[@]}"
wait_ready worker "$KSAN_WORKER_PORT"

start portal "$KSAN_PORTAL_PORT" ksan-portal --listen "127.0.0.1:$KSAN_PORTAL_PORT" --postgres-url "$PG_URL" \
    --api-key-file "$API_KEY_FILE" --cluster-key-file "$CLUSTER_KEY_FILE" --metadata-url "$METADATA_URL"
wait_ready portal "$KSAN_PORTAL_PORT" /api/v1/health
unset KSAN_AMQP_URL

if ((${#STARTED[@]} == 0)); then
    log "everything was already running"
else
    log "started: ${STARTED[*]}"
fi
cat <<EOF

KSAN cluster is up in $KSAN_HOME ($KSAN_OSDS OSDs x $KSAN_DISKS_PER_OSD disks, pool $KSAN_EC)
  S3 endpoint:  $ENDPOINT   (region $KSAN_REGION, path-style)
  access key:   $ACCESS_KEY
  secret key:   in $KEYS_FILE and $ENV_FILE (readable by $(id -un) only)
  event bus:    RabbitMQ on 127.0.0.1:$KSAN_AMQP_PORT (user ksan, password in $AMQP_PASSWORD_FILE)
  portal:       $PORTAL_URL/api/v1 (API key in $API_KEY_FILE; OpenAPI at /api/v1/openapi.json)
  metrics:      http://127.0.0.1:$KSAN_METRICS_PORT/metrics (gateway); /metrics on the portal, metadata, OSD and
                worker (127.0.0.1:$KSAN_WORKER_PORT) ports
  environment:  source $ENV_FILE    # then: aws s3 ls, ksanctl status
  logs:         $LOGS
  stop:         KSAN_HOME=$KSAN_HOME $REPO/cluster/down.sh   (--purge also deletes the data)
EOF

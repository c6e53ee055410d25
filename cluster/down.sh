#!/usr/bin/env bash
# Stops the KSAN cluster of KSAN_HOME (default <repo>/scratch/cluster) that cluster/up.sh started: the portal, the
# gateway and the worker first, then the OSDs, then ksan-metadata (SIGTERM, SIGKILL after 10 s), then RabbitMQ (by
# PID), then PostgreSQL (pg_ctl stop -m fast).
# Only processes named by the PID files under KSAN_HOME/run are touched. Safe to run when nothing runs.
#
# Usage: cluster/down.sh [--purge]     --purge also deletes KSAN_HOME (data, logs, keys).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"
# shellcheck source=cluster/lib/rabbitmq.sh
source "$REPO/cluster/lib/rabbitmq.sh"

log() { printf 'down.sh: %s\n' "$*" >&2; }

purge=0
for arg in "$@"; do
    case $arg in
    --purge) purge=1 ;;
    -h | --help)
        sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
        exit 0
        ;;
    *)
        log "unknown argument: $arg (see --help)"
        exit 2
        ;;
    esac
done

KSAN_HOME=${KSAN_HOME:-$REPO/scratch/cluster}
if [[ ! -d $KSAN_HOME ]]; then
    log "nothing to stop: $KSAN_HOME does not exist"
    exit 0
fi
KSAN_HOME=$(cd "$KSAN_HOME" && pwd)
RUN=$KSAN_HOME/run
GRACE_SECONDS=${KSAN_STOP_GRACE:-10}

# stop_group PIDFILE...: SIGTERM to every live process named by the files, SIGKILL to those still alive after the
# grace period; removes the PID files. A PID that now belongs to another program (reused) is not touched.
stop_group() {
    local pidfile pid name cmdline pids=() names=()
    for pidfile in "$@"; do
        [[ -f $pidfile ]] || continue
        name=$(basename "$pidfile" .pid)
        pid=$(<"$pidfile")
        if pid_alive "$pid"; then
            cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
            if [[ $cmdline == *ksan-* ]]; then
                kill -TERM "$pid" 2>/dev/null || true
                pids+=("$pid")
                names+=("$name")
                log "$name: stopping (pid $pid)"
            else
                log "$name: pid $pid is no longer ours (now: ${cmdline:0:60}); leaving it alone"
            fi
        fi
    done
    local deadline=$((SECONDS + GRACE_SECONDS)) i alive
    while :; do
        alive=0
        for i in "${!pids[@]}"; do pid_alive "${pids[i]}" && alive=1; done
        ((alive)) || break
        if ((SECONDS >= deadline)); then
            for i in "${!pids[@]}"; do
                if pid_alive "${pids[i]}"; then
                    log "${names[i]}: still running after ${GRACE_SECONDS}s; SIGKILL"
                    kill -KILL "${pids[i]}" 2>/dev/null || true
                fi
            done
            deadline=$((SECONDS + 5))
            GRACE_SECONDS=0
        fi
        sleep 0.1
    done
    for pidfile in "$@"; do rm -f "$pidfile"; done
}

shopt -s nullglob
stop_group "$RUN/portal.pid" "$RUN/gateway.pid" "$RUN/worker.pid"
stop_group "$RUN"/osd*.pid
stop_group "$RUN/metadata.pid"
others=()
for pidfile in "$RUN"/*.pid; do others+=("$pidfile"); done
((${#others[@]} == 0)) || stop_group "${others[@]}"
shopt -u nullglob

if rmq_running "$KSAN_HOME/rabbitmq"; then
    log "rabbitmq: stopping"
fi
rmq_stop "$KSAN_HOME/rabbitmq" || log "rabbitmq: could not stop it (see $KSAN_HOME/rabbitmq/rabbitmq.log)"

if pg_running "$KSAN_HOME/postgres"; then
    log "postgres: stopping"
    pg_stop "$KSAN_HOME/postgres" || log "postgres: pg_ctl stop failed (see $KSAN_HOME/postgres/postgres.log)"
else
    pg_stop "$KSAN_HOME/postgres" # clears a stale postmaster.pid, if any
fi

if ((purge)); then
    # Refuse anything that does not look like a cluster directory made by up.sh.
    case $KSAN_HOME in
    / | "$HOME" | "$REPO" | "$REPO/scratch") log "refusing to purge $KSAN_HOME"; exit 1 ;;
    esac
    if [[ -n $(ls -A "$KSAN_HOME") && ! -f $KSAN_HOME/cluster.json && ! -d $KSAN_HOME/run ]]; then
        log "refusing to purge $KSAN_HOME: it does not look like a cluster directory (no cluster.json, no run/)"
        exit 1
    fi
    rm -rf "$KSAN_HOME"
    log "purged $KSAN_HOME"
fi
log "stopped"

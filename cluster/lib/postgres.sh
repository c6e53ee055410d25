# shellcheck shell=bash
# Private PostgreSQL 15 instances on 127.0.0.1 for the KSAN scripts (cluster/up.sh, cluster/down.sh, scripts/test.sh).
# Source this file; it defines functions only:
#
#   pg_start DIR PORT     create DIR/data (initdb, trust auth) if needed and start the server on 127.0.0.1:PORT,
#                         socket in DIR/sock, log in DIR/postgres.log; does nothing if it already runs
#   pg_stop DIR           stop the server of DIR (pg_ctl stop -m fast); does nothing if none runs
#   pg_running DIR        exit status 0 if the server of DIR runs
#   pg_create_db PORT DB  create database DB (owner postgres) unless it exists
#   port_in_use PORT      exit status 0 if something accepts TCP connections on 127.0.0.1:PORT
#   pid_alive PID         exit status 0 if process PID exists and is not a zombie
#   pg_free_port START    print the first port at or above START that nothing listens on
#
# initdb and pg_ctl refuse to run as root: as root they run as the `postgres` user (runuser) and DIR is chown'ed to
# it, so every parent directory of DIR must be searchable by that user. As another user they run as that user, with
# the database superuser still named `postgres`. Set KSAN_PG_FAST=1 to trade crash safety for speed (fsync=off):
# for throw-away test instances only. KSAN_PG_MAX_CONNECTIONS (default 100) is the server's max_connections.

KSAN_PG_BIN=${KSAN_PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the owner of the data directory: `postgres` when we are root, else ourselves.
_pg_as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_check_binaries() {
    local tool
    for tool in initdb pg_ctl postgres psql; do
        if [[ ! -x $KSAN_PG_BIN/$tool ]]; then
            echo "postgres.sh: $KSAN_PG_BIN/$tool not found: install PostgreSQL 15 (apt-get install postgresql)" >&2
            return 1
        fi
    done
}

pid_alive() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # the fields after "pid (comm) "
    [[ $stat != Z* && $stat != X* ]]
}

port_in_use() {
    (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_free_port() {
    local port=$1
    while port_in_use "$port"; do
        port=$((port + 1))
        if ((port > 65535)); then
            echo "postgres.sh: no free port at or above $1" >&2
            return 1
        fi
    done
    echo "$port"
}

# pg_ctl status alone takes a killed postmaster that is still a zombie for a running one.
pg_running() {
    local data=$1/data
    [[ -f $data/PG_VERSION && -f $data/postmaster.pid ]] || return 1
    pid_alive "$(head -n 1 "$data/postmaster.pid")" || return 1
    _pg_as_owner "$KSAN_PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# After a crash: waits (up to 15 s) for the dead postmaster to go away, then removes the stale postmaster.pid.
_pg_clear_stale() {
    local data=$1/data pid i
    [[ -f $data/postmaster.pid ]] || return 0
    pid=$(head -n 1 "$data/postmaster.pid")
    for ((i = 0; i < 150; i++)); do
        [[ -e /proc/$pid ]] || break
        sleep 0.1
    done
    rm -f "$data/postmaster.pid"
}

# The port a running server of DIR listens on (line 4 of postmaster.pid).
_pg_running_port() {
    sed -n 4p "$1/data/postmaster.pid" 2>/dev/null
}

pg_start() {
    local dir=$1 port=$2
    local data=$dir/data sock=$dir/sock log=$dir/postgres.log
    _pg_check_binaries || return 1

    mkdir -p "$dir" "$sock"
    if [[ $(id -u) -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "postgres.sh: there is no 'postgres' user to run PostgreSQL as (apt-get install postgresql)" >&2
            return 1
        fi
        chown postgres:postgres "$dir" "$sock"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "postgres.sh: the postgres user cannot write $dir: make its parent directories searchable" \
                "(chmod o+x) or choose another directory" >&2
            return 1
        fi
    fi

    if [[ ! -s $data/PG_VERSION ]]; then
        rm -rf "$data" # an interrupted initdb
        if ! _pg_as_owner "$KSAN_PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
            --no-sync >"$dir/initdb.log" 2>&1; then
            echo "postgres.sh: initdb failed for $data:" >&2
            tail -n 20 "$dir/initdb.log" >&2
            return 1
        fi
    fi

    if pg_running "$dir"; then
        local running_port
        running_port=$(_pg_running_port "$dir")
        if [[ $running_port != "$port" ]]; then
            echo "postgres.sh: the server of $dir already runs on port $running_port, not $port" >&2
            return 1
        fi
        return 0
    fi

    _pg_clear_stale "$dir"
    if port_in_use "$port"; then
        echo "postgres.sh: port $port on 127.0.0.1 is taken by another process: choose another PostgreSQL port" >&2
        return 1
    fi

    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$sock'"
    opts+=" -c max_connections=${KSAN_PG_MAX_CONNECTIONS:-100}"
    if [[ ${KSAN_PG_FAST:-0} == 1 ]]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    if ! _pg_as_owner "$KSAN_PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "$opts" >/dev/null; then
        echo "postgres.sh: PostgreSQL did not start on 127.0.0.1:$port; the end of $log:" >&2
        tail -n 30 "$log" >&2
        return 1
    fi
}

pg_stop() {
    local dir=$1
    local data=$dir/data
    [[ -f $data/postmaster.pid ]] || return 0
    if ! pg_running "$dir"; then
        _pg_clear_stale "$dir" # the server died without cleaning up
        return 0
    fi
    if ! _pg_as_owner "$KSAN_PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 30 >/dev/null; then
        local pid
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
        echo "postgres.sh: pg_ctl stop failed for $data; killing postmaster $pid" >&2
        [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
        return 1
    fi
}

pg_create_db() {
    local port=$1 db=$2 exists
    exists=$(PGCONNECT_TIMEOUT=10 "$KSAN_PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XtAq \
        -c "SELECT 1 FROM pg_database WHERE datname = '$db'") || return 1
    if [[ $exists != 1 ]]; then
        PGCONNECT_TIMEOUT=10 "$KSAN_PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Xq \
            -c "CREATE DATABASE \"$db\"" || return 1
    fi
}

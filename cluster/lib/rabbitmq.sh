# shellcheck shell=bash
# Private RabbitMQ 3.10 brokers (Debian's rabbitmq-server) for the KSAN scripts. Source this file; it defines
# functions only, and works with or without cluster/lib/postgres.sh (its helpers all start with _rmq_):
#
#   rmq_start DIR PORT [IP]   start the broker of DIR, AMQP on IP:PORT (IP default 127.0.0.1), Erlang distribution
#                             on 127.0.0.1:PORT+1, a private epmd on 127.0.0.1:PORT+2, node ksan-PORT@localhost;
#                             waits (KSAN_RMQ_START_TIMEOUT, default 60 s) until AMQP accepts TCP connections
#                             (the first start of a DIR takes ~8 s, later ones ~5 s); if the broker exits or the
#                             time is up, prints the end of its logs, stops what it started, exit status 1;
#                             does nothing if the broker of DIR already runs (on that port)
#   rmq_stop DIR              stop the broker of DIR (TERM: a clean shutdown, ~1 s; after 30 s KILL) and its epmd,
#                             and check that its ports are free; does nothing if none runs
#   rmq_running DIR           exit status 0 if the broker of DIR runs
#   rmq_restart DIR PORT [IP] rmq_stop, then rmq_start; the data (durable queues, persistent messages) is kept
#   rmq_free_port START       print the first port P at or above START with P, P+1 and P+2 all free (a broker's
#                             AMQP, distribution and epmd ports)
#   rmq_ctl DIR ARGS...       rabbitmqctl ARGS... against the broker of DIR (e.g. `rmq_ctl DIR status`), with its
#                             node name, cookie and epmd port; fails at once if that broker does not run
#   rmq_add_user DIR USER PASSWORD
#                             create USER (or set its password if it exists), tag administrator, and give it all
#                             permissions on vhost /
#
# All state is under DIR: home/.erlang.cookie (HOME of the broker and of rmq_ctl), mnesia/ (the data, in
# mnesia/ksan-PORT@localhost), log/ (RabbitMQ's own log), rabbitmq.conf, enabled_plugins (`[].`: no plugins),
# rabbitmq.log (the broker's stdout and stderr: the boot banner, boot errors), rabbitmq.pid (PID of the Erlang VM,
# beam.smp), launcher.pid (its parent, the rabbitmq-server script), epmd.pid, rabbitmq.port. Nothing under
# /etc/rabbitmq or /var/lib/rabbitmq is read or written. The data directory depends on the node name, hence on PORT:
# start a DIR on the port it was made with, or it starts empty. Each broker needs PORT, PORT+1 and PORT+2: give
# brokers ports at least 3 apart. The Erlang distribution and epmd listen on 127.0.0.1 only, so in a network
# namespace the loopback interface must be up.
#
# The first start of a DIR creates the user KSAN_RMQ_USER with password KSAN_RMQ_PASSWORD (default guest/guest) as
# administrator with all permissions on vhost /; later starts leave the users as they are (use rmq_add_user).
# RabbitMQ lets `guest` connect from loopback addresses only: for other clients pick another user.
#
# The broker runs as the calling user, root included: the real scripts under KSAN_RMQ_BIN (default
# /usr/lib/rabbitmq/bin) are used, not /usr/sbin/rabbitmq-server and /usr/sbin/rabbitmqctl, Debian's wrapper that
# su's to the rabbitmq user (as root) or refuses to run (as anyone else), and works in /var/lib/rabbitmq.

KSAN_RMQ_BIN=${KSAN_RMQ_BIN:-/usr/lib/rabbitmq/bin}

_rmq_check_binaries() {
    local tool
    for tool in "$KSAN_RMQ_BIN/rabbitmq-server" "$KSAN_RMQ_BIN/rabbitmqctl"; do
        if [[ ! -x $tool ]]; then
            echo "rabbitmq.sh: $tool not found: install RabbitMQ (apt-get install rabbitmq-server)" >&2
            return 1
        fi
    done
    if ! command -v epmd >/dev/null 2>&1; then
        echo "rabbitmq.sh: epmd not found: install Erlang (apt-get install rabbitmq-server erlang-base)" >&2
        return 1
    fi
}

# _rmq_abs DIR: DIR as a canonical absolute path (it need not exist), as the broker's command line has it.
_rmq_abs() {
    realpath -m -- "$1"
}

# _rmq_pid_is PID [COMM]: exit status 0 if process PID exists, is not a zombie, and (if given) its name is COMM.
_rmq_pid_is() {
    local pid=$1 comm=${2:-} stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    if [[ -n $comm ]]; then
        local name=${stat#*(}
        name=${name%)*}
        [[ $name == "$comm" ]] || return 1
    fi
    stat=${stat##*) } # the fields after "pid (comm) "
    [[ $stat != Z* && $stat != X* ]]
}

# _rmq_read_pid FILE: the first line of FILE, if it is a number.
_rmq_read_pid() {
    local pid=""
    [[ -f $1 ]] && { read -r pid <"$1" || true; } 2>/dev/null
    [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
    return 0
}

# _rmq_port_open IP PORT: exit status 0 if something accepts TCP connections on IP:PORT (0.0.0.0: 127.0.0.1).
_rmq_port_open() {
    local ip=$1
    [[ $ip == 0.0.0.0 ]] && ip=127.0.0.1
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 3 bash -c ': <"/dev/tcp/$1/$2"' _ "$ip" "$2" 2>/dev/null
}

# _rmq_wait_gone PID SECONDS: waits until PID has exited (or is a zombie); exit status 1 if it still runs.
_rmq_wait_gone() {
    local pid=$1 i
    for ((i = 0; i < $2 * 10; i++)); do
        _rmq_pid_is "$pid" || return 0
        sleep 0.1
    done
    ! _rmq_pid_is "$pid"
}

# _rmq_kill PID COMM SECONDS: TERM, wait up to SECONDS, KILL, wait; exit status 1 if PID survives.
_rmq_kill() {
    local pid=$1 comm=$2
    _rmq_pid_is "$pid" "$comm" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    _rmq_wait_gone "$pid" "$3" && return 0
    echo "rabbitmq.sh: $comm $pid did not stop within $3 s: killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    _rmq_wait_gone "$pid" 10
}

_rmq_node() {
    echo "ksan-$1@localhost"
}

# _rmq_env DIR PORT: exports, in the calling (sub)shell, the environment of the broker of DIR and of rabbitmqctl.
# Other RABBITMQ_* variables of the caller are dropped (except RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS, which is
# appended to), so that nothing of /etc/rabbitmq or of another broker leaks in.
_rmq_env() {
    local dir=$1 port=$2 extra=${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:-}
    local names=("${!RABBITMQ_@}")
    ((${#names[@]} == 0)) || unset "${names[@]}"
    unset ERL_DIST_PORT ERL_EPMD_RELAXED_COMMAND_CHECK
    export HOME=$dir/home
    export RABBITMQ_NODENAME
    RABBITMQ_NODENAME=$(_rmq_node "$port")
    export RABBITMQ_USE_LONGNAME=false
    export RABBITMQ_NODE_PORT=$port
    export RABBITMQ_DIST_PORT=$((port + 1))
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_EPMD_PORT=$((port + 2))
    export RABBITMQ_MNESIA_BASE=$dir/mnesia
    export RABBITMQ_LOG_BASE=$dir/log
    export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
    export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
    export RABBITMQ_CONFIG_FILES=$dir/conf.d
    export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
    export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
    export RABBITMQ_PID_FILE=$dir/rabbitmq.pid
    # The Erlang distribution listens on loopback only, for the broker and for rabbitmqctl. rabbitmqctl's own
    # node otherwise takes a port of 35672-35682 on all addresses, which may be a broker's AMQP port: here it takes
    # an ephemeral one.
    # Neither starts an epmd of its own (rabbitmqctl would when the broker is down: an epmd on PORT+2 that nobody
    # tracks); rmq_start starts the one of the broker.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}${extra:+ $extra}"
    export RABBITMQ_CTL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_DIST_PORT_MIN=0 RABBITMQ_CTL_DIST_PORT_MAX=0
    # Elixir (rabbitmqctl) warns about a latin1 VM otherwise.
    if [[ -z ${LC_ALL:-} && ${LANG:-} != *UTF-8* && ${LANG:-} != *utf8* ]]; then
        export LC_ALL=C.UTF-8
    fi
}

# The port the broker of DIR was last started with.
_rmq_port_of() {
    local port=""
    [[ -f $1/rabbitmq.port ]] && { read -r port <"$1/rabbitmq.port" || true; } 2>/dev/null
    [[ $port =~ ^[0-9]+$ ]] && echo "$port"
    return 0
}

# _rmq_is_beam_of PID DIR: exit status 0 if PID is the Erlang VM of the broker of DIR (and not a process that got
# the PID of a broker that died).
_rmq_is_beam_of() {
    local args
    _rmq_pid_is "$1" beam.smp || return 1
    args=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
    [[ $args == *" -home $2/home "* ]]
}

rmq_running() {
    local dir
    dir=$(_rmq_abs "${1:?rmq_running DIR}")
    _rmq_is_beam_of "$(_rmq_read_pid "$dir/rabbitmq.pid")" "$dir"
}

# _rmq_epmd_pids PORT: the PIDs of the epmds started by rmq_start for the given epmd port (normally one).
_rmq_epmd_pids() {
    pgrep -f "(^|/)epmd -address 127\.0\.0\.1 -port $1 -daemon\$" 2>/dev/null || true
}

# _rmq_stray_epmds PORT: the PIDs of other epmds on PORT: those that an Erlang node started by itself (`epmd
# -daemon`, the port in ERL_EPMD_PORT), say an earlier version of this file or a rabbitmqctl run by hand.
_rmq_stray_epmds() {
    local pid args
    for pid in $(pgrep -x epmd 2>/dev/null || true); do
        _rmq_pid_is "$pid" epmd || continue
        args=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
        [[ " $args" != *" -port "* ]] || continue
        if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "ERL_EPMD_PORT=$1"; then
            echo "$pid"
        fi
    done
    return 0
}

# _rmq_start_epmd DIR EPMD_PORT: makes sure a private epmd runs on 127.0.0.1:EPMD_PORT and records its PID.
_rmq_start_epmd() {
    local dir=$1 eport=$2 pid i
    rm -f "$dir/epmd.pid"
    for pid in $(_rmq_stray_epmds "$eport"); do
        # An epmd that an Erlang node started by itself on this port: in the way unless a node uses it.
        if [[ -z $(epmd -port "$eport" -names 2>/dev/null | grep '^name ' || true) ]]; then
            _rmq_kill "$pid" epmd 5 || true
        fi
    done
    if _rmq_port_open 127.0.0.1 "$eport"; then
        echo "rabbitmq.sh: port $eport (epmd of the broker on $((eport - 2))) on 127.0.0.1 is taken by another" \
            "process: choose another RabbitMQ port (brokers need 3 consecutive ports: AMQP, distribution, epmd)" >&2
        return 1
    fi
    # epmd daemonizes (in its own session, so it survives the caller's terminal) and outlives the broker.
    (cd / && exec epmd -address 127.0.0.1 -port "$eport" -daemon) </dev/null >>"$dir/epmd.log" 2>&1
    # It forks twice: only once it listens is the PID found that of the daemon.
    for ((i = 0; i < 100; i++)); do
        if _rmq_port_open 127.0.0.1 "$eport"; then
            for pid in $(_rmq_epmd_pids "$eport"); do
                if _rmq_pid_is "$pid" epmd; then
                    echo "$pid" >"$dir/epmd.pid"
                    return 0
                fi
            done
        fi
        sleep 0.1
    done
    echo "rabbitmq.sh: epmd did not start on 127.0.0.1:$eport; $dir/epmd.log:" >&2
    tail -n 20 "$dir/epmd.log" >&2
    return 1
}

# _rmq_size FILE: the size of FILE in bytes (0 if it does not exist).
_rmq_size() {
    local size
    size=$(stat -c %s "$1" 2>/dev/null) || size=0
    echo "$size"
}

# _rmq_tail FILE OFFSET LINES: the last LINES lines of what was appended to FILE after its first OFFSET bytes.
_rmq_tail() {
    [[ -s $1 ]] && tail -c +$(($2 + 1)) "$1" | tail -n "$3"
    return 0
}

# _rmq_fail DIR MESSAGE OUT_OFFSET LOG_OFFSET: prints MESSAGE and what this start wrote to rabbitmq.log and to
# RabbitMQ's own log, stops what rmq_start started; exit status 1.
_rmq_fail() {
    local dir=$1 port log
    port=$(_rmq_port_of "$dir")
    log=$dir/log/$(_rmq_node "$port").log
    echo "rabbitmq.sh: $2; the end of $dir/rabbitmq.log:" >&2
    _rmq_tail "$dir/rabbitmq.log" "$3" 25 >&2
    if (($(_rmq_size "$log") > $4)); then
        echo "rabbitmq.sh: the end of $log:" >&2
        _rmq_tail "$log" "$4" 10 >&2
    fi
    _rmq_stop_processes "$dir" >/dev/null 2>&1 || true
    return 1
}

rmq_start() {
    local dir port=${2:-} ip=${3:-127.0.0.1}
    dir=$(_rmq_abs "${1:?rmq_start DIR PORT [IP]}")
    _rmq_check_binaries || return 1
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65533)); then
        echo "rabbitmq.sh: bad RabbitMQ port '$port': it must be 1-65533 (PORT+1 and PORT+2 are used too)" >&2
        return 1
    fi
    if ! [[ $ip =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then
        echo "rabbitmq.sh: bad IP address '$ip': an IPv4 address is expected" >&2
        return 1
    fi

    if rmq_running "$dir"; then
        local running_port
        running_port=$(_rmq_port_of "$dir")
        if [[ $running_port != "$port" ]]; then
            echo "rabbitmq.sh: the broker of $dir already runs on port $running_port, not $port" >&2
            return 1
        fi
        return 0
    fi
    _rmq_stop_processes "$dir" || return 1 # the remains of a broker that died, if any

    local previous node
    previous=$(_rmq_port_of "$dir")
    node=$(_rmq_node "$port")
    if [[ -n $previous && $previous != "$port" && ! -d $dir/mnesia/$node ]]; then
        echo "rabbitmq.sh: note: $dir was used with port $previous; the data of node $(_rmq_node "$previous")" \
            "is not that of $node, which starts empty" >&2
    fi

    local p what
    for p in "$port" $((port + 1)); do
        what="AMQP port $port"
        ((p == port)) || what="port $p (Erlang distribution of the broker on $port)"
        if _rmq_port_open "$ip" "$p" || _rmq_port_open 127.0.0.1 "$p"; then
            echo "rabbitmq.sh: $what is taken by another process: choose another RabbitMQ port" \
                "(brokers need 3 consecutive ports: AMQP, distribution, epmd)" >&2
            return 1
        fi
    done

    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log" || return 1
    if [[ ! -s $dir/home/.erlang.cookie ]]; then
        # The cookie must be readable by its owner only, or Erlang refuses it.
        (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$dir/home/.erlang.cookie") || return 1
    fi
    chmod 400 "$dir/home/.erlang.cookie" || return 1
    echo '[].' >"$dir/enabled_plugins"
    cat >"$dir/rabbitmq.conf" <<EOF
# Written by cluster/lib/rabbitmq.sh (rmq_start); listeners, ports and directories come from the environment.
loopback_users.guest = true
log.file.level = info
log.console = false
EOF
    echo "$port" >"$dir/rabbitmq.port"
    rm -f "$dir/rabbitmq.pid" "$dir/launcher.pid"

    _rmq_start_epmd "$dir" $((port + 2)) || return 1

    local out_offset log_offset
    out_offset=$(_rmq_size "$dir/rabbitmq.log")
    log_offset=$(_rmq_size "$dir/log/$node.log")
    printf '\n==== %s rmq_start %s %s\n' "$(date '+%F %T')" "$port" "$ip" >>"$dir/rabbitmq.log"
    (
        _rmq_env "$dir" "$port"
        export RABBITMQ_NODE_IP_ADDRESS=$ip
        export RABBITMQ_DEFAULT_USER=${KSAN_RMQ_USER:-guest} RABBITMQ_DEFAULT_PASS=${KSAN_RMQ_PASSWORD:-guest}
        export RABBITMQ_DEFAULT_VHOST=/
        cd "$dir" || exit 1
        # A session of its own: the broker survives the caller's terminal and its Ctrl-C. The launcher writes
        # its PID itself ($! is that of setsid when setsid has to fork, in a shell with job control; setsid -w
        # then waits for it); it is the rabbitmq-server script, whose child is the Erlang VM.
        # shellcheck disable=SC2016 # expanded by the inner bash
        exec setsid -w bash -c 'echo $$ >"$1" && exec "$2"' _ "$dir/launcher.pid" "$KSAN_RMQ_BIN/rabbitmq-server"
    ) </dev/null >>"$dir/rabbitmq.log" 2>&1 &
    local bg=$!
    disown "$bg" 2>/dev/null || true # no job notices in interactive shells

    local timeout=${KSAN_RMQ_START_TIMEOUT:-60} launcher="" beam="" deadline
    deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        [[ -n $launcher ]] || launcher=$(_rmq_read_pid "$dir/launcher.pid")
        if [[ -n $launcher && -z $beam ]]; then
            beam=$(pgrep -P "$launcher" -x beam.smp 2>/dev/null || true)
            [[ -n $beam ]] && echo "$beam" >"$dir/rabbitmq.pid"
        fi
        if [[ -n $beam ]] && _rmq_port_open "$ip" "$port"; then
            # RabbitMQ wrote the same PID into rabbitmq.pid, unless it did not get that far yet.
            echo "$beam" >"$dir/rabbitmq.pid"
            return 0
        fi
        if ! _rmq_pid_is "$bg"; then
            _rmq_fail "$dir" "the broker of $dir exited during its start" "$out_offset" "$log_offset"
            return 1
        fi
        sleep 0.2
    done
    _rmq_fail "$dir" "the broker of $dir did not accept AMQP connections on $ip:$port within $timeout s" \
        "$out_offset" "$log_offset"
}

# _rmq_stop_processes DIR: stops the broker (VM, then launcher) and the epmd of DIR, whatever their state.
_rmq_stop_processes() {
    local dir=$1 beam launcher epmd port pid rc=0
    beam=$(_rmq_read_pid "$dir/rabbitmq.pid")
    launcher=$(_rmq_read_pid "$dir/launcher.pid")
    if [[ -z $beam && -n $launcher ]]; then
        beam=$(pgrep -P "$launcher" -x beam.smp 2>/dev/null || true)
    fi
    # TERM makes RabbitMQ shut down cleanly (the data is kept); the launcher script exits when the VM does.
    if [[ -n $beam ]] && _rmq_is_beam_of "$beam" "$dir"; then
        _rmq_kill "$beam" beam.smp 30 || rc=1
    fi
    if [[ -n $launcher ]] && _rmq_pid_is "$launcher" rabbitmq-server; then
        _rmq_wait_gone "$launcher" 5 || _rmq_kill "$launcher" rabbitmq-server 5 || rc=1
    fi
    epmd=$(_rmq_read_pid "$dir/epmd.pid")
    port=$(_rmq_port_of "$dir")
    [[ -z $port ]] || epmd+=" $(_rmq_epmd_pids $((port + 2))) $(_rmq_stray_epmds $((port + 2)))"
    for pid in $epmd; do
        _rmq_kill "$pid" epmd 5 || rc=1
    done
    ((rc == 0)) && rm -f "$dir/rabbitmq.pid" "$dir/launcher.pid" "$dir/epmd.pid"
    return "$rc"
}

rmq_stop() {
    local dir port had_pids=0 ip=127.0.0.1 p i
    dir=$(_rmq_abs "${1:?rmq_stop DIR}")
    [[ -f $dir/rabbitmq.pid || -f $dir/launcher.pid || -f $dir/epmd.pid ]] && had_pids=1
    if ! _rmq_stop_processes "$dir"; then
        echo "rabbitmq.sh: the broker of $dir did not stop" >&2
        return 1
    fi
    # The processes are gone, so are their listening sockets; this catches a process we did not know of.
    port=$(_rmq_port_of "$dir")
    [[ $had_pids == 1 && -n $port ]] || return 0
    for p in "$port" $((port + 1)) $((port + 2)); do
        for ((i = 0; i < 50; i++)); do
            _rmq_port_open "$ip" "$p" || continue 2
            sleep 0.1
        done
        echo "rabbitmq.sh: port $p of the broker of $dir is still in use after it stopped" >&2
        return 1
    done
}

rmq_restart() {
    rmq_stop "${1:?rmq_restart DIR PORT [IP]}" || return 1
    rmq_start "$@"
}

rmq_ctl() {
    local dir port
    dir=$(_rmq_abs "${1:?rmq_ctl DIR ARGS...}")
    shift
    port=$(_rmq_port_of "$dir")
    if [[ -z $port ]] || ! rmq_running "$dir"; then
        echo "rabbitmq.sh: the broker of $dir does not run" >&2
        return 1
    fi
    (
        _rmq_env "$dir" "$port"
        cd "$dir" || exit 1
        exec "$KSAN_RMQ_BIN/rabbitmqctl" "$@"
    )
}

rmq_add_user() {
    local dir=${1:?rmq_add_user DIR USER PASSWORD} user=${2:?rmq_add_user DIR USER PASSWORD} password=${3-}
    if [[ -z $password ]]; then
        echo "rabbitmq.sh: rmq_add_user: the password of $user is empty" >&2
        return 1
    fi
    if rmq_ctl "$dir" -q list_users --no-table-headers 2>/dev/null | cut -f1 | grep -qxF -- "$user"; then
        rmq_ctl "$dir" -q change_password -- "$user" "$password" || return 1
    else
        rmq_ctl "$dir" -q add_user -- "$user" "$password" || return 1
    fi
    rmq_ctl "$dir" -q set_user_tags -- "$user" administrator || return 1
    rmq_ctl "$dir" -q set_permissions -p / -- "$user" '.*' '.*' '.*'
}

rmq_free_port() {
    local port=$1
    while _rmq_port_open 127.0.0.1 "$port" || _rmq_port_open 127.0.0.1 $((port + 1)) ||
        _rmq_port_open 127.0.0.1 $((port + 2)); do
        port=$((port + 3))
        if ((port > 65533)); then
            echo "rabbitmq.sh: no free port block at or above $1" >&2
            return 1
        fi
    done
    echo "$port"
}

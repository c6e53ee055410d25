#!/usr/bin/env bash
# Installs KSAN services on one Debian host: the executables, one configuration file (/etc/ksan/ksan.toml, a table
# per role), the secrets beside it (files of their own, mode 0600, never in ksan.toml), and a systemd unit per role;
# then, unless told not to, starts the units in dependency order and waits until each answers its health check.
#
# Idempotent: running it again with the same arguments writes the same files, keeps the cluster key, API key and
# admin keys it generated the first time, and restarts the running services only when one of its files changed.
#
# With --prefix DIR everything goes under DIR instead of / (tests, packaging): the paths written into ksan.toml and
# the units point inside DIR, no user is created, nothing is chowned and no unit is started.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ME=install.sh

log() { printf '%s: %s\n' "$ME" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$ME" "$*" >&2
    exit 1
}
usage_error() {
    printf '%s: ERROR: %s\n(see cluster/install.sh --help)\n' "$ME" "$*" >&2
    exit 2
}

usage() {
    cat <<'EOF'
Usage: cluster/install.sh --roles ROLE[,ROLE...] --host-id ID --address IP [options]

Installs the KSAN services named by --roles (metadata, osd, gateway, portal, worker) on this host: executables in
PREFIX/usr/local/bin, configuration and secrets in PREFIX/etc/ksan (ksan.toml, ksan.env, cluster-key, api-key,
admin-keys), state in PREFIX/var/lib/ksan, logs in PREFIX/var/log/ksan, units ksan-ROLE.service in
PREFIX/etc/systemd/system. With prefix / (as root) it creates the system user ksan and starts the units.

Required:
  --roles LIST             comma-separated: metadata, osd, gateway, portal, worker (garbage collection and
                           repair: at least one in the cluster; several share the work)
  --host-id ID             this host's id (the OSD's id in the topology)
  --address IP             the address every service here listens on (IPv4, IPv6 or host name; not 0.0.0.0):
                           metadata :9300, osd :9101, gateway :9000 (metrics :9090), portal :9400, worker :9500
Options:
  --prefix DIR             install under DIR instead of / (tests, packaging); implies --no-start
  --bin DIR                directory of the release executables (default: build them, swift build -c release)
  --disk ID=/PATH          a disk of the OSD (repeat; required with the osd role); created if missing
  --postgres-url URL       the cluster's database (metadata, portal; default postgres://postgres@127.0.0.1:5432/ksan);
                           a URL with a password goes to ksan.env, not ksan.toml
  --metadata-url URL       the metadata service (osd, gateway, worker; the portal hands it to joining hosts): default
                           http://ADDRESS:9300 when this host runs the metadata role; else from --join, or required
  --amqp-url URL           the RabbitMQ broker, amqp://user:password@host:5672/ (written to ksan.env only)
  --join TOKEN             join the cluster with a join token from its portal (ksanctl join-token create; also
                           $KSAN_JOIN_TOKEN): the portal gives the cluster key, the metadata URL and the broker
                           URL, so none of the three need be copied by hand (an option given explicitly wins)
  --portal-url URL         the portal that issued the join token, http://HOST:9400 (with --join); also written to
                           etc/ksan/ksanctl.conf, so that ksanctl on this host finds the portal
  --cluster-key-file FILE  the cluster key, copied to etc/ksan/cluster-key (generated with the metadata role when
                           absent; required otherwise, unless --join gets it: copy it from the metadata host)
  --api-key-file FILE      the portal's bootstrap API key (portal; generated when absent)
  --admin-keys-file FILE   the bootstrap S3 administrator's keys, lines KSAN_ADMIN_ACCESS_KEY=... and
                           KSAN_ADMIN_SECRET_KEY=... (metadata; generated when absent)
  --region REGION          the S3 region the gateway serves (gateway; default us-east-1)
  --domain DOMAIN          a virtual-hosted-style domain, bucket.DOMAIN (gateway; repeat for several)
  --topology FILE          a topology JSON file to seed the cluster with (metadata; copied to etc/ksan/topology.json)
  --no-start               install only: do not enable or start the units
  -h, --help               show this help

Examples:
  # host 1 of 3: metadata, portal, an OSD, a gateway and a worker (PostgreSQL and RabbitMQ on 10.0.0.5)
  cluster/install.sh --roles metadata,portal,osd,gateway,worker --host-id h1 --address 10.0.0.11 \
      --disk h1-d1=/srv/ksan/d1 --disk h1-d2=/srv/ksan/d2 \
      --postgres-url postgres://ksan:secret@10.0.0.5:5432/ksan --amqp-url amqp://ksan:secret@10.0.0.5:5672/ \
      --topology topology.json --region us-east-1 --domain s3.example.com
  # hosts 2 and 3: an OSD and a gateway, joined with a token (on host 1: ksanctl join-token create --uses 2)
  KSAN_JOIN_TOKEN=ksanj_... cluster/install.sh --roles osd,gateway --host-id h2 --address 10.0.0.12 \
      --disk h2-d1=/srv/ksan/d1 --disk h2-d2=/srv/ksan/d2 --portal-url http://10.0.0.11:9400 --domain s3.example.com
  # try it without touching the system
  cluster/install.sh --prefix /tmp/ksan-root --bin .build/release --roles metadata,osd,gateway,portal,worker \
      --host-id h1 --address 127.0.0.1 --disk h1-d1=/srv/ksan/d1 --disk h1-d2=/srv/ksan/d2
EOF
}

# ---------------------------------------------------------------------------------------------------- arguments
ROLES_ARG='' HOST_ID='' ADDRESS='' PREFIX_ARG=/ BIN_ARG='' POSTGRES_URL='' METADATA_URL='' AMQP_URL=''
CLUSTER_KEY_SRC='' API_KEY_SRC='' ADMIN_KEYS_SRC='' REGION='' TOPOLOGY_SRC='' NO_START=no
JOIN_TOKEN=${KSAN_JOIN_TOKEN:-} PORTAL_URL=''
unset KSAN_JOIN_TOKEN # handed to ksanctl by its environment alone, never on a command line (ps shows those)
DISK_ARGS=() DOMAINS=()
# Options given, for the check that each belongs to an installed role.
GIVEN=()

while (($# > 0)); do
    option=$1 value=''
    case $option in
    -h | --help)
        usage
        exit 0
        ;;
    --no-start)
        NO_START=yes
        shift
        continue
        ;;
    --*=*)
        value=${option#*=} option=${option%%=*}
        shift
        ;;
    --*)
        (($# >= 2)) || usage_error "$option needs a value"
        value=$2
        shift 2
        ;;
    *) usage_error "unexpected argument '$option'" ;;
    esac
    case $option in
    --roles) ROLES_ARG=$value ;;
    --host-id) HOST_ID=$value ;;
    --address) ADDRESS=$value ;;
    --prefix) PREFIX_ARG=$value ;;
    --bin) BIN_ARG=$value ;;
    --disk) DISK_ARGS+=("$value") ;;
    --postgres-url) POSTGRES_URL=$value ;;
    --metadata-url) METADATA_URL=$value ;;
    --amqp-url) AMQP_URL=$value ;;
    --cluster-key-file) CLUSTER_KEY_SRC=$value ;;
    --api-key-file) API_KEY_SRC=$value ;;
    --admin-keys-file) ADMIN_KEYS_SRC=$value ;;
    --region) REGION=$value ;;
    --domain) DOMAINS+=("$value") ;;
    --topology) TOPOLOGY_SRC=$value ;;
    --join) JOIN_TOKEN=$value ;;
    --portal-url) PORTAL_URL=$value ;;
    --no-start | --help) usage_error "$option takes no value" ;;
    *) usage_error "unknown option '$option'" ;;
    esac
    GIVEN+=("$option")
done

# ---------------------------------------------------------------------------------------------------- validation
# Everything is checked before anything is written: a bad invocation leaves the host as it was.
ALL_ROLES=(metadata osd gateway portal worker) # also the order of start
[[ -n $ROLES_ARG ]] || usage_error "--roles is required (a comma-separated list of: ${ALL_ROLES[*]})"
[[ -n $HOST_ID ]] || usage_error "--host-id is required"
[[ -n $ADDRESS ]] || usage_error "--address is required (the IP address or host name the services listen on)"

declare -A WANT=()
IFS=, read -r -a role_list <<<"$ROLES_ARG"
for role in "${role_list[@]}"; do
    role=${role//[[:space:]]/}
    [[ -n $role ]] || continue
    case $role in
    metadata | osd | gateway | portal | worker) WANT[$role]=1 ;;
    *) usage_error "unknown role '$role' in --roles (known: ${ALL_ROLES[*]})" ;;
    esac
done
ROLES=()
for role in "${ALL_ROLES[@]}"; do
    if [[ -n ${WANT[$role]:-} ]]; then ROLES+=("$role"); fi
done
((${#ROLES[@]} > 0)) || usage_error "--roles names no role (known: ${ALL_ROLES[*]})"
has_role() { [[ -n ${WANT[$1]:-} ]]; }

# Options that only mean something to some roles must not be given without them (a typo in --roles would
# otherwise silently drop what they say).
declare -A OPTION_ROLES=(
    [--disk]='osd' [--postgres-url]='metadata portal' [--metadata-url]='osd gateway portal worker'
    [--api-key-file]='portal' [--admin-keys-file]='metadata' [--topology]='metadata'
    [--region]='gateway' [--domain]='gateway'
    [--cluster-key-file]='metadata osd gateway portal worker'
)
for option in "${GIVEN[@]}"; do
    [[ -n ${OPTION_ROLES[$option]:-} ]] || continue
    found=no
    for role in ${OPTION_ROLES[$option]}; do
        if has_role "$role"; then found=yes; fi
    done
    [[ $found == yes ]] || usage_error "$option applies to the ${OPTION_ROLES[$option]// / or } role, not in --roles"
done

[[ $HOST_ID =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] ||
    usage_error "--host-id '$HOST_ID': use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)"

is_ipv4() {
    local IFS=. octets=() octet
    [[ $1 =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || return 1
    read -r -a octets <<<"$1"
    for octet in "${octets[@]}"; do
        ((10#$octet <= 255)) || return 1
        [[ $octet == 0 || $octet != 0* ]] || return 1 # 010 is octal to some parsers: refuse it
    done
}
is_ipv6() {
    local address=$1 group='[0-9A-Fa-f]{1,4}' head tail part colons count=0
    local list="^($group(:$group)*)?$"
    [[ $address == *:* && $address =~ ^[0-9A-Fa-f:.]+$ ]] || return 1
    if [[ $address == *.* ]]; then # an embedded IPv4 address stands for the last two groups
        is_ipv4 "${address##*:}" || return 1
        address=${address%:*}:0:0
    fi
    if [[ $address == *::* ]]; then
        [[ $address != *::*::* ]] || return 1
        head=${address%%::*} tail=${address#*::}
        [[ $head =~ $list && $tail =~ $list ]] || return 1
        for part in "$head" "$tail"; do
            if [[ -n $part ]]; then
                colons=${part//[^:]/}
                count=$((count + ${#colons} + 1))
            fi
        done
        ((count <= 7))
    else
        [[ $address =~ ^$group(:$group){7}$ ]]
    fi
}
is_hostname() {
    local label='[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
    ((${#1} <= 253)) && [[ $1 =~ ^$label(\.$label)*$ ]] || return 1
    # An all-numeric last label is an (invalid) IPv4 address such as 300.1.1.1, not a name.
    [[ ! ${1##*.} =~ ^[0-9]+$ ]]
}

if is_ipv4 "$ADDRESS"; then
    [[ $ADDRESS != 0.0.0.0 ]] || usage_error "--address 0.0.0.0 listens everywhere: give this host's own address"
    URL_HOST=$ADDRESS
elif is_ipv6 "$ADDRESS"; then
    [[ ! $ADDRESS =~ ^[0:]+$ ]] || usage_error "--address $ADDRESS listens everywhere: give this host's own address"
    URL_HOST="[$ADDRESS]"
elif is_hostname "$ADDRESS"; then
    URL_HOST=$ADDRESS
else
    usage_error "--address '$ADDRESS' is not an IPv4 or IPv6 address nor a host name"
fi
METADATA_PORT=9300 OSD_PORT=9101 GATEWAY_PORT=9000 METRICS_PORT=9090 PORTAL_PORT=9400 WORKER_PORT=9500

# A path written into a unit and into ksan.toml: absolute, and only characters that neither systemd (which splits
# on spaces and expands %) nor TOML treat specially.
check_path() { # WHAT PATH
    [[ $2 == /* ]] || usage_error "$1 '$2' is not an absolute path"
    [[ $2 =~ ^[A-Za-z0-9._/+-]+$ ]] || usage_error "$1 '$2': use only letters, digits and . _ / + - in the path"
    [[ /$2/ != */../* && /$2/ != */./* ]] || usage_error "$1 '$2': no . or .. components, please"
}
# A value written into ksan.toml, ksan.env or a URL: one line, no quote characters.
check_value() { # WHAT VALUE
    [[ $2 != *[[:cntrl:]]* && $2 != *[[:space:]]* ]] || usage_error "$1 must not contain spaces or control characters"
    [[ $2 != *[\'\"\\]* ]] || usage_error "$1 must not contain quotes or backslashes (percent-encode them in a URL)"
}

DISK_IDS=() DISK_PATHS=()
if has_role osd; then
    ((${#DISK_ARGS[@]} > 0)) || usage_error "the osd role needs at least one --disk ID=/PATH"
    declare -A seen_id=() seen_path=()
    for disk in "${DISK_ARGS[@]}"; do
        [[ $disk == *=* ]] || usage_error "--disk '$disk' is not ID=/PATH"
        id=${disk%%=*} path=${disk#*=}
        [[ $id =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] ||
            usage_error "--disk '$disk': the id uses letters, digits, '.', '_' and '-'"
        check_path "--disk $id" "$path"
        while [[ $path == */ && $path != / ]]; do path=${path%/}; done
        [[ $path != / ]] || usage_error "--disk '$disk': not the root directory"
        [[ -z ${seen_id[$id]:-} ]] || usage_error "--disk: id '$id' is given twice"
        [[ -z ${seen_path[$path]:-} ]] || usage_error "--disk: path '$path' is given twice"
        seen_id[$id]=1 seen_path[$path]=1
        DISK_IDS+=("$id") DISK_PATHS+=("$path")
    done
fi

if [[ -n $POSTGRES_URL ]]; then
    [[ $POSTGRES_URL =~ ^postgres(ql)?:// ]] || usage_error "--postgres-url must start with postgres:// (or postgresql://)"
    check_value --postgres-url "$POSTGRES_URL"
fi
if [[ -n $JOIN_TOKEN ]]; then
    [[ $JOIN_TOKEN =~ ^ksanj_[a-z0-9]{12}_[A-Za-z0-9]{40}$ ]] ||
        usage_error "--join: not a join token (ksanj_<12 characters>_<40 characters>; ksanctl join-token create)"
    [[ -n $PORTAL_URL ]] || usage_error "--join needs --portal-url, the portal that issued the token"
    [[ -z $CLUSTER_KEY_SRC ]] || usage_error "--join gets the cluster key: give --join or --cluster-key-file, not both"
fi
if [[ -n $PORTAL_URL ]]; then
    [[ $PORTAL_URL =~ ^https?://[^/]+ ]] || usage_error "--portal-url must look like http://HOST:9400"
    check_value --portal-url "$PORTAL_URL"
    while [[ $PORTAL_URL == */ ]]; do PORTAL_URL=${PORTAL_URL%/}; done
fi
if [[ -n $METADATA_URL ]]; then
    [[ $METADATA_URL =~ ^https?://[^/]+ ]] || usage_error "--metadata-url must look like http://HOST:9300"
    check_value --metadata-url "$METADATA_URL"
    while [[ $METADATA_URL == */ ]]; do METADATA_URL=${METADATA_URL%/}; done
elif has_role metadata; then
    METADATA_URL=http://$URL_HOST:$METADATA_PORT
elif has_role osd || has_role gateway || has_role worker; then
    # The default is the metadata service on this host; pointing a host that has none at itself would only fail
    # later, and quietly. (A portal without one finds it in the service registry.)
    [[ -n $JOIN_TOKEN ]] ||
        usage_error "--metadata-url (or --join) is required for the osd, gateway and worker roles on a host without" \
            "the metadata role" # with --join, the portal gives it
fi
if [[ -n $AMQP_URL ]]; then
    [[ $AMQP_URL =~ ^amqps?:// ]] || usage_error "--amqp-url must start with amqp:// (or amqps://)"
    check_value --amqp-url "$AMQP_URL"
fi
if [[ -n $REGION ]]; then
    [[ $REGION =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || usage_error "--region '$REGION': letters, digits, '-' and '_'"
fi
for domain in "${DOMAINS[@]}"; do
    is_hostname "$domain" || usage_error "--domain '$domain' is not a domain name"
done
for pair in "--cluster-key-file:$CLUSTER_KEY_SRC" "--api-key-file:$API_KEY_SRC" \
    "--admin-keys-file:$ADMIN_KEYS_SRC" "--topology:$TOPOLOGY_SRC"; do
    option=${pair%%:*} file=${pair#*:}
    [[ -z $file || (-f $file && -r $file) ]] || usage_error "$option $file: no such readable file"
done

NEEDS_CLUSTER_KEY=no
if has_role metadata || has_role osd || has_role gateway || has_role portal || has_role worker; then
    NEEDS_CLUSTER_KEY=yes
fi
if [[ -n $CLUSTER_KEY_SRC ]]; then
    key=$(tr -d '[:space:]' <"$CLUSTER_KEY_SRC")
    ((${#key} >= 16)) || usage_error "--cluster-key-file $CLUSTER_KEY_SRC: the cluster key needs at least 16 characters"
fi
if [[ -n $ADMIN_KEYS_SRC ]]; then
    if ! grep -q '^KSAN_ADMIN_ACCESS_KEY=.' "$ADMIN_KEYS_SRC" || ! grep -q '^KSAN_ADMIN_SECRET_KEY=.' "$ADMIN_KEYS_SRC"; then
        usage_error "--admin-keys-file $ADMIN_KEYS_SRC needs lines KSAN_ADMIN_ACCESS_KEY=... and KSAN_ADMIN_SECRET_KEY=..."
    fi
fi
if [[ -n $API_KEY_SRC ]]; then
    [[ $(tr -d '[:space:]' <"$API_KEY_SRC") =~ ^ksan_[A-Za-z0-9]+_[A-Za-z0-9]+$ ]] ||
        usage_error "--api-key-file $API_KEY_SRC does not hold one API key ksan_<id>_<secret>"
fi

# ---------------------------------------------------------------------------------------------------- where
[[ -n $PREFIX_ARG ]] || usage_error "--prefix needs a directory"
if [[ $PREFIX_ARG != / ]]; then
    [[ $PREFIX_ARG =~ ^[A-Za-z0-9._/+-]+$ ]] ||
        usage_error "--prefix '$PREFIX_ARG': use only letters, digits and . _ / + - in the path"
fi
# Resolved without creating it (realpath -m): a bad invocation must not leave even an empty directory behind.
ROOT=$(realpath -m -- "$PREFIX_ARG")
[[ $ROOT =~ ^[A-Za-z0-9._/+-]+$ ]] || usage_error "--prefix '$PREFIX_ARG' resolves to '$ROOT', a path with characters units cannot hold"
if [[ $ROOT == / ]]; then
    ROOT='' SYSTEM=yes
    [[ $(id -u) -eq 0 ]] || die "installing into / needs root (or give --prefix DIR to install elsewhere)"
else
    SYSTEM=no NO_START=yes
fi
BINDIR=$ROOT/usr/local/bin
ETCDIR=$ROOT/etc/ksan
STATEDIR=$ROOT/var/lib/ksan
LOGDIR=$ROOT/var/log/ksan
UNITDIR=$ROOT/etc/systemd/system
CONFIG=$ETCDIR/ksan.toml
# The metadata host makes the cluster key; every other host is given it (or has it from an earlier run).
if [[ $NEEDS_CLUSTER_KEY == yes && -z $CLUSTER_KEY_SRC && -z $JOIN_TOKEN && ! -s $ETCDIR/cluster-key ]] &&
    ! has_role metadata; then
    usage_error "--join or --cluster-key-file is required on a host without the metadata role (or copy" \
        "/etc/ksan/cluster-key from the metadata host)"
fi
# The disks, where the OSD will find them: outside the prefix only when the prefix is /.
UNIT_DISK_PATHS=()
for path in "${DISK_PATHS[@]}"; do
    if [[ $SYSTEM == yes ]]; then
        # ProtectHome= and PrivateTmp= hide these from the service whatever ReadWritePaths= says.
        case $path/ in
        /home/* | /root/* | /run/user/* | /tmp/* | /var/tmp/*)
            usage_error "--disk $path: the unit's ProtectHome=/PrivateTmp= hide /home, /root, /run/user and /tmp from the OSD"
            ;;
        esac
    fi
    UNIT_DISK_PATHS+=("$ROOT$path")
done

# ---------------------------------------------------------------------------------------------------- prerequisites
missing=()
if [[ $SYSTEM == yes ]]; then
    command -v useradd >/dev/null || missing+=(passwd)
    command -v systemctl >/dev/null || missing+=(systemd)
    [[ $NO_START == yes ]] || command -v curl >/dev/null || missing+=(curl)
fi
command -v systemd-analyze >/dev/null || missing+=(systemd)
((${#missing[@]} == 0)) || die "missing commands; install them with: sudo apt-get install ${missing[*]}"

BINARIES=()
for role in "${ROLES[@]}"; do BINARIES+=("ksan-$role"); done
BINARIES+=(ksanctl)
if [[ -n $BIN_ARG ]]; then
    [[ -d $BIN_ARG ]] || die "--bin $BIN_ARG is not a directory"
    BIN=$(cd -- "$BIN_ARG" && pwd)
else
    if [[ -d /opt/swift/usr/bin && :$PATH: != *:/opt/swift/usr/bin:* ]]; then PATH=$PATH:/opt/swift/usr/bin; fi
    command -v swift >/dev/null || die "swift not found: install the Swift 6 toolchain, or give --bin DIR"
    # A scratch path of its own (as cluster/up.sh), so that the release build does not hold .build's lock.
    scratch=$REPO/.build-release
    log "building release executables (swift build -c release --scratch-path $scratch)"
    (cd "$REPO" && swift build -c release --scratch-path "$scratch" >&2) || die "swift build -c release failed"
    BIN=$(cd "$REPO" && swift build -c release --scratch-path "$scratch" --show-bin-path)
fi
for binary in "${BINARIES[@]}"; do
    [[ -x $BIN/$binary ]] || die "$BIN/$binary is missing: build it, or point --bin at the directory that has it"
done

# ---------------------------------------------------------------------------------------------------- join
# The portal trades the token for the cluster key (into a private temporary file, installed below as any
# --cluster-key-file is) and the metadata and broker URLs. Nothing is written before this succeeds.
TEMPS=()    # temporary files of put_file and the copies below: removed on exit, whatever happens
JOIN_DIR='' # the join's temporary directory
cleanup() {
    ((${#TEMPS[@]} == 0)) || rm -f -- "${TEMPS[@]}"
    [[ -z $JOIN_DIR ]] || rm -rf -- "$JOIN_DIR"
}
trap cleanup EXIT
if [[ -n $JOIN_TOKEN ]]; then
    JOIN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ksan-join.XXXXXX")
    log "joining the cluster through $PORTAL_URL as host $HOST_ID"
    if ! join_out=$(KSAN_JOIN_TOKEN=$JOIN_TOKEN "$BIN/ksanctl" join --portal-url "$PORTAL_URL" --host-id "$HOST_ID" \
        --cluster-key-file "$JOIN_DIR/cluster-key" --shell); then
        die "the portal at $PORTAL_URL did not let this host join (see the message above): check the token with" \
            "ksanctl join-token list, or make a new one with ksanctl join-token create"
    fi
    while IFS= read -r line; do
        name=${line%%=*} value=${line#*=}
        value=${value#\'} value=${value%\'}
        case $name in
        KSAN_METADATA_URL) if [[ -z $METADATA_URL ]] && { has_role osd || has_role gateway || has_role portal || has_role worker; }; then
            METADATA_URL=$value
        fi ;;
        KSAN_AMQP_URL) if [[ -z $AMQP_URL ]]; then AMQP_URL=$value; fi ;;
        esac
    done <<<"$join_out"
    [[ -n $METADATA_URL ]] || ! { has_role osd || has_role gateway || has_role worker; } ||
        die "the portal gave no metadata URL"
    [[ $METADATA_URL =~ ^https?://[^/]+$ ]] || [[ -z $METADATA_URL ]] || die "the portal gave a bad metadata URL"
    [[ -z $AMQP_URL || $AMQP_URL =~ ^amqps?:// ]] || die "the portal gave a bad broker URL"
    check_value "the portal's metadata URL" "$METADATA_URL"
    check_value "the portal's broker URL" "$AMQP_URL"
    CLUSTER_KEY_SRC=$JOIN_DIR/cluster-key
fi

# ---------------------------------------------------------------------------------------------------- writing
umask 022
CHANGED=() # files written with new content: the services that read them are restarted

# own OWNER PATH...: chown, in system mode only (in prefix mode the files stay the invoking user's).
own() {
    local owner=$1
    shift
    if [[ $SYSTEM == yes ]]; then chown "$owner" -- "$@"; fi
}
# keep_file MODE OWNER FILE: keeps FILE as it is, with MODE and OWNER corrected.
keep_file() {
    chmod "$1" -- "$3"
    own "$2" "$3"
}
# put_file MODE OWNER DEST: writes stdin to DEST, atomically (a temporary file in the same directory, then a
# rename), with MODE and OWNER set before the content is visible. A file whose content is already that is left
# alone, but its mode and owner are corrected. Never at the end of a pipeline (a subshell): CHANGED must see it.
put_file() {
    local mode=$1 owner=$2 dest=$3 tmp
    tmp=$(mktemp "$dest.XXXXXX") # created 0600: a secret is never readable by others, not even for a moment
    TEMPS+=("$tmp")
    cat >"$tmp"
    if [[ -f $dest ]] && cmp -s -- "$tmp" "$dest"; then
        rm -f -- "$tmp"
        keep_file "$mode" "$owner" "$dest"
        return 0
    fi
    chmod "$mode" -- "$tmp"
    own "$owner" "$tmp"
    mv -f -- "$tmp" "$dest"
    CHANGED+=("$dest")
}
make_dir() { # MODE OWNER DIR
    mkdir -p -- "$3"
    chmod "$1" -- "$3"
    own "$2" "$3"
}
random_string() { # LENGTH CHARACTER-SET (tr syntax)
    local length=$1 set=$2 out=''
    while ((${#out} < length)); do
        out+=$(LC_ALL=C tr -dc "$set" < <(head -c 1024 /dev/urandom))
    done
    printf '%s' "${out:0:length}"
}

if [[ $SYSTEM == yes ]] && ! getent passwd ksan >/dev/null; then
    log "creating the system user ksan"
    # --user-group: the group ksan the units name (Debian's default for useradd, said explicitly).
    useradd --system --user-group --home /var/lib/ksan --shell /usr/sbin/nologin ksan
fi

make_dir 0755 root:root "$BINDIR"
make_dir 0755 root:root "$ETCDIR"
make_dir 0750 ksan:ksan "$STATEDIR"
make_dir 0750 ksan:ksan "$LOGDIR"
make_dir 0755 root:root "$UNITDIR"
for path in "${UNIT_DISK_PATHS[@]}"; do
    # Only the directory itself is chowned: a disk already full of shards is the OSD's already.
    make_dir 0750 ksan:ksan "$path"
done

for binary in "${BINARIES[@]}"; do
    dest=$BINDIR/$binary
    if [[ -f $dest ]] && cmp -s -- "$BIN/$binary" "$dest"; then
        chmod 0755 -- "$dest"
        continue
    fi
    # Copied beside it and renamed: a running executable cannot be overwritten in place (text file busy).
    tmp=$(mktemp "$dest.XXXXXX")
    TEMPS+=("$tmp")
    cp -- "$BIN/$binary" "$tmp"
    chmod 0755 -- "$tmp"
    own root:root "$tmp"
    mv -f -- "$tmp" "$dest"
    CHANGED+=("$dest")
done

# ---------------------------------------------------------------------------------------------------- secrets
# Each secret is a file of its own, 0600 and the ksan user's; ksan.toml only names them. One given on the command
# line replaces what is there; otherwise what is there is kept, so that re-running never changes a cluster's keys.
CLUSTER_KEY=$ETCDIR/cluster-key
API_KEY=$ETCDIR/api-key
ADMIN_KEYS=$ETCDIR/admin-keys
ENV_FILE=$ETCDIR/ksan.env

if [[ $NEEDS_CLUSTER_KEY == yes ]]; then
    if [[ -n $CLUSTER_KEY_SRC ]]; then
        put_file 0600 ksan:ksan "$CLUSTER_KEY" <"$CLUSTER_KEY_SRC"
    elif [[ -s $CLUSTER_KEY ]]; then
        keep_file 0600 ksan:ksan "$CLUSTER_KEY"
    else # the metadata role (checked above)
        if command -v openssl >/dev/null; then
            key=$(openssl rand -hex 32)
        else
            key=$(random_string 64 '0-9a-f')
        fi
        put_file 0600 ksan:ksan "$CLUSTER_KEY" <<<"$key"
        log "generated the cluster key in $CLUSTER_KEY: copy it to every other host (--cluster-key-file)"
    fi
fi
if has_role portal; then
    if [[ -n $API_KEY_SRC ]]; then
        put_file 0600 ksan:ksan "$API_KEY" <"$API_KEY_SRC"
    elif [[ -s $API_KEY ]]; then
        keep_file 0600 ksan:ksan "$API_KEY"
    else
        key=$("$BINDIR/ksan-portal" --new-api-key) || die "ksan-portal --new-api-key failed"
        put_file 0600 ksan:ksan "$API_KEY" <<<"$key"
        log "generated the portal's API key in $API_KEY"
    fi
fi
if has_role metadata; then
    if [[ -n $ADMIN_KEYS_SRC ]]; then
        put_file 0600 ksan:ksan "$ADMIN_KEYS" <"$ADMIN_KEYS_SRC"
    elif [[ -s $ADMIN_KEYS ]]; then
        keep_file 0600 ksan:ksan "$ADMIN_KEYS"
    else
        keys=$(printf 'KSAN_ADMIN_ACCESS_KEY=%s\nKSAN_ADMIN_SECRET_KEY=%s' \
            "$(random_string 20 'A-Z0-9')" "$(random_string 40 'A-Za-z0-9')")
        put_file 0600 ksan:ksan "$ADMIN_KEYS" <<<"$keys"
        log "generated the bootstrap administrator's S3 keys in $ADMIN_KEYS"
    fi
fi

# A PostgreSQL URL with a password in it (user:password@ or ?password=) is a secret too: it goes to ksan.env as
# KSAN_METADATA_POSTGRES_URL and KSAN_PORTAL_POSTGRES_URL, and ksan.toml gets the URL without the password (the
# environment overrides a key of the file, so the key must be there). A URL without a password goes to ksan.toml.
POSTGRES_SECRET=no
POSTGRES_PUBLIC=$POSTGRES_URL
if [[ -n $POSTGRES_URL ]]; then
    rest=${POSTGRES_URL#*://}
    authority=${rest%%[/?]*}
    if [[ $authority == *@* && ${authority%@*} == *:* ]] || [[ $POSTGRES_URL == *[?\&]password=* ]]; then
        POSTGRES_SECRET=yes
        user=${authority%@*}
        public_authority=${user%%:*}@${authority##*@}
        public_rest=${public_authority}${rest#"$authority"}
        # Drop a password= query parameter as well.
        public_rest=$(sed -E 's/([?&])password=[^&]*&?/\1/; s/[?&]$//' <<<"$public_rest")
        POSTGRES_PUBLIC=${POSTGRES_URL%%://*}://$public_rest
    fi
fi
# systemd reads this file (EnvironmentFile=) as root before dropping to ksan: it stays root's, 0600. Values are
# single-quoted (no escapes, no expansion) and checked above to hold no quote.
env_text=$(
    printf '# Written by cluster/install.sh: secrets for the KSAN services on this host, read by systemd\n'
    printf '# (EnvironmentFile= in each ksan-*.service). Re-running the installer rewrites it from its arguments.\n'
    if [[ -n $AMQP_URL ]]; then printf "KSAN_AMQP_URL='%s'\n" "$AMQP_URL"; fi
    if [[ $POSTGRES_SECRET == yes ]]; then
        for role in metadata portal; do
            if has_role "$role"; then printf "KSAN_%s_POSTGRES_URL='%s'\n" "${role^^}" "$POSTGRES_URL"; fi
        done
    fi
)
put_file 0600 root:root "$ENV_FILE" <<<"$env_text"

if [[ -n $TOPOLOGY_SRC ]]; then
    put_file 0644 root:root "$ETCDIR/topology.json" <"$TOPOLOGY_SRC"
    log "note: ksan-metadata loads $ETCDIR/topology.json only into a cluster that has no topology yet; after" \
        "that, change the topology with ksanctl"
fi

# ---------------------------------------------------------------------------------------------------- ksan.toml
# One table per installed role; keys are the executable's long option names. Values were checked above to hold no
# quote, backslash or control character, so "..." is a valid TOML string as it is.
toml_array() { # VALUE...
    local out='' value
    for value in "$@"; do out+="${out:+, }\"$value\""; done
    printf '[%s]' "$out"
}
toml=$(
    printf '# KSAN configuration of host %s (roles: %s), written by cluster/install.sh: re-run it to change\n' \
        "$HOST_ID" "${ROLES[*]}"
    printf '# this file. Secrets are in files of their own beside it (0600), and in ksan.env.\n'
    if has_role metadata; then
        printf '\n[metadata]\n'
        printf 'listen = "%s:%s"\n' "$URL_HOST" "$METADATA_PORT"
        if [[ -n $POSTGRES_URL ]]; then printf 'postgres-url = "%s"\n' "$POSTGRES_PUBLIC"; fi
        if [[ -n $TOPOLOGY_SRC ]]; then printf 'topology = "%s"\n' "$ETCDIR/topology.json"; fi
        printf 'admin-keys-file = "%s"\n' "$ADMIN_KEYS"
        printf 'cluster-key-file = "%s"\n' "$CLUSTER_KEY"
    fi
    if has_role osd; then
        disks=()
        for i in "${!DISK_IDS[@]}"; do disks+=("${DISK_IDS[i]}=${UNIT_DISK_PATHS[i]}"); done
        printf '\n[osd]\n'
        printf 'listen = "%s:%s"\n' "$URL_HOST" "$OSD_PORT"
        printf 'host-id = "%s"\n' "$HOST_ID"
        printf 'disk = %s\n' "$(toml_array "${disks[@]}")"
        printf 'metadata-url = "%s"\n' "$METADATA_URL"
        printf 'cluster-key-file = "%s"\n' "$CLUSTER_KEY"
    fi
    if has_role gateway; then
        printf '\n[gateway]\n'
        printf 'listen = "%s:%s"\n' "$URL_HOST" "$GATEWAY_PORT"
        printf 'metadata-url = "%s"\n' "$METADATA_URL"
        if [[ -n $REGION ]]; then printf 'region = "%s"\n' "$REGION"; fi
        if ((${#DOMAINS[@]} > 0)); then printf 'domain = %s\n' "$(toml_array "${DOMAINS[@]}")"; fi
        printf 'metrics-listen = "%s:%s"\n' "$URL_HOST" "$METRICS_PORT"
        printf 'cluster-key-file = "%s"\n' "$CLUSTER_KEY"
    fi
    if has_role worker; then
        printf '\n[worker]\n'
        printf 'listen = "%s:%s"\n' "$URL_HOST" "$WORKER_PORT"
        printf 'metadata-url = "%s"\n' "$METADATA_URL"
        printf 'cluster-key-file = "%s"\n' "$CLUSTER_KEY"
    fi
    if has_role portal; then
        printf '\n[portal]\n'
        printf 'listen = "%s:%s"\n' "$URL_HOST" "$PORTAL_PORT"
        if [[ -n $POSTGRES_URL ]]; then printf 'postgres-url = "%s"\n' "$POSTGRES_PUBLIC"; fi
        printf 'api-key-file = "%s"\n' "$API_KEY"
        # What the portal hands to hosts that join with a token.
        printf 'cluster-key-file = "%s"\n' "$CLUSTER_KEY"
        if [[ -n $METADATA_URL ]]; then printf 'metadata-url = "%s"\n' "$METADATA_URL"; fi
    fi
)
put_file 0644 root:root "$CONFIG" <<<"$toml"

# ksanctl on this host finds the portal here (the API key is not written: an operator gives it).
KSANCTL_PORTAL=$PORTAL_URL
if has_role portal; then KSANCTL_PORTAL=http://$URL_HOST:$PORTAL_PORT; fi
if [[ -n $KSANCTL_PORTAL ]]; then
    put_file 0644 root:root "$ETCDIR/ksanctl.conf" <<<"portal_url = $KSANCTL_PORTAL"
fi

# ---------------------------------------------------------------------------------------------------- units
postgres_is_local() {
    local rest authority host
    [[ -n $POSTGRES_URL ]] || return 0 # the executables' default: 127.0.0.1
    [[ $POSTGRES_URL != *[?\&]host=* ]] || return 0 # host=/run/postgresql: a socket on this host
    rest=${POSTGRES_URL#*://}
    authority=${rest%%[/?]*}
    host=${authority##*@}
    if [[ $host == \[* ]]; then host=${host%%]*} host=${host#[}; else host=${host%%:*}; fi
    case $host in '' | localhost | 127.* | ::1 | "$ADDRESS") return 0 ;; esac
    return 1
}
UNITS=()
for role in "${ROLES[@]}"; do
    template=$REPO/cluster/systemd/ksan-$role.service.in
    [[ -f $template ]] || die "$template is missing"
    after=''
    case $role in
    metadata) if postgres_is_local; then after=' postgresql.service'; fi ;;
    *) if has_role metadata; then after=' ksan-metadata.service'; fi ;;
    esac
    text=$(<"$template")
    # Quoted replacements: taken literally (bash 5.2 would otherwise read & in them).
    text=${text//@BINDIR@/"$BINDIR"}
    text=${text//@ETCDIR@/"$ETCDIR"}
    text=${text//@STATEDIR@/"$STATEDIR"}
    text=${text//@LOGDIR@/"$LOGDIR"}
    text=${text//@AFTER@/"$after"}
    text=${text//@DISKPATHS@/"${UNIT_DISK_PATHS[*]}"}
    [[ $text != *@[A-Z]*@* ]] || die "$template has a placeholder this installer does not know"
    put_file 0644 root:root "$UNITDIR/ksan-$role.service" <<<"$text"
    UNITS+=("ksan-$role.service")
done
for role in "${ALL_ROLES[@]}"; do
    if ! has_role "$role" && [[ -f $UNITDIR/ksan-$role.service ]]; then
        log "WARNING: $UNITDIR/ksan-$role.service is installed but $role is not in --roles, and ksan.toml no longer" \
            "has its table: remove it (systemctl disable --now ksan-$role; rm $UNITDIR/ksan-$role.service)"
    fi
done

# Every unit must pass systemd-analyze verify without a word: it exits 0 on mere warnings (an unknown key, say),
# so its output counts as well as its status.
verify_unit() { # UNIT-FILE
    local unit=$1 out rc=0 line errors=() user_notes=0
    out=$(systemd-analyze verify "$unit" 2>&1) || rc=$?
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        # In prefix mode (tests, packaging) the user ksan need not exist on this machine, since the units are
        # not run here; systemd versions that check User=/Group= say so, and that alone is acceptable then.
        # With prefix / the installer has created the user, so such a line is an error like any other.
        if [[ $SYSTEM == no ]] && [[ ${line,,} =~ (user|group).*ksan|ksan.*(user|group) ]]; then
            log "note: ${unit##*/}: $line (the user ksan is created only when installing into /)"
            user_notes=$((user_notes + 1))
            continue
        fi
        errors+=("$line")
    done <<<"$out"
    if ((${#errors[@]} > 0)) || { ((rc != 0)) && ((user_notes == 0)); }; then
        printf '%s: ERROR: systemd-analyze verify %s failed (exit status %d):\n' "$ME" "$unit" "$rc" >&2
        printf '    %s\n' "${errors[@]:-$out}" >&2
        exit 1
    fi
    log "verified ${unit##*/} (systemd-analyze verify)"
}
for unit in "${UNITS[@]}"; do verify_unit "$UNITDIR/$unit"; done

# ---------------------------------------------------------------------------------------------------- start
health_url() { # ROLE
    case $1 in
    metadata) echo "http://$URL_HOST:$METADATA_PORT/_ksan/health" ;;
    osd) echo "http://$URL_HOST:$OSD_PORT/_ksan/health" ;;
    gateway) echo "http://$URL_HOST:$GATEWAY_PORT/_ksan/health" ;;
    portal) echo "http://$URL_HOST:$PORTAL_PORT/api/v1/health" ;;
    worker) echo "http://$URL_HOST:$WORKER_PORT/_ksan/health" ;;
    esac
}
wait_healthy() { # ROLE
    local role=$1 url deadline=$((SECONDS + 60))
    url=$(health_url "$role")
    until curl --noproxy '*' -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
        if ((SECONDS >= deadline)) || systemctl is-failed --quiet "ksan-$role.service"; then
            {
                printf '%s: ERROR: ksan-%s did not answer %s within 60 s; its journal:\n' "$ME" "$role" "$url"
                journalctl -u "ksan-$role.service" -n 40 --no-pager 2>&1 | sed 's/^/    /'
            } >&2
            exit 1
        fi
        sleep 0.5
    done
    log "ksan-$role is healthy ($url)"
}
if [[ $NO_START == no ]]; then
    systemctl daemon-reload
    for role in "${ROLES[@]}"; do
        unit=ksan-$role.service was_active=no
        if systemctl is-active --quiet "$unit"; then was_active=yes; fi
        systemctl enable --now "$unit"
        # enable --now leaves a running service alone: restart it when what it runs or reads has changed.
        if [[ $was_active == yes ]] && ((${#CHANGED[@]} > 0)); then
            log "restarting $unit (changed: ${CHANGED[*]})"
            systemctl restart "$unit"
        fi
        wait_healthy "$role"
    done
fi

# ---------------------------------------------------------------------------------------------------- summary
{
    printf '\nKSAN installed on host %s (%s) under %s: %s\n' "$HOST_ID" "$ADDRESS" "${ROOT:-/}" "${ROLES[*]}"
    printf '  executables:    %s/{%s}\n' "$BINDIR" "$(
        IFS=,
        echo "${BINARIES[*]}"
    )"
    secrets=()
    for file in cluster-key api-key admin-keys ksan.env; do
        if [[ -f $ETCDIR/$file ]]; then secrets+=("$file"); fi
    done
    printf '  configuration:  %s (secrets beside it, 0600: %s)\n' "$CONFIG" "${secrets[*]}"
    printf '  units:          %s in %s\n' "${UNITS[*]}" "$UNITDIR"
    printf '  state, logs:    %s, %s (the services log to the journal: journalctl -u ksan-ROLE)\n' "$STATEDIR" "$LOGDIR"
    for role in "${ROLES[@]}"; do printf '  %-15s %s\n' "$role:" "$(health_url "$role")"; done
    if [[ $NO_START == yes ]]; then
        if [[ $SYSTEM == yes ]]; then
            printf '  not started (--no-start): systemctl daemon-reload && systemctl enable --now %s\n' "${UNITS[*]}"
        else
            printf '  not started (--prefix): the units and ksan.toml name paths inside %s\n' "$ROOT"
        fi
    fi
    if has_role metadata; then
        printf '  S3 admin:       access key %s (secret in %s)\n' \
            "$(sed -n 's/^KSAN_ADMIN_ACCESS_KEY=//p' "$ADMIN_KEYS")" "$ADMIN_KEYS"
    fi
    if has_role portal; then
        printf '\nksanctl (the portal API):\n'
        printf "  export KSAN_PORTAL_URL=http://%s:%s KSAN_API_KEY=\"\$(sudo cat %s)\"\n" "$URL_HOST" "$PORTAL_PORT" "$API_KEY"
        printf '  %s/ksanctl status; %s/ksanctl service list\n' "$BINDIR" "$BINDIR"
    else
        printf '\nksanctl: set KSAN_PORTAL_URL to the portal host (http://HOST:9400) and KSAN_API_KEY to its etc/ksan/api-key.\n'
    fi
    if has_role osd; then
        printf '\nThe OSD serves once the topology has it (ksanctl, with the API key, anywhere):\n'
        printf '  ksanctl server add %s --endpoint http://%s:%s\n' "$HOST_ID" "$URL_HOST" "$OSD_PORT"
        for id in "${DISK_IDS[@]}"; do printf '  ksanctl disk add %s --server %s\n' "$id" "$HOST_ID"; done
        printf '  then a pool over its disks (ksanctl pool create ... --disks ...), or keep them as spares\n'
    fi
}

#!/usr/bin/env bash
# Makes the secrets of the compose cluster (docker-compose.yml), once: run it before the first
# `docker compose -f docker/docker-compose.yml up`. Files that exist are kept, so re-running never changes a
# cluster's keys. The same secrets as cluster/install.sh writes on a host, in the same formats:
#   cluster-key        64 hex digits: signs the calls between the services
#   admin-keys         KSAN_ADMIN_ACCESS_KEY=... and KSAN_ADMIN_SECRET_KEY=...: the bootstrap S3 administrator
#   api-key            ksan_<12>_<40>: the portal's bootstrap API key (ksanctl --api-key)
#   postgres-password  the password of PostgreSQL's user ksan
#   rabbitmq-password  the password of RabbitMQ's user ksan, and rabbitmq.conf, which makes that user
#   ksan.env           KSAN_AMQP_URL (with the password), for every KSAN container
#   postgres.env       KSAN_METADATA_POSTGRES_URL and KSAN_PORTAL_POSTGRES_URL (with the password), for those two
#
# Usage: docker/make-secrets.sh [DIR]     (default: docker/secrets beside this script)
#
# DIR is made 0700. The files in it are 0644 because Docker bind-mounts them into containers whose user (ksan) is
# not the owner on the host; DIR's mode is what keeps other users of the host out.
set -euo pipefail

DIR=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}

random_string() { # LENGTH CHARACTER-SET (tr syntax)
    local length=$1 set=$2 out=''
    while ((${#out} < length)); do
        out+=$(LC_ALL=C tr -dc "$set" < <(head -c 1024 /dev/urandom))
    done
    printf '%s' "${out:0:length}"
}

# put NAME CONTENT: writes DIR/NAME unless it exists (through a temporary file and a rename).
put() {
    local name=$1 content=$2 tmp
    if [[ -s $DIR/$name ]]; then
        echo "make-secrets.sh: kept $DIR/$name"
        return
    fi
    tmp=$(mktemp "$DIR/.$name.XXXXXX")
    printf '%s\n' "$content" >"$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$DIR/$name"
    echo "make-secrets.sh: wrote $DIR/$name"
}

# value NAME KEY: the value of KEY= in DIR/NAME.
value() { sed -n "s/^$2=//p" "$DIR/$1"; }

mkdir -p "$DIR"
chmod 0700 "$DIR"
put cluster-key "$(random_string 64 '0-9a-f')"
put admin-keys "$(printf 'KSAN_ADMIN_ACCESS_KEY=%s\nKSAN_ADMIN_SECRET_KEY=%s' \
    "$(random_string 20 'A-Z0-9')" "$(random_string 40 'A-Za-z0-9')")"
put api-key "ksan_$(random_string 12 'a-z0-9')_$(random_string 40 'A-Za-z0-9')"
put postgres-password "$(random_string 32 'A-Za-z0-9')"
put rabbitmq-password "$(random_string 32 'A-Za-z0-9')"
put rabbitmq.conf "$(printf 'default_user = ksan\ndefault_pass = %s' "$(cat "$DIR/rabbitmq-password")")"
pg=$(cat "$DIR/postgres-password")
put ksan.env "KSAN_AMQP_URL=amqp://ksan:$(cat "$DIR/rabbitmq-password")@rabbitmq:5672/"
put postgres.env "$(printf 'KSAN_METADATA_POSTGRES_URL=postgres://ksan:%s@postgres:5432/ksan\nKSAN_PORTAL_POSTGRES_URL=postgres://ksan:%s@postgres:5432/ksan' \
    "$pg" "$pg")"
echo "make-secrets.sh: S3 administrator $(value admin-keys KSAN_ADMIN_ACCESS_KEY) (secret in $DIR/admin-keys);" \
    "portal API key in $DIR/api-key"

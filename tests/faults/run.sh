#!/usr/bin/env bash
# The fault suite: the multi-host namespace cluster of tests/netns/run.sh (six OSD hosts, EC 4+2, one shard of
# every stripe per host) with RabbitMQ, the portal and fast background work, under a mixed load of real S3 clients
# while faults are injected. Each scenario checks every acknowledged object byte for byte and that every deleted
# object stays deleted, and prints its figures (docs/reliability.md).
#
#   tests/faults/run.sh                 every scenario      (root; KSAN_BIN = directory of the built executables)
#   tests/faults/run.sh -k corrupt      one scenario (pytest -k): kill_host, corrupt, lost_disk, full_disk,
#                                       hung_host, cut_off_host, killed_gateway, returning_host, postgres_restart
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export KSAN_NETNS_TESTS=$REPO/tests/faults
export KSAN_NETNS_BUS=1
# Hosts are Offline after 5 s of silence and rebuilt elsewhere 30 s later; the scrub passes every 5 s. Disks keep
# 8 MiB free; h3-d2 has a file system of its own (a tmpfs), which the full_disk scenario shrinks to fill it.
export KSAN_NETNS_METADATA_ARGS="--osd-timeout 5"
export KSAN_NETNS_OSD_ARGS="--scrub-interval 5 --scrub-rate 500 --disk-reserve 8M"
export KSAN_NETNS_TMPFS_DISKS="h3/d2"
export KSAN_NETNS_WORKER_ARGS="--rebuild-after 30 --rebuild-interval 1 --gc-interval 1 --gc-grace 5"
exec "$REPO/tests/netns/run.sh" -v -s "$@"

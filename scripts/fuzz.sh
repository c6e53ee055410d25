#!/usr/bin/env bash
# Fuzzes every parser of request input, in two phases per target:
#   1. libFuzzer (coverage-guided, with AddressSanitizer) for --seconds per target, from the seed corpus
#      (tests/fuzz/seeds/<target>) and dictionary (tests/fuzz/dict/<target>.dict); the corpus it grows is kept in
#      .build-fuzz/corpus/<target>. Built in release with -sanitize=fuzzer,address into .build-fuzz.
#   2. ksan-fuzz's seeded mutator, built in release without sanitizers (.build-release, the benchmark's build), for
#      --runs inputs per target, mutating the seeds and everything phase 1 found.
# Builds are incremental after the first time (each takes about 20 minutes here).
#
# Usage: scripts/fuzz.sh [--seconds S] [--runs N] [--skip-libfuzzer] [target ...]
#   --seconds S   libFuzzer time per target (default 300)
#   --runs N      seeded-mutator inputs per target (default 10000000)
#   targets       default: all (xml sigv4 sigv2 aws-chunked post-form range post-policy request)
# Prints a table (inputs run by each phase, crashes, seconds); exits non-zero if any target crashed. A crashing input
# is kept (.build-fuzz/crashes/<target>/ for libFuzzer, crash-<target>-seed<N>.bin for the mutator); replay it with
# `ksan-fuzz <target> --replay FILE`. The test suite runs the mutator briefly (5,000 inputs per target).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
if [[ -d /opt/swift/usr/bin && :$PATH: != *:/opt/swift/usr/bin:* ]]; then PATH=$PATH:/opt/swift/usr/bin; fi

SECONDS_PER_TARGET=300
RUNS=10000000
LIBFUZZER=1
TARGETS=()
while (($#)); do
    case $1 in
    --seconds) SECONDS_PER_TARGET=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --skip-libfuzzer) LIBFUZZER=0; shift ;;
    -h | --help) sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
    esac
done
((${#TARGETS[@]})) || TARGETS=(xml sigv4 sigv2 aws-chunked post-form range post-policy request)

FUZZ_SCRATCH=$REPO/.build-fuzz
if ((LIBFUZZER)); then
    echo "==> swift build -c release --product ksan-fuzz -sanitize=fuzzer,address (scratch $FUZZ_SCRATCH)" >&2
    swift build -c release --product ksan-fuzz --scratch-path "$FUZZ_SCRATCH" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKSAN_LIBFUZZER >&2
    LIBFUZZER_BIN=$(swift build -c release --scratch-path "$FUZZ_SCRATCH" --show-bin-path)/ksan-fuzz
fi
echo "==> swift build -c release --product ksan-fuzz (scratch .build-release)" >&2
swift build -c release --product ksan-fuzz --scratch-path "$REPO/.build-release" >&2
MUTATOR_BIN=$(swift build -c release --scratch-path "$REPO/.build-release" --show-bin-path)/ksan-fuzz

failed=0
rows=()
for target in "${TARGETS[@]}"; do
    corpus=$FUZZ_SCRATCH/corpus/$target
    artifacts=$FUZZ_SCRATCH/crashes/$target
    mkdir -p "$corpus" "$artifacts"
    libfuzzer_runs=- coverage=- crashes=0
    start=$SECONDS
    if ((LIBFUZZER)); then
        log=$FUZZ_SCRATCH/$target.log
        status=0
        KSAN_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$LIBFUZZER_BIN" -max_total_time="$SECONDS_PER_TARGET" \
            -max_len=65536 -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 -dict="tests/fuzz/dict/$target.dict" \
            -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/seeds/$target" >"$log" 2>&1 || status=$?
        libfuzzer_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //' || true)
        if ((status != 0)); then
            crashes=1 failed=1
            echo "$target: libFuzzer exit $status: $(find "$artifacts" -type f | head -n 1) (log $log)" >&2
        fi
    fi
    mutator=$(cd "$FUZZ_SCRATCH" && "$MUTATOR_BIN" "$target" --runs "$RUNS" --seeds "$REPO/tests/fuzz/seeds" \
        --seeds "$FUZZ_SCRATCH/corpus" --dictionaries "$REPO/tests/fuzz/dict" 2>&1 | tail -n 1) || {
        crashes=1 failed=1
        echo "$target: the seeded mutator crashed; input in $FUZZ_SCRATCH/crash-$target-seed1.bin" >&2
    }
    rate=$(sed -n 's/.* \([0-9]*\) inputs\/s.*/\1/p' <<<"$mutator")
    rows+=("$(printf '%-12s %12s %8s %12s %10s %8s %8s' "$target" "${libfuzzer_runs:-?}" "${coverage:-?}" "$RUNS" \
        "${rate:-?}" "$crashes" $((SECONDS - start)))")
done
printf '\n%-12s %12s %8s %12s %10s %8s %8s\n' target libfuzzer coverage mutator "mutator/s" crashes seconds
printf '%s\n' "${rows[@]}"
exit "$failed"

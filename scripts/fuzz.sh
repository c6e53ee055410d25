#!/usr/bin/env bash
# Fuzzes every parser of request input with libFuzzer (coverage-guided, with AddressSanitizer): builds ksan-fuzz in
# release with -sanitize=fuzzer,address into .build-fuzz (apart from the other builds; incremental after the first
# time, which takes about 20 minutes here), then runs each target from its seed corpus (tests/fuzz/seeds/<target>)
# with its dictionary (tests/fuzz/dict/<target>.dict).
#
# Usage: scripts/fuzz.sh [--runs N] [--max-len BYTES] [target ...]
#   --runs N     inputs per target (default 10000000)
#   targets      default: all (xml sigv4 sigv2 aws-chunked post-form range post-policy request)
# Prints, per target, the inputs run, the crashes (0, or the crashing input's path) and the time; exits non-zero if
# any target crashed. The corpus each run grows is kept in .build-fuzz/corpus/<target> for the next run.
#
# The test suite runs the same targets briefly with the seeded mutator instead (ksan-fuzz --runs 5000, any build).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
if [[ -d /opt/swift/usr/bin && :$PATH: != *:/opt/swift/usr/bin:* ]]; then PATH=$PATH:/opt/swift/usr/bin; fi

RUNS=10000000
MAX_LEN=65536
TARGETS=()
while (($#)); do
    case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --max-len) MAX_LEN=$2; shift 2 ;;
    -h | --help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
    esac
done
((${#TARGETS[@]})) || TARGETS=(xml sigv4 sigv2 aws-chunked post-form range post-policy request)

SCRATCH=$REPO/.build-fuzz
echo "==> swift build -c release --product ksan-fuzz -sanitize=fuzzer,address (scratch $SCRATCH)"
swift build -c release --product ksan-fuzz --scratch-path "$SCRATCH" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKSAN_LIBFUZZER >&2
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/ksan-fuzz

failed=0
printf '\n%-12s %12s %8s %8s %s\n' target inputs crashes seconds notes
for target in "${TARGETS[@]}"; do
    corpus=$SCRATCH/corpus/$target
    artifacts=$SCRATCH/crashes/$target
    mkdir -p "$corpus" "$artifacts"
    log=$SCRATCH/$target.log
    start=$SECONDS
    status=0
    KSAN_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$BIN" -runs="$RUNS" -max_len="$MAX_LEN" -timeout=10 \
        -rss_limit_mb=3072 -print_final_stats=1 -dict="tests/fuzz/dict/$target.dict" \
        -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/seeds/$target" >"$log" 2>&1 || status=$?
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    crashes=0
    notes="$coverage, corpus $(find "$corpus" -type f | wc -l) inputs"
    if ((status != 0)); then
        crashes=1
        failed=1
        notes="exit $status: $(find "$artifacts" -type f | head -n 1) (log $log)"
    fi
    printf '%-12s %12s %8s %8s %s\n' "$target" "${inputs:-?}" "$crashes" $((SECONDS - start)) "$notes"
done
exit "$failed"

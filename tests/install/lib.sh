# shellcheck shell=bash
# Shared by tests/install/test_install.sh and test_system.sh (sourced; they set SCRATCH first).
#
#   pass NAME / fail NAME [OUTPUT]   one result line; PASSED and FAILED count them
#   check NAME COMMAND...            PASS when COMMAND succeeds, FAIL with what it printed otherwise; run in this
#                                    shell (not a subshell), so that what a check caches stays for the next
#   make_stand_ins DIR BIN           small scripts in DIR that exec BIN's executables: a debug build weighs some
#                                    140 MB per executable, and what the installs test is the files around them

PASSED=0 FAILED=0
pass() {
    printf 'PASS %s\n' "$1"
    PASSED=$((PASSED + 1))
}
fail() {
    printf 'FAIL %s\n' "$1"
    if [[ -n ${2:-} ]]; then printf '%s\n' "$2" | sed 's/^/     /'; fi
    FAILED=$((FAILED + 1))
}
check() {
    local name=$1
    shift
    if "$@" >"$SCRATCH/check.out" 2>&1; then pass "$name"; else fail "$name" "$(<"$SCRATCH/check.out")"; fi
}
make_stand_ins() { # DIR BIN
    local binary
    mkdir -p "$1"
    for binary in ksan-metadata ksan-osd ksan-gateway ksan-portal ksan-worker ksanctl; do
        printf '#!/bin/sh\nexec %q "$@"\n' "$2/$binary" >"$1/$binary"
        chmod 0755 "$1/$binary"
    done
}

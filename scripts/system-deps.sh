#!/usr/bin/env bash
# System packages the test suite uses: PostgreSQL (store tests on both backends)
# and Chromium (browser tests). Installed with apt when we can; the tests that
# need them skip with a clear reason where they cannot be installed.
set -u
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
        || echo "warning: could not install ${need[*]}; the tests that need them will skip"
else
    echo "note: ${need[*]} not installed (needs root + apt); the tests that need them will skip"
fi
exit 0

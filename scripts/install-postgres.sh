#!/usr/bin/env bash
# Installs the PostgreSQL server (with postgres_fdw, from postgresql-contrib) from Debian
# packages when no server binaries are found. Idempotent.
#
#   scripts/install-postgres.sh           # install when missing
#   scripts/install-postgres.sh --check   # exit 0 when present, 1 when not; installs nothing
set -euo pipefail

say() { printf 'install-postgres: %s\n' "$*" >&2; }

have_server() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && return 0
    done
    command -v postgres >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1
}

have_fdw() {
    ls /usr/share/postgresql/*/extension/postgres_fdw.control >/dev/null 2>&1
}

if [ "${1:-}" = "--check" ]; then
    have_server && have_fdw && command -v psql >/dev/null 2>&1
    exit
fi
if have_server && have_fdw && command -v psql >/dev/null 2>&1; then
    say "PostgreSQL server binaries, psql and postgres_fdw are present; skipping"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL server binaries are missing; run this script as root (it uses apt-get)"
    exit 1
fi
say "installing postgresql and postgresql-contrib from Debian packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
# Debian starts a cluster of its own; the tool never uses it.
if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
        pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
    done
fi
say "installed: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"

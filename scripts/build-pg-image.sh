#!/usr/bin/env bash
# Builds a local PostgreSQL 15 image for the container backend when no registry can be reached.
#
# It is the offline twin of the official `postgres:15` image as far as gwells-db uses it: the
# entrypoint honours POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, listens on 5432 and prints
# the official readiness line. Idempotent: does nothing when the image exists or no Docker
# daemon answers.
#
#   scripts/build-pg-image.sh            # builds gwells-db/postgres:15 if missing
#   GWELLS_PG_IMAGE=gwells-db/postgres:15 cargo xtask db up --backend docker
set -euo pipefail

IMAGE="${1:-gwells-db/postgres:15}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

say() { printf 'build-pg-image: %s\n' "$*" >&2; }

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    say "no Docker daemon answers; skipping (the container backend will be unavailable)"
    exit 0
fi
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    say "image $IMAGE already exists; skipping"
    exit 0
fi
. "$(dirname "$0")/debootstrap.sh"
ensure_debootstrap

work="$(mktemp -d /tmp/gwells-pg-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

say "debootstrap of a minimal bookworm with postgresql-15 (about a minute)"
minbase "$root" postgresql-15 "$work/debootstrap.log"

# Shrink the image: docs, caches and the cluster Debian created at install time are not needed.
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/*
rm -rf "$root"/var/lib/postgresql/15/main "$root"/etc/postgresql/15/main

cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# Minimal twin of the official image's entrypoint: initdb on first start with POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB, password auth from the network, then postgres in the
# foreground on 5432 (any arguments are passed on, e.g. `-c fsync=off`).
set -eu
# `postgres -c ...` as the command, as with the official image: the leading word is implied.
if [ "${1:-}" = postgres ]; then shift; fi
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export PGDATA
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile="$(mktemp)"
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
    auth=scram-sha-256
    [ -n "${POSTGRES_PASSWORD:-}" ] || auth=trust
    initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host="$auth" --no-sync >/dev/null
    rm -f "$pwfile"
    echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != postgres ]; then
        postgres --single -D "$PGDATA" -j postgres >/dev/null <<SQL
CREATE DATABASE "$POSTGRES_DB";
SQL
    fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -p 5432 "$@"
ENTRY
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

say "importing the root file system as $IMAGE"
tar -C "$root" -c . | docker import \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'EXPOSE 5432' \
    - "$IMAGE" >/dev/null
say "built $IMAGE; point the container backend at it with: export GWELLS_PG_IMAGE=$IMAGE"

#!/usr/bin/env bash
# Builds the container image of the tool, `gwells-db`, for pods (Jobs, hooks, probes), offline.
#
# Like scripts/build-pg-image.sh it needs no registry: a minimal Debian bookworm from Debian
# packages (debootstrap: postgresql-client for psql, ca-certificates for TLS to the database and
# the legacy server), imported as a base image once, then the release binary copied in as one
# layer. The base is rebuilt only when its package list or setup here changes; the tool image only
# when the binary changes (its SHA-256 is the label `gwells-db.binary-sha256` and a tag; the
# images of earlier binaries are removed).
#
# The user is uid 1001 with group 0 and a group-writable HOME: OpenShift runs containers as an
# arbitrary uid in group 0, and Docker gives an unknown `--user` group 0 too, so any uid can
# write HOME (the reports of `replicate`, a `.pgpass`). Entrypoint `gwells-db`.
#
#   cargo build --release -p gwells-db
#   scripts/build-tool-image.sh                                  # gwells-db/tool:latest
#   scripts/build-tool-image.sh gwells-db/tool:dev target/release/gwells-db
#   docker run --rm gwells-db/tool:latest --version
set -euo pipefail

IMAGE="${1:-gwells-db/tool:latest}"
BINARY="${2:-target/release/gwells-db}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Downloaded .deb files survive between builds here (debootstrap's --cache-dir).
CACHE="${DEBOOTSTRAP_CACHE:-/var/cache/gwells-db-debootstrap}"
PACKAGES="postgresql-client-15,ca-certificates"
REPO="${IMAGE%:*}"
[ "$REPO" != "$IMAGE" ] || REPO="$IMAGE"

say() { printf 'build-tool-image: %s\n' "$*" >&2; }
started=$(date +%s)

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    say "no Docker daemon answers; skipping (the tool image test will skip)"
    exit 0
fi
if [ ! -x "$BINARY" ]; then
    say "no executable binary at $BINARY: run \`cargo build --release -p gwells-db\` first"
    exit 1
fi

hash="$(sha256sum "$BINARY" | cut -c1-64)"
short="${hash:0:12}"
existing="$(docker images -q --filter "label=gwells-db.binary-sha256=$hash" | head -n1)"
if [ -n "$existing" ]; then
    docker tag "$existing" "$IMAGE"
    say "an image of this binary ($short) exists; tagged it $IMAGE, skipping the build"
    exit 0
fi

# The base: the file system without the binary, keyed by the package list and the setup below.
lib="$(dirname "$0")/debootstrap.sh"
. "$lib"
base_key="$(printf '%s\n' "$PACKAGES" "$(sed -n '/^base_setup() {$/,/^}$/p' "$0")" "$(cat "$lib")" | sha256sum | cut -c1-12)"
BASE="gwells-db/tool-base:$base_key"

base_setup() {
    local root="$1"
    # Docs, message translations, caches and package lists are not needed at run time.
    rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
        "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* \
        "$root"/usr/share/locale/*
    # uid 1001, group 0: an arbitrary uid of OpenShift (always group 0) can write HOME too.
    echo 'gwells:x:1001:0:gwells-db:/home/gwells:/bin/sh' >>"$root/etc/passwd"
    echo 'gwells:*:19000:0:99999:7:::' >>"$root/etc/shadow"
    mkdir -p "$root/home/gwells"
    chown 1001:0 "$root/home/gwells"
    chmod 0775 "$root/home/gwells"
}

if docker image inspect "$BASE" >/dev/null 2>&1; then
    say "base $BASE exists; reusing it"
else
    ensure_debootstrap
    work="$(mktemp -d /tmp/gwells-tool-image.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
    root="$work/root"
    mkdir -p "$CACHE"
    say "debootstrap of a minimal bookworm with $PACKAGES (cache: $CACHE)"
    minbase "$root" "$PACKAGES" "$work/debootstrap.log" --cache-dir="$CACHE"
    base_setup "$root"
    say "importing the base as $BASE"
    tar -C "$root" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        - "$BASE" >/dev/null
    rm -rf "$work"
    trap - EXIT
fi

# The binary as one layer over the base: create a stopped container, copy, commit.
container="$(docker create "$BASE" /bin/true)"
trap 'docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
docker cp "$BINARY" "$container:/usr/local/bin/gwells-db"
# `--version` names the commit and the assets' hash; quotes and backslashes would break LABEL.
version="$("$BINARY" --version 2>/dev/null | head -n1 | tr -d '"\\' || true)"
docker commit \
    --change 'USER 1001' \
    --change 'WORKDIR /home/gwells' \
    --change 'ENV HOME=/home/gwells' \
    --change 'ENTRYPOINT ["/usr/local/bin/gwells-db"]' \
    --change 'CMD ["--help"]' \
    --change "LABEL gwells-db.binary-sha256=$hash" \
    --change "LABEL org.opencontainers.image.title=gwells-db" \
    --change "LABEL org.opencontainers.image.version=\"${version:-unknown}\"" \
    "$container" "$REPO:$short" >/dev/null
docker tag "$REPO:$short" "$IMAGE"
# Images of earlier binaries: only their binary layer is their own, but each CI run adds one.
for ref in $(docker images "$REPO" --format '{{.Repository}}:{{.Tag}}' | grep -E ':[0-9a-f]{12}$'); do
    [ "$ref" = "$REPO:$short" ] || docker rmi "$ref" >/dev/null 2>&1 || true
done
size="$(docker image inspect --format '{{.Size}}' "$IMAGE")"
say "built $IMAGE ($REPO:$short), $((size / 1000000)) MB, in $(($(date +%s) - started)) s"

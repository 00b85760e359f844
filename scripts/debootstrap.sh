# Sourced by build-pg-image.sh and build-tool-image.sh (each defines `say` and `MIRROR` first):
# a minimal Debian bookworm from Debian's packages, the one way both images get a root file system.

# Installs debootstrap when it is missing (root only).
ensure_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    say "installing debootstrap"
    if [ "$(id -u)" -ne 0 ]; then say "debootstrap is missing and we are not root: run as root"; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

# minbase ROOT PACKAGES LOG [DEBOOTSTRAP_OPTION...]: bookworm's minbase with PACKAGES in ROOT,
# its output in LOG; on failure the log's tail is shown and the script exits.
minbase() {
    local root="$1" packages="$2" log="$3"
    shift 3
    debootstrap --variant=minbase "$@" --include="$packages" bookworm "$root" "$MIRROR" \
        >"$log" 2>&1 || {
        tail -n 30 "$log" >&2
        say "debootstrap failed"
        exit 1
    }
}

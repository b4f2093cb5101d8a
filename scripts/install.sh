#!/bin/sh
# Installs the `capacity` binary from a GitHub release, with no Rust toolchain needed.
#
#   curl -LsSf https://github.com/OWNER/REPO/releases/latest/download/capacity-installer.sh | sh
#
# The copy attached to a release (capacity-installer.sh) installs that release. Settings, all
# optional, as environment variables:
#   CAPACITY_INSTALL_DIR   where the binary goes (default: $HOME/.local/bin)
#   CAPACITY_VERSION       a release tag such as v0.1.0 (default: the release it came with)
#   CAPACITY_REPOSITORY    owner/name on GitHub (default: the repository it came from)
#   CAPACITY_DOWNLOAD_URL  the folder holding the archives, instead of GitHub (a mirror, or
#                          file:///path for a copy on disk)
#   CAPACITY_TARGET        the build to install, instead of the one this machine needs
# `sh install.sh --print-target` prints the build this machine needs and stops.
set -eu

# Filled in by the release workflow (.github/workflows/release.yml).
REPOSITORY="${CAPACITY_REPOSITORY:-@REPOSITORY@}"
VERSION="${CAPACITY_VERSION:-@VERSION@}"
INSTALL_DIR="${CAPACITY_INSTALL_DIR:-${HOME:-}/.local/bin}"

fail() {
    echo "capacity installer: error: $*" >&2
    exit 1
}

detect_target() {
    os=$(uname -s)
    arch=$(uname -m)
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        arm64 | aarch64) arch=aarch64 ;;
        *) fail "no build for the processor $arch; build from source with cargo (see the README)" ;;
    esac
    case "$os" in
        # Linux builds are static (musl): they run on any distribution.
        Linux) echo "$arch-unknown-linux-musl" ;;
        Darwin) echo "$arch-apple-darwin" ;;
        *) fail "no build for $os here; on Windows run capacity-installer.ps1 in PowerShell" ;;
    esac
}

TARGET="${CAPACITY_TARGET:-$(detect_target)}"
if [ "${1:-}" = "--print-target" ]; then
    echo "$TARGET"
    exit 0
fi
[ $# -eq 0 ] || fail "unknown argument $1; settings are environment variables (see the top of this script)"

if [ -z "${CAPACITY_DOWNLOAD_URL:-}" ]; then
    case "$REPOSITORY$VERSION" in
        *@*) fail "this is the template of the installer; run capacity-installer.sh from a release, or set CAPACITY_REPOSITORY=owner/name and CAPACITY_VERSION=vX.Y.Z" ;;
    esac
fi
BASE="${CAPACITY_DOWNLOAD_URL:-https://github.com/$REPOSITORY/releases/download/$VERSION}"
ARCHIVE="capacity-$TARGET.tar.gz"

download() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https,file' --tlsv1.2 -fsSL "$1" -o "$2"
    elif command -v wget >/dev/null 2>&1; then
        wget -q "$1" -O "$2"
    else
        fail "neither curl nor wget is installed; install one, or download $1 by hand"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        fail "neither sha256sum nor shasum is installed, so the download cannot be checked"
    fi
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

echo "capacity installer: downloading $BASE/$ARCHIVE"
download "$BASE/$ARCHIVE" "$TMP/$ARCHIVE" || fail "could not download $BASE/$ARCHIVE"
download "$BASE/$ARCHIVE.sha256" "$TMP/$ARCHIVE.sha256" || fail "could not download $BASE/$ARCHIVE.sha256"
expected=$(cut -d ' ' -f 1 "$TMP/$ARCHIVE.sha256")
actual=$(sha256_of "$TMP/$ARCHIVE")
[ "$expected" = "$actual" ] || fail "$ARCHIVE: SHA-256 is $actual, the release says $expected; the download is damaged, try again"

tar -xzf "$TMP/$ARCHIVE" -C "$TMP" || fail "$ARCHIVE: cannot unpack it"
mkdir -p "$INSTALL_DIR" || fail "cannot create $INSTALL_DIR; set CAPACITY_INSTALL_DIR to a folder you can write"
cp "$TMP/capacity-$TARGET/capacity" "$INSTALL_DIR/capacity.new" || fail "cannot write to $INSTALL_DIR; set CAPACITY_INSTALL_DIR to a folder you can write"
chmod 755 "$INSTALL_DIR/capacity.new"
# Renamed into place, so a running copy is never half overwritten.
mv -f "$INSTALL_DIR/capacity.new" "$INSTALL_DIR/capacity"

echo "capacity installer: installed $("$INSTALL_DIR/capacity" --version) to $INSTALL_DIR/capacity"
case ":${PATH:-}:" in
    *":$INSTALL_DIR:"*) ;;
    *) echo "capacity installer: $INSTALL_DIR is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$INSTALL_DIR:\$PATH\"" ;;
esac

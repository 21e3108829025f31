#!/usr/bin/env bash
# Install the built bundle for one user (or system-wide with PREFIX=/usr/local, as root):
#   packaging/install.sh [PREFIX]      default PREFIX: ~/.local
# Copies dist/jjjmap to PREFIX/lib/jjjmap, links PREFIX/bin/jjjmap, and installs the .desktop
# file, AppStream metainfo and icons under PREFIX/share.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${1:-${PREFIX:-$HOME/.local}}"
bundle="$here/dist/jjjmap"
[ -x "$bundle/jjjmap" ] || { echo "install.sh: build first: packaging/build.sh" >&2; exit 1; }

rm -rf "$prefix/lib/jjjmap"
mkdir -p "$prefix/lib" "$prefix/bin"
cp -a "$bundle" "$prefix/lib/jjjmap"
rm -rf "$prefix/lib/jjjmap/share"
ln -sfn "$prefix/lib/jjjmap/jjjmap" "$prefix/bin/jjjmap"
mkdir -p "$prefix/share"
cp -r "$bundle/share/." "$prefix/share/"

command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "installed jjjmap in $prefix (run: $prefix/bin/jjjmap)"

#!/usr/bin/env bash
# Debian/Ubuntu packages jjjmap needs outside Python.
#   app:   the shared libraries Qt WebEngine (PySide6 wheels) loads, a CJK font, python3-venv
#   test:  the same, plus Debian's chromium for the browser tests
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
what=${1:-app}

pkgs=(python3-venv python3-pip
      libnss3 libnspr4 libxkbcommon0 libxkbcommon-x11-0 libegl1 libgl1 libopengl0 libglib2.0-0
      libfontconfig1 libfreetype6 libdbus-1-3 libxcomposite1 libxdamage1 libxrandr2 libxtst6
      libxkbfile1 libxshmfence1 libgbm1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
      libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-xkb1 libx11-xcb1 libxi6 libxrender1
      fonts-noto-cjk)
if [ "$what" = test ]; then
  # binutils: PyInstaller's objdump; desktop-file-utils, appstream: the packaging validators
  pkgs+=(chromium gmt-gshhg-full binutils desktop-file-utils appstream)   # gshhg: an independent WGS-84 shoreline for the datum test
  # PostGIS layers: a throwaway cluster started by tests/pg_fixture.py (Debian 12: 15 and 3.3)
  pkgs+=(postgresql postgresql-15-postgis-3)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
# Ubuntu 24.04 renamed libasound2 to libasound2t64.
installed libasound2 || installed libasound2t64 || missing+=(ALSA)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
if [[ " ${missing[*]} " == *" ALSA "* ]]; then
  missing=("${missing[@]/ALSA/}")
  if apt-cache show libasound2t64 >/dev/null 2>&1; then missing+=(libasound2t64); else missing+=(libasound2); fi
fi
echo "Installing system packages: ${missing[*]}" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

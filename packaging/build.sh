#!/usr/bin/env bash
# Build the desktop bundle: packaging/dist/jjjmap/jjjmap, runs with no Python installed.
# Python: $PYTHON, else the active venv's, else the repository's .venv (what ./dev makes);
# jjjmap must be installed in it. PyInstaller is installed into that venv when missing.
#   JJJMAP_BUNDLE_TRIM=0 packaging/build.sh   builds without trimming (to measure it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${PYTHON:-}" ]; then py="$PYTHON"
elif [ -n "${VIRTUAL_ENV:-}" ]; then py="$VIRTUAL_ENV/bin/python"
elif [ -x "$here/../.venv/bin/python" ]; then py="$here/../.venv/bin/python"
else py="$(command -v python3)"
fi

if ! "$py" -c "import PyInstaller" 2>/dev/null; then
  echo "Installing pyinstaller into $("$py" -c 'import sys; print(sys.prefix)')" >&2
  "$py" -m pip install -q "pyinstaller>=6.10,<7"
fi
"$py" -c "import jjjmap" || { echo "build.sh: jjjmap is not installed in $py" >&2; exit 1; }

cd "$here"
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$here/dist" --workpath "$here/build" jjjmap.spec

# Desktop integration files, laid out as under /usr/share, for installers to copy.
share="$here/dist/jjjmap/share"
rm -rf "$share"
install -Dm644 "$here/jjjmap.desktop" "$share/applications/jjjmap.desktop"
install -Dm644 "$here/io.github.jjjmap.jjjmap.metainfo.xml" \
  "$share/metainfo/io.github.jjjmap.jjjmap.metainfo.xml"
mkdir -p "$share/icons"
cp -r "$here/icons/hicolor" "$share/icons/"
echo "built $here/dist/jjjmap ($(du -sh "$here/dist/jjjmap" | cut -f1))"

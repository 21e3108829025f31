#!/usr/bin/env bash
# Build the desktop bundle: packaging/dist/jjjmap/jjjmap, runs with no Python installed.
# Uses the Python of the active venv (or $PYTHON, or python3); jjjmap must be installed in it.
#   JJJMAP_BUNDLE_TRIM=0 packaging/build.sh   builds without trimming (to measure it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-$(command -v python || command -v python3)}"

if ! "$py" -c "import PyInstaller" 2>/dev/null; then
  echo "Installing pyinstaller into $("$py" -c 'import sys; print(sys.prefix)')" >&2
  "$py" -m pip install -q "pyinstaller>=6.10,<7"
fi
"$py" -c "import jjjmap" || { echo "build.sh: jjjmap is not installed in $py" >&2; exit 1; }

cd "$here"
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$here/dist" --workpath "$here/build" jjjmap.spec
echo "built $here/dist/jjjmap ($(du -sh "$here/dist/jjjmap" | cut -f1))"

# Shared set-up for bin/demo and bin/test: a virtualenv in .venv with the locked packages.
# Sourced, not run. Needs only Python >= 3.11 on the PATH (python3.11, python3.12, ... or python3).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
pick_python() {
  for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Reservoir needs Python 3.11 or newer on the PATH." >&2
  return 1
}
bootstrap() {  # $1: lock file
  lock=$1
  if [ ! -x .venv/bin/python ]; then
    py=$(pick_python)
    echo "Creating .venv with $py ..."
    "$py" -m venv .venv
  fi
  stamp=.venv/.installed-$(basename "$lock")
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing packages from $lock ..."
    .venv/bin/python -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1 || true
    if [ -x .venv/bin/uv ]; then
      .venv/bin/uv pip install -q --python .venv/bin/python -r "$lock"
      .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
    else
      .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lock"
      .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    fi
    touch "$stamp"
  fi
}

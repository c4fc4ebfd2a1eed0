#!/usr/bin/env bash
# Installs PyPI powerindex in a private virtualenv and checks that
# expected.json (which tests/control_powerindex.rs reads) is what
# powerindex computes. Pass no argument to regenerate expected.json.
# POWERINDEX_BENCH=1: time govkit against powerindex instead (bench.py;
# build examples/power_index first: cargo build --release --example power_index).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${POWERINDEX_VENV:-${TMPDIR:-/tmp}/govkit-powerindex-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check powerindex==0.3.5
if [ -n "${POWERINDEX_BENCH:-}" ]; then
  exec "$venv/bin/python" "$here/bench.py" "$@"
fi
exec "$venv/bin/python" "$here/crosscheck.py" "$@"

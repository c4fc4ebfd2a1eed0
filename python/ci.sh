#!/usr/bin/env bash
# CI for the Python package: lints the binding crate, installs the package
# with `pip install ./python` into a private virtualenv (pinned tools from
# PyPI), runs the pytest suite and the example script. Called by .ci/run
# after the Rust checks; works on a clean clone with ../shared beside it.
# Uses CARGO_TARGET_DIR if set (else python/target); GOVKIT_PY_VENV picks
# the virtualenv (default python/.venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

cargo fmt --manifest-path python/Cargo.toml --check
cargo clippy --manifest-path python/Cargo.toml --locked --all-targets -- -D warnings

venv="${GOVKIT_PY_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
# The maturin build backend runs the `maturin` command of this venv.
export PATH="$venv/bin:$PATH"
"$py" -m pip install --quiet --disable-pip-version-check \
  maturin==1.16.0 pytest==9.2.0 pandas==3.1.1 numpy==2.4.6 matplotlib==3.11.2 \
  powerindex==0.3.5 pyarrow==26.0.1
# The README's install command (maturin, pinned above, as the build backend).
"$py" -m pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps "$here"

# Run from outside the source folder so that the installed package is tested.
(cd "$here/tests" && "$py" -m pytest -q -p no:cacheprovider .)
out="${TMPDIR:-/tmp}/govkit-python-example"
"$py" examples/python_compare.py "$out"
test -s "$out/compound-bravo-lorenz.png"

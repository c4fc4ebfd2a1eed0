#!/usr/bin/env bash
# Smoke run of every fuzz target in fuzz/ (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Builds the targets (release, debug assertions on), then runs each for
# SECONDS_PER_TARGET (default 20) from its seed corpus in fuzz/corpus/,
# with a 2 GiB memory limit and a 10 s limit per input. New inputs go to
# a scratch folder, so the committed seeds do not change. Exits non-zero
# on any crash, timeout or out-of-memory (libFuzzer leaves the input as
# fuzz/artifacts/TARGET/crash-*, timeout-*, oom-*).
#
# Needs `cargo install cargo-fuzz`; with a stable toolchain it sets
# RUSTC_BOOTSTRAP=1. Builds go to FUZZ_TARGET_DIR (or CARGO_TARGET_DIR,
# else fuzz/target). FUZZ_LOG_DIR, when set, keeps each target's libFuzzer
# log there as TARGET.log. Longer local run: scripts/fuzz-smoke.sh 400
# (one hour over the nine targets).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-20}"
shift || true
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -O -a
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# The targets' scratch files (one folder per process) go here too.
mkdir -p "$scratch/tmp"
export TMPDIR="$scratch/tmp"
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t" "corpus/$t" "artifacts/$t"
    echo "== $t (${seconds}s)"
    if ! cargo fuzz run -O -a "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -max_len=65536 -print_final_stats=1 2>"$scratch/$t.log"; then
        failed+=("$t")
        tail -n 40 "$scratch/$t.log"
    fi
    grep -E "cov:" "$scratch/$t.log" | tail -n 1 || true
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$scratch/$t.log" || true
    if [ -n "${FUZZ_LOG_DIR:-}" ]; then
        mkdir -p "$FUZZ_LOG_DIR"
        cp "$scratch/$t.log" "$FUZZ_LOG_DIR/$t.log"
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz smoke: failures in ${failed[*]}" >&2
    exit 1
fi
echo "fuzz smoke: ${#targets[@]} targets clean"

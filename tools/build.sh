#!/usr/bin/env bash
# Configures and builds anylab into build/ (or $1), warnings as errors.
# Extra arguments go to cmake (e.g. -DANYLAB_SANITIZE=ON).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
shift || true
cmake -S "$top" -B "$dir" -DANYLAB_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"

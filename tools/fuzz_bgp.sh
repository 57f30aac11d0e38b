#!/usr/bin/env bash
# Runs the BGP codec's libFuzzer targets (tests/fuzz/bgp/fuzz_*.c) under
# AddressSanitizer + UndefinedBehaviorSanitizer for a bounded time each.
#
# Usage: tools/fuzz_bgp.sh [SECONDS]      (default: FUZZ_SECONDS or 60)
# Environment: FUZZ_BUILD_DIR (default build-fuzz-bgp).
#
# Only the BGP targets are built (--target), so a half-written file elsewhere
# in the tree does not stop it. The seed corpus tests/fuzz/bgp/corpus/NAME/
# is copied to a temporary directory; the tree is never written to. A crash
# prints the input as hex and leaves the artifact in the work directory,
# whose path is printed; the exit status is non-zero.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-60}}
dir=${FUZZ_BUILD_DIR:-$top/build-fuzz-bgp}

case $seconds in
'' | *[!0-9]*) echo "fuzz_bgp: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
command -v clang >/dev/null || { echo "fuzz_bgp: clang is needed (apt-get install clang)" >&2; exit 2; }

targets=()
for src in "$top"/tests/fuzz/bgp/fuzz_*.c; do
	[ -e "$src" ] && targets+=("$(basename "$src" .c)")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz_bgp: no targets"; exit 0; }

CC=clang cmake -S "$top" -B "$dir" -DANYLAB_FUZZ=ON -DANYLAB_WERROR=ON >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"

work=$(mktemp -d /tmp/anylab-fuzz-bgp.XXXXXX)
failed=0
for t in "${targets[@]}"; do
	corpus=$work/$t
	mkdir -p "$corpus"
	[ -d "$top/tests/fuzz/bgp/corpus/$t" ] && cp -r "$top/tests/fuzz/bgp/corpus/$t"/. "$corpus"/
	echo "fuzz_bgp: $t for ${seconds}s"
	if ! "$dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$t-" -print_final_stats=1 \
		"$corpus" >"$work/$t.log" 2>&1; then
		echo "fuzz_bgp: $t FAILED; the end of its log:"
		tail -n 60 "$work/$t.log"
		for a in "$work/$t"-*; do
			[ -f "$a" ] && { echo "fuzz_bgp: input $a:"; od -A x -t x1 "$a" | head -40; }
		done
		failed=$((failed + 1))
	else
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$t.log" | tail -n 1 || true
		echo "fuzz_bgp: $t corpus now $(find "$corpus" -type f | wc -l) inputs"
	fi
done
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
else
	echo "fuzz_bgp: logs and artifacts kept in $work"
fi
echo "fuzz_bgp: ${#targets[@]} targets, $failed failed"
[ "$failed" -eq 0 ]

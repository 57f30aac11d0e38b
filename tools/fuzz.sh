#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and
# runs each for a bounded time: FUZZ_SECONDS (default 60) per target.
# A seed corpus is taken from tests/fuzz/PART/corpus/NAME/ when present;
# new inputs go to a temporary copy, never into the tree.
# Usage: tools/fuzz.sh [TARGET|PART...]
#   TARGET: a target's name (fuzz_msg); PART: a folder of tests/fuzz (dns, bgp,
#   emu) for all its targets; nothing: every target. Only those are built.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build-fuzz
seconds=${FUZZ_SECONDS:-60}

CC=clang cmake -S "$top" -B "$dir" -DANYLAB_FUZZ=ON -DANYLAB_WERROR=ON >/dev/null
targets=()
for arg in "${@:-*}"; do
	if [ "$arg" = "*" ] || [ -d "$top/tests/fuzz/$arg" ]; then
		for src in "$top"/tests/fuzz/$arg/fuzz_*.c; do
			[ -e "$src" ] && targets+=("$(basename "$src" .c)")
		done
	else
		targets+=("$arg")
	fi
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no targets"
	exit 0
fi
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"

work=$(mktemp -d /tmp/anylab-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
for t in "${targets[@]}"; do
	corpus=$work/$t
	mkdir -p "$corpus"
	for seed in "$top"/tests/fuzz/*/corpus/"$t"; do
		[ -d "$seed" ] && cp -r "$seed"/. "$corpus"/
	done
	echo "fuzz: $t for ${seconds}s"
	if ! "$dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$t-" -print_final_stats=1 "$corpus" \
		>"$work/$t.log" 2>&1; then
		echo "fuzz: $t FAILED; its log:"
		tail -n 60 "$work/$t.log"
		for a in "$work/$t"-*; do
			[ -e "$a" ] && { echo "fuzz: crashing input $(basename "$a"):"; od -A x -t x1z "$a" | head -20; }
		done
		failed=$((failed + 1))
	else
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$t.log" | tail -n 1 || true
	fi
done
echo "fuzz: ${#targets[@]} targets, $failed failed"
[ "$failed" -eq 0 ]

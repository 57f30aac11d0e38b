#!/usr/bin/env bash
# Runs anydnsd's libFuzzer targets (tests/fuzz/dns/fuzz_*.c: fuzz_query, the
# query parser and answering; fuzz_zone, the master-file and rdata parsers)
# under AddressSanitizer + UndefinedBehaviorSanitizer for a bounded time each.
#
# Usage: tools/fuzz_dns.sh [SECONDS]      (default: FUZZ_SECONDS or 60)
# Environment: FUZZ_BUILD_DIR (default build-fuzz-dns).
#
# Only the DNS targets are built. The seed corpus tests/fuzz/dns/corpus/NAME/
# is copied to a temporary directory; the tree is never written to. A crash
# prints the input as hex and keeps the artifact in the work directory, whose
# path is printed; the exit status is then non-zero.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-60}}
dir=${FUZZ_BUILD_DIR:-$top/build-fuzz-dns}

case $seconds in
'' | *[!0-9]*) echo "fuzz_dns: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
command -v clang >/dev/null || { echo "fuzz_dns: clang is needed (apt-get install clang)" >&2; exit 2; }

targets=()
for src in "$top"/tests/fuzz/dns/fuzz_*.c; do
	[ -e "$src" ] && targets+=("$(basename "$src" .c)")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz_dns: no targets"; exit 0; }

CC=clang cmake -S "$top" -B "$dir" -DANYLAB_FUZZ=ON -DANYLAB_WERROR=ON >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"

work=$(mktemp -d /tmp/anylab-fuzz-dns.XXXXXX)
failed=0
for t in "${targets[@]}"; do
	corpus=$work/$t
	mkdir -p "$corpus"
	[ -d "$top/tests/fuzz/dns/corpus/$t" ] && cp -r "$top/tests/fuzz/dns/corpus/$t"/. "$corpus"/
	echo "fuzz_dns: $t for ${seconds}s"
	if ! "$dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$t-" -print_final_stats=1 \
		"$corpus" >"$work/$t.log" 2>&1; then
		echo "fuzz_dns: $t FAILED; the end of its log:"
		tail -n 60 "$work/$t.log"
		for a in "$work/$t"-*; do
			[ -f "$a" ] && { echo "fuzz_dns: input $a:"; od -A x -t x1z "$a" | head -40; }
		done
		failed=$((failed + 1))
	else
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$t.log" | tail -n 1 || true
		echo "fuzz_dns: $t corpus now $(find "$corpus" -type f | wc -l) inputs"
	fi
done
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
else
	echo "fuzz_dns: logs and artifacts kept in $work"
fi
echo "fuzz_dns: ${#targets[@]} targets, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The README's test command. Installs what is missing, builds anylab twice
# (plain and with AddressSanitizer/UBSan, warnings as errors both times), runs
# every Criterion test in both builds (unit tests in parallel, namespace and
# lab tests one at a time), then runs each libFuzzer target for a bounded time.
# Run as root: the namespace tests skip themselves without privileges.
#   FUZZ_SECONDS=N   seconds per fuzz target (default 30 here, a smoke run that
#                    keeps CI within its time; tools/fuzz.sh alone defaults to 60;
#                    0 skips fuzzing)
#   ANYLAB_SKIP_ASAN=1 skips the sanitizer build (for quick local runs)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -eq 0 ]; then
	tools/setup.sh || exit 1
else
	echo "test: not root: packages not checked, namespace tests will skip"
fi

passed=0
failed=0
status=0

# run_ctest DIR NAME: unit tests with -j, root tests serially; counts results.
run_ctest() {
	local dir=$1 name=$2 log
	log=$(mktemp /tmp/anylab-ctest.XXXXXX)
	echo "== $name: unit tests"
	(cd "$dir" && ctest -L unit -j"$(nproc)" --output-on-failure) 2>&1 | tee "$log"
	echo "== $name: namespace and lab tests"
	(cd "$dir" && ctest -L root -j1 --output-on-failure) 2>&1 | tee -a "$log"
	local p f
	p=$(grep -oE '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" |
		awk '{split($0,a," "); t+=a[9]; f+=a[4]} END {print t-f}')
	f=$(grep -oE '[0-9]+ tests failed out of' "$log" | awk '{f+=$1} END {print f+0}')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	[ "${f:-0}" -eq 0 ] || status=1
	rm -f "$log"
}

echo "== format (tools/format.sh check: docs/style.md)"
if tools/format.sh check; then
	passed=$((passed + 1))
else
	echo "format: the files above differ from .clang-format; tools/format.sh apply fixes them"
	failed=$((failed + 1))
	status=1
fi

echo "== build (plain)"
tools/build.sh "$top/build" || exit 1
run_ctest "$top/build" plain

if [ "${ANYLAB_SKIP_ASAN:-0}" != 1 ]; then
	echo "== build (AddressSanitizer + UBSan)"
	tools/build.sh "$top/build-asan" -DANYLAB_SANITIZE=ON || exit 1
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		run_ctest "$top/build-asan" sanitized
fi

if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
	echo "== fuzz"
	if FUZZ_SECONDS=${FUZZ_SECONDS:-30} tools/fuzz.sh; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		status=1
	fi
fi

echo "total: $passed passed, $failed failed"
exit $status

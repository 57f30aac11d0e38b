#!/usr/bin/env bash
# Checks or applies the C formatting described by .clang-format, with Debian
# 12's clang-format (14; tools/setup.sh installs it), over every .c and .h file
# under emu/, nodes/, tests/ and tools/.
# Usage: tools/format.sh check|apply|count [FILE...]
#   check  lists the files clang-format would change; exits 1 if there are any
#   apply  rewrites those files in place
#   count  prints the lines that would change per file, then the total
# FILE...: only these files (default: every file above).
# CLANG_FORMAT=path overrides the binary (default: clang-format-14, else
# clang-format if it is version 14).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

usage() {
	echo "usage: tools/format.sh check|apply|count [FILE...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
mode=$1
shift
case $mode in check | apply | count) ;; *) usage ;; esac

cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	if command -v clang-format-14 >/dev/null; then
		cf=clang-format-14
	elif command -v clang-format >/dev/null; then
		cf=clang-format
	else
		echo "format: clang-format not found (tools/setup.sh installs it)" >&2
		exit 2
	fi
fi
if ! "$cf" --version | grep -q 'version 14\.'; then
	echo "format: $cf is not clang-format 14 ($("$cf" --version));" \
		"other versions format differently" >&2
	exit 2
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find emu nodes tests tools -type f \( -name '*.c' -o -name '*.h' \) |
		LC_ALL=C sort)
fi

# changed FILE: the number of lines clang-format would change in FILE
# (removed plus added, as diff counts them).
changed() {
	"$cf" --style=file "$1" | diff "$1" - | grep -c '^[<>]' || true
}

total=0
nfiles=0
for f in "${files[@]}"; do
	n=$(changed "$f")
	[ "$n" -gt 0 ] || continue
	nfiles=$((nfiles + 1))
	total=$((total + n))
	case $mode in
	check) echo "$f" ;;
	apply)
		# clang-format 14 is not always idempotent in one pass: repeat (at most 3 times)
		for _ in 1 2 3; do
			"$cf" --style=file -i "$f"
			[ "$(changed "$f")" -gt 0 ] || break
		done
		;;
	count) printf '%6d %s\n' "$n" "$f" ;;
	esac
done

case $mode in
check)
	if [ "$nfiles" -gt 0 ]; then
		echo "format: $nfiles of ${#files[@]} files need tools/format.sh apply" >&2
		exit 1
	fi
	;;
apply) echo "format: rewrote $nfiles of ${#files[@]} files" ;;
count) printf '%6d total (%d of %d files)\n' "$total" "$nfiles" "${#files[@]}" ;;
esac

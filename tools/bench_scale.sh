#!/usr/bin/env bash
# Benchmark: generated anycast labs of growing size (issue 11): `up` to
# converged, `down`, the memory of the whole lab, RSS per anybgpd and
# anydnsd, and the CPU the idle lab uses (keepalives, BFD, health checks).
#
#   tools/bench_scale.sh [BUILD_DIR] [SIZES...]   (root; default sizes: 1000 3000 10000)
#
# Each size N is `anylab generate anycast --sites N/50 --instances 2 --clients 47`:
# sites of 50 nodes (a router, two DNS instances each with anybgpd and anydnsd,
# 47 clients) behind one core router, so N + 1 namespaces and 3 speakers and 2
# responders per 50 nodes: the per-node figures compare like with like.
#
# Per size, once: `up --json` (to converged, --converge-timeout 300), then
# SETTLE seconds (default 10) of quiet, then the daemons' memory from
# /proc/PID/smaps_rollup (Rss and Pss; the lab's daemons are the record's
# `daemon` lines), then their CPU (utime + stime from /proc/PID/stat) over IDLE
# seconds (default 60), then `down`. Rss counts every shared page a daemon
# touched (libc is most of it); Pss divides shared pages among the processes
# that map them, so the sum of Pss is what the lab costs the machine.
#
# Bounded: the sizes given, one lab at a time, named scNNNNN_K; it is removed
# by that exact name on every exit path (trap). Prints one Markdown table.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
sizes=${*:-1000 3000 10000}
anylab=$build/bin/anylab
settle=${SETTLE:-10}
idle=${IDLE:-60}
[ "$(id -u)" = 0 ] || { echo "bench_scale: needs root" >&2; exit 1; }
[ -x "$anylab" ] || { echo "bench_scale: no $anylab (build first)" >&2; exit 1; }
if ! "$anylab" generate --help >/dev/null 2>&1; then
	echo "bench_scale: $anylab has no \`generate\` command: this benchmark needs the" \
		"topology generator (anylab generate anycast, docs/generate.md)" >&2
	exit 1
fi
for n in $sizes; do
	case $n in
	'' | *[!0-9]*) echo "bench_scale: $n: expected a number of nodes" >&2; exit 2 ;;
	esac
	[ "$n" -ge 50 ] || { echo "bench_scale: $n: at least 50 nodes" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/anylab-scale.XXXXXX)
tag=sc$(( $$ % 100000 ))
lab=""
cleanup() {
	[ -n "$lab" ] && "$anylab" down "$lab" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hz=$(getconf CLK_TCK)
# The lab's daemons: pid and service of the latest record line of each node's service.
daemons() {
	awk '$1 == "daemon" { p[$2 " " $3] = $4 } END { for (k in p) { split(k, a, " "); print p[k], a[2] } }' \
		"/run/anylab/$1/record"
}
# "rss pss" in kB of one pid (nothing when it is gone).
mem() {
	awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { if (r != "") print r, p }' \
		"/proc/$1/smaps_rollup" 2>/dev/null || true
}
# utime + stime of one pid in clock ticks.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
}
# median and max of numbers on stdin, in MB with 2 decimals.
med_max() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "- / -"; exit }
		m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.2f / %.2f", m / 1024, a[NR] / 1024 }'
}

k=0
rows=""
for n in $sizes; do
	k=$((k + 1))
	sites=$(( n / 50 ))
	lab=${tag}_$k
	file=$tmp/$lab.json
	"$anylab" generate anycast --sites "$sites" --instances 2 --clients 47 --name "$lab" \
		-o "$file"
	nodes=$(( sites * 50 + 1 ))
	load0=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(date +%s%N)
	if ! "$anylab" up "$file" --json --converge-timeout 300 >"$tmp/up.json" 2>"$tmp/up.err"; then
		cat "$tmp/up.err" >&2
		echo "bench_scale: up of $nodes nodes failed" >&2
		exit 1
	fi
	up_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	converged=yes
	grep -q "warning:.*BGP" "$tmp/up.err" && converged=no
	network_ms=$(sed 's/.*"network_ms": \([0-9.]*\).*/\1/' "$tmp/up.json")
	sleep "$settle"
	daemons "$lab" >"$tmp/pids"
	: >"$tmp/bgp" ; : >"$tmp/dns"
	rss_sum=0 pss_sum=0
	while read -r pid svc; do
		read -r r p <<<"$(mem "$pid")" || true
		[ -n "${r:-}" ] || continue
		rss_sum=$((rss_sum + r)) pss_sum=$((pss_sum + p))
		case $svc in
		bgp) echo "$r" >>"$tmp/bgp" ;;
		dns) echo "$r" >>"$tmp/dns" ;;
		esac
	done <"$tmp/pids"
	c0=0
	while read -r pid _; do c0=$((c0 + $(ticks "$pid"))); done <"$tmp/pids"
	sleep "$idle"
	c1=0
	while read -r pid _; do c1=$((c1 + $(ticks "$pid"))); done <"$tmp/pids"
	cpu=$(awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.1f", 100 * d / hz / s }')
	load1=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(date +%s%N)
	"$anylab" down "$lab" >/dev/null
	down_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	lab=""
	row=$(awk -v n="$nodes" -v d="$(wc -l <"$tmp/pids")" -v up="$up_ms" -v net="$network_ms" \
		-v down="$down_ms" -v rss="$rss_sum" -v pss="$pss_sum" -v cpu="$cpu" \
		-v bgp="$(med_max <"$tmp/bgp")" -v dns="$(med_max <"$tmp/dns")" -v conv="$converged" \
		-v l0="$load0" -v l1="$load1" 'BEGIN {
		printf "| %d | %d | %.1f s (%s) | %.1f s | %.2f ms | %.1f s | %.2f ms | %.0f / %.0f MB | %s | %s | %s %% | %s / %s |",
		    n, d, up / 1000, conv, net / 1000, up / n, down / 1000, down / n,
		    rss / 1024, pss / 1024, bgp, dns, cpu, l0, l1 }')
	rows="$rows$row"$'\n'
	echo "$row" >&2
done
echo "| nodes | daemons | up to converged | of which network | up per node | down | down per node | daemons' RSS / PSS, sum | anybgpd RSS median / max (MB) | anydnsd RSS median / max (MB) | idle lab CPU (of one core) | load before / after |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf "%s" "$rows"

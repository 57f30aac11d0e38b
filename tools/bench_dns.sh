#!/usr/bin/env bash
# Benchmark: anydnsd against NSD and Knot DNS, same zone, same query mix,
# same CPU pinning, one server thread each, in the same run.
#
# Two namespaces made here (bdsrv-PID, bdcli-PID) joined by a veth whose ends
# are created inside them, as on Lab A's path: the server holds 51.51.51.51/32
# on lo and 10.99.0.1/24 on its veth; dnsperf runs in the client namespace and
# queries 51.51.51.51 across the veth. Servers are pinned to CPU SERVER_CPU (every
# thread, re-pinned after start: Knot sets its own worker affinity), dnsperf to CPU
# CLIENT_CPU. Each run gives every server DURATION seconds of
# dnsperf (servers in rotating order); the figures are medians over RUNS runs:
#   qps            dnsperf's "Queries per second"
#   cpu            server CPU seconds used during the dnsperf run: the scheduler's
#                  exact run time of every thread of the server's processes
#                  (/proc/PID/task/TID/schedstat, nanoseconds)
#   tick cpu       the same from utime+stime in /proc/PID/stat (tick-sampled, then
#                  scaled by the kernel to the exact total), shown for reference
#   q/cpu-s        answered queries per server CPU-second (exact run time)
#   rss, hwm       VmRSS and VmHWM after the run (kB, summed over processes)
# NSD runs with response rate limiting off (rrl-ratelimit: 0), Debian's default
# would truncate answers. NSD and Knot are started by this script with their
# own configuration in a temporary directory, and stopped by pid.
#
# Usage (root): tools/bench_dns.sh [-r RUNS] [-d SECONDS] [-c CLIENTS] [-Q QPS] [-o FILE]
#   -Q QPS    offer this many queries per second (dnsperf -Q) instead of as many as
#             dnsperf can send: every server then does the same work, and the CPU it
#             takes for it compares the servers with less noise from a busy machine
#   -o FILE   also write the markdown table to FILE
# Environment: ANYDNSD (default build/bin/anydnsd, else build-dns/bin/anydnsd),
#   SERVER_CPU (1), CLIENT_CPU (0).
set -euo pipefail

runs=3
duration=10
clients=10
rate=
outfile=
while getopts "r:d:c:Q:o:h" opt; do
	case $opt in
	r) runs=$OPTARG ;;
	d) duration=$OPTARG ;;
	c) clients=$OPTARG ;;
	Q) rate=$OPTARG ;;
	o) outfile=$OPTARG ;;
	*) sed -n "2,27p" "$0"; exit 2 ;;
	esac
done
for v in "$runs" "$duration" "$clients" ${rate:+"$rate"}; do
	case $v in '' | *[!0-9]*) echo "bench_dns: numbers only" >&2; exit 2 ;; esac
done
[ "$duration" -le 120 ] || { echo "bench_dns: at most 120 s per measurement" >&2; exit 2; }
[ "$runs" -le 9 ] || { echo "bench_dns: at most 9 runs" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench_dns: needs root (network namespaces)" >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)
anydnsd=${ANYDNSD:-}
if [ -z "$anydnsd" ]; then
	for c in "$top/build/bin/anydnsd" "$top/build-dns/bin/anydnsd"; do
		[ -x "$c" ] && { anydnsd=$c; break; }
	done
fi
[ -x "${anydnsd:-}" ] || { echo "bench_dns: build anydnsd first (or set ANYDNSD)" >&2; exit 2; }
for cmd in nsd knotd dnsperf dig taskset ip; do
	command -v $cmd >/dev/null || { echo "bench_dns: $cmd missing (tools/setup.sh installs it)" >&2; exit 2; }
done
server_cpu=${SERVER_CPU:-1}
client_cpu=${CLIENT_CPU:-0}
hz=$(getconf CLK_TCK)

srv=bdsrv-$$
cli=bdcli-$$
tmp=$(mktemp -d /tmp/anylab-bench-dns.XXXXXX)
server_pid=
made_srv=
made_cli=

cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	[ -n "$made_cli" ] && ip netns del "$cli" 2>/dev/null || true
	[ -n "$made_srv" ] && ip netns del "$srv" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ip netns add "$srv"; made_srv=1
ip netns add "$cli"; made_cli=1
ip -n "$srv" link add v0 type veth peer name v1 netns "$cli"
ip -n "$srv" link set lo up
ip -n "$srv" addr add 51.51.51.51/32 dev lo
ip -n "$srv" addr add 10.99.0.1/24 dev v0
ip -n "$srv" link set v0 up
ip -n "$cli" link set lo up
ip -n "$cli" addr add 10.99.0.2/24 dev v1
ip -n "$cli" link set v1 up
ip -n "$cli" route add 51.51.51.0/24 via 10.99.0.1

# The reference zone: Lab A's zone.tst, with an explicit SOA and NS so that all
# three servers load the very same records.
cat >"$tmp/zone.tst.zone" <<'ZONE'
$ORIGIN zone.tst.
$TTL 3600
@	IN SOA	dc001.zone.tst. hostmaster.zone.tst. 1 900 600 86400 3600
	IN NS	dc001.zone.tst.
dc001	IN A	10.10.10.1
server	IN TXT	"DC001"
www	IN A	10.10.10.80
mail	IN A	10.10.10.25
@	IN MX	10 mail
ZONE
# The query mix: mostly the lab's probe query, plus A, MX, NODATA and NXDOMAIN.
cat >"$tmp/queries" <<'Q'
server.zone.tst TXT
server.zone.tst TXT
server.zone.tst TXT
server.zone.tst TXT
www.zone.tst A
zone.tst MX
server.zone.tst AAAA
nothere.zone.tst A
Q

cat >"$tmp/anydnsd.json" <<EOF
{ "identity": "DC001", "listen": ["51.51.51.51"], "workers": 1,
  "zones": [ { "origin": "zone.tst", "file": "$tmp/zone.tst.zone" } ] }
EOF
mkdir -p "$tmp/nsd" "$tmp/knot"
cat >"$tmp/nsd/nsd.conf" <<EOF
server:
	ip-address: 51.51.51.51
	port: 53
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$tmp/nsd"
	zonelistfile: "$tmp/nsd/zone.list"
	database: ""
	pidfile: "$tmp/nsd/nsd.pid"
	xfrdfile: "$tmp/nsd/xfrd.state"
	xfrdir: "$tmp/nsd"
	logfile: "$tmp/nsd/nsd.log"
	verbosity: 0
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: zone.tst
	zonefile: "$tmp/zone.tst.zone"
EOF
cat >"$tmp/knot/knot.conf" <<EOF
server:
    listen: 51.51.51.51@53
    rundir: "$tmp/knot"
    pidfile: "$tmp/knot/knot.pid"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: "$tmp/knot/knot.log"
    any: warning
database:
    storage: "$tmp/knot"
template:
  - id: default
    storage: "$tmp"
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: zone.tst
    file: zone.tst.zone
EOF

# Every pid of the tree rooted at $1.
tree_pids() {
	local p=$1 kids
	echo "$p"
	kids=$(cat /proc/"$p"/task/*/children 2>/dev/null || true)
	for k in $kids; do tree_pids "$k"; done
}
cpu_ticks() {
	local t=0 p f
	for p in $(tree_pids "$1"); do
		f=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo $t
}
cpu_ns() {	# exact: the scheduler's run time of every thread
	local t=0 p f
	for p in $(tree_pids "$1"); do
		for f in /proc/"$p"/task/*/schedstat; do
			[ -r "$f" ] || continue
			t=$((t + $(cut -d' ' -f1 "$f" 2>/dev/null || echo 0)))
		done
	done
	echo $t
}
mem_kb() {	# $1 pid, $2 VmRSS or VmHWM
	local t=0 p v
	for p in $(tree_pids "$1"); do
		v=$(awk -v k="$2:" '$1 == k { print $2 }' /proc/"$p"/status 2>/dev/null || true)
		t=$((t + ${v:-0}))
	done
	echo $t
}

# Knot pins its UDP workers to CPUs by itself (here its one UDP thread went to CPU 0,
# dnsperf's, where waking it costs less); every thread of every server is put back on
# SERVER_CPU once the server answers, and checked.
pin_all() {
	local p t
	for p in $(tree_pids "$server_pid"); do
		taskset -a -p -c "$server_cpu" "$p" >/dev/null
	done
	for p in $(tree_pids "$server_pid"); do
		for t in /proc/"$p"/task/*; do
			if [ "$(awk '/^Cpus_allowed_list:/ { print $2 }' "$t/status" 2>/dev/null)" != "$server_cpu" ]; then
				echo "bench_dns: $1 thread ${t##*/} is not on CPU $server_cpu" >&2
				exit 1
			fi
		done
	done
}

start_server() {
	case $1 in
	anydnsd) ip netns exec "$srv" taskset -c "$server_cpu" "$anydnsd" -c "$tmp/anydnsd.json" \
			-n dc001 -l "$tmp/anydnsd.log" & ;;
	nsd) ip netns exec "$srv" taskset -c "$server_cpu" nsd -d -c "$tmp/nsd/nsd.conf" \
			>"$tmp/nsd/stdout" 2>&1 & ;;
	knot) ip netns exec "$srv" taskset -c "$server_cpu" knotd -c "$tmp/knot/knot.conf" \
			>"$tmp/knot/stdout" 2>&1 & ;;
	esac
	server_pid=$!
	for _ in $(seq 100); do
		if ip netns exec "$cli" dig @51.51.51.51 +short +time=1 +tries=1 server.zone.tst TXT \
			2>/dev/null | grep -q DC001; then
			pin_all "$1"
			return 0
		fi
		sleep 0.1
	done
	echo "bench_dns: $1 did not answer; its log:" >&2
	cat "$tmp/anydnsd.log" "$tmp/nsd/nsd.log" "$tmp/knot/knot.log" "$tmp"/*/stdout 2>/dev/null | tail -20 >&2
	exit 1
}

stop_server() {
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

results=$tmp/results
: >"$results"
servers=(anydnsd nsd knot)
for run in $(seq "$runs"); do
	for i in 0 1 2; do
		s=${servers[$(((i + run - 1) % 3))]}
		start_server "$s"
		# warm-up
		ip netns exec "$cli" taskset -c "$client_cpu" dnsperf -s 51.51.51.51 -d "$tmp/queries" \
			-l 1 -c "$clients" >/dev/null 2>&1 || true
		c0=$(cpu_ticks "$server_pid")
		n0=$(cpu_ns "$server_pid")
		out=$(ip netns exec "$cli" taskset -c "$client_cpu" dnsperf -s 51.51.51.51 \
			-d "$tmp/queries" -l "$duration" -c "$clients" -q 200 ${rate:+-Q "$rate"} 2>&1)
		c1=$(cpu_ticks "$server_pid")
		n1=$(cpu_ns "$server_pid")
		rss=$(mem_kb "$server_pid" VmRSS)
		hwm=$(mem_kb "$server_pid" VmHWM)
		qps=$(echo "$out" | awk '/Queries per second:/ { print $4 }')
		done_q=$(echo "$out" | awk '/Queries completed:/ { print $3 }')
		lost=$(echo "$out" | awk '/Queries lost:/ { print $3 }')
		tcpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
		cpu=$(awk -v a="$n0" -v b="$n1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		qcpu=$(awk -v q="$done_q" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? q / c : 0) }')
		tqcpu=$(awk -v q="$done_q" -v c="$tcpu" 'BEGIN { printf "%.0f", (c > 0 ? q / c : 0) }')
		qps=$(printf "%.0f" "$qps")
		echo "$s $run $qps $cpu $qcpu $rss $hwm $lost $tcpu $tqcpu" >>"$results"
		echo "bench_dns: run $run $s: ${qps} qps, server cpu ${cpu}s (ticks ${tcpu}s) for" \
			"${duration}s, ${qcpu} q/cpu-s (ticks ${tqcpu}), rss ${rss} kB, hwm ${hwm} kB," \
			"lost ${lost}" >&2
		stop_server
	done
done

median() {	# server column
	awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$results" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
table() {
	local kq_qps kq_cpu nq_qps nq_cpu
	echo "| server | qps | server CPU s (per ${duration} s) | queries per CPU-second | tick-sampled CPU s | queries per tick CPU-second | RSS kB | peak RSS kB |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in "${servers[@]}"; do
		echo "| $s | $(median "$s" 3) | $(median "$s" 4) | $(median "$s" 5) | $(median "$s" 9) | $(median "$s" 10) | $(median "$s" 6) | $(median "$s" 7) |"
	done
	kq_cpu=$(median knot 5); nq_cpu=$(median nsd 5)
	kq_qps=$(median knot 3); nq_qps=$(median nsd 3)
	echo
	awk -v a="$(median anydnsd 5)" -v k="$kq_cpu" -v n="$nq_cpu" -v aq="$(median anydnsd 3)" \
		-v kq="$kq_qps" -v nq="$nq_qps" -v ar="$(median anydnsd 6)" -v kr="$(median knot 6)" \
		-v nr="$(median nsd 6)" 'BEGIN {
		printf "anydnsd / Knot: queries per CPU-second %.2f, qps %.2f, RSS %.2f\n", a / k, aq / kq, ar / kr
		printf "anydnsd / NSD:  queries per CPU-second %.2f, qps %.2f, RSS %.2f\n", a / n, aq / nq, ar / nr
	}'
	echo
	echo "Medians of $runs runs of ${duration} s; dnsperf -c $clients -q 200${rate:+ -Q $rate} on CPU $client_cpu, server on CPU $server_cpu,"
	echo "one server thread each; $(uname -r), $(nproc) CPUs; $(date -u +%Y-%m-%d)."
}
table | tee ${outfile:+"$outfile"}

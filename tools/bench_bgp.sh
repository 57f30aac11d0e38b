#!/usr/bin/env bash
# Route ingestion benchmark: anybgpd against BIRD 2 in the same run (needs root).
#
#   tools/bench_bgp.sh [BUILD_DIR]
#   env: SIZES="100000 1000000"  SETS=2000  REPS=3  STARTS=5  TIMEOUT=600
#        RELAY_SIZES="100000 1000000"  (empty: no relay runs)
#
# Three namespaces: the feeder (tools/bench_bgp.c, speaking BGP with the
# project's codec) with a veth to anybgpd's namespace and one to BIRD's.
# For each size and repetition, each speaker is started fresh, fed N IPv4
# prefixes over SETS attribute sets, then the full withdrawal; the feeder
# times until the Loc-RIB and the kernel table hold them all (and none).
# Peak RSS (VmHWM) and CPU time of the daemon are read at the end of each run.
# Then each speaker as a router (relay): the feeder announces N prefixes on
# one session and a listener of its own (a second session, AS 65003, from a
# second address) times until the speaker has passed them all on, then the
# withdrawal (bench_bgp relay); both speakers also install the routes into
# their kernel table, as a router does.
# Then the time from a speaker's start to its session established and first
# route installed (its peer, an anybgpd in the feeder's namespace, is
# passive, so the speaker under test must connect by itself).
# Prints a table of medians and ratios; JSON lines of every run go to
# $OUT (default /tmp/bench_bgp.jsonl). Everything made is removed on exit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
SIZES=${SIZES-"100000 1000000"}
SETS=${SETS:-2000}
REPS=${REPS:-3}
STARTS=${STARTS:-5}
TIMEOUT=${TIMEOUT:-600}
OUT=${OUT:-/tmp/bench_bgp.jsonl}

[ "$(id -u)" = 0 ] || { echo "bench_bgp: needs root (network namespaces)" >&2; exit 77; }
command -v bird >/dev/null || { echo "bench_bgp: bird not installed" >&2; exit 77; }
[ -x "$build/bin/anybgpd" ] || { echo "bench_bgp: build anybgpd into $build first" >&2; exit 1; }

P=bbench$$
F=$P-f A=$P-a B=$P-b
dir=$(mktemp -d /tmp/bench_bgp.XXXXXX)
pids=()

# Only daemons still running are in pids: a pid is dropped once it has exited.
forget() {
	local keep=() p
	for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	pids=("${keep[@]}")
}
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	for n in $F $A $B; do ip netns del "$n" 2>/dev/null || true; done
	[ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The feeder, against this build's codec.
cc -O2 -D_GNU_SOURCE -std=c11 -I"$top/nodes/bgp" -I"$top/nodes/common" \
	$(pkg-config --cflags libnl-route-3.0 libcjson) -o "$dir/bench_bgp" "$top/tools/bench_bgp.c" \
	"$build/nodes/bgp/libanybgp.a" "$build/nodes/common/libanycommon.a" \
	$(pkg-config --libs libnl-route-3.0 libcjson)

for n in $F $A $B; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add name eth0 netns $F type veth peer name eth0 netns $A
ip link add name eth1 netns $F type veth peer name eth0 netns $B
ip -n $F addr add 10.1.0.2/24 dev eth0; ip -n $A addr add 10.1.0.1/24 dev eth0
ip -n $F addr add 10.2.0.2/24 dev eth1; ip -n $B addr add 10.2.0.1/24 dev eth0
ip -n $F addr add 10.1.0.3/24 dev eth0; ip -n $F addr add 10.2.0.3/24 dev eth1
for l in "$F eth0" "$F eth1" "$A eth0" "$B eth0"; do set -- $l; ip -n "$1" link set "$2" up; done

cat >"$dir/a.json" <<EOF
{ "asn": 65001, "router_id": "10.1.0.1", "hold_time": 90,
  "peers": [ { "address": "10.1.0.2", "asn": 65002, "connect_retry": 1,
               "import": "all", "export": "none" } ] }
EOF
cat >"$dir/bird.conf" <<EOF
router id 10.2.0.1;
protocol device { }
protocol kernel { ipv4 { export all; import none; }; learn off; }
protocol bgp feed { local 10.2.0.1 as 65001; neighbor 10.2.0.2 as 65002;
  connect retry time 1; ipv4 { import all; export none; }; }
EOF
cat >"$dir/a-relay.json" <<EOF
{ "asn": 65001, "router_id": "10.1.0.1", "hold_time": 90,
  "peers": [ { "address": "10.1.0.2", "asn": 65002, "connect_retry": 1,
               "import": "all", "export": "none" },
             { "address": "10.1.0.3", "asn": 65003, "connect_retry": 1,
               "import": "none", "export": "all" } ] }
EOF
cat >"$dir/bird-relay.conf" <<EOF
router id 10.2.0.1;
protocol device { }
protocol kernel { ipv4 { export all; import none; }; learn off; }
protocol bgp feed { local 10.2.0.1 as 65001; neighbor 10.2.0.2 as 65002;
  connect retry time 1; ipv4 { import all; export none; }; }
protocol bgp listener { local 10.2.0.1 as 65001; neighbor 10.2.0.3 as 65003;
  connect retry time 1; ipv4 { import none; export all; }; }
EOF
cat >"$dir/origin.json" <<EOF
{ "asn": 65002, "router_id": "10.255.0.2", "originate": ["51.51.51.0/24"],
  "peers": [ { "address": "10.1.0.1", "asn": 65001, "passive": true, "import": "none", "export": "all" },
             { "address": "10.2.0.1", "asn": 65001, "passive": true, "import": "none", "export": "all" } ] }
EOF

start_anybgpd() {	# [CONFIG]
	ip netns exec $A "$build/bin/anybgpd" -c "${1:-$dir/a.json}" -s "$dir/a.ctl" -l "$dir/a.log" -n a &
	dpid=$!; pids+=("$dpid")
	for _ in $(seq 200); do [ -S "$dir/a.ctl" ] && break; sleep 0.02; done
}
start_bird() {	# [CONFIG]
	ip netns exec $B bird -c "${1:-$dir/bird.conf}" -s "$dir/bird.sock" -f &
	dpid=$!; pids+=("$dpid")
	for _ in $(seq 200); do birdc -s "$dir/bird.sock" show status >/dev/null 2>&1 && break; sleep 0.02; done
}
stop_daemon() {
	[ -n "$dpid" ] || return 0
	kill "$dpid" 2>/dev/null || true
	for _ in $(seq 600); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
	wait "$dpid" 2>/dev/null || true
	forget "$dpid"
}
usage_of() {	# peak RSS kB and CPU seconds of a live pid
	local hwm cpu
	hwm=$(awk '/VmHWM/ {print $2}' /proc/$1/status)
	cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' /proc/$1/stat)
	echo "\"peak_rss_kb\":$hwm,\"cpu_s\":$cpu"
}

: >"$OUT"
for n in $SIZES; do
	for r in $(seq "$REPS"); do
		for who in anybgpd bird; do
			if [ $who = anybgpd ]; then
				start_anybgpd
				args=(--connect 10.1.0.1 --anybgpd-ctl "$dir/a.ctl" --kernel-ns $A --kernel-proto 186)
			else
				start_bird
				args=(--connect 10.2.0.1 --bird-sock "$dir/bird.sock" --kernel-ns $B --kernel-proto 12)
			fi
			res=$(ip netns exec $F "$dir/bench_bgp" feed --local-as 65002 --peer-as 65001 \
				--prefixes "$n" --sets "$SETS" --timeout "$TIMEOUT" "${args[@]}") || true
			use=$(usage_of "$dpid")
			if [ $who = anybgpd ]; then
				python3 -c "import socket,sys;s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);s.sendall(b'stats\n');print(s.makefile().read())" "$dir/a.ctl" >"$dir/stats-$n-$r.json" || true
			fi
			stop_daemon
			line="{\"speaker\":\"$who\",\"rep\":$r,${res#\{}"
			line="${line%\}},$use}"
			echo "$line" | tee -a "$OUT"
		done
	done
done

# The speaker as a router: from the feeder through it to the listener.
for n in ${RELAY_SIZES-"100000 1000000"}; do
	for r in $(seq "$REPS"); do
		for who in anybgpd bird; do
			if [ $who = anybgpd ]; then
				start_anybgpd "$dir/a-relay.json"
				args=(--connect 10.1.0.1 --recv-from 10.1.0.3)
			else
				start_bird "$dir/bird-relay.conf"
				args=(--connect 10.2.0.1 --recv-from 10.2.0.3)
			fi
			res=$(ip netns exec $F "$dir/bench_bgp" relay --local-as 65002 --peer-as 65001 \
				--recv-as 65003 --prefixes "$n" --sets "$SETS" --timeout "$TIMEOUT" \
				"${args[@]}") || true
			use=$(usage_of "$dpid")
			stop_daemon
			line="{\"speaker\":\"$who\",\"rep\":$r,${res#\{}"
			line="${line%\}},$use}"
			echo "$line" | tee -a "$OUT"
		done
	done
done

# Start to established + first route installed.
for r in $(seq "$STARTS"); do
	ip netns exec $F "$build/bin/anybgpd" -c "$dir/origin.json" -s "$dir/o.ctl" -l "$dir/o.log" -n origin &
	opid=$!; pids+=("$opid")
	for _ in $(seq 200); do [ -S "$dir/o.ctl" ] && break; sleep 0.02; done
	for who in anybgpd bird; do
		if [ $who = anybgpd ]; then
			res=$("$dir/bench_bgp" start --kernel-ns $A --kernel-proto 186 --prefix 51.51.51.0/24 \
				--timeout 30 -- ip netns exec $A "$build/bin/anybgpd" -c "$dir/a.json" \
				-s "$dir/a.ctl" -l "$dir/a.log" -n a) || true
		else
			res=$("$dir/bench_bgp" start --kernel-ns $B --kernel-proto 12 --prefix 51.51.51.0/24 \
				--timeout 30 -- ip netns exec $B bird -c "$dir/bird.conf" -s "$dir/bird.sock" -f) || true
		fi
		dpid=$(echo "$res" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'); [ -z "$dpid" ] || pids+=("$dpid")
		stop_daemon
		echo "{\"speaker\":\"$who\",\"rep\":$r,\"start\":true,${res#\{}" | tee -a "$OUT"
	done
	kill "$opid"; wait "$opid" 2>/dev/null || true
	forget "$opid"
done

python3 - "$OUT" <<'EOF'
import json, sys, statistics as st
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(xs):
    xs = [x for x in xs if x is not None and x >= 0]
    return st.median(xs) if xs else float('nan')
feeds = [r for r in runs if not r.get('start') and not r.get('relay')]
relays = [r for r in runs if r.get('relay')]
sizes = sorted({r['prefixes'] for r in feeds})
cols = [('rib_ms', 'Loc-RIB ms'), ('kernel_ms', 'kernel ms'), ('withdraw_rib_ms', 'withdraw Loc-RIB ms'),
        ('withdraw_kernel_ms', 'withdraw kernel ms'), ('peak_rss_kb', 'peak RSS kB'), ('cpu_s', 'CPU s')]
print("\n| prefixes | measure | anybgpd | BIRD 2 | anybgpd/BIRD | worst anybgpd | worst BIRD |")
print("|---:|---|---:|---:|---:|---:|---:|")
for n in sizes:
    for key, name in cols:
        a = [r[key] for r in feeds if r['speaker'] == 'anybgpd' and r['prefixes'] == n]
        b = [r[key] for r in feeds if r['speaker'] == 'bird' and r['prefixes'] == n]
        ma, mb = med(a), med(b)
        fmt = '.2f' if key == 'cpu_s' else '.0f'
        print(f"| {n} | {name} | {ma:{fmt}} | {mb:{fmt}} | {ma / mb if mb else float('nan'):.2f} | "
              f"{max(a):{fmt}} | {max(b):{fmt}} |")
if relays:
    print("\nAs a router (relay: feeder -> speaker -> listener, routes also installed in the kernel):")
    print("\n| prefixes | measure | anybgpd | BIRD 2 | anybgpd/BIRD | worst anybgpd | worst BIRD |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    rcols = [('propagate_ms', 'all passed on, ms'), ('withdraw_propagate_ms', 'withdrawal passed on, ms'),
             ('updates_out', 'UPDATEs to the listener'), ('peak_rss_kb', 'peak RSS kB'), ('cpu_s', 'CPU s')]
    for n in sorted({r['prefixes'] for r in relays}):
        for key, name in rcols:
            a = [r[key] for r in relays if r['speaker'] == 'anybgpd' and r['prefixes'] == n and r.get(key) is not None and r[key] >= 0]
            b = [r[key] for r in relays if r['speaker'] == 'bird' and r['prefixes'] == n and r.get(key) is not None and r[key] >= 0]
            if not a or not b:
                continue
            ma, mb = med(a), med(b)
            fmt = '.2f' if key == 'cpu_s' else '.0f'
            print(f"| {n} | {name} | {ma:{fmt}} | {mb:{fmt}} | {ma / mb if mb else float('nan'):.2f} | "
                  f"{max(a):{fmt}} | {max(b):{fmt}} |")
starts = [r for r in runs if r.get('start')]
if starts:
    a = [r['start_to_route_ms'] for r in starts if r['speaker'] == 'anybgpd']
    b = [r['start_to_route_ms'] for r in starts if r['speaker'] == 'bird']
    print(f"\nstart -> session established and first route in the kernel, median of {len(a)}: "
          f"anybgpd {med(a):.1f} ms (worst {max(x for x in a if x is not None):.1f}), "
          f"BIRD {med(b):.1f} ms (worst {max(x for x in b if x is not None):.1f})")
EOF

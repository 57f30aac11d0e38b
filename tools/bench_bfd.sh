#!/usr/bin/env bash
# Benchmark: what BFD costs anybgpd, and how many 10 ms sessions it keeps.
#
#   tools/bench_bfd.sh [BUILD_DIR]                    (root)
#   NS="1 10 50 100" WINDOW=10 HOLD=100 DURATION=300 tools/bench_bfd.sh BUILD_DIR
#
# Two network namespaces joined by one veth pair, N addresses on each side
# (10.64.x.y and 10.65.x.y, on-link in 10.0.0.0/8), and two anybgpd processes,
# each with N external peers: peer i is the other side's address i, with
# "local_address" our own address i, and BFD with every peer ("bfd":
# {"interval_ms": INTERVAL, "multiplier": 3}, INTERVAL 10 by default): N BGP
# sessions and N BFD sessions (RFC 5880 asynchronous mode, RFC 5881 single hop)
# between the two. Nothing is announced; kernel install is off; hold 90 s.
#
# - Cost, for each N in NS: once every BFD session is Up on both sides, the CPU
#   time (utime + stime from /proc/PID/stat) of each process over WINDOW
#   seconds, per session per second, and the BFD packets sent per session per
#   second (the `bfd` control command's pkts_out). With BASE=1 (the default)
#   the same N without BFD is measured first, so the difference is BFD's part
#   (BGP keepalives every 30 s cost next to nothing).
# - Holding: for each N in HOLD (default: the largest of NS), DURATION seconds
#   (default 300, at most 3600) with every session up; the `bfd` command's
#   down_count summed over both sides at the start and the end (a BFD session
#   that went Up -> Down: a false down, as nothing fails here), and the
#   sessions still Up at the end.
#
# Bounded: the sessions must come up within 60 s; the namespaces have this
# script's own names (bbfa<PID>, bbfb<PID>) and are deleted by exact name in the
# exit trap, which also ends the two anybgpd processes it started, by pid.
# Prints Markdown for docs/bench/bfd.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
bgpd=$build/bin/anybgpd
[ "$(id -u)" = 0 ] || { echo "bench_bfd: needs root" >&2; exit 1; }
[ -x "$bgpd" ] || { echo "bench_bfd: no $bgpd (build first)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench_bfd: needs python3" >&2; exit 1; }

ns_list=(${NS:-1 10 50 100})
window=${WINDOW:-10}
interval=${INTERVAL:-10}
base=${BASE:-1}
duration=${DURATION:-300}
[ "$duration" -le 3600 ] || { echo "bench_bfd: DURATION at most 3600" >&2; exit 1; }
largest=$(printf '%s\n' "${ns_list[@]}" | sort -n | tail -n 1)
hold_list=(${HOLD:-$largest})

tmp=$(mktemp -d /tmp/anylab-bench-bfd.XXXXXX)
chmod 755 "$tmp"
nsa=bbfa$$ nsb=bbfb$$
pids=()
stop_daemons() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	pids=()
}
cleanup() {
	stop_daemons
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "bench_bfd: files kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The namespaces and the veth pair, made inside them (never in ours).
ip netns add "$nsa"
ip netns add "$nsb"
ip -n "$nsa" link add bfa type veth peer name bfb netns "$nsb"
ip -n "$nsa" link set lo up
ip -n "$nsb" link set lo up
ip -n "$nsa" link set bfa up
ip -n "$nsb" link set bfb up
addr() {	# side(64|65) i
	echo "10.$1.$(($2 / 200)).$(($2 % 200 + 1))"
}
maxn=$largest
for n in "${hold_list[@]}"; do [ "$n" -gt "$maxn" ] && maxn=$n; done
for ((i = 0; i < maxn; i++)); do
	echo "address add $(addr 64 $i)/8 dev bfa"
done | ip -n "$nsa" -batch -
for ((i = 0; i < maxn; i++)); do
	echo "address add $(addr 65 $i)/8 dev bfb"
done | ip -n "$nsb" -batch -
sleep 2	# IPv4 addresses need no DAD; the link's carrier settles

config() {	# side n bfd(0|1) > json
	python3 - "$@" "$interval" <<'EOF'
import json, sys
side, n, bfd, interval = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
me, them = (64, 65) if side == "a" else (65, 64)
addr = lambda s, i: "10.%d.%d.%d" % (s, i // 200, i % 200 + 1)
c = {"asn": 65001 if side == "a" else 65002, "router_id": addr(me, 0), "hold_time": 90,
     "connect_retry": 1, "kernel": {"install": False},
     "peers": [{"address": addr(them, i), "local_address": addr(me, i),
                "asn": 65002 if side == "a" else 65001, "import": "none", "export": "none"}
               for i in range(n)]}
if bfd:
    c["bfd"] = {"interval_ms": interval, "multiplier": 3}
print(json.dumps(c, indent=1))
EOF
}

# ctl SOCKET COMMAND: the JSON answer (ctl.h: one line out, the document back until EOF).
cat >"$tmp/ctl.py" <<'EOF'
import json, socket, sys

def ask(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall((cmd + "\n").encode())
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    return json.loads(data)

what = sys.argv[1]
socks = sys.argv[2:]
if what == "peers":	# sessions Established over both sides
    print(sum(p["state"] == "Established" for s in socks for p in ask(s, "peers")["peers"]))
elif what == "bfd":	# up, down_count, pkts_out, pkts_in over both sides
    up = downs = out = inn = 0
    for s in socks:
        for x in ask(s, "bfd")["sessions"]:
            up += x["state"] == "Up"
            downs += x["down_count"]
            out += x["pkts_out"]
            inn += x["pkts_in"]
    print(up, downs, out, inn)
EOF

cpu_ticks() {	# pid: utime + stime in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

start_pair() {	# n bfd
	config a "$1" "$2" >"$tmp/a.json"
	config b "$1" "$2" >"$tmp/b.json"
	rm -f "$tmp/a.ctl" "$tmp/b.ctl"
	ip netns exec "$nsa" "$bgpd" -c "$tmp/a.json" -s "$tmp/a.ctl" -l "$tmp/a.log" -n a &
	pids+=($!)
	ip netns exec "$nsb" "$bgpd" -c "$tmp/b.json" -s "$tmp/b.ctl" -l "$tmp/b.log" -n b &
	pids+=($!)
	local t0=$SECONDS est up=0
	while :; do
		if [ -S "$tmp/a.ctl" ] && [ -S "$tmp/b.ctl" ]; then
			est=$(python3 "$tmp/ctl.py" peers "$tmp/a.ctl" "$tmp/b.ctl" 2>/dev/null || echo 0)
			if [ "$2" = 1 ]; then
				up=$(python3 "$tmp/ctl.py" bfd "$tmp/a.ctl" "$tmp/b.ctl" 2>/dev/null |
					cut -d' ' -f1 || echo 0)
			else
				up=$((2 * $1))
			fi
			[ "$est" = $((2 * $1)) ] && [ "${up:-0}" = $((2 * $1)) ] && return 0
		fi
		for p in "${pids[@]}"; do
			kill -0 "$p" 2>/dev/null || { echo "bench_bfd: anybgpd $p exited:" >&2; tail -n 5 "$tmp"/?.log >&2; return 1; }
		done
		if [ $((SECONDS - t0)) -ge 60 ]; then
			echo "bench_bfd: N=$1: $est of $((2 * $1)) BGP sessions, ${up:-0} BFD sessions up after 60 s" >&2
			return 1
		fi
		sleep 0.5
	done
}

hz=$(getconf CLK_TCK)
echo "# N WITH_BFD CPU_MS_A CPU_MS_B WINDOW_S PKTS_OUT DOWNS_DELTA" >"$tmp/cost.txt"
for n in "${ns_list[@]}"; do
	for b in $([ "$base" = 1 ] && echo 0) 1; do
		if ! start_pair "$n" "$b"; then
			echo "$n $b fail fail $window 0 0" >>"$tmp/cost.txt"
			stop_daemons
			continue
		fi
		sleep 1
		b0=($(python3 "$tmp/ctl.py" bfd "$tmp/a.ctl" "$tmp/b.ctl"))
		ca0=$(cpu_ticks "${pids[0]}") cb0=$(cpu_ticks "${pids[1]}") t0=$(date +%s.%N)
		sleep "$window"
		ca1=$(cpu_ticks "${pids[0]}") cb1=$(cpu_ticks "${pids[1]}") t1=$(date +%s.%N)
		b1=($(python3 "$tmp/ctl.py" bfd "$tmp/a.ctl" "$tmp/b.ctl"))
		echo "$n $b $(( (ca1 - ca0) * 1000 / hz )) $(( (cb1 - cb0) * 1000 / hz )) $(python3 -c "print('%.3f' % ($t1 - $t0))") $((b1[2] - b0[2])) $((b1[1] - b0[1]))" >>"$tmp/cost.txt"
		echo "bench_bfd: N=$n bfd=$b: $(tail -n 1 "$tmp/cost.txt")" >&2
		stop_daemons
	done
done

echo "# N DURATION_S UP_START UP_END DOWNS_START DOWNS_END CPU_MS_A CPU_MS_B PKTS_OUT" >"$tmp/hold.txt"
for n in "${hold_list[@]}"; do
	if ! start_pair "$n" 1; then
		echo "$n $duration 0 0 0 0 0 0 0" >>"$tmp/hold.txt"
		stop_daemons
		continue
	fi
	s0=($(python3 "$tmp/ctl.py" bfd "$tmp/a.ctl" "$tmp/b.ctl"))
	ca0=$(cpu_ticks "${pids[0]}") cb0=$(cpu_ticks "${pids[1]}")
	sleep "$duration"
	ca1=$(cpu_ticks "${pids[0]}") cb1=$(cpu_ticks "${pids[1]}")
	s1=($(python3 "$tmp/ctl.py" bfd "$tmp/a.ctl" "$tmp/b.ctl"))
	echo "$n $duration ${s0[0]} ${s1[0]} ${s0[1]} ${s1[1]} $(( (ca1 - ca0) * 1000 / hz )) $(( (cb1 - cb0) * 1000 / hz )) $((s1[2] - s0[2]))" >>"$tmp/hold.txt"
	echo "bench_bfd: hold N=$n: $(tail -n 1 "$tmp/hold.txt")" >&2
	stop_daemons
done

python3 - "$tmp/cost.txt" "$tmp/hold.txt" "$interval" "$window" "$hz" <<'EOF'
import sys
cost, hold, interval, window, hz = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
rows = [l.split() for l in open(cost) if not l.startswith("#")]
print("BFD %s ms x 3 with every peer; CPU over %s s per N (clock tick %.0f ms), two processes, "
      "one per namespace." % (interval, window, 1000.0 / int(hz)))
print()
print("| N sessions | CPU per process, no BFD (ms/s) | with BFD (ms/s) | BFD's part per session "
      "(ms of CPU per s) | BFD packets sent per session per s | BFD downs in the window |")
print("|---|---|---|---|---|---|")
by = {}
for n, b, ca, cb, w, pk, dn in rows:
    by[(int(n), b)] = (ca, cb, float(w), int(pk), int(dn))
for n in sorted({k[0] for k in by}):
    def per(b):
        x = by.get((n, b))
        if x is None or x[0] == "fail":
            return None
        return (int(x[0]) + int(x[1])) / 2.0 / x[2]	# ms of CPU per s, per process
    nb, wb = per("0"), per("1")
    x = by.get((n, "1"))
    part = (wb - (nb or 0)) / n if wb is not None else None
    print("| %d | %s | %s | %s | %s | %s |" % (
        n, "-" if nb is None else "%.2f" % nb, "up failed" if wb is None else "%.2f" % wb,
        "-" if part is None else "%.3f" % part,
        "-" if x is None or x[0] == "fail" else "%.1f" % (x[3] / 2.0 / n / x[2]),
        "-" if x is None or x[0] == "fail" else x[4]))
print()
print("| N sessions | duration | BFD sessions Up at start / end (both sides) | false downs | "
      "CPU per process (ms/s) | per session (ms/s) |")
print("|---|---|---|---|---|---|")
for l in open(hold):
    if l.startswith("#"):
        continue
    n, d, u0, u1, d0, d1, ca, cb, pk = l.split()
    n, d = int(n), int(d)
    cpu = (int(ca) + int(cb)) / 2.0 / d
    print("| %d | %d s | %s / %s of %d | %d | %.2f | %.3f |" % (
        n, d, u0, u1, 2 * n, int(d1) - int(d0), cpu, cpu / n if n else 0))
EOF

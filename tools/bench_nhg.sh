#!/usr/bin/env bash
# Benchmark: flow stability in the FIB (issue 11, RFC 4786 4.4.3). A site with
# four anycast instances, one of them fails and returns; how many clients of
# the other three move, and how many DNS-over-TCP connections break, with the
# router's anybgpd installing the anycast route as a plain multipath route
# (`"fib": "hash"`, the kernel's hash-threshold) or as a resilient nexthop
# group (`"fib": {"multipath": "resilient", ...}`).
#
#   tools/bench_nhg.sh [BUILD_DIR]   (root; needs jq)
#
# The lab is tests/bgp/root_nhg.c's: a router r and instances dns1..dns4 on a
# server LAN (anybgpd + anydnsd each, 198.18.0.53/32 on lo, eBGP to r, BFD
# 100 ms x 5), CLIENTS clients (default 48) on a client LAN behind r, each
# probing 198.18.0.53 at 20 queries per second; r's multipath hash is policy 0
# (layer 3) with a pinned seed. The scenario disables dns2's adapter, waits for
# r to drop it and every client to be answered by another instance, 1 s more,
# enables it, waits for r to route over four next hops again, 2 s more. Once
# per hash seed (SEEDS, default 1..8), mode (hash, resilient) and probe
# transport (udp, tcp): 32 runs of about 10 s by default. The resilient group
# has 128 buckets, idle timer IDLE_TIMER s (default 2, as the root test's TCP
# runs: short enough that buckets nobody uses go to dns2 while the probes
# still run) and unbalanced timer 0.
#
# A run counts when it passed and r's sessions to dns1, dns3 and dns4 were
# established once (a false BFD down of a surviving instance would move its
# clients by itself); otherwise it is run once more, and then left out (said
# in the table). Per run, from results.json:
#   - DNS2's clients: clients whose instance before the fault was DNS2, and
#     how many of them DNS2 answers again after the undo;
#   - moved during: others answered by another instance during the fault (the
#     catchment's collateral moves during the fault);
#   - moved at fail-back: others whose instance after the undo is not the one
#     they had at its start (a flow moved back is moved again);
#   - not back: others not on their own instance after (the catchment's
#     collateral moves at fail-back);
#   - TCP: connections broken (resets, EOFs, timeouts), DNS2's clients' and
#     the others', during the fault (to the start of the enable) and at
#     fail-back (after it), and on standard error why they broke (reset,
#     eof, timeout, error: docs/scenarios.md, probe).
# Prints one line per run on standard error, then two Markdown tables on
# standard output: per mode and transport the median and range over seeds,
# and every run.
#
# Bounded: one lab at a time, named nbNNNNN (from the pid), removed by that
# exact name on every exit path (trap).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
anylab=$build/bin/anylab
clients=${CLIENTS:-48}
seeds=${SEEDS:-1 2 3 4 5 6 7 8}
idle=${IDLE_TIMER:-2}
[ "$(id -u)" = 0 ] || { echo "bench_nhg: needs root" >&2; exit 1; }
[ -x "$anylab" ] || { echo "bench_nhg: no $anylab (build first)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench_nhg: needs jq" >&2; exit 1; }
case $clients in
'' | *[!0-9]*) echo "bench_nhg: CLIENTS=$clients: expected 1 to 200" >&2; exit 2 ;;
esac
[ "$clients" -ge 1 ] && [ "$clients" -le 200 ] ||
	{ echo "bench_nhg: CLIENTS=$clients: expected 1 to 200" >&2; exit 2; }
for s in $seeds; do
	case $s in
	'' | *[!0-9]*) echo "bench_nhg: seed $s: expected a number" >&2; exit 2 ;;
	esac
done
case $idle in
'' | *[!0-9]*) echo "bench_nhg: IDLE_TIMER=$idle: expected 1 to 3600" >&2; exit 2 ;;
esac

tmp=$(mktemp -d /tmp/anylab-nhg.XXXXXX)
lab=nb$(( $$ % 100000 ))
up=""
cleanup() {
	[ -n "$up" ] && "$anylab" down "$lab" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The topology of one run: topology SEED MODE TRANSPORT > FILE
topology() {
	local seed=$1 mode=$2 tr=$3 fib i c sep timeout
	if [ "$mode" = resilient ]; then
		fib="{\"multipath\": \"resilient\", \"idle_timer\": $idle}"
	else
		fib='"hash"'
	fi
	timeout=0.5
	[ "$tr" = tcp ] && timeout=1
	bgp() { # asn router-id
		printf '"asn": %s, "router_id": "%s", "hold_time": 9, "keepalive": 3, ' "$1" "$2"
		printf '"connect_retry": 1, "bfd": {"interval_ms": 100, "multiplier": 5}'
	}
	peer() { printf '{"address": "%s", "asn": %s, "import": "all", "export": "all"}' "$1" "$2"; }
	printf '{"name": "%s", "nodes": {\n' "$lab"
	printf '"r": {"interfaces": {"eth0": {"addresses": ["10.97.0.254/24"]}, '
	printf '"eth1": {"addresses": ["10.96.0.254/24"]}}, "forwarding": true, '
	printf '"multipath": {"hash_policy": 0, "hash_seed": %s}, "bgp": {' "$seed"
	bgp 65000 10.96.0.254
	printf ', "multipath": {"max_paths": 4}, "fib": %s, "peers": [' "$fib"
	sep=""
	for i in 1 2 3 4; do
		printf '%s' "$sep"; peer "10.96.0.$i" 65001; sep=", "
	done
	printf ']}}'
	for i in 1 2 3 4; do
		printf ',\n"dns%s": {"interfaces": {"eth0": {"addresses": ["10.96.0.%s/24"]}}, ' "$i" "$i"
		printf '"loopback": ["198.18.0.53/32"], '
		printf '"routes": [{"to": "default", "via": "10.96.0.254"}], "bgp": {'
		bgp 65001 "10.96.0.$i"
		printf ', "originate": ["198.18.0.53/32"], "peers": ['
		peer 10.96.0.254 65000
		printf ']}, "dns": {"identity": "DNS%s", "zones": [{"origin": "zone.tst", ' "$i"
		printf '"records": [{"name": "server", "type": "TXT", "data": "DNS%s"}]}]}}' "$i"
	done
	for c in $(seq 1 "$clients"); do
		printf ',\n"c%03d": {"interfaces": {"eth0": {"addresses": ["10.97.0.%s/24"]}}, ' "$c" "$c"
		printf '"routes": [{"to": "default", "via": "10.97.0.254"}], '
		printf '"resolver": ["198.18.0.53"]}'
	done
	printf '},\n"links": [{"name": "clients", "endpoints": ["r:eth0"'
	for c in $(seq 1 "$clients"); do printf ', "c%03d:eth0"' "$c"; done
	printf ']}, {"name": "servers", "endpoints": ["r:eth1", "dns1:eth0", "dns2:eth0", '
	printf '"dns3:eth0", "dns4:eth0"]}],\n'
	printf '"scenarios": {"fault": {"probe": {"clients": "all", "rate": 20, '
	printf '"timeout": %s, "transport": "%s"}, "steps": [\n' "$timeout" "$tr"
	for i in 1 2 3 4; do
		printf '{"expect": "session", "node": "r", "peer": "10.96.0.%s", ' "$i"
		printf '"state": "established", "within": 30},\n'
	done
	cat <<'EOF'
{"expect": "nexthops", "node": "r", "prefix": "198.18.0.53/32", "count": 4, "within": 15},
{"expect": "instances", "set": ["DNS1", "DNS2", "DNS3", "DNS4"], "within": 5},
{"action": "disable", "iface": "dns2:eth0"},
{"expect": "session", "node": "r", "peer": "10.96.0.2", "state": "down", "within": 2},
{"expect": "nexthops", "node": "r", "prefix": "198.18.0.53/32", "count": 3, "within": 2},
{"expect": "answered", "not_by": "DNS2", "within": 2},
{"action": "wait", "seconds": 1},
{"action": "enable", "iface": "dns2:eth0"},
{"expect": "session", "node": "r", "peer": "10.96.0.2", "state": "established", "within": 15},
{"expect": "nexthops", "node": "r", "prefix": "198.18.0.53/32", "count": 4, "within": 5},
{"action": "wait", "seconds": 2}
]}}}
EOF
}

# The figures of one results document, space-separated:
# dns2_clients moved_during moved_back not_back dns2_breaks_during dns2_breaks_back
# others_breaks_during others_breaks_back breaks_before dns2_clients_back_on_dns2
figures() {
	jq -r '
	  .faults[0] as $f
	  | (.steps[$f.undo_step - 1].start_us) as $undo
	  | ([.clients[] | {key: .client, value: [.tcp_breaks[].time_us]}] | from_entries) as $br
	  | [$f.clients[] | select(.before == "DNS2")] as $mine
	  | [$f.clients[] | select(.before != "DNS2")] as $others
	  | def breaks(s; lo; hi): [s[] | $br[.client][] | select(. >= lo and . < hi)] | length;
	  [ ($mine | length),
	    $f.catchment.collateral.during.count,
	    ([$others[] | select(.after != .during)] | length),
	    $f.catchment.collateral.back.count,
	    breaks($mine; $f.start_us; $undo), breaks($mine; $undo; 1e18),
	    breaks($others; $f.start_us; $undo), breaks($others; $undo; 1e18),
	    breaks($f.clients; 0; $f.start_us),
	    ([$mine[] | select(.after == "DNS2")] | length) ]
	  | map(tostring) | join(" ")' "$1"
}

# Why the TCP connections broke (probe.log's reasons), DNS2's clients' and the others'.
reasons() {
	jq -r '
	  .faults[0] as $f
	  | ([.clients[] | {key: .client, value: .tcp_breaks}] | from_entries) as $br
	  | def why(s): [s[] | $br[.client][] | .reason] | group_by(.)
	      | map("\(.[0]) \(length)") | join(", ") | if . == "" then "none" else . end;
	  "DNS2\u0027s clients \(why([$f.clients[] | select(.before == "DNS2")])),"
	  + " others \(why([$f.clients[] | select(.before != "DNS2")]))"' "$1"
}

# Whether the run counts: passed, and r's sessions but dns2's established once.
valid() {
	jq -e '.passed' "$1" >/dev/null || return 1
	"$anylab" bgp -l "$lab" --json r peers >"$tmp/peers.json" 2>/dev/null || return 1
	jq -e '[.peers[] | select(.address != "10.96.0.2" and .established_count != 1)]
	    | length == 0' "$tmp/peers.json" >/dev/null
}

: >"$tmp/rows"
dropped=0
load0=$(cut -d' ' -f1 /proc/loadavg)
t0=$(date +%s)
for seed in $seeds; do
	for mode in hash resilient; do
		for tr in udp tcp; do
			topology "$seed" "$mode" "$tr" >"$tmp/topo.json"
			ok=no
			for attempt in 1 2; do
				rm -rf "$tmp/out"
				up=yes
				"$anylab" run "$tmp/topo.json" --scenario fault --name "$lab" --json \
					--out "$tmp/out" --keep >"$tmp/res.json" 2>"$tmp/run.err" || true
				if [ -s "$tmp/res.json" ] && valid "$tmp/res.json"; then
					ok=yes
				fi
				"$anylab" down "$lab" >/dev/null 2>&1 || true
				up=""
				[ $ok = yes ] && break
				echo "bench_nhg: seed $seed $mode $tr: run $attempt not valid" \
					"(failed, or another session than dns2's went down)" >&2
			done
			if [ $ok = no ]; then
				dropped=$((dropped + 1))
				continue
			fi
			read -r mine md mb nb b2d b2b bod bob pre home <<<"$(figures "$tmp/res.json")"
			echo "$seed $mode $tr $mine $md $mb $nb $b2d $b2b $bod $bob $pre $home" \
				>>"$tmp/rows"
			echo "seed $seed $mode $tr: DNS2's clients $mine ($home back on it after);" \
				"others moved during $md," \
				"at fail-back $mb, not back $nb; connections broken: DNS2's clients $b2d" \
				"during / $b2b at fail-back, others $bod / $bob; before the fault $pre" \
				"$([ "$tr" = tcp ] && echo "(why: $(reasons "$tmp/res.json"))")" >&2
		done
	done
done
secs=$(( $(date +%s) - t0 ))
load1=$(cut -d' ' -f1 /proc/loadavg)

# median (range) of column COL over the rows of MODE and TRANSPORT.
stat() {
	awk -v m="$1" -v t="$2" -v col="$3" '$2 == m && $3 == t { print $col }' "$tmp/rows" |
		sort -n | awk '{ a[NR] = $1 } END {
			if (NR == 0) { printf "-"; exit }
			med = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			if (a[1] == a[NR]) printf "%g", med
			else printf "%g (%g-%g)", med, a[1], a[NR] }'
}
runs() { awk -v m="$1" -v t="$2" '$2 == m && $3 == t' "$tmp/rows" | wc -l; }

echo "| mode | probes | runs | DNS2's clients | of them back on DNS2 after | others moved during the fault | others moved at fail-back | others not back after | TCP connections broken, DNS2's clients: during / at fail-back | TCP connections broken, others: during / at fail-back |"
echo "|---|---|---:|---|---|---|---|---|---|---|"
for mode in hash resilient; do
	for tr in udp tcp; do
		if [ "$tr" = tcp ]; then
			b2="$(stat $mode $tr 8) / $(stat $mode $tr 9)"
			bo="$(stat $mode $tr 10) / $(stat $mode $tr 11)"
		else
			b2="(UDP)" bo="(UDP)"
		fi
		echo "| $mode | $tr | $(runs $mode $tr) | $(stat $mode $tr 4) | $(stat $mode $tr 13) |" \
			"$(stat $mode $tr 5) |" \
			"$(stat $mode $tr 6) | $(stat $mode $tr 7) | $b2 | $bo |"
	done
done
echo
echo "Medians over hash seeds ($seeds), range in brackets; $clients clients at 20 q/s;" \
	"resilient idle timer $idle s; $dropped runs left out; $secs s in all;" \
	"load $load0 before, $load1 after."
echo
echo "| seed | mode | probes | DNS2's clients (back on it after) | others moved during / at fail-back / not back | broken, DNS2's clients: during / fail-back | broken, others: during / fail-back | broken before the fault |"
echo "|---:|---|---|---:|---|---|---|---:|"
awk '{ printf "| %s | %s | %s | %s (%s) | %s / %s / %s | %s / %s | %s / %s | %s |\n",
	$1, $2, $3, $4, $13, $5, $6, $7, $8, $9, $10, $11, $12 }' "$tmp/rows"

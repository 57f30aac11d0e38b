#!/usr/bin/env bash
# Benchmark: Lab A's failover, measured by anylab's own scenarios.
#
#   tools/bench_failover.sh [BUILD_DIR] [RUNS]        (root; default RUNS: 20)
#
# - RUNS runs each of `failover` (dc001's adapter disabled) and `link-cut`
#   (dc001's cable cut) on topologies/anycast-lab.json: per run, the failover
#   time and the queries lost of the client that was on DC001, and the time
#   back after the undo; median and worst over the runs, and how many runs
#   passed. Detection in both: the gateway's BGP hold timer (9 s, keepalive 3 s).
# - The probe's own precision: a run that only waits 20 s with probes at 100
#   and at 1000 queries per second per client; how late a send is against its
#   schedule (median, 99th percentile, worst), over both clients.
#
# Bounded: every run has a 180 s timeout (a scenario takes about 25 s), the lab
# has this script's own name and is taken down by `anylab run` itself, or by
# the exit trap by its exact name. Prints Markdown for docs/bench/scenario.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
runs=${2:-20}
anylab=$build/bin/anylab
[ "$(id -u)" = 0 ] || { echo "bench_failover: needs root" >&2; exit 1; }
[ -x "$anylab" ] || { echo "bench_failover: no $anylab (build first)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench_failover: needs python3" >&2; exit 1; }

tmp=$(mktemp -d /tmp/anylab-bench-fo.XXXXXX)
lab=bf$(( $$ % 100000 ))
cleanup() {
	[ -e "/run/anylab/$lab" ] && "$anylab" down "$lab" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The precision scenarios ride in a copy of the topology ("scenarios" inside it).
python3 - "$top/topologies/anycast-lab.json" "$tmp/lab.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
t.pop("$schema", None)
t["scenarios"] = {
    "p%d" % r: {"probe": {"clients": ["client1", "client2"], "rate": r, "timeout": 1},
                "steps": [{"expect": "instances", "set": ["DC001", "DC002"], "within": 30},
                          {"action": "wait", "seconds": 20}]}
    for r in (100, 1000)}
json.dump(t, open(sys.argv[2], "w"), indent=1)
EOF

run_one() {	# scenario topology n
	local out="$tmp/$1-$3.json"
	if timeout 180 "$anylab" run "$2" --scenario "$1" --name "$lab" --json \
		--out "$tmp/runs" >"$out" 2>"$tmp/$1-$3.err"; then :; fi
	[ -s "$out" ] || echo '{"passed": false, "error": "no result"}' >"$out"
}

for ((i = 1; i <= runs; i++)); do
	for s in failover link-cut; do
		run_one "$s" "$top/topologies/anycast-lab.json" "$i"
		echo "bench_failover: $s run $i/$runs: $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("pass" if j.get("passed") else "FAIL")' "$tmp/$s-$i.json")" >&2
	done
done
for r in 100 1000; do
	run_one "p$r" "$tmp/lab.json" 1
done

python3 - "$tmp" "$runs" <<'EOF'
import glob, json, os, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])

def med(v):
    return statistics.median(v) if v else float("nan")

print("| scenario | runs passed | failover median | failover worst | lost median | lost worst "
      "| back median | back worst | detection |")
print("|---|---|---|---|---|---|---|---|---|")
for s, how in (("failover", "adapter disabled: BGP hold timer (9 s, keepalive 3 s)"),
               ("link-cut", "cable cut: BGP hold timer (9 s, keepalive 3 s)")):
    fo, lost, back, ok = [], [], [], 0
    for i in range(1, runs + 1):
        j = json.load(open(os.path.join(tmp, "%s-%d.json" % (s, i))))
        ok += bool(j.get("passed"))
        for f in j.get("faults", [])[:1]:
            for c in f["clients"]:
                if c["before"] == "DC001":
                    if c["failover_ms"] is not None:
                        fo.append(c["failover_ms"])
                    lost.append(c["lost"])
                    if c["back_ms"] is not None:
                        back.append(c["back_ms"])
    print("| %s | %d/%d | %.0f ms | %.0f ms | %.0f | %d | %.0f ms | %.0f ms | %s |" % (
        s, ok, runs, med(fo), max(fo) if fo else float("nan"), med(lost),
        max(lost) if lost else -1, med(back), max(back) if back else float("nan"), how))

print()
print("| probe rate per client | queries sent | send late median | p99 | worst |")
print("|---|---|---|---|---|")
for r in (100, 1000):
    j = json.load(open(os.path.join(tmp, "p%d-1.json" % r)))
    cl = j.get("clients", [])
    sent = sum(c["sent"] for c in cl)
    # Medians and p99 per client; the table shows the worse client's figure.
    print("| %d/s | %d | %s us | %s us | %s us |" % (
        r, sent, max((c["send_late_median_us"] or 0) for c in cl) if cl else "-",
        max((c["send_late_p99_us"] or 0) for c in cl) if cl else "-",
        max((c["send_late_max_us"] or 0) for c in cl) if cl else "-"))
EOF

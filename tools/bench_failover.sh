#!/usr/bin/env bash
# Benchmark: Lab A's failover, measured by anylab's own scenarios.
#
#   tools/bench_failover.sh [BUILD_DIR] [RUNS]        (root; default RUNS: 20)
#   PHASED=0 tools/bench_failover.sh ...              (the scenarios exactly as shipped)
#   KINDS="anybgpd bird frr" tools/bench_failover.sh ... (the BGP kinds side by side)
#
# - RUNS runs each of `failover` (dc001's adapter disabled) and `link-cut`
#   (dc001's cable cut) on topologies/anycast-lab.json: per run, the failover
#   time and the queries lost of the client that was on DC001, and the time
#   back after the undo; median and worst over the runs, and how many runs
#   passed. Detection in both: the gateway's BGP hold timer (9 s, keepalive 3 s).
#   As shipped, the fault comes right after the lab is up, that is right
#   after the sessions' last keepalive, which makes the hold timer's worst
#   case (about 9 s) every time. By default (PHASED=1) run i waits
#   (i - 1) * 3 / RUNS seconds before the fault, so that the faults are spread
#   evenly over the 3 s keepalive period, as faults in the field are.
# - KINDS (default "anybgpd"): the BGP node kinds (docs/kinds.md) to compare.
#   With more than one, run i runs `failover`, `link-cut` and `service-dies`
#   once per kind in turn (`anylab run --kind bgp=KIND`), so that the kinds
#   share the machine's load, and times Lab A's `up` to converged per kind
#   (`anylab up --json`, then `down`); the tables give each kind's medians and
#   worst cases and the ratio of its median to anybgpd's.
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

# The precision scenarios, and the phased copies of failover and link-cut, ride
# in a copy of the topology ("scenarios" inside it).
python3 - "$top/topologies/anycast-lab.json" "$tmp/lab.json" "$runs" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
runs = int(sys.argv[3])
shipped = json.load(open(sys.argv[1].replace(".json", ".scenarios.json")))["scenarios"]
t.pop("$schema", None)
t["scenarios"] = {
    "p%d" % r: {"probe": {"clients": ["client1", "client2"], "rate": r, "timeout": 1},
                "steps": [{"expect": "instances", "set": ["DC001", "DC002"], "within": 30},
                          {"action": "wait", "seconds": 20}]}
    for r in (100, 1000)}
for name in ("failover", "link-cut"):
    for i in range(1, runs + 1):
        sc = json.loads(json.dumps(shipped[name]))
        fault = next(k for k, st in enumerate(sc["steps"]) if st.get("action") in ("disable", "cut"))
        sc["steps"].insert(fault, {"action": "wait", "seconds": round((i - 1) * 3.0 / runs, 3),
                                   "label": "phase"})
        t["scenarios"]["%s-phase%d" % (name, i)] = sc
json.dump(t, open(sys.argv[2], "w"), indent=1)
EOF

kinds=(${KINDS:-anybgpd})

run_one() {	# scenario topology n [kind]
	local out="$tmp/$1-$3${4:+-$4}.json"
	if timeout 180 "$anylab" run "$2" --scenario "$1" --name "$lab" --json \
		${4:+--kind bgp=$4} --out "$tmp/runs" >"$out" 2>"$tmp/$1-$3.err"; then :; fi
	if [ ! -s "$out" ]; then
		echo "bench_failover: $1 gave no result:" >&2
		tail -n 5 "$tmp/$1-$3.err" >&2
		echo '{"passed": false, "error": "no result"}' >"$out"
	fi
}

if [ ${#kinds[@]} -gt 1 ]; then
	for ((i = 1; i <= runs; i++)); do
		for s in failover link-cut service-dies; do
			for k in "${kinds[@]}"; do
				if [ "${PHASED:-1}" = 1 ] && [ "$s" != service-dies ]; then
					run_one "$s-phase$i" "$tmp/lab.json" "$i" "$k"
					mv "$tmp/$s-phase$i-$i-$k.json" "$tmp/$s-$i-$k.json"
				else
					run_one "$s" "$top/topologies/anycast-lab.json" "$i" "$k"
				fi
				echo "bench_failover: $s on $k, run $i/$runs: $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("pass" if j.get("passed") else "FAIL")' "$tmp/$s-$i-$k.json")" >&2
			done
		done
		for k in "${kinds[@]}"; do
			if timeout 120 "$anylab" up "$top/topologies/anycast-lab.json" --name "$lab" \
				--kind "bgp=$k" --json >"$tmp/up-$i-$k.json" 2>"$tmp/up-$i-$k.err"; then :; fi
			"$anylab" down "$lab" >/dev/null 2>&1 || true
		done
	done
	python3 - "$tmp" "$runs" "${PHASED:-1}" "${kinds[@]}" <<'EOF'
import json, os, statistics, sys
tmp, runs, phased, kinds = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
print("Faults %s; the kinds take turns within every run." % (
    "spread evenly over the 3 s keepalive period (PHASED=1)" if phased else
    "right after the lab is up (PHASED=0)"))
print()

def med(v):
    return statistics.median(v) if v else float("nan")

def ratio(a, b):
    return "%.2fx" % (a / b) if b and a == a and b == b else "-"

def ms(v):
    return "%.0f ms" % v if v == v else "-"

print("| scenario | kind | runs passed | failover median | worst | lost median | worst "
      "| back median | worst | failover vs anybgpd |")
print("|---|---|---|---|---|---|---|---|---|---|")
for s in ("failover", "link-cut", "service-dies"):
    base = None
    for k in kinds:
        fo, lost, back, ok = [], [], [], 0
        for i in range(1, runs + 1):
            try:
                j = json.load(open(os.path.join(tmp, "%s-%d-%s.json" % (s, i, k))))
            except (OSError, ValueError):
                continue
            ok += bool(j.get("passed"))
            for f in j.get("faults", [])[:1]:
                for c in f["clients"]:
                    if c["before"] == "DC001":
                        if c["failover_ms"] is not None:
                            fo.append(c["failover_ms"])
                        lost.append(c["lost"])
                        if c["back_ms"] is not None:
                            back.append(c["back_ms"])
        if k == "anybgpd":
            base = med(fo)
        print("| %s | %s | %d/%d | %s | %s | %.0f | %d | %s | %s | %s |" % (
            s, k, ok, runs, ms(med(fo)), ms(max(fo) if fo else float("nan")), med(lost),
            max(lost) if lost else -1, ms(med(back)), ms(max(back) if back else float("nan")),
            ratio(med(fo), base) if base is not None else "-"))
print()
print("| kind | Lab A up to converged, median | worst | runs up | vs anybgpd |")
print("|---|---|---|---|---|")
base = None
for k in kinds:
    t = []
    for i in range(1, runs + 1):
        try:
            t.append(json.load(open(os.path.join(tmp, "up-%d-%s.json" % (i, k))))["elapsed_ms"])
        except (OSError, ValueError, KeyError):
            pass
    if k == "anybgpd":
        base = med(t)
    print("| %s | %s | %s | %d/%d | %s |" % (k, ms(med(t)), ms(max(t) if t else float("nan")),
          len(t), runs, ratio(med(t), base) if base is not None else "-"))
EOF
	exit 0
fi

for ((i = 1; i <= runs; i++)); do
	for s in failover link-cut; do
		if [ "${PHASED:-1}" = 1 ]; then
			run_one "$s-phase$i" "$tmp/lab.json" "$i"
			mv "$tmp/$s-phase$i-$i.json" "$tmp/$s-$i.json"
		else
			run_one "$s" "$top/topologies/anycast-lab.json" "$i"
		fi
		echo "bench_failover: $s run $i/$runs: $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("pass" if j.get("passed") else "FAIL")' "$tmp/$s-$i.json")" >&2
	done
done
for r in 100 1000; do
	run_one "p$r" "$tmp/lab.json" 1
done

python3 - "$tmp" "$runs" "${PHASED:-1}" <<'EOF'
import glob, json, os, statistics, sys
tmp, runs, phased = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
print("Faults %s." % ("spread evenly over the 3 s keepalive period (PHASED=1)" if phased else
      "right after the lab is up, as the scenarios are shipped (PHASED=0)"))
print()

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

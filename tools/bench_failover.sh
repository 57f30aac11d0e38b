#!/usr/bin/env bash
# Benchmark: failover, fail-back and maintenance on Lab A (and on Lab A with a
# port per DC), measured by anylab's own scenarios; Lab A's `up` to converged.
#
#   tools/bench_failover.sh [BUILD_DIR] [RUNS]        (root; default RUNS: 20)
#   BFD="10 100" tools/bench_failover.sh ...          (BFD variants, ms x 3)
#   KINDS="anybgpd bird frr" tools/bench_failover.sh ... (the BGP kinds side by side)
#   PHASED=0 tools/bench_failover.sh ...              (no phase wait before the fault)
#
# - SCENARIOS (default "failover link-cut blackhole service-dies maintenance
#   p2p:failover p2p:link-cut"): the scenarios of
#   topologies/anycast-lab.scenarios.json, and with "p2p:" those of
#   topologies/anycast-p2p.scenarios.json. RUNS runs each, each run a fresh lab
#   (`anylab run` brings it up and down). Per run, for the client that was on
#   DC001 before the first fault: the failover time (the outage the client saw:
#   from its first query DC001 did not answer to the first answer from another
#   DC), the queries lost from the fault to its undo, and the time back
#   to DC001 after the undo (back_ms); median and worst over the runs, and how
#   many runs anylab passed. The figures are taken from the probe logs with the
#   fault at the start of the fault action (below, measure.py: anylab's own
#   take the action's end). For `maintenance`, the queries lost by both
#   clients from the drain to the end (target 0), in every run.
# - Detection: Lab A's gateway reaches the DCs through a LAN switch, so BFD
#   (shipped: 10 ms x 3) finds an adapter disabled, a cable cut or a black hole;
#   each DC's DNS health check (100 ms, fall 3) finds its dead service; the
#   drain (RFC 8326) moves the clients before the maintenance. anycast-p2p.json
#   has no BFD: the gateway sees its own port's link go.
# - BFD (default "10"): for each value V, the runs use a copy of each topology
#   whose every "bfd" object is rewritten to {"interval_ms": V, "multiplier": 3}
#   (a topology without a "bfd" key, as anycast-p2p.json, runs with the first
#   value only: the others would change nothing).
# - Probes: RATE (default 1000) queries per second per client, 1 s timeout, in
#   copies of the scenarios; a `lost` expectation's bound is scaled from the
#   shipped rate (100/s) to RATE, so "at most 2 s of queries" stays 2 s.
# - Phase (PHASED=1, the default): run i waits (i - 1) * PERIOD / RUNS seconds
#   before the fault, PERIOD 1 s by default. One second is a whole number of
#   periods of every clock a fault can race: BFD's 10 ms and 100 ms transmit
#   intervals (jittered, RFC 5880 6.8.7), the health check's 100 ms, BFD's 1 s
#   transmit while a session is not Up (which paces fail-back after a black
#   hole) and the kernel's link watch (at most one carrier event a second,
#   which paces fail-back after a cable is restored); the 3 s keepalive no
#   longer decides anything. So the faults fall evenly over each of them, as
#   faults in the field do.
# - KINDS (default "anybgpd"): the BGP node kinds (docs/kinds.md) to compare,
#   on all three speakers (`anylab run --kind bgp=KIND`). Run i runs every
#   scenario once per kind in turn, so that the kinds share the machine's load;
#   the tables give each kind's medians and worst cases and the ratio of its
#   median failover and back times to anybgpd's. BIRD and FRR have no health
#   checks (service-dies stays a black hole for them) and BIRD's adapter cannot
#   drain with GRACEFUL_SHUTDOWN (maintenance is `unsupported`), docs/kinds/.
# - Lab A up: after each run's scenarios, per kind and BFD value, `anylab up
#   --json` (its `elapsed_ms`: up returns when every speaker reports converged),
#   then `down`; median and worst, and how many converged (no warning).
# - With one kind, PRECISION=1 (the default) adds the probe's own precision: a
#   run that only waits 20 s with probes at 100 and at 1000 queries per second
#   per client; how late a send is against its schedule (median, 99th
#   percentile, worst), over both clients.
#
# Bounded: every run has a 120 s timeout (a scenario takes 1 to 30 s), every
# `up` 60 s; the lab has this script's own name and is taken down by `anylab
# run` itself, or by the exit trap by its exact name. Prints Markdown for
# docs/bench/scenario.md. KEEP=1 keeps every run's results JSON (in /tmp).
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
	if [ "${KEEP:-0}" = 1 ]; then echo "bench_failover: results kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

kinds=(${KINDS:-anybgpd})
bfds=(${BFD:-10})
scenarios=(${SCENARIOS:-failover link-cut blackhole service-dies maintenance p2p:failover p2p:link-cut})
phased=${PHASED:-1}
period=${PERIOD:-1}
rate=${RATE:-1000}
precision=${PRECISION:-1}
[ ${#kinds[@]} -gt 1 ] && precision=0

# One copy of each topology per BFD value, with the scenarios inside it
# ("scenarios": phased copies "NAME-pI" at RATE, and the precision runs).
python3 - "$top/topologies" "$tmp" "$runs" "$phased" "$period" "$rate" "${bfds[@]}" <<'EOF'
import json, os, sys
src, tmp, runs, phased, period, rate = sys.argv[1:7]
runs, phased, period, rate = int(runs), phased == "1", float(period), int(rate)
faults = ("disable", "cut", "impair", "kill", "drain")

def rebfd(o, v):
    if isinstance(o, dict):
        for k, x in o.items():
            if k == "bfd" and isinstance(x, dict):
                o[k] = {"interval_ms": v, "multiplier": 3}
            else:
                rebfd(x, v)
    elif isinstance(o, list):
        for x in o:
            rebfd(x, v)

for topo in ("anycast-lab", "anycast-p2p"):
    t0 = json.load(open(os.path.join(src, topo + ".json")))
    shipped = json.load(open(os.path.join(src, topo + ".scenarios.json")))["scenarios"]
    for v in sys.argv[7:]:
        t = json.loads(json.dumps(t0))
        t.pop("$schema", None)
        rebfd(t, int(v))
        t["scenarios"] = {}
        if topo == "anycast-lab":
            t["scenarios"].update({
                "p%d" % r: {"probe": {"clients": ["client1", "client2"], "rate": r, "timeout": 1},
                            "steps": [{"expect": "instances", "set": ["DC001", "DC002"],
                                       "within": 30},
                                      {"action": "wait", "seconds": 20}]}
                for r in (100, 1000)})
        for name, sc0 in shipped.items():
            for i in range(1, runs + 1):
                sc = json.loads(json.dumps(sc0))
                scale = rate / sc["probe"].get("rate", 100)
                sc["probe"]["rate"] = rate
                for st in sc["steps"]:
                    if st.get("expect") == "lost":
                        for b in ("min", "max"):
                            if b in st:
                                st[b] = int(round(st[b] * scale))
                if phased:
                    k = next(k for k, st in enumerate(sc["steps"]) if st.get("action") in faults)
                    sc["steps"].insert(k, {"action": "wait", "label": "phase",
                                           "seconds": round((i - 1) * period / runs, 3)})
                t["scenarios"]["%s-p%d" % (name, i)] = sc
        json.dump(t, open(os.path.join(tmp, "%s-bfd%s.json" % (topo, v)), "w"), indent=1)
EOF

# Each run's figures, from its probe logs (measure.py). anylab's results JSON
# (emu/scenario/runner.c, measure.c) takes the END of the fault action as the
# fault time; an action takes from 1 ms to tens of ms on a loaded machine, and
# with link state (anycast-p2p) or a drain the client may have moved before it
# returns, so at 1000 q/s anylab can see it already on DC002 "before" the
# fault: no failover measured, and the steps that select "clients_of DC001"
# fail. The START of the action is no better: the fault takes effect somewhere
# inside it. So here the fault is where the client saw it: before = the
# instance of the last answer to a query sent before the action began;
# failover (the outage) = from the sending of the first query, sent after the
# action began, that `before` did not answer (lost, or answered by another), to
# the arrival of the first answer from another instance (1 ms resolution at
# 1000 q/s; 0 when no query was lost); lost = queries sent from the action's
# start to the undo's end that were not answered; back = arrival of the first
# answer from `before` to a query sent after the undo, from the undo's end (as
# anylab measures it); for maintenance, the queries lost by both clients from
# the drain's start to the start of the run's last `lost` check, and the steps
# during which they were sent.
cat >"$tmp/measure.py" <<'EOF'
import json, sys
res, out = sys.argv[1], sys.argv[2]
m = {"passed": False, "clients": [], "maint_lost": None}
try:
    j = json.load(open(res))
except (OSError, ValueError):
    json.dump(m, open(out, "w"))
    sys.exit(0)
m["passed"] = bool(j.get("passed"))
steps = {st["index"]: st for st in j.get("steps", [])}
faults = j.get("faults", [])
logs = {}
for c in j.get("clients", []):
    recs = []
    try:
        for line in open(c["log"]):
            f = line.split()
            if len(f) < 8 or f[0].startswith("#"):
                continue
            recs.append((int(f[3]), f[4] == "ok", int(f[5]), f[7]))
    except (OSError, ValueError):
        continue
    recs.sort()
    logs[c["client"]] = recs
if faults and faults[0]["step"] in steps:
    f = faults[0]
    t0 = steps[f["step"]]["start_us"]
    undo = f.get("undo_us") or 0
    t1 = undo or f["end_us"]
    for name, recs in logs.items():
        before = None
        for sent, ok, rtt, inst in recs:
            if sent >= t0:
                break
            if ok:
                before = inst
        c = {"client": name, "before": before, "failover_ms": None, "lost": 0,
             "back_ms": None, "anylab_failover_ms": None}
        for a in f["clients"]:
            if a["client"] == name:
                c["anylab_failover_ms"] = a["failover_ms"]
        hit = None	# sending of the first query `before` did not answer
        for sent, ok, rtt, inst in recs:
            if sent < t0 or sent >= f["end_us"]:
                continue
            if sent < t1:
                if hit is None and (not ok or inst != before):
                    hit = sent
                if not ok:
                    c["lost"] += 1
                elif inst != before and c["failover_ms"] is None:
                    c["failover_ms"] = max(0, sent + rtt - hit) / 1000.0
            elif (undo and ok and inst == before and c["back_ms"] is None and
                  (c["failover_ms"] is not None or c["lost"])):
                c["back_ms"] = (sent + rtt - undo) / 1000.0
        m["clients"].append(c)
    if j.get("scenario", "").startswith("maintenance"):
        last = [st for st in j.get("steps", []) if st.get("what") == "lost"]
        if last and last[-1].get("start_us"):
            lost = [sent for recs in logs.values() for sent, ok, rtt, inst in recs
                    if t0 <= sent < last[-1]["start_us"] and not ok]
            m["maint_lost"] = len(lost)
            order = sorted(j.get("steps", []), key=lambda st: st.get("start_us") or 0)
            m["maint_lost_in"] = sorted({next((st["label"] for st in reversed(order)
                                               if (st.get("start_us") or 0) <= t), "?")
                                         for t in lost})
json.dump(m, open(out, "w"))
EOF

verdict() {
	python3 - "$1" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
bad = [s for s in j.get("steps", []) if s.get("status") not in ("pass", "done", None)]
print("pass" if j.get("passed") else "FAIL %s%s" % (j.get("error") or "", "; ".join(
    "%s: %s (%s)" % (s.get("label"), s.get("status"), s.get("detail")) for s in bad[:1])))
EOF
}

run_one() {	# out topology scenario kind
	if timeout 120 "$anylab" run "$2" --scenario "$3" --name "$lab" --json \
		--kind "bgp=$4" --out "$tmp/runs" >"$1" 2>"$1.err"; then :; fi
	if [ ! -s "$1" ]; then
		echo "bench_failover: $3 gave no result:" >&2
		tail -n 5 "$1.err" >&2
		echo '{"passed": false, "error": "no result"}' >"$1"
	fi
	python3 "$tmp/measure.py" "$1" "${1%.json}.m.json"
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp/runs"
}

for v in "${bfds[@]}"; do
	for ((i = 1; i <= runs; i++)); do
		for s in "${scenarios[@]}"; do
			topo=anycast-lab name=$s
			case $s in p2p:*) topo=anycast-p2p name=${s#p2p:} ;; esac
			if [ "$v" != "${bfds[0]}" ] && ! grep -q '"bfd"' "$top/topologies/$topo.json"; then
				continue
			fi
			for k in "${kinds[@]}"; do
				out="$tmp/r-$v-$s-$i-$k.json"
				run_one "$out" "$tmp/$topo-bfd$v.json" "$name-p$i" "$k"
				echo "bench_failover: bfd $v ms, $s on $k, run $i/$runs: $(verdict "$out")" >&2
			done
		done
		for k in "${kinds[@]}"; do
			if timeout 60 "$anylab" up "$tmp/anycast-lab-bfd$v.json" --name "$lab" \
				--kind "bgp=$k" --json >"$tmp/up-$v-$i-$k.json" 2>"$tmp/up-$v-$i-$k.err"; then :; fi
			"$anylab" down "$lab" >/dev/null 2>&1 || true
		done
	done
done
if [ "$precision" = 1 ]; then
	for r in 100 1000; do
		run_one "$tmp/p$r.json" "$tmp/anycast-lab-bfd${bfds[0]}.json" "p$r" "${kinds[0]}"
	done
fi

python3 - "$tmp" "$runs" "$phased" "$period" "$rate" "$precision" "${#kinds[@]}" \
	"${kinds[@]}" "${#bfds[@]}" "${bfds[@]}" "${scenarios[@]}" <<'EOF'
import json, os, re, statistics, sys
a = sys.argv[1:]
tmp, runs, phased, period, rate, precision = a[0], int(a[1]), a[2] == "1", a[3], a[4], a[5] == "1"
nk = int(a[6]); kinds = a[7:7 + nk]; a = a[7 + nk:]
nb = int(a[0]); bfds = a[1:1 + nb]; scens = a[1 + nb:]
print("%d runs per scenario%s; probes at %s queries per second per client; faults %s%s." % (
    runs, " and kind" if nk > 1 else "", rate,
    "spread evenly over %s s (PHASED=1)" % period if phased else "right after the lab is up (PHASED=0)",
    "; the kinds take turns within every run" if nk > 1 else ""))
print()

def med(v):
    return statistics.median(v) if v else float("nan")

def worst(v):
    return max(v) if v else float("nan")

def ms(v):
    return "-" if v != v else "%.0f ms" % v if v >= 10 else "%.1f ms" % v

def num(v):
    return "-" if v != v else "%.0f" % v

def ratio(x, b):
    return "%.2fx" % (x / b) if b and x == x and b == b else "-"

def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None

def detection(s, v):
    if s.startswith("p2p:"):
        return "link state (gateway's own port)"
    if s == "service-dies":
        return "DC001's DNS health check (100 ms, fall 3)"
    if s == "maintenance":
        return "drain (RFC 8326 GRACEFUL_SHUTDOWN)"
    return "BFD %s ms x 3" % v

hdr = ("| scenario | BFD | %sruns passed | failover median | worst | lost median | worst "
       "| back median | worst |%s detection |" % ("kind | " if nk > 1 else "",
       " failover vs anybgpd | back vs anybgpd |" if nk > 1 else ""))
print(hdr)
print("|" + "---|" * (hdr.count("|") - 1))
maint = []
for v in bfds:
    for s in scens:
        base = None
        for k in kinds:
            fo, lost, back, ok, n, ml, mwhere = [], [], [], 0, 0, [], set()
            for i in range(1, runs + 1):
                j = load(os.path.join(tmp, "r-%s-%s-%d-%s.m.json" % (v, s, i, k)))
                if j is None:
                    continue
                n += 1
                ok += bool(j.get("passed"))
                if s == "maintenance":
                    ml.append(j.get("maint_lost"))
                    if j.get("maint_lost"):
                        mwhere.update(j.get("maint_lost_in", []))
                for c in j.get("clients", []):
                    if c["before"] == "DC001":
                        if c["failover_ms"] is not None:
                            fo.append(c["failover_ms"])
                        lost.append(c["lost"])
                        if c["back_ms"] is not None:
                            back.append(c["back_ms"])
            if n == 0:
                continue
            if s == "maintenance":
                maint.append((v, k, ml, ok, n, mwhere))
            if k == "anybgpd":
                base = (med(fo), med(back))
            print("| %s | %s ms x 3 | %s%d/%d | %s | %s | %s | %s | %s | %s |%s %s |" % (
                s, v, k + " | " if nk > 1 else "", ok, n, ms(med(fo)), ms(worst(fo)),
                num(med(lost)), num(worst(lost)), ms(med(back)), ms(worst(back)),
                " %s | %s |" % (ratio(med(fo), base[0]), ratio(med(back), base[1]))
                if nk > 1 and base else (" - | - |" if nk > 1 else ""),
                detection(s, v)))
if maint:
    print()
    print("| maintenance | BFD | kind | runs passed | queries lost, every run (both clients) "
          "| lost during |")
    print("|---|---|---|---|---|---|")
    for v, k, ml, ok, n, where in maint:
        print("| maintenance | %s ms x 3 | %s | %d/%d | %s | %s |" % (
            v, k, ok, n, " ".join("-" if x is None else "%d" % x for x in ml),
            "; ".join(sorted(where)) or "-"))
print()
print("| BFD | kind | Lab A up to converged, median | worst | runs up | converged | vs anybgpd |")
print("|---|---|---|---|---|---|---|")
for v in bfds:
    base = None
    for k in kinds:
        t, conv = [], 0
        for i in range(1, runs + 1):
            j = load(os.path.join(tmp, "up-%s-%d-%s.json" % (v, i, k)))
            if j is None or "elapsed_ms" not in j:
                continue
            t.append(j["elapsed_ms"])
            try:
                conv += "warning" not in open(os.path.join(tmp, "up-%s-%d-%s.err" % (v, i, k))).read()
            except OSError:
                pass
        if k == "anybgpd":
            base = med(t)
        print("| %s ms x 3 | %s | %s | %s | %d/%d | %d/%d | %s |" % (
            v, k, ms(med(t)), ms(worst(t)), len(t), runs, conv, len(t),
            ratio(med(t), base) if base is not None else "-"))
if precision:
    print()
    print("| probe rate per client | queries sent | send late median | p99 | worst |")
    print("|---|---|---|---|---|")
    for r in (100, 1000):
        j = load(os.path.join(tmp, "p%d.json" % r)) or {}
        cl = j.get("clients", [])
        # Medians and p99 per client; the table shows the worse client's figure.
        print("| %d/s | %d | %s us | %s us | %s us |" % (
            r, sum(c["sent"] for c in cl),
            max((c["send_late_median_us"] or 0) for c in cl) if cl else "-",
            max((c["send_late_p99_us"] or 0) for c in cl) if cl else "-",
            max((c["send_late_max_us"] or 0) for c in cl) if cl else "-"))
EOF

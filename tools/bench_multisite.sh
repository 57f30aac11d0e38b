#!/usr/bin/env bash
# Lab B (topologies/multi-site.json): `up` to converged, and each scenario's
# failover and lost queries over RUNS runs (median and worst), from the runs'
# results.json: the fault the scenario is about (onprem-down: the second
# server down; cloud-withdraw: the second withdrawal; tunnel-down: the cut;
# flapping-server: the withdrawal that gets dns2 suppressed), its affected
# clients. Bounded: RUNS runs of six scenarios of about 10 s each.
#   tools/bench_multisite.sh BUILD_DIR [RUNS]      (root; default 10 runs)
set -euo pipefail
build=${1:?usage: tools/bench_multisite.sh BUILD_DIR [RUNS]}
runs=${2:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/bin/anylab
topo=$top/topologies/multi-site.json
out=$(mktemp -d /tmp/anylab-bench-ms.XXXXXX)
lab=bms$$
lab=${lab:0:11}
trap '"$bin" down "$lab" >/dev/null 2>&1 || true' EXIT

echo "== up to converged ($runs runs)"
for i in $(seq "$runs"); do
	"$bin" up "$topo" --name "$lab" | sed -n 's/.*daemons (\([0-9]*\) ms).*/\1/p' >>"$out/up.txt"
	"$bin" down "$lab" >/dev/null
done
python3 - "$out/up.txt" <<'PY'
import statistics, sys
v = [float(x) for x in open(sys.argv[1]) if x.strip()]
print(f"up: median {statistics.median(v):.0f} ms, worst {max(v):.0f} ms, {len(v)} runs")
PY

for s in site-preference onprem-down cloud-withdraw tunnel-down rogue-announcement flapping-server; do
	for i in $(seq "$runs"); do
		"$bin" run "$topo" --scenario "$s" --name "$lab" --out "$out/$s" >/dev/null 2>&1 || true
	done
done
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
print(f"{'scenario':20} {'runs':>4} {'passed':>6}  {'failover median/worst':>22}  {'lost median/worst':>18}")
# the fault each scenario is about (index in "faults"), its affected clients
FAULT = {"onprem-down": 1, "cloud-withdraw": 1, "tunnel-down": 2, "flapping-server": 12}
for s in ["site-preference", "onprem-down", "cloud-withdraw", "tunnel-down", "rogue-announcement", "flapping-server"]:
    res = [json.load(open(f)) for f in glob.glob(os.path.join(out, s, "*", "results.json"))]
    fo, lost = [], []
    for r in res:
        n = FAULT.get(s)
        if n is None or n >= len(r["faults"]):
            continue
        for c in r["faults"][n]["clients"]:
            if c["affected"]:
                if c["failover_ms"] is not None:
                    fo.append(c["failover_ms"])
                lost.append(c["lost"])
    ok = sum(1 for r in res if r["passed"])
    fmt = lambda v, u: f"{statistics.median(v):.1f}/{max(v):.1f}{u}" if v else "-"
    print(f"{s:20} {len(res):>4} {ok:>6}  {fmt(fo, ' ms'):>22}  {fmt(lost, ''):>18}")
PY
echo "runs kept in $out"

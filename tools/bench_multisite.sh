#!/usr/bin/env bash
# Lab B (topologies/multi-site.json): `up` to converged, and each scenario's
# failover and lost queries over RUNS runs (median and worst), from the runs'
# results.json: the fault the scenario is about (onprem-down: the second
# server down; cloud-withdraw: the second withdrawal; tunnel-down: the cut;
# flapping-server: the withdrawal that gets dns2 suppressed), its affected
# clients. Bounded: RUNS runs of six scenarios of about 10 s each.
#   tools/bench_multisite.sh BUILD_DIR [RUNS]      (root; default 10 runs)
# KINDS="anybgpd bird" also runs every scenario with the `bird` kind on the
# central router and the route server, interleaved with anybgpd in each run,
# on a copy of the topology without central's damping (BIRD has none; so
# flapping-server, which is about damping, runs with anybgpd only).
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
kinds=${KINDS:-anybgpd}
# the bird variant: central without damping, the scenarios beside it
python3 - "$topo" "$out/multi-site-bird.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
def strip(o):
    if isinstance(o, dict):
        o.pop("damping", None)
        for v in o.values():
            strip(v)
    elif isinstance(o, list):
        for v in o:
            strip(v)
strip(t["nodes"]["central"])
json.dump(t, open(sys.argv[2], "w"), indent=1)
PY
cp "${topo%.json}.scenarios.json" "$out/multi-site-bird.scenarios.json"
# run KIND SCENARIO: one run into $out/KIND/SCENARIO
run() {
	if [ "$1" = bird ]; then
		"$bin" run "$out/multi-site-bird.json" --scenario "$2" --name "$lab" \
			--kind central.bgp=bird --kind rs.bgp=bird --out "$out/$1/$2" >/dev/null 2>&1 || true
	else
		"$bin" run "$topo" --scenario "$2" --name "$lab" --out "$out/$1/$2" >/dev/null 2>&1 || true
	fi
}

echo "== up to converged ($runs runs)"
for i in $(seq "$runs"); do
	for k in $kinds; do
		if [ "$k" = bird ]; then
			"$bin" up "$out/multi-site-bird.json" --name "$lab" \
				--kind central.bgp=bird --kind rs.bgp=bird
		else
			"$bin" up "$topo" --name "$lab"
		fi | sed -n 's/.*daemons (\([0-9]*\) ms).*/\1/p' >>"$out/up-$k.txt"
		"$bin" down "$lab" >/dev/null
	done
done
python3 - "$out" $kinds <<'PY'
import statistics, sys
for k in sys.argv[2:]:
    v = [float(x) for x in open(f"{sys.argv[1]}/up-{k}.txt") if x.strip()]
    print(f"up ({k}): median {statistics.median(v):.0f} ms, worst {max(v):.0f} ms, {len(v)} runs")
PY

for s in site-preference onprem-down cloud-withdraw tunnel-down rogue-announcement flapping-server; do
	for i in $(seq "$runs"); do
		for k in $kinds; do
			[ "$k" = bird ] && [ "$s" = flapping-server ] && continue
			run "$k" "$s"
		done
	done
done
python3 - "$out" $kinds <<'PY'
import glob, json, os, statistics, sys
print(f"{'kind':8} {'scenario':20} {'runs':>4} {'passed':>6}  {'failover median/worst':>22}  {'lost median/worst':>18}")
for kind in sys.argv[2:]:
  out = os.path.join(sys.argv[1], kind)
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
      print(f"{kind:8} {s:20} {len(res):>4} {ok:>6}  {fmt(fo, ' ms'):>22}  {fmt(lost, ''):>18}")
PY
echo "runs kept in $out"

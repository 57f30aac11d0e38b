#!/usr/bin/env bash
# Benchmark: how many clients at 10 queries per second one prober sustains
# with its send lateness p99 under 1 ms.
#
#   tools/bench_probe.sh [BUILD_DIR]                                  (root)
#   STEPS="100 250 500 1000 2000" RATE=10 SECONDS_EACH=10 tools/bench_probe.sh BUILD_DIR
#
# One lab written here (name bpNNNNN, NNNNN from this script's pid): LANs of
# at most 500 clients (a Linux bridge takes 1024 ports), each LAN with one
# anydnsd server that its clients ask (10.(100+K).0.1), as many LANs as the
# largest step needs. The lab comes up once (`anylab up`); the neighbour
# entries between each server and its clients are made permanent in the
# lab's own namespaces (the kernel's neighbour table is one for all
# namespaces, and past gc_thresh3, 1024 dynamic entries by default, new ones
# fail); then, for each step N, `anylab run` with a scenario probing the
# first N clients at RATE for SECONDS_EACH seconds (no fault), on the lab
# kept up (--keep). From each run's probe.log: the queries, their send
# lateness (SENT_US - SCHED_US) median, p99, p99.9 and worst over all
# queries, the share lost, and the prober's CPU time over the run (user +
# system, from the log's last line). The machine's load average is printed before
# and after each step: the figures mean little without it.
#
# Bounded: each run at most SECONDS_EACH + 60 s (timeout), the largest step at
# most 5000 clients; the exit trap takes the lab down (`anylab down`, by its
# exact name) and removes the scratch directory. Prints Markdown for
# docs/benchmarks.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
anylab=$build/bin/anylab
[ "$(id -u)" = 0 ] || { echo "bench_probe: needs root" >&2; exit 1; }
[ -x "$anylab" ] || { echo "bench_probe: no $anylab (build first)" >&2; exit 1; }
[ -x "$build/bin/anydnsd" ] || { echo "bench_probe: no anydnsd (build first)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench_probe: needs python3" >&2; exit 1; }

steps=(${STEPS:-100 250 500 1000})
rate=${RATE:-10}
secs=${SECONDS_EACH:-10}
max=0
for n in "${steps[@]}"; do
	[ "$n" -gt "$max" ] && max=$n
done
[ "$max" -le 5000 ] || { echo "bench_probe: at most 5000 clients" >&2; exit 1; }
lab=bp$(($$ % 100000))
dir=$(mktemp -d /tmp/anylab-bench-probe-XXXXXX)
up=0

cleanup() {
	if [ "$up" = 1 ]; then
		"$anylab" down "$lab" >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

python3 - "$dir/topo.json" "$lab" "$max" "$rate" "$secs" "${steps[@]}" <<'EOF'
import json, sys
path, lab, total, rate, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
steps = [int(x) for x in sys.argv[6:]]
per_lan = 500
nodes, links, clients = {}, [], []
for k in range((total + per_lan - 1) // per_lan):
    srv = "srv%d" % k
    net = "10.%d" % (100 + k)
    nodes[srv] = {"interfaces": {"eth0": {"addresses": [net + ".0.1/16"]}},
                  "dns": {"identity": srv.upper(), "zones": [{"origin": "zone.tst",
                          "records": [{"name": "server", "type": "TXT", "data": srv.upper()}]}]}}
    ends = [srv + ":eth0"]
    for j in range(min(per_lan, total - k * per_lan)):
        i = k * per_lan + j + 1
        name = "c%04d" % i
        nodes[name] = {"interfaces": {"eth0": {"addresses": ["%s.%d.%d/16" % (net, 1 + j // 250, 1 + j % 250)]}},
                       "resolver": [net + ".0.1"]}
        ends.append(name + ":eth0")
        clients.append(name)
    links.append({"name": "lan%d" % k, "endpoints": ends})
scns = {}
for n in steps:
    scns["n%d" % n] = {"probe": {"clients": clients[:n], "rate": rate, "timeout": 1, "lead_in": 0},
                       "steps": [{"action": "wait", "seconds": secs}]}
json.dump({"name": lab, "nodes": nodes, "links": links, "scenarios": scns}, open(path, "w"))
EOF

echo "bench_probe: lab $lab, $max clients, up ..." >&2
t0=$(date +%s.%N)
up=1
timeout 600 "$anylab" up "$dir/topo.json" --name "$lab" >/dev/null
t1=$(date +%s.%N)
echo "bench_probe: up in $(python3 -c "print(round($t1 - $t0, 1))") s; pinning neighbours ..." >&2
# Permanent neighbour entries both ways, server <-> each of its clients (the lab's namespaces only).
python3 - "$dir/topo.json" "$lab" "$dir" <<'EOF'
import json, subprocess, sys
topo, lab, d = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
def mac(node):
    out = subprocess.run(["ip", "-n", "%s-%s" % (lab, node), "-br", "link", "show", "eth0"],
                         check=True, capture_output=True, text=True).stdout.split()
    return out[2]
for link in topo["links"]:
    srv = link["endpoints"][0].split(":")[0]
    srv_addr = topo["nodes"][srv]["interfaces"]["eth0"]["addresses"][0].split("/")[0]
    srv_mac = mac(srv)
    batch = []
    for ep in link["endpoints"][1:]:
        c = ep.split(":")[0]
        addr = topo["nodes"][c]["interfaces"]["eth0"]["addresses"][0].split("/")[0]
        batch.append("neigh replace %s lladdr %s dev eth0 nud permanent" % (addr, mac(c)))
        with open("%s/c.batch" % d, "w") as f:
            f.write("neigh replace %s lladdr %s dev eth0 nud permanent\n" % (srv_addr, srv_mac))
        subprocess.run(["ip", "-n", "%s-%s" % (lab, c), "-batch", "%s/c.batch" % d], check=True)
    with open("%s/s.batch" % d, "w") as f:
        f.write("\n".join(batch) + "\n")
    subprocess.run(["ip", "-n", "%s-%s" % (lab, srv), "-batch", "%s/s.batch" % d], check=True)
EOF

echo "| clients | queries/s | queries | lateness median | p99 | p99.9 | worst | lost | prober CPU | load before / after |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for n in "${steps[@]}"; do
	load0=$(cut -d' ' -f1 /proc/loadavg)
	timeout $((secs + 60)) "$anylab" run "$dir/topo.json" --scenario "n$n" --name "$lab" \
		--keep --json --out "$dir/out" >"$dir/n$n.json" 2>"$dir/n$n.err" || true
	load1=$(cut -d' ' -f1 /proc/loadavg)
	log=$(ls "$dir"/out/"$lab"-n"$n"-*/probe.log 2>/dev/null | head -1)
	if [ -z "$log" ]; then
		echo "| $n | | | no probe log: $(tail -1 "$dir/n$n.err") | | | | | | $load0 / $load1 |"
		continue
	fi
	python3 - "$log" "$n" "$rate" "$load0" "$load1" <<'EOF'
import sys
log, n, rate, l0, l1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
late, lost, cpu = [], 0, 0
for line in open(log):
    f = line.split()
    if f[:2] == ["#", "end"]:
        cpu = sum(int(x.split("=")[1]) for x in f[2:])
    if not f or f[0].startswith("#") or f[1] == "break":
        continue
    late.append(int(f[4]) - int(f[3]))
    lost += f[5] != "ok"
late.sort()
def pct(p):
    return late[min(len(late) - 1, int(len(late) * p / 100))]
def ms(us):
    return "%.3f ms" % (us / 1000)
print("| %d | %d | %d | %s | %s | %s | %s | %.2f %% | %.1f s | %s / %s |" % (
    n, n * rate, len(late), ms(pct(50)), ms(pct(99)), ms(pct(99.9)), ms(late[-1]),
    100.0 * lost / max(1, len(late)), cpu / 1e6, l0, l1))
EOF
done

#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, brings up the
# reference lab (Lab A), runs its failover scenario (steps 1-7 of the source
# document) with captures, prints the result table and where the results JSON,
# the timeline picture and the captures are; `anylab run` takes the lab down
# afterwards. Results go to out/ (OUT=DIR to change). Run as root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${OUT:-$top/out}

if [ "$(id -u)" -ne 0 ]; then
	echo "tools/run.sh: run as root (it installs packages and builds namespaces)" >&2
	exit 1
fi
tools/setup.sh
tools/build.sh "$top/build"

mkdir -p "$out"
capture=$out/capture-$(date -u +%Y%m%dT%H%M%SZ)
echo
echo "== anylab run topologies/anycast-lab.json --scenario failover"
build/bin/anylab run topologies/anycast-lab.json --scenario failover \
	--out "$out" --capture "$capture" --junit "$out/failover.xml" </dev/null

#!/usr/bin/env bash
# Installs every Debian 12 package anylab needs to build, run, test and benchmark.
# Idempotent: installs only what is missing. Run as root.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config clang libclang-rt-14-dev
	libnl-3-dev libnl-route-3-dev libcjson-dev libpcap-dev libnftables-dev
	libcriterion-dev
	# format check (tools/format.sh: clang-format 14)
	clang-format
	# run
	iproute2 nftables
	# real clients and peers used by tests and benchmarks
	dnsutils knot-dnsutils tshark bird2 frr gobgpd openbgpd nsd knot dnsperf
	procps psmisc python3-jsonschema
	# the HTML report's test opens report.html in headless Chromium
	chromium fonts-dejavu-core
	# anylab graph --format svg|html (dot -Tsvg)
	graphviz
)

if [ "$(id -u)" -ne 0 ]; then
	echo "tools/setup.sh: run as root (it installs Debian packages)" >&2
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages present"
	exit 0
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

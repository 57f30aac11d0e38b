#!/usr/bin/env bash
# Benchmark: time to build and to remove a lab's namespaces and links with
# anylab (libnl, one process) against iproute2 doing the same namespaces and
# links in the same run, as a script of one `ip` per object and as `ip -batch`.
#
#   tools/bench_lab.sh [BUILD_DIR] [SIZES...]      (root; default sizes: laba 10 100 1000)
#
# The work, identical for the three:
#   - one namespace per node, plus the lab's switch namespace;
#   - per LAN (groups of 10 nodes): a bridge in the switch namespace, up; per member a
#     veth pair, the port end in the switch namespace enslaved and up, the node end
#     "lan" in the node's namespace, up;
#   - a chain of point-to-point veth pairs n(i):right - n(i+1):left, both ends up;
#   - lo up in every node.
#   `laba` is Lab A (topologies/anycast-lab.json without daemons): the same plus its
#   addresses, routes and the gateway's forwarding and multipath sysctls.
# iproute2 cannot create a veth peer up (the kernel answers ENOTCONN) nor
# address another namespace from inside a batch (no -n there), so `ip -batch`
# is one batch in the root namespace (namespaces, veth pairs) plus one
# `ip -n NS -batch` per namespace for what must happen inside it: the fewest
# ip processes that can do the job.
#
# A second table isolates removal: the same anylab-built lab removed either by
# `anylab down` or by one `ip -batch` of `netns del` for the namespaces its record
# names (what anylab made outside namespaces, /etc/netns resolver files and its
# record, is then removed untimed), the two taking turns.
#
# Bounded: fixed sizes and repetitions (ANYLAB_BENCH_REPS overrides the count for
# every size); every namespace is removed by its exact name on exit, whatever
# happens. Prints Markdown tables of medians.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
sizes=${*:-laba 10 100 1000}
anylab=$build/bin/anylab
[ "$(id -u)" = 0 ] || { echo "bench_lab: needs root" >&2; exit 1; }
[ -x "$anylab" ] || { echo "bench_lab: no $anylab (build first)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/anylab-bench.XXXXXX)
tag=b$(( $$ % 100000 ))
lab_al=${tag}a          # anylab's lab name
lab_ip=${tag}i          # iproute2's namespaces: ${lab_ip}-n0 ... and ${lab_ip}.sw
declare -a ip_names=()

cleanup() {
	"$anylab" down "$lab_al" >/dev/null 2>&1 || true
	for n in "${ip_names[@]}"; do
		[ -e "/run/netns/$n" ] && ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Topology file and iproute2 command lists for n generated nodes.
gen() {
	local n=$1 i g sep
	local f=$tmp/gen$n.json
	{
		printf '{"name": "gen", "nodes": {'
		for ((i = 0; i < n; i++)); do
			sep=; ((i)) && sep=', '
			printf '%s"n%d": {"interfaces": {"lan": {}' "$sep" "$i"
			((i + 1 < n)) && printf ', "right": {}'
			((i > 0)) && printf ', "left": {}'
			printf '}}'
		done
		printf '}, "links": ['
		for ((g = 0; g * 10 < n; g++)); do
			sep=; ((g)) && sep=', '
			printf '%s{"name": "lan%d", "switch": true, "endpoints": [' "$sep" "$g"
			for ((i = g * 10; i < n && i < g * 10 + 10; i++)); do
				sep=; ((i > g * 10)) && sep=', '
				printf '%s"n%d:lan"' "$sep" "$i"
			done
			printf ']}'
		done
		for ((i = 0; i + 1 < n; i++)); do
			printf ', {"endpoints": ["n%d:right", "n%d:left"]}' "$i" $((i + 1))
		done
		printf ']}\n'
	} >"$f"

	# iproute2: script (one ip per object) and batches.
	local sw=$lab_ip.sw s=$tmp/script$n.sh d=$tmp/batch$n
	mkdir -p "$d"
	: >"$s"
	: >"$d/root"
	echo "ip netns add $sw" >>"$s"
	echo "netns add $sw" >>"$d/root"
	for ((i = 0; i < n; i++)); do
		echo "ip netns add $lab_ip-n$i" >>"$s"
		echo "netns add $lab_ip-n$i" >>"$d/root"
	done
	for ((g = 0; g * 10 < n; g++)); do
		echo "ip -n $sw link add lan$g up type bridge" >>"$s"
		echo "link add lan$g up type bridge" >>"$d/ns-$sw"
		for ((i = g * 10; i < n && i < g * 10 + 10; i++)); do
			local m=$((i - g * 10))
			echo "ip -n $sw link add lan$g.$m up master lan$g type veth peer name lan netns $lab_ip-n$i" >>"$s"
			echo "ip -n $lab_ip-n$i link set lan up" >>"$s"
			echo "link add name lan$g.$m netns $sw type veth peer name lan netns $lab_ip-n$i" >>"$d/root"
			echo "link set lan$g.$m master lan$g up" >>"$d/ns-$sw"
			echo "link set lan up" >>"$d/ns-$lab_ip-n$i"
		done
	done
	for ((i = 0; i + 1 < n; i++)); do
		echo "ip -n $lab_ip-n$i link add right up type veth peer name left netns $lab_ip-n$((i + 1))" >>"$s"
		echo "ip -n $lab_ip-n$((i + 1)) link set left up" >>"$s"
		echo "link add name right netns $lab_ip-n$i type veth peer name left netns $lab_ip-n$((i + 1))" >>"$d/root"
		echo "link set right up" >>"$d/ns-$lab_ip-n$i"
		echo "link set left up" >>"$d/ns-$lab_ip-n$((i + 1))"
	done
	for ((i = 0; i < n; i++)); do
		echo "ip -n $lab_ip-n$i link set lo up" >>"$s"
		echo "link set lo up" >>"$d/ns-$lab_ip-n$i"
	done
	names_for "$n"
}

names_for() {
	ip_names=("$lab_ip.sw")
	for ((i = 0; i < $1; i++)); do ip_names+=("$lab_ip-n$i"); done
}

# Lab A: the file itself, and the same by hand for iproute2.
gen_laba() {
	local sw=$lab_ip.sw s=$tmp/scriptlaba.sh d=$tmp/batchlaba
	cp "$top/topologies/anycast-lab.json" "$tmp/genlaba.json"
	mkdir -p "$d"
	: >"$s"
	: >"$d/root"
	ip_names=("$sw")
	local nodes="client1 client2 gateway dc001 dc002" x
	echo "ip netns add $sw" >>"$s"
	echo "netns add $sw" >>"$d/root"
	for x in $nodes; do
		ip_names+=("$lab_ip-$x")
		echo "ip netns add $lab_ip-$x" >>"$s"
		echo "netns add $lab_ip-$x" >>"$d/root"
	done
	# member: port node iface address
	local members="internet internet.0 client1 eth0 131.253.1.1/24
internet internet.1 client2 eth0 131.253.1.2/24
internet internet.2 gateway eth0 131.253.1.254/24
intranet intranet.0 gateway eth1 10.10.10.254/24
intranet intranet.1 dc001 eth0 10.10.10.1/24
intranet intranet.2 dc002 eth0 10.10.10.2/24"
	for br in internet intranet; do
		echo "ip -n $sw link add $br up type bridge" >>"$s"
		echo "link add $br up type bridge" >>"$d/ns-$sw"
	done
	while read -r br port node ifn addr; do
		echo "ip -n $sw link add $port up master $br type veth peer name $ifn netns $lab_ip-$node" >>"$s"
		echo "ip -n $lab_ip-$node link set $ifn up" >>"$s"
		echo "ip -n $lab_ip-$node addr add $addr dev $ifn" >>"$s"
		echo "link add name $port netns $sw type veth peer name $ifn netns $lab_ip-$node" >>"$d/root"
		echo "link set $port master $br up" >>"$d/ns-$sw"
		echo "link set $ifn up" >>"$d/ns-$lab_ip-$node"
		echo "addr add $addr dev $ifn" >>"$d/ns-$lab_ip-$node"
	done <<<"$members"
	for x in $nodes; do
		echo "ip -n $lab_ip-$x link set lo up" >>"$s"
		echo "link set lo up" >>"$d/ns-$lab_ip-$x"
	done
	for x in dc001 dc002; do
		echo "ip -n $lab_ip-$x addr add 51.51.51.51/32 dev lo" >>"$s"
		echo "addr add 51.51.51.51/32 dev lo" >>"$d/ns-$lab_ip-$x"
		echo "ip -n $lab_ip-$x route add default via 10.10.10.254" >>"$s"
		echo "route add default via 10.10.10.254" >>"$d/ns-$lab_ip-$x"
	done
	for x in client1 client2; do
		echo "ip -n $lab_ip-$x route add default via 131.253.1.254" >>"$s"
		echo "route add default via 131.253.1.254" >>"$d/ns-$lab_ip-$x"
	done
	echo "ip netns exec $lab_ip-gateway sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.fib_multipath_hash_policy=0" >>"$s"
	echo "netns exec $lab_ip-gateway sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.fib_multipath_hash_policy=0" >>"$d/root.post"
}

run_script_up() { bash "$tmp/script$1.sh"; }
run_batch_up() {
	local d=$tmp/batch$1 f ns
	ip -batch "$d/root"
	for f in "$d"/ns-*; do
		ns=${f##*/ns-}
		ip -n "$ns" -batch "$f"
	done
	[ -e "$d/root.post" ] && ip -batch "$d/root.post"
	return 0
}
run_script_down() { for n in "${ip_names[@]}"; do ip netns del "$n"; done; }
run_batch_down() { printf 'netns del %s\n' "${ip_names[@]}" | ip -batch -; }

# A lab stays up this long before it is removed (seconds): removal is measured on a lab
# whose interfaces have settled (IPv6 link-local addresses, DAD), as a user's would have,
# not in the kernel's wake right after building it.
hold=${ANYLAB_BENCH_HOLD:-1}

# Let the kernel finish freeing the last run's namespaces (cleanup_net is asynchronous).
settle() { sleep "$1"; }

reps_for() {
	if [ -n "${ANYLAB_BENCH_REPS:-}" ]; then echo "$ANYLAB_BENCH_REPS"; return; fi
	case $1 in laba | 10) echo 7 ;; 100) echo 5 ;; *) echo 3 ;; esac
}
settle_for() { case $1 in laba | 10) echo 0.3 ;; 100) echo 2 ;; *) echo 8 ;; esac; }

declare -a same_rows=()
printf '| lab | nodes | tool | build ms (median) | remove ms (median) | build per node ms | build vs anylab | remove vs anylab |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for size in $sizes; do
	if [ "$size" = laba ]; then
		gen_laba
		nodes=5
		file=$tmp/genlaba.json
	else
		gen "$size"
		nodes=$size
		file=$tmp/gen$size.json
	fi
	reps=$(reps_for "$size")
	st=$(settle_for "$size")
	: >"$tmp/al.up"; : >"$tmp/al.down"; : >"$tmp/sc.up"; : >"$tmp/sc.down"
	: >"$tmp/ba.up"; : >"$tmp/ba.down"
	for ((r = 0; r < reps; r++)); do
		# Each tool in turn goes first, so none always runs right after another's
		# namespaces were removed (the kernel frees them in the background).
		for ((k = 0; k < 3; k++)); do
			case $(((r + k) % 3)) in
			0)
				t0=$(now); "$anylab" up "$file" --name "$lab_al" --no-daemons --json >/dev/null
				t1=$(now); sleep "$hold"
				t1b=$(now); "$anylab" down "$lab_al" --json >/dev/null; t2=$(now)
				echo $(((t1 - t0) / 1000)) >>"$tmp/al.up"; echo $(((t2 - t1b) / 1000)) >>"$tmp/al.down" ;;
			1)
				t0=$(now); run_script_up "$size"; t1=$(now); sleep "$hold"
				t1b=$(now); run_script_down; t2=$(now)
				echo $(((t1 - t0) / 1000)) >>"$tmp/sc.up"; echo $(((t2 - t1b) / 1000)) >>"$tmp/sc.down" ;;
			2)
				t0=$(now); run_batch_up "$size"; t1=$(now); sleep "$hold"
				t1b=$(now); run_batch_down; t2=$(now)
				echo $(((t1 - t0) / 1000)) >>"$tmp/ba.up"; echo $(((t2 - t1b) / 1000)) >>"$tmp/ba.down" ;;
			esac
			settle "$st"
		done
	done
	# The same anylab-built lab, removed by anylab or by ip -batch in turn.
	: >"$tmp/same.al"; : >"$tmp/same.ba"
	for ((r = 0; r < 2 * reps; r++)); do
		"$anylab" up "$file" --name "$lab_al" --no-daemons --json >/dev/null
		sleep "$hold"
		if ((r % 2 == 0)); then
			t0=$(now); "$anylab" down "$lab_al" --json >/dev/null; t1=$(now)
			echo $(((t1 - t0) / 1000)) >>"$tmp/same.al"
		else
			awk '$1 == "netns" {print "netns del " $2}' "/run/anylab/$lab_al/record" >"$tmp/same.del"
			t0=$(now); ip -batch "$tmp/same.del"; t1=$(now)
			echo $(((t1 - t0) / 1000)) >>"$tmp/same.ba"
			"$anylab" down "$lab_al" >/dev/null 2>&1	# the record and resolver files
		fi
		settle "$st"
	done
	same_rows+=("$(awk -v lab="$size" -v n="$nodes" -v a="$(median <"$tmp/same.al")" \
		-v b="$(median <"$tmp/same.ba")" 'BEGIN {
		printf "| %s | %d | %.1f | %.1f | %.2fx |", lab, n, a / 1000, b / 1000, b / a }')")

	alu=$(median <"$tmp/al.up"); ald=$(median <"$tmp/al.down")
	for tool in al sc ba; do
		u=$(median <"$tmp/$tool.up"); d=$(median <"$tmp/$tool.down")
		case $tool in al) name=anylab ;; sc) name="ip script" ;; ba) name="ip -batch" ;; esac
		awk -v lab="$size" -v n="$nodes" -v name="$name" -v u="$u" -v d="$d" \
			-v au="$alu" -v ad="$ald" 'BEGIN {
			printf "| %s | %d | %s | %.1f | %.1f | %.3f | %.2fx | %.2fx |\n",
				lab, n, name, u / 1000, d / 1000, u / 1000 / n, u / au, d / ad }'
	done
done

printf '\nRemoval of the same anylab-built lab (medians of 2 x reps, taking turns):\n\n'
printf '| lab | nodes | anylab down ms | ip -batch netns del ms | ip -batch vs anylab |\n'
printf '|---|---|---|---|---|\n'
printf '%s\n' "${same_rows[@]}"

#!/usr/bin/env bash
# bench.sh: listclean as a user runs it, next to its floor (issue 21), on
# generated lists that are never committed.
#
#   scripts/bench.sh                      every scenario, 3 rounds each
#   ROUNDS=5 scripts/bench.sh             more rounds: steadier best figures
#   ONLY=loopback scripts/bench.sh        the scenarios whose name has "loopback"
#   ROWS=100000 DOMAINS=5000 FAR_ROWS=20000 FAR_DOMAINS=2000 LINEAR=0 scripts/bench.sh
#                                         a quick run
#   BEFORE=/path/to/listclean scripts/bench.sh
#                                         also times that binary (another
#                                         branch's build) in the same rounds,
#                                         after this checkout's, in the
#                                         loopback, far and unbound scenarios
#
# Scenarios (each the batch command, default flags but -dns, as a process
# of its own, against zoneserver, a DNS server in a process of its own):
#   loopback   ROWS (1,000,000) rows over DOMAINS (50,000) domains
#   report     the same with -report, a third output of one line per row
#   far        FAR_ROWS (200,000) over FAR_DOMAINS (20,000), every answer
#              DELAY (30ms) late
#   linear     3×ROWS rows over 3×DOMAINS next to ROWS, with -dns off and on
#              (skipped with LINEAR=0)
#   unbound    through unbound (when installed; UNBOUND=0 skips it), on
#              loopback, forwarding to zoneserver: ROWS cold (a fresh
#              unbound) then warm (the same again), and FAR rows with DELAY
#              behind unbound, cold
#
# The floor (scripts/floor) reads the list with encoding/csv, asks the same
# server only the necessary queries with a plain miekg/dns loop, and writes
# the file's bytes with fsync. Its concurrency is found first among
# 16...1024 (FLOOR_CONC), then each round runs it at the best one and its
# neighbours, counting the fastest. Rounds alternate the floor and
# listclean; each figure is the best of ROUNDS. The outputs go beside the
# list (removed before each run), the domain history to the run's folder
# (LISTCLEAN_HISTORY). Peak RSS is the whole process's.
#
# The last line, "summary ...", holds the figures as key=value for scripts
# that take medians over several runs. Needs Go. Nothing is sent anywhere
# but 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

rows="${ROWS:-1000000}" domains="${DOMAINS:-50000}"
far_rows="${FAR_ROWS:-200000}" far_domains="${FAR_DOMAINS:-20000}" delay="${DELAY:-30ms}"
rounds="${ROUNDS:-3}"
floor_conc="${FLOOR_CONC:-16,32,64,128,256,512,1024}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/listclean-bench.XXXXXX")
server="" unbound_pid=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
	if [ -n "$unbound_pid" ]; then kill "$unbound_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
export LISTCLEAN_HISTORY="$tmp/history.csv"

go build -o "$tmp/listclean" .
go build -o "$tmp/zoneserver" ./resolver/dnstest/cmd/zoneserver
go build -o "$tmp/floor" ./scripts/floor

wanted() { [ -z "${ONLY:-}" ] || [[ $1 == *"$ONLY"* ]]; }

# generate NAME ROWS DOMAINS: the list, its zone and its domains in $tmp/NAME.
generate() {
	mkdir -p "$tmp/$1"
	echo "generating $2 rows over $3 domains" >&2
	LISTCLEAN_BENCH_ROWS=$2 LISTCLEAN_BENCH_DOMAINS=$3 LISTCLEAN_GEN_DIR="$tmp/$1" \
		go test -count=1 -run '^TestGenerateBenchData$' . >/dev/null
}

# serve ZONE [FAULT]: starts zoneserver on ZONE; sets $server and $addr.
serve() {
	local args=()
	if [ -n "${2:-}" ]; then args=(-fault "$2"); fi
	: >"$tmp/addr"
	"$tmp/zoneserver" "${args[@]}" "$1" >"$tmp/addr" 2>>"$tmp/zoneserver.log" &
	server=$!
	while [ ! -s "$tmp/addr" ]; do sleep 0.05; done
	addr=$(head -1 "$tmp/addr")
}

stop_server() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=""
}

# field KEY FILE: the value of KEY=value on the last line of FILE that has it.
field() { grep -o "$1=[^ ]*" "$2" | tail -1 | cut -d= -f2; }

# clean DIR ARGS...: runs listclean -batch ($bin, this checkout's build
# unless set) with ARGS on DIR/list.csv, its outputs removed first; writes
# "wall rss" to $tmp/last.
clean() {
	local dir=$1
	shift
	rm -f "$dir/list.cleaned.csv" "$dir/list.removed.csv" "$dir/report.csv"
	if ! "$tmp/floor" -measure "${bin:-$tmp/listclean}" -batch "$@" "$dir/list.csv" >/dev/null 2>"$tmp/run.log"; then
		cat "$tmp/run.log" >&2
		exit 1
	fi
	echo "$(field wall "$tmp/run.log") $(field rss_kib "$tmp/run.log")" >"$tmp/last"
}

# calibrate DIR: the floor's best concurrency against $addr, and its
# neighbours in FLOOR_CONC, in $conc.
calibrate() {
	"$tmp/floor" -server "$addr" -domains "$1/domains.txt" -conc "$floor_conc" "$1/list.csv" "$tmp/floor.out" >"$tmp/floor.log" 2>"$tmp/floor.err" ||
		{ cat "$tmp/floor.err" >&2; exit 1; }
	local best
	best=$(field conc "$tmp/floor.log")
	conc=$(echo "$floor_conc" | tr , '\n' | awk -v b="$best" '{ c[NR] = $1; if ($1 == b) k = NR } END {
		s = c[k]; if (k > 1) s = c[k-1] "," s; if (k < NR) s = s "," c[k+1]; print s }')
	echo "floor: best at $best in flight; each round tries $conc" >&2
}

# floor DIR: runs the floor against $addr at $conc; its total in $tmp/last.
floor() {
	"$tmp/floor" -server "$addr" -domains "$1/domains.txt" -conc "$conc" "$1/list.csv" "$tmp/floor.out" >"$tmp/floor.log" 2>"$tmp/floor.err" ||
		{ cat "$tmp/floor.err" >&2; exit 1; }
	rm -f "$tmp/floor.out"
	field total "$tmp/floor.log" >"$tmp/last"
}

results="$tmp/results.txt"
: >"$results"
# record SCENARIO ROUND WHAT WALL [RSS]: one measurement.
record() { echo "$*" >>"$results"; }

# before SCENARIO ROUND DIR ARGS...: with BEFORE set, runs that binary as
# clean does and records it as "before".
before() {
	[ -n "${BEFORE:-}" ] || return 0
	local name=$1 r=$2
	shift 2
	bin=$BEFORE clean "$@"
	record "$name" "$r" before $(cat "$tmp/last")
	echo "$name round $r: before $(cut -d' ' -f1 "$tmp/last")s" >&2
}

# rounds SCENARIO DIR [ARGS...]: ROUNDS rounds of the floor then listclean
# with ARGS (and -dns $addr), against the server running.
rounds() {
	local name=$1 dir=$2
	shift 2
	calibrate "$dir"
	for r in $(seq "$rounds"); do
		floor "$dir"
		record "$name" "$r" floor "$(cat "$tmp/last")"
		clean "$dir" -dns "$addr" "$@"
		record "$name" "$r" listclean $(cat "$tmp/last")
		echo "$name round $r: floor $(grep "^$name $r floor" "$results" | cut -d' ' -f4)s, listclean $(cut -d' ' -f1 "$tmp/last")s" >&2
		before "$name" "$r" "$dir" -dns "$addr" "$@"
	done
}

if wanted loopback || wanted report || wanted linear || wanted unbound; then
	generate big "$rows" "$domains"
fi
if wanted loopback || wanted report; then
	serve "$tmp/big/zone.txt"
	if wanted loopback; then rounds loopback "$tmp/big"; fi
	if wanted report; then
		# The report's cost: listclean with and without it, turn about.
		for r in $(seq "$rounds"); do
			clean "$tmp/big" -dns "$addr"
			record report "$r" plain $(cat "$tmp/last")
			clean "$tmp/big" -dns "$addr" -report "$tmp/big/report.csv"
			record report "$r" report $(cat "$tmp/last")
		done
	fi
	stop_server
fi
if wanted far || wanted unbound; then
	generate far "$far_rows" "$far_domains"
fi
if wanted far; then
	serve "$tmp/far/zone.txt" "delay=$delay"
	floor_conc_near=$floor_conc
	floor_conc="${FAR_FLOOR_CONC:-64,128,256,512,1024,2048}"
	rounds far "$tmp/far"
	floor_conc=$floor_conc_near
	stop_server
fi
if wanted linear && [ "${LINEAR:-1}" != 0 ]; then
	generate triple "$((3 * rows))" "$((3 * domains))"
	for r in $(seq "$rounds"); do
		for size in big triple; do
			clean "$tmp/$size" -dns off
			record linear "$r" "$size-off" $(cat "$tmp/last")
			serve "$tmp/$size/zone.txt"
			clean "$tmp/$size" -dns "$addr"
			record linear "$r" "$size-on" $(cat "$tmp/last")
			stop_server
		done
		echo "linear round $r: $(grep "^linear $r " "$results" | cut -d' ' -f3,4 | tr '\n' ' ')" >&2
	done
fi

# unbound_start UPSTREAM: a fresh unbound on a free loopback port, in the
# foreground (-d), forwarding every name to UPSTREAM; sets $addr.
unbound_start() {
	local port
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	local host=${1%:*} up=${1##*:}
	cat >"$tmp/unbound.conf" <<EOF
server:
	interface: 127.0.0.1
	port: $port
	do-ip6: no
	do-tcp: yes
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	module-config: "iterator"
	chroot: ""
	username: ""
	directory: "$tmp"
	pidfile: ""
	use-syslog: no
	logfile: "$tmp/unbound.log"
	verbosity: 1
	num-threads: 1
forward-zone:
	name: "."
	forward-addr: $host@$up
EOF
	unbound -d -c "$tmp/unbound.conf" &
	unbound_pid=$!
	addr="127.0.0.1:$port"
	# Until it answers.
	head -1 "$tmp/big/domains.txt" >"$tmp/probe.txt"
	for _ in $(seq 100); do
		if "$tmp/floor" -server "$addr" -domains "$tmp/probe.txt" -conc 1 -timeout 100ms /dev/null "$tmp/floor.out" >/dev/null 2>&1; then break; fi
		sleep 0.05
	done
}

unbound_stop() {
	kill "$unbound_pid" 2>/dev/null || true
	wait "$unbound_pid" 2>/dev/null || true
	unbound_pid=""
}

if wanted unbound && [ "${UNBOUND:-1}" != 0 ] && command -v unbound >/dev/null; then
	# Cold and warm on loopback: each round a fresh unbound, listclean
	# first (cold), then listclean again (warm), then the floor (warm).
	serve "$tmp/big/zone.txt"
	upstream=$addr
	conc=64
	for r in $(seq "$rounds"); do
		unbound_start "$upstream"
		clean "$tmp/big" -dns "$addr"
		record unbound-cold "$r" listclean $(cat "$tmp/last")
		clean "$tmp/big" -dns "$addr"
		record unbound-warm "$r" listclean $(cat "$tmp/last")
		before unbound-warm "$r" "$tmp/big" -dns "$addr"
		[ "$r" = 1 ] && calibrate "$tmp/big"
		floor "$tmp/big"
		record unbound-warm "$r" floor "$(cat "$tmp/last")"
		unbound_stop
		unbound_start "$upstream"
		floor "$tmp/big"
		record unbound-cold "$r" floor "$(cat "$tmp/last")"
		unbound_stop
		if [ -n "${BEFORE:-}" ]; then
			unbound_start "$upstream"
			before unbound-cold "$r" "$tmp/big" -dns "$addr"
			unbound_stop
		fi
		echo "unbound round $r: $(grep "^unbound-[a-z]* $r " "$results" | cut -d' ' -f1,3,4 | tr '\n' ' ')" >&2
	done
	stop_server
	# FAR behind unbound, cold: fresh each time.
	serve "$tmp/far/zone.txt" "delay=$delay"
	upstream=$addr
	conc=${FAR_UNBOUND_CONC:-256}
	for r in $(seq "$rounds"); do
		unbound_start "$upstream"
		clean "$tmp/far" -dns "$addr"
		record unbound-far-cold "$r" listclean $(cat "$tmp/last")
		unbound_stop
		unbound_start "$upstream"
		floor "$tmp/far"
		record unbound-far-cold "$r" floor "$(cat "$tmp/last")"
		unbound_stop
		if [ -n "${BEFORE:-}" ]; then
			unbound_start "$upstream"
			before unbound-far-cold "$r" "$tmp/far" -dns "$addr"
			unbound_stop
		fi
	done
	stop_server
fi

# best SCENARIO WHAT [COLUMN]: the least value of WHAT's rounds; worst,
# the greatest.
best() { awk -v s="$1" -v w="$2" -v c="${3:-4}" '$1 == s && $3 == w && (b == "" || $c < b) { b = $c } END { print b }' "$results"; }
worst() { awk -v s="$1" -v w="$2" -v c="${3:-4}" '$1 == s && $3 == w && (b == "" || $c > b) { b = $c } END { print b }' "$results"; }
# ratios SCENARIO A B: min, median and max of A/B per round.
ratios() {
	awk -v s="$1" -v a="$2" -v b="$3" '$1 == s && $3 == a { x[$2] = $4 } $1 == s && $3 == b { y[$2] = $4 }
		END { n = 0; for (r in x) if (r in y) v[++n] = x[r] / y[r]
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			if (n) printf "%.2f / %.2f / %.2f", v[1], (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[n] }' "$results"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
size() { stat -c %s "$1" 2>/dev/null || stat -f %z "$1"; }

summary="summary"
echo
printf '%-30s %10s %10s %7s %5s  %-20s %s\n' "scenario (best of $rounds)" listclean floor ratio bar "per round min/med/max" "peak RSS"
row() { # NAME SCENARIO DIR BAR
	local l f rss
	l=$(best "$2" listclean)
	[ -n "$l" ] || return 0
	f=$(best "$2" floor)
	rss=$(worst "$2" listclean 5)
	printf '%-30s %9ss %9ss %6sx %4sx  %-20s %d MiB, %sx the file\n' "$1" "$l" "$f" "$(div "$l" "$f")" "$4" "$(ratios "$2" listclean floor)" \
		"$((rss / 1024))" "$(div "$((rss * 1024))" "$(size "$3/list.csv")")"
	summary+=" $2=$(div "$l" "$f") $2-s=$l $2-floor-s=$f $2-rss-x=$(div "$((rss * 1024))" "$(size "$3/list.csv")")"
	local b
	b=$(best "$2" before)
	[ -n "$b" ] || return 0
	printf '%-30s %9ss %9ss %6sx %4sx  %-20s\n' "  before (BEFORE)" "$b" "$f" "$(div "$b" "$f")" "" "$(ratios "$2" before floor)"
	summary+=" $2-before=$(div "$b" "$f") $2-before-s=$b"
}
row "loopback, $rows rows" loopback "$tmp/big" 1.3
row "$delay away, $far_rows rows" far "$tmp/far" 1.3
row "unbound, cold, $rows rows" unbound-cold "$tmp/big" -
row "unbound, warm, $rows rows" unbound-warm "$tmp/big" -
row "unbound, $delay behind, cold" unbound-far-cold "$tmp/far" -
if [ -n "$(best report report)" ]; then
	x=$(div "$(best report report)" "$(best report plain)")
	printf '%-30s %9ss %9ss %6sx %4sx  %-20s\n' "-report, $rows rows" "$(best report report)" "$(best report plain)" "$x" 1.1 \
		"$(ratios report report plain)"
	summary+=" report=$x"
fi
if [ -n "$(best linear big-off)" ]; then
	for dns in off on; do
		x=$(div "$(best linear "triple-$dns")" "$(best linear "big-$dns")")
		printf '%-30s %9ss %9ss %6sx %4sx  %-20s %d MiB at %d rows\n' "$((3 * rows)) vs $rows rows, DNS $dns" \
			"$(best linear "triple-$dns")" "$(best linear "big-$dns")" "$x" 3.3 "$(ratios linear "triple-$dns" "big-$dns")" \
			"$(($(worst linear "triple-$dns" 5) / 1024))" "$((3 * rows))"
		summary+=" linear-$dns=$x"
	done
fi
echo "$summary"

#!/usr/bin/env bash
# bench.sh: listclean's performance next to its floor (issue 5), on a
# generated list that is never committed.
#
#   scripts/bench.sh                          1,000,000 rows over 50,000 domains
#   ROWS=100000 DOMAINS=5000 scripts/bench.sh  a quick run
#   RUNS=3 scripts/bench.sh                   each Go benchmark measured over 3
#                                             runs (after one that Go runs
#                                             first and drops): steadier
#
# It generates the list and its zones into a temporary folder (removed at
# the end), builds listclean and runs the batch command on the list under
# /usr/bin/time -v for its time and peak memory, with default settings once
# against the zone on loopback and once with 30 ms added to every answer
# (-zone: the DNS server runs inside the process), then on loopback with
# -report, which adds a third output of one line per row. Then it runs the
# Go benchmarks (-benchtime=1x, or RUNS times), which measure listclean and
# its floor in the same process, turn about, and the TUI benchmark, and
# prints a table. Needs Go; GNU time is installed with apt-get when missing
# and possible, else a Go helper measures instead.
# Nothing is sent anywhere but 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

export LISTCLEAN_BENCH_ROWS="${ROWS:-1000000}" LISTCLEAN_BENCH_DOMAINS="${DOMAINS:-50000}"
runs="${RUNS:-1}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/listclean-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "generating $LISTCLEAN_BENCH_ROWS rows over $LISTCLEAN_BENCH_DOMAINS domains in $tmp" >&2
LISTCLEAN_GEN_DIR="$tmp" go test -count=1 -run '^TestGenerateBenchData$' . >/dev/null
go build -o "$tmp/listclean" .

if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
	echo "installing GNU time" >&2
	apt-get install -y -qq time >/dev/null 2>&1 || true
fi

# measure NAME ZONE [ARGS...]: runs the batch command with default settings
# (and ARGS) and appends "NAME wall rss_kib".
measure() {
	local name=$1 zone=$2 wall rss
	shift 2
	local args=(-batch -zone "$tmp/$zone" -force "$@" "$tmp/list.csv")
	echo "running listclean ${args[*]}" >&2
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$tmp/listclean" "${args[@]}" 2>"$tmp/$name.log" || { cat "$tmp/$name.log" >&2; return 1; }
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tmp/$name.log")
		rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/$name.log")
	else
		LISTCLEAN_MEASURE=1 go test -count=1 -v -run '^TestMeasureCommand$' . -args "$tmp/listclean" "${args[@]}" >"$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log" >&2; return 1; }
		wall=$(awk -F': ' '/wall seconds:/ { print $2 }' "$tmp/$name.log")
		rss=$(awk -F': ' '/peak RSS KiB:/ { print $2 }' "$tmp/$name.log")
	fi
	echo "$name $wall $rss" >>"$tmp/runs.txt"
}
measure loopback zone.txt
measure 30ms zone-30ms.txt
measure loopback-report zone.txt -report "$tmp/report.csv"

echo "running the benchmarks (minutes at 1,000,000 rows)" >&2
# Each in a process of its own, so that none runs on a heap that an earlier
# one left behind; each still measures listclean and its floor in the same
# process.
go test -c -o "$tmp/bench.test" .
for bench in BenchmarkLoadAndJudge BenchmarkDNSPhase BenchmarkEndToEnd; do
	"$tmp/bench.test" -test.count=1 -test.run '^$' -test.bench "^$bench\$" -test.benchtime="${runs}x" -test.timeout 60m | tee -a "$tmp/bench.txt" >&2
done
go test -count=1 -run '^$' -bench '^BenchmarkReviewKeyAndView$' -benchtime=200x ./ui/ | tee "$tmp/ui.txt" >&2

# metric NAME UNIT FILE: the value reported in UNIT on the line of benchmark NAME.
metric() {
	awk -v name="$1" -v unit="$2" '$1 ~ "^" name "(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i + 1) == unit) print $i }' "$3"
}
b="$tmp/bench.txt"
echo
printf '%-34s %12s %12s %8s %6s\n' "listclean, $LISTCLEAN_BENCH_ROWS rows" "listclean" "floor" "ratio" "bar"
printf '%-34s %11ss %11ss %7sx %5sx\n' "load + verdicts, no DNS (time)" \
	"$(metric BenchmarkLoadAndJudge tool-s "$b")" "$(metric BenchmarkLoadAndJudge csv-s "$b")" "$(metric BenchmarkLoadAndJudge x-time "$b")" 2
printf '%-34s %9sMiB %9sMiB %7sx %5sx\n' "load + verdicts, no DNS (alloc)" \
	"$(metric BenchmarkLoadAndJudge tool-MiB "$b")" "$(metric BenchmarkLoadAndJudge csv-MiB "$b")" "$(metric BenchmarkLoadAndJudge x-alloc "$b")" 2
for net in loopback 30ms; do
	printf '%-34s %11ss %11ss %7sx %6s\n' "DNS phase, $net" \
		"$(metric "BenchmarkDNSPhase/$net" check-s "$b")" "$(metric "BenchmarkDNSPhase/$net" plain-s "$b")" "$(metric "BenchmarkDNSPhase/$net" x-floor "$b")" "-"
	printf '%-34s %11ss %12s %7sx %6s\n' "  without the verdicts at its end" \
		"$(awk -v c="$(metric "BenchmarkDNSPhase/$net" check-s "$b")" -v j="$(metric "BenchmarkDNSPhase/$net" judge-s "$b")" 'BEGIN { printf "%.4g", c - j }')" "" \
		"$(metric "BenchmarkDNSPhase/$net" x-floor-dns-only "$b")" "-"
done
for net in loopback 30ms; do
	printf '%-34s %11ss %11ss %7sx %5sx\n' "end to end, $net" \
		"$(metric "BenchmarkEndToEnd/$net" tool-s "$b")" "$(metric "BenchmarkEndToEnd/$net" floor-s "$b")" "$(metric "BenchmarkEndToEnd/$net" x-floor "$b")" 1.5
done
printf '%-34s %11ss %11ss %7sx %6s\n' "  loopback, with -report" \
	"$(metric "BenchmarkEndToEnd/loopback-report" tool-s "$b")" "$(metric "BenchmarkEndToEnd/loopback-report" floor-s "$b")" "$(metric "BenchmarkEndToEnd/loopback-report" x-floor "$b")" "-"
while read -r name wall rss; do
	printf '%-34s %11ss %8s MiB peak RSS (bar: 1024)\n' "binary, -zone, $name" "$wall" "$((rss / 1024))"
done <"$tmp/runs.txt"
printf '%-34s %10s ms (budget: 5)\n' "TUI key + redraw, 1,000,000 rows" \
	"$(awk '$1 ~ /^BenchmarkReviewKeyAndView\/table/ { printf "%.2f", $3 / 1e6 }' "$tmp/ui.txt")"

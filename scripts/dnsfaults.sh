#!/usr/bin/env bash
# dnsfaults.sh: how listclean copes with DNS servers that limit the rate,
# lose queries or die (issue 15), on a generated list that is never
# committed.
#
#   scripts/dnsfaults.sh                 20,000 domains, every scenario
#   DOMAINS=2000 scripts/dnsfaults.sh    a quick run
#   ONLY=loss scripts/dnsfaults.sh       the scenarios whose name has "loss"
#
# It generates a list of one row per domain and the zone of their truth
# (every tenth domain does not exist; the others route mail through one of
# ten shared MX hosts) into a temporary folder, removed at the end. For each
# scenario it starts a DNS server in a process of its own
# (resolver/dnstest/cmd/zoneserver) with the scenario's fault on every
# name, runs `listclean -batch` against it with default settings (a domain
# history of its own in the temporary folder, never the user's), and
# prints a table: the time, the rows unknown, and what listclean said about
# the server. Needs Go. Nothing is sent anywhere but 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

domains="${DOMAINS:-20000}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/listclean-dnsfaults.XXXXXX")
server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/listclean" .
go build -o "$tmp/zoneserver" ./resolver/dnstest/cmd/zoneserver

echo "generating $domains domains in $tmp" >&2
awk -v n="$domains" -v zone="$tmp/zone.txt" -v list="$tmp/list.csv" 'BEGIN {
	print "$TTL 300" > zone
	for (h = 0; h < 10; h++) printf "mx%d.hosting-listclean.net. A 192.0.2.%d\n", h, h + 1 > zone
	print "Email,Name" > list
	for (i = 0; i < n; i++) {
		d = sprintf("shop-%d-listclean.com", i)
		if (i % 10 != 9) printf "%s. MX 10 mx%d.hosting-listclean.net.\n", d, i % 10 > zone
		printf "owner%d@%s,Owner %d\n", i, d, i > list
	}
}'

# scenario NAME FAULT: runs the batch against a server with FAULT on every
# name and prints a row of the table.
scenario() {
	local name=$1 fault=$2
	if [ -n "${ONLY:-}" ] && [[ $name != *"$ONLY"* ]]; then return; fi
	local args=(-witnesses)
	if [ -n "$fault" ]; then args+=(-fault "$fault"); fi
	"$tmp/zoneserver" "${args[@]}" "$tmp/zone.txt" >"$tmp/addr" 2>"$tmp/server.log" &
	server=$!
	while [ ! -s "$tmp/addr" ]; do sleep 0.05; done
	local addr start end took code=0
	addr=$(head -1 "$tmp/addr")
	echo "running $name against $addr" >&2
	start=$(date +%s.%N)
	LISTCLEAN_HISTORY="$tmp/$name.history.csv" \
		"$tmp/listclean" -batch -force -dns "$addr" -report "$tmp/report.csv" "$tmp/list.csv" 2>"$tmp/$name.log" || code=$?
	end=$(date +%s.%N)
	took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=""
	: >"$tmp/addr"
	local unknown said
	unknown=$(awk -F, 'NR > 1 && $3 == "unknown" { n++ } END { print n + 0 }' "$tmp/report.csv")
	said=$(grep '^warning: ' "$tmp/$name.log" | sed 's/^warning: the DNS server \([0-9.:]* \)\{0,1\}//; s/;.*//' | head -1 || true)
	printf "| %-24s | %7s | %7d | %4d | %s |\n" "$name" "$took" "$unknown" "$code" "${said:--}"
	rm -f "$tmp/report.csv"
}

printf "| %-24s | %7s | %7s | %4s | %s |\n" "scenario ($domains domains)" "time s" "unknown" "exit" "what listclean said"
printf "|%s|%s|%s|%s|%s|\n" "$(printf -- '-%.0s' {1..26})" "---------" "---------" "------" "---"
scenario healthy ""
scenario refused-1500qps "ratelimit=1500 overlimit=refused"
scenario servfail-1500qps "ratelimit=1500 overlimit=servfail"
scenario drop-1500qps "ratelimit=1500 overlimit=drop"
scenario refused-500qps "ratelimit=500 overlimit=refused"
scenario servfail-500qps "ratelimit=500 overlimit=servfail"
scenario drop-500qps "ratelimit=500 overlimit=drop"
scenario queue-1000-30ms "delay=30ms queue=1000"
scenario loss-30% "droprate=0.3"
scenario loss-50% "droprate=0.5"
scenario dies-after-0.5s "dieafter=500ms"

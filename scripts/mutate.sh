#!/usr/bin/env bash
# mutate.sh: mutation testing (gremlins) of the files where a wrong line
# removes a subscriber or keeps a bad address (issue 20), with the settings
# that work. Too slow for CI (some twenty minutes on two cores): run it
# before closing an issue that touches these files.
#
#   scripts/mutate.sh                          the four files
#   scripts/mutate.sh cleaner/decide.go        some of them, or any file
#
# Each file's package tests run against every mutant of its lines: the
# defaults of gremlins (arithmetic, conditionals boundary and negation,
# increment and decrement, negatives) plus INVERT_LOGICAL (&& for ||) and
# INVERT_LOOPCTRL (break for continue), which made mutants that mattered.
# Gremlins mutates every file under the folder it is given, so every other
# source file there is excluded. Its caveats, measured with v0.6.0:
#   - GOFLAGS=-count=1: a cached test run makes its timeout tiny, and
#     every mutant then times out;
#   - no --test-cpu: it breaks every run;
#   - a mutant that does not compile counts as killed, and a line of a
#     switch's case shows as not covered: the report names those too
#     (-S ltc), since the score leaves them out and they must be tried by
#     hand (one at address.go's normDomain lived until a test came);
#   - it runs the tests in a copy under /tmp, where the corpus tests find
#     no ../shared/corpora and skip: a mutant only they kill shows as lived.
# A mutant that lives is either a test to write or an equivalent mutant
# (one that changes no behaviour): list those, each with its reason, in
# the issue's closing note. Score = killed / (killed + lived).
#
# Needs gremlins v0.6.0:
#   go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v gremlins >/dev/null; then
	echo "mutate.sh: gremlins is not installed:" >&2
	echo "  go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	set -- resolver/status.go cleaner/verdict.go cleaner/decide.go cleaner/address/address.go
fi

export GOFLAGS=-count=1
status=0
for file in "$@"; do
	dir=$(dirname "$file")
	base=$(basename "$file")
	# Paths relative to dir, as gremlins matches them; dots escaped.
	excludes=()
	while IFS= read -r other; do
		[ "$other" = "$base" ] || excludes+=(-E "^${other//./\\.}\$")
	done < <(cd "$dir" && find . -name '*.go' ! -name '*_test.go' | sed 's|^\./||' | sort)
	echo "== $file" >&2
	gremlins unleash --invert-logical --invert-loopctrl -S ltc "${excludes[@]}" "./$dir" || status=$?
done
exit $status

package cleaner

import (
	"os"
	"sync"
	"testing"
)

// benchListEnv names a list, such as the 1,000,000-row one that the repo's
// TestGenerateBenchData writes, for the benchmarks over a whole list:
// BenchmarkParseList, BenchmarkSuggestList, BenchmarkNewSuggesterList,
// BenchmarkNewSessionList, BenchmarkNewSessionBuild, BenchmarkExport,
// BenchmarkJudgeAll and BenchmarkRemember. They are skipped without it.
//
//	LISTCLEAN_GEN_DIR=/tmp/bd go test -run '^TestGenerateBenchData$' .
//	LISTCLEAN_BENCH_LIST=/tmp/bd/list.csv go test -run '^$' -bench 'List|Export' ./cleaner/
const benchListEnv = "LISTCLEAN_BENCH_LIST"

// benchListRead is the list of benchListEnv, read once per test binary.
var benchListRead struct {
	once sync.Once
	list *List
	err  error
}

// benchList returns the list named by benchListEnv, or skips tb.
func benchList(tb testing.TB) *List {
	tb.Helper()
	path := os.Getenv(benchListEnv)
	if path == "" {
		tb.Skip(benchListEnv + " names no list")
	}
	benchListRead.once.Do(func() { benchListRead.list, benchListRead.err = ReadFile(path, ReadOptions{}) })
	if benchListRead.err != nil {
		tb.Fatal(benchListRead.err)
	}
	return benchListRead.list
}

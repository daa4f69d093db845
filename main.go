// Command listclean cleans an email list before it is sent: it checks every
// address's syntax and domain in DNS, suggests corrections for typos, lets
// the user review what it flagged, and exports the cleaned list together
// with the removed rows and their reasons.
//
// Usage:
//
//	listclean [flags] [FILE]          review in the terminal UI
//	listclean -batch [flags] FILE     clean without the UI, for scripts
//
// FILE - reads the list from standard input; then, as for a pipe or a
// process substitution, -out and -removed say where the outputs go.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/cleaner/printable"
	"github.com/listclean/listclean/resolver"
	"github.com/listclean/listclean/resolver/dnstest"
	"github.com/listclean/listclean/ui"
)

// errUsage marks errors in how the command was called: exit status 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// config is everything the flags say.
type config struct {
	batch          bool
	dns            string
	privateDNS     bool
	zone           string
	timeout        time.Duration
	retries        int
	concurrency    int
	column         string
	delimiter      string
	out            string
	removed        string
	report         string
	changes        string
	fix            bool
	fixSuspects    bool
	dropRisky      bool
	force          bool
	escapeFormulas bool
	stream         bool
	suppress       pathsFlag
	history        string
	dropPersistent bool
	header         bool
	noHeader       bool
	decisions      string
	file           string
}

// pathsFlag is a flag that may be given more than once, each time with a
// path.
type pathsFlag []string

func (p *pathsFlag) String() string { return strings.Join(*p, ",") }

func (p *pathsFlag) Set(v string) error {
	if v == "" {
		return errors.New("an empty path")
	}
	*p = append(*p, v)
	return nil
}

func run(args []string, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = execute(cfg, stderr)
	}
	if err == nil {
		return 0
	}
	// An error may name a file or quote a cell: printable, as all the
	// command prints of them.
	fmt.Fprintln(stderr, "listclean:", printable.String(err.Error()))
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	def := resolver.DefaultConfig()
	fs := flag.NewFlagSet("listclean", flag.ContinueOnError)
	fs.SetOutput(printableLines{stderr}) // it names a flag as it was given
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage:\n  listclean [flags] [FILE]        review in the terminal UI\n  listclean -batch [flags] FILE   clean without the UI\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.BoolVar(&c.batch, "batch", false, "run without the terminal UI and write the outputs")
	fs.StringVar(&c.dns, "dns", "", "DNS servers by address, as IP or IP:port[,IP:port] (default: the system's), or off to skip DNS checks")
	fs.BoolVar(&c.privateDNS, "private-dns", false, "the DNS server serves a private network and cannot know the big mail providers: do not ask it about them first\n(it is still asked about a name that cannot exist)")
	fs.StringVar(&c.zone, "zone", "", "check against this zone `file` served on loopback instead of real DNS (offline demo)")
	fs.DurationVar(&c.timeout, "timeout", def.Timeout, "the longest wait for a DNS answer, which a lookup's last attempt gets; earlier attempts wait what the server's round trips say")
	fs.IntVar(&c.retries, "retries", def.Retries, "retries of a DNS query after a temporary failure")
	fs.IntVar(&c.concurrency, "concurrency", 0, "DNS queries in flight (0 adapts to the server)")
	fs.StringVar(&c.column, "column", "", "the email column: a header `name` or a 1-based number (default: detected)")
	fs.StringVar(&c.delimiter, "delimiter", "", "field delimiter: , ; tab or | (default: detected)")
	fs.BoolVar(&c.header, "header", false, "the first line is a header line, whatever it holds (default: detected)")
	fs.BoolVar(&c.noHeader, "no-header", false, "the file has no header line: the first line is a row (default: detected, a first line holding an address is a row)")
	fs.StringVar(&c.out, "out", "", "cleaned list `file` (default NAME.cleaned.csv next to the input; .tsv or .txt for such an input)")
	fs.StringVar(&c.removed, "removed", "", "removed rows `file` (default NAME.removed.csv next to the input)")
	fs.StringVar(&c.report, "report", "", "write a report `file` with one row per input row")
	fs.StringVar(&c.changes, "changes", "", "the changes `file`, written when a row is corrected: its old and new address (default NAME.changes.csv beside the cleaned list)")
	fs.BoolVar(&c.fix, "fix", false, "correct the invalid rows (which cannot receive mail as written) whose suggested domain routes mail")
	fs.BoolVar(&c.fixSuspects, "fix-suspects", false, "also correct typo suspects, whose own domain routes mail: a wrong guess sends their mail to a stranger")
	fs.BoolVar(&c.dropRisky, "drop-risky", false, "remove risky rows (implicit MX, typo suspects, disposable and role addresses) instead of keeping them")
	fs.BoolVar(&c.force, "force", false, "overwrite existing output files")
	fs.BoolVar(&c.escapeFormulas, "escape-formulas", false, "prefix the list's cells that a spreadsheet would run as formulas")
	fs.BoolVar(&c.stream, "stream", false, "with -batch, read the file in passes, holding one chunk at a time (automatic when the list held whole would take more than half of the machine's memory)")
	fs.Var(&c.suppress, "suppress", "remove the addresses that this `file` or folder says bounced hard, unsubscribed or complained: an ESP's suppression or bounce export, a Postfix or Exim log, bounce emails (repeatable)")
	fs.StringVar(&c.history, "history", "", "the domain history `file` kept from run to run, or off (default: $LISTCLEAN_HISTORY, else listclean/domains.csv in the user's state folder)")
	fs.BoolVar(&c.dropPersistent, "drop-persistent", false, "remove rows whose domain's dns_error or bad_mx persists across runs (from the domain history)")
	fs.StringVar(&c.decisions, "decisions", "", "the decisions `file` of a review (default NAME.decisions.csv beside the list): the terminal UI resumes from it and saves to it; with -batch, its decisions are applied")
	files, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case len(files) > 1:
		return c, fmt.Errorf("%w: one input file at a time, got %d: %s", errUsage, len(files), strings.Join(files, ", "))
	case len(files) == 1:
		c.file = files[0]
	case c.batch:
		return c, fmt.Errorf("%w: -batch needs an input FILE", errUsage)
	}
	if c.header && c.noHeader {
		return c, fmt.Errorf("%w: -header and -no-header cannot be used together", errUsage)
	}
	if c.decisions != "" && c.stream {
		return c, fmt.Errorf("%w: -decisions works on a list held in memory, not with -stream", errUsage)
	}
	if c.stream && !c.batch {
		return c, fmt.Errorf("%w: -stream works with -batch only", errUsage)
	}
	if c.zone != "" && c.dns != "" {
		return c, fmt.Errorf("%w: -zone and -dns cannot be used together", errUsage)
	}
	if c.dropPersistent && c.history == "off" {
		return c, fmt.Errorf("%w: -drop-persistent goes by the domain history, which -history off turns off", errUsage)
	}
	if c.dns != "" && c.dns != "off" {
		if _, err := resolver.ParseServers(c.dns); err != nil {
			return c, fmt.Errorf("%w: -dns: %v", errUsage, err)
		}
	}
	if c.retries < 0 || c.concurrency < 0 || c.timeout <= 0 {
		return c, fmt.Errorf("%w: -retries and -concurrency must not be negative, -timeout must be positive", errUsage)
	}
	return c, nil
}

// parseArgs parses the flags of args, before and after the file names
// (listclean my-list.csv -fix), and returns the file names. After "--"
// every argument is a file name.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(files, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
	return files, nil
}

// readOptions turns -delimiter, -column, -header and -no-header into
// cleaner options.
func (c config) readOptions() (cleaner.ReadOptions, error) {
	opt := cleaner.ReadOptions{Column: c.column}
	switch {
	case c.header:
		opt.Header = cleaner.HeaderFirstLine
	case c.noHeader:
		opt.Header = cleaner.HeaderNone
	}
	switch c.delimiter {
	case "":
	case ",", ";", "|":
		opt.Delimiter = rune(c.delimiter[0])
	case "tab", `\t`, "\t":
		opt.Delimiter = '\t'
	default:
		return opt, fmt.Errorf("%w: -delimiter must be , ; tab or |, not %q", errUsage, c.delimiter)
	}
	return opt, nil
}

// exportOptions turns the output flags into cleaner options for the list
// in the file input, separated by delim.
func (c config) exportOptions(input string, delim rune) cleaner.ExportOptions {
	p := cleaner.DefaultPaths(input, delim)
	if c.out != "" {
		p.Cleaned = c.out
	}
	if c.removed != "" {
		p.Removed = c.removed
	}
	p.Report = c.report
	p.Changes = cleaner.ChangesPath(p.Cleaned)
	if c.changes != "" {
		p.Changes = c.changes
	}
	return cleaner.ExportOptions{
		Paths:          p,
		Policy:         c.policy(),
		Force:          c.force,
		EscapeFormulas: c.escapeFormulas,
	}
}

// decisionsPath is where the terminal UI keeps the decisions of a review
// of the list named on the command line: -decisions, else beside the list,
// or, for an input that is not a file in a folder (a pipe), beside the
// cleaned list, which -out names then; "" when no list is named.
func (c config) decisionsPath() string {
	switch {
	case c.decisions != "" || c.file == "":
		return c.decisions
	case unnamedInput(c.file):
		return cleaner.DecisionsPath(c.out)
	}
	return cleaner.DecisionsPath(c.file)
}

// policy is the batch policy the flags set.
func (c config) policy() cleaner.Policy {
	return cleaner.Policy{Fix: c.fix, FixSuspects: c.fixSuspects, DropRisky: c.dropRisky, DropPersistent: c.dropPersistent}
}

// memory reads what listclean knows beside the list, before any DNS work:
// the suppression files of -suppress (nil when none), and the domain
// history of -history (nil with -history off). A suppression file that
// cannot be read or is not understood stops the run, naming it. A history
// that cannot be read only costs this run its history, with a warning,
// unless -drop-persistent needs it.
func (c config) memory(stderr io.Writer) (*cleaner.Suppressions, *history.History, error) {
	var sp *cleaner.Suppressions
	if len(c.suppress) > 0 {
		var err error
		if sp, err = cleaner.LoadSuppressions(c.suppress...); err != nil {
			return nil, nil, fmt.Errorf("-suppress: %w", err)
		}
	}
	if c.history == "off" {
		return sp, nil, nil
	}
	path := c.history
	var h *history.History
	var err error
	if path == "" {
		path, err = history.DefaultPath()
	}
	if err == nil {
		h, err = history.Open(path)
	}
	if err == nil && (c.dropPersistent || !c.batch) {
		// Open reads the first lines; a batch run reads the rest while
		// it checks the domains, and says then if it cannot. A run that
		// removes rows by the history must know before it starts, and
		// the terminal UI would only know after the checks.
		if err = h.Verify(); err != nil {
			h = nil
		}
	}
	switch {
	case err != nil && c.dropPersistent:
		return nil, nil, fmt.Errorf("%w: -drop-persistent needs it", err)
	case err != nil:
		warnNoHistory(stderr, err)
	}
	return sp, h, nil
}

// warnNoHistory says that the domain history could not be read, and why,
// and that the run goes on without one.
func warnNoHistory(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "warning: %s; this run neither reads nor records a domain history (-history off says so)\n", printable.String(err.Error()))
}

// newChecker builds the DNS checker the flags ask for: nil with -dns off, a
// loopback server for -zone (stopped by the returned func), which is a
// private world, or the servers of -dns or /etc/resolv.conf.
func (c config) newChecker() (*resolver.Checker, func(), error) {
	noop := func() {}
	rc := resolver.DefaultConfig()
	rc.Timeout, rc.Retries, rc.Concurrency, rc.Private = c.timeout, c.retries, c.concurrency, c.privateDNS
	switch {
	case c.dns == "off":
		return nil, noop, nil
	case c.zone != "":
		rc.Private = true
		srv, err := dnstest.StartFile(c.zone)
		if err != nil {
			return nil, noop, err
		}
		rc.Servers = []string{srv.Addr()}
		ch, err := resolver.NewChecker(rc)
		if err != nil {
			srv.Close()
			return nil, noop, err
		}
		return ch, func() { ch.Close(); srv.Close() }, nil
	case c.dns != "":
		servers, err := resolver.ParseServers(c.dns)
		if err != nil {
			return nil, noop, fmt.Errorf("%w: -dns: %v", errUsage, err)
		}
		rc.Servers = servers
	}
	if len(rc.Servers) == 0 {
		return nil, noop, errors.New("no DNS servers: the system names none; use -dns and a server's address, or -dns off")
	}
	ch, err := resolver.NewChecker(rc)
	if err != nil {
		return nil, noop, err
	}
	return ch, func() { ch.Close() }, nil
}

func execute(c config, stderr io.Writer) error {
	readOpt, err := c.readOptions()
	if err != nil {
		return err
	}
	if c.file != "" && unnamedInput(c.file) {
		switch {
		case c.file == "-" && !c.batch:
			return fmt.Errorf("%w: the terminal UI reads keys, not a list, from standard input; use -batch", errUsage)
		case c.out == "" || c.removed == "":
			return fmt.Errorf("%w: %s is not a file in a folder, where the outputs would go: give -out and -removed", errUsage, inputName(c.file))
		}
	}
	if _, err := os.Stat(c.file); c.file == "-" || err == nil {
		// Before any DNS query, and before a large file is read: an
		// output that cannot be written stops the run now. (A missing
		// input is reported as such when it is read.)
		// The probe is made in the outputs' folders: their extension,
		// which the delimiter read may change, does not matter yet.
		if err := cleaner.CheckWritable(c.exportOptions(c.file, 0).Paths); err != nil {
			return err
		}
		// The terminal UI saves every decision at once: a review whose
		// decisions cannot be saved is one sitting's work at risk.
		if !c.batch {
			if err := cleaner.CheckWritableFile(c.decisionsPath()); err != nil {
				return fmt.Errorf("%w (the review's decisions are saved there; -decisions names another file)", err)
			}
		}
	}
	// A list is held whole by the terminal UI, and by batch mode unless
	// it is projected to take more memory than the budget: the memory
	// limit follows the projection, and a file larger than the default
	// limit of a read may be read whole if it fits.
	var projected int64
	if fi, err := os.Stat(c.file); c.file != "" && err == nil && fi.Mode().IsRegular() {
		if projected, err = cleaner.ProjectMemory(c.file); err == nil {
			if !c.batch && projected > 2*memoryBudget() {
				return fmt.Errorf("%s: %w: %.1f GiB would take about %.1f GiB of memory in the terminal UI, more than this machine can spare; clean it with -batch, which reads it in passes",
					c.file, cleaner.ErrFileTooLarge, float64(fi.Size())/(1<<30), float64(projected)/(1<<30))
			}
			readOpt.MaxBytes = max(cleaner.DefaultMaxBytes, fi.Size())
			if c.batch && (c.stream || projected > memoryBudget()) {
				c.stream = true
			} else {
				fitMemoryLimit(projected)
			}
		}
	}
	if !c.batch && !term.IsTerminal(os.Stdout.Fd()) {
		return fmt.Errorf("%w: standard output is not a terminal; use -batch to clean without the UI", errUsage)
	}
	sp, hist, err := c.memory(stderr)
	if err != nil {
		return err
	}
	if hist != nil && projected > 0 && c.batch && !c.stream {
		// The list's part of the domain history is held beside the
		// list. The terminal UI, which holds more besides and is not
		// timed, keeps the list's limit.
		fitMemoryLimit(projected + hist.Size())
	}
	if hist != nil && c.batch {
		// A batch run saves its history: the other domains' lines are
		// written while it checks.
		hist.StageEarly()
		defer hist.Close()
	}
	checker, stop, err := c.newChecker()
	if err != nil {
		return err
	}
	defer stop()
	// Interrupted, terminated or hung up on (its terminal closed), the run
	// stops as it does on ctrl+c: it says so and exits 1, its temporary
	// files removed; the terminal UI saves the latest decisions on its way
	// out.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer cancel()
	if !c.batch {
		opt := ui.Options{Path: c.file, Read: readOpt, Force: c.force, EscapeFormulas: c.escapeFormulas,
			Suppressions: sp, History: hist, Decisions: c.decisionsPath()}
		// The paths the flags name; the export screen fills in the rest.
		opt.Paths = cleaner.ExportPaths{Cleaned: c.out, Removed: c.removed, Report: c.report, Changes: c.changes}
		opt.Policy = c.policy()
		if checker != nil {
			opt.Checker = checker
		}
		var others []func()
		defer func() {
			for _, stop := range others {
				stop()
			}
		}()
		opt.NewChecker = func(dns string) (ui.Checker, error) {
			other := c
			other.dns, other.zone = dns, ""
			if _, err := resolver.ParseServers(dns); err != nil {
				return nil, err
			}
			ch, stop, err := other.newChecker()
			if err != nil {
				return nil, err
			}
			others = append(others, stop)
			return ch, nil
		}
		said, err := ui.Run(ctx, opt)
		for _, line := range strings.Split(strings.TrimSuffix(said, "\n"), "\n") {
			// It names files and quotes errors: printable, as all the
			// command prints of them.
			fmt.Fprintln(stderr, "listclean: "+printable.String(line))
		}
		if err != nil {
			if ctx.Err() != nil {
				// The cause names the signal: "terminated signal received".
				// What was written and saved is said above.
				return fmt.Errorf("interrupted (%v)", context.Cause(ctx))
			}
			return err
		}
		return nil
	}
	return runBatch(ctx, c, readOpt, checker, sp, hist, stderr)
}

// runBatch cleans the list without the UI: read, check, weigh the user's
// evidence and the domain history, export, summarise, and record the run
// in the history. A list projected to take more than memoryBudget held
// whole, or any with -stream (execute sets c.stream for it), is cleaned in
// passes over its file rather than held in memory.
func runBatch(ctx context.Context, c config, readOpt cleaner.ReadOptions, checker *resolver.Checker,
	sp *cleaner.Suppressions, hist *history.History, stderr io.Writer) error {
	start := time.Now()
	var (
		list   *cleaner.List
		sess   *cleaner.Session
		export func(cleaner.ExportOptions) (cleaner.ExportResult, cleaner.Summary, error)
	)
	var saved *cleaner.SavedDecisions
	if c.decisions != "" {
		var err error
		if saved, err = cleaner.LoadDecisions(c.decisions); err != nil {
			return fmt.Errorf("-decisions: %w", err)
		}
	}
	name := inputName(c.file)
	fi, statErr := os.Stat(c.file)
	regular := c.file != "-" && statErr == nil && fi.Mode().IsRegular()
	if regular && c.stream {
		if saved != nil {
			return fmt.Errorf("%s: %.0f MiB is cleaned in passes over the file (it would take more than half of this machine's memory held whole), which -decisions does not work with (it needs the list in memory)",
				c.file, float64(fi.Size())/(1<<20))
		}
		st, err := cleaner.OpenStream(ctx, c.file, readOpt, checker != nil)
		if err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted: nothing was written")
			}
			return err
		}
		list, sess = st.List(), st.Session()
		export = func(o cleaner.ExportOptions) (cleaner.ExportResult, cleaner.Summary, error) {
			return st.Export(ctx, o)
		}
		fmt.Fprintf(stderr, "note: %s: %d rows read in passes over the file, one chunk at a time\n", printable.String(name), st.Rows())
	} else {
		defer collectAtLimit()()
		var l *cleaner.List
		var err error
		if regular || statErr != nil && c.file != "-" {
			l, err = cleaner.ReadFile(c.file, readOpt)
		} else {
			l, err = readPipe(c.file, readOpt)
		}
		if err != nil {
			return err
		}
		list, sess = l, cleaner.NewSession(l, checker != nil)
		growMemoryLimit(sess.DomainMemory())
		export = sess.ExportSummarized
	}
	for _, n := range list.Notes {
		fmt.Fprintf(stderr, "note: %s: %s\n", printable.String(name), printable.String(n))
	}
	if saved != nil {
		var fp cleaner.Fingerprint
		if regular {
			fp, _ = cleaner.FingerprintFile(c.file) // unknown, as for a pipe, if it cannot be read again
		}
		fmt.Fprintln(stderr, "decisions: "+printable.String(restoreText(saved, fp, sess.Restore(saved))))
	}
	exp := c.exportOptions(c.file, list.Delimiter)
	if err := sess.CheckPaths(exp.Paths, exp.Force); err != nil {
		return err
	}
	var dc cleaner.DomainChecker
	checkCtx, stopChecks := context.WithCancel(ctx)
	defer stopChecks()
	proof := make(chan error, 1)
	if checker != nil {
		dc = checker
		// The checks go on while the servers are proven, and stop as soon
		// as one is found lying: no Result leaves the checker before.
		checker.StartProof(sess.Witnesses(3))
		go func() {
			err := checker.Prove(checkCtx, nil)
			if err != nil && !errors.Is(err, resolver.ErrNoAnswer) {
				stopChecks()
			}
			proof <- err
		}()
	} else {
		proof <- nil
	}
	sess.Suppress(sp)
	sess.CheckAndRemember(checkCtx, dc, batchProgress(stderr), hist, start)
	if ctx.Err() != nil {
		return errors.New("interrupted before the checks finished: nothing was written")
	}
	if err := <-proof; err != nil && !errors.Is(err, resolver.ErrNoAnswer) {
		return untrusted(err)
	}
	if hist != nil && hist.Err() != nil {
		// Its first lines were read at the start, the rest with the checks.
		if c.dropPersistent {
			return fmt.Errorf("%w: -drop-persistent needs it; nothing was written", hist.Err())
		}
		warnNoHistory(stderr, hist.Err())
		hist = nil
	}
	var staged *history.Pending
	if hist != nil {
		// Written beside its file while export writes the outputs, and
		// put in place only once they are.
		staged = hist.StageInBackground(time.Now())
		defer staged.Discard()
	}
	res, sum, err := export(exp)
	if err != nil {
		if ctx.Err() != nil { // the passes stopped: the outputs were left as they were
			return errors.New("interrupted: nothing was written")
		}
		return err
	}
	if err := sum.WriteText(stderr, 10, time.Since(start)); err != nil {
		return err
	}
	// The paths are the user's: printable, as all the command prints.
	input := name
	if input == stdinName { // standard input is only read: nothing to say of it
		input = ""
	}
	io.WriteString(printableLines{stderr}, res.Text(input))
	if checker != nil {
		for _, n := range checker.Notes() {
			fmt.Fprintln(stderr, "warning:", printable.String(n))
		}
	}
	if staged != nil {
		if err := staged.Commit(); err != nil {
			// The outputs are written: the run succeeded all the same.
			fmt.Fprintf(stderr, "warning: %s\n", printable.String(err.Error()))
		} else {
			fmt.Fprintf(stderr, "domain history: %s (-history off keeps none)\n", printable.String(hist.Path()))
		}
	}
	return nil
}

// restoreText says what applying saved decisions to the list of
// fingerprint fp did.
func restoreText(saved *cleaner.SavedDecisions, fp cleaner.Fingerprint, r cleaner.Restored) string {
	n := len(saved.Records)
	if n == 0 {
		return saved.Path + " holds no decision"
	}
	if fp == saved.Input && r.Applied() == n {
		return fmt.Sprintf("applied %s of %s, taken on this very list", plural(n, "decision", "decisions"), saved.Path)
	}
	var b strings.Builder
	if fp != saved.Input {
		fmt.Fprintf(&b, "%s was saved for another version of the list (%d bytes then, %d now); ", saved.Path, saved.Input.Size, fp.Size)
	}
	fmt.Fprintf(&b, "applied %d of %s: %d to the rows they were taken on", r.Applied(), plural(n, "decision", "decisions"), r.ByRow)
	if r.ByAddress > 0 {
		fmt.Fprintf(&b, ", %d to rows that moved (found by their address)", r.ByAddress)
	}
	switch {
	case r.Missing == 1:
		b.WriteString("; 1 decision not applied: no row holds its address any more")
	case r.Missing > 1:
		fmt.Fprintf(&b, "; %d decisions not applied: no row holds their address any more", r.Missing)
	}
	return b.String()
}

// plural returns "1 row" or "2 rows".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// untrusted says what to do about a DNS server that failed its proof.
func untrusted(err error) error {
	advice := "Nothing was written: no domain was judged on its word. Check the list with another DNS server " +
		"(-dns and its address, such as your provider's or a public resolver's), or without DNS checks (-dns off)."
	var te *resolver.TrustError
	if errors.As(err, &te) && te.Witness != "" {
		advice += " Only if this server serves a private network that cannot know " + te.Witness + ", add -private-dns."
	}
	return fmt.Errorf("%w. %s", err, advice)
}

// stdinName is how messages name standard input, the input "-".
const stdinName = "standard input"

// inputName is how messages name the input path.
func inputName(path string) string {
	if path == "-" {
		return stdinName
	}
	return path
}

// unnamedInput reports whether the input at path is not a file in a
// folder of the user's, beside which the outputs could go: standard input
// ("-"), or a path in /dev or /proc, or a link to one: /dev/stdin (even
// when it is a file given with <), a pipe or a process substitution
// (/dev/fd/63), a terminal. A named pipe in a folder of the user's is a
// file in a folder.
func unnamedInput(path string) bool {
	if path == "-" {
		return true
	}
	system := func(p string) bool {
		abs, err := filepath.Abs(p)
		return err == nil && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/"))
	}
	if system(path) {
		return true
	}
	real, err := filepath.EvalSymlinks(path)
	return err == nil && system(real)
}

// readPipe reads the list from standard input ("-"), a pipe or a device
// (listclean -batch <(zcat list.csv.gz)), which cannot be read twice and
// so is held in memory: up to cleaner.PipeMaxBytes of it, read whole before
// it is parsed so that a longer input is refused in little memory.
func readPipe(path string, opt cleaner.ReadOptions) (*cleaner.List, error) {
	f := os.Stdin
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			return cleaner.ReadFile(path, opt) // for its message
		}
		defer f.Close()
	}
	path = inputName(path)
	// One buffer of the largest size, not one grown by doubling: the pages
	// never written to take no memory.
	buf := make([]byte, cleaner.PipeMaxBytes+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case err == nil:
		return nil, &cleaner.ReadError{File: path, Err: fmt.Errorf("%w: more than 256 MiB through a pipe; save it to a file, which -batch reads in passes", cleaner.ErrFileTooLarge)}
	case err != io.EOF && err != io.ErrUnexpectedEOF:
		return nil, &cleaner.ReadError{File: path, Err: err}
	}
	return cleaner.Read(bytes.NewReader(buf[:n]), path, opt)
}

// batchProgress reports DNS progress on stderr about once a second when
// stderr is a terminal, so that a long run shows it is alive.
func batchProgress(stderr io.Writer) func(resolver.Result, int, int) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil
	}
	var last time.Time
	return func(_ resolver.Result, done, total int) {
		if now := time.Now(); now.Sub(last) >= time.Second || done == total {
			last = now
			fmt.Fprintf(stderr, "\rchecking domains: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}
}

// printableLines writes to w what it is given, shown by printable.String
// line by line, the line ends and tabs that lay out the flag package's
// messages and usage kept.
type printableLines struct{ w io.Writer }

func (p printableLines) Write(b []byte) (int, error) {
	n := len(b)
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\n\t")
		if i < 0 {
			i = len(b)
		}
		out = append(out, printable.String(string(b[:i]))...)
		if i < len(b) {
			out = append(out, b[i])
			i++
		}
		b = b[i:]
	}
	_, err := p.w.Write(out)
	return n, err
}

package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The accuracy suite of issue 17 runs the batch command over a list with
// every typo shape a person makes, the real domains that sit near a
// provider and must never be touched, role and disposable addresses, and
// addresses that must be written as typed, against a zone on loopback.

// accuracyZone routes every provider and company a suggestion may name,
// the lookalikes that must be left alone, and hotmail.om with an A record
// only, as it has in the real world.
const accuracyZone = `$TTL 300
$ORIGIN .
mx.hosting.net.          A  192.0.2.10
gmail.com.               MX 5 mx.hosting.net.
yahoo.com.               MX 5 mx.hosting.net.
icloud.com.              MX 5 mx.hosting.net.
naver.com.               MX 5 mx.hosting.net.
t-online.de.             MX 5 mx.hosting.net.
hotmail.com.             MX 5 mx.hosting.net.
outlook.com.             MX 5 mx.hosting.net.
web.de.                  MX 5 mx.hosting.net.
libero.it.               MX 5 mx.hosting.net.
orange.fr.               MX 5 mx.hosting.net.
gmx.de.                  MX 5 mx.hosting.net.
yandex.ru.               MX 5 mx.hosting.net.
brightwaterlabs.com.     MX 5 mx.hosting.net.
acmecorp.com.            MX 5 mx.hosting.net.
acmecorp.net.            MX 5 mx.hosting.net.
; a .om slip that answers with an address, as hotmail.om does
hotmail.om.              A  192.0.2.30
; real domains near a provider: never touched
ymail.com.               MX 5 mx.hosting.net.
mail.com.                MX 5 mx.hosting.net.
gmx.com.                 MX 5 mx.hosting.net.
hotmail.co.uk.           MX 5 mx.hosting.net.
me.com.                  MX 5 mx.hosting.net.
cloud.com.               MX 5 mx.hosting.net.
; a typosquat that is on the disposable list too
gmial.com.               MX 5 mx.hosting.net.
; role and disposable addresses, and privacy providers
contoso.com.             MX 5 mx.hosting.net.
mailinator.com.          MX 5 mx.hosting.net.
fastmail.com.            MX 5 mx.hosting.net.
proton.me.               MX 5 mx.hosting.net.
hey.com.                 MX 5 mx.hosting.net.
duck.com.                MX 5 mx.hosting.net.
xn--mnchen-3ya.de.       MX 5 mx.hosting.net.
`

// accuracyCase is one row of the list and what the report must say of it.
type accuracyCase struct {
	email, reason, suggestion string
}

var accuracyCases = []accuracyCase{
	// One label: a provider's name, or a company's the list uses.
	{"chris.miller@gmail", "bad_domain", "chris.miller@gmail.com"},
	{"karenwilliams@yahoo", "bad_domain", "karenwilliams@yahoo.com"},
	{"john.williams@icloud", "bad_domain", "john.williams@icloud.com"},
	{"minji.kim@naver", "bad_domain", "minji.kim@naver.com"},
	{"laura_fischer@t-online", "bad_domain", "laura_fischer@t-online.de"},
	{"mary@hotmail", "bad_domain", "mary@hotmail.com"},
	{"hall.robert@brightwaterlabs", "bad_domain", "hall.robert@brightwaterlabs.com"},
	// The dot before a country code dropped.
	{"a@webde", "bad_domain", "a@web.de"},
	{"b@liberoit", "bad_domain", "b@libero.it"},
	{"c@orangefr", "bad_domain", "c@orange.fr"},
	{"d@gmxde", "bad_domain", "d@gmx.de"},
	{"e@yandexru", "bad_domain", "e@yandex.ru"},
	{"f@t-onlinede", "bad_domain", "f@t-online.de"},
	// Lookalike letters: a Cyrillic а.
	{"g@gm\u0430il.com", "nxdomain", "g@gmail.com"},
	{"h@y\u0430ndex.ru", "nxdomain", "h@yandex.ru"},
	// A suffix typed twice.
	{"i@gmx.de.de", "nxdomain", "i@gmx.de"},
	// .om slips, whatever they answer.
	{"j@hotmail.om", "typo_suspect", "j@hotmail.com"},
	{"k@outlook.om", "nxdomain", "k@outlook.com"},
	// The closer slip, not the domain with more rows.
	{"l@acmecrop.com", "nxdomain", "l@acmecorp.com"},
	// Real domains near a provider.
	{"m@ymail.com", "ok", ""},
	{"n@mail.com", "ok", ""},
	{"o@gmx.com", "ok", ""},
	{"p@hotmail.co.uk", "ok", ""},
	{"q@me.com", "ok", ""},
	{"r@cloud.com", "ok", ""},
	// Role and disposable addresses.
	{"info@contoso.com", "role", ""},
	{"NoReply@contoso.com", "role", ""},
	{"postmaster+bounces@contoso.com", "role", ""},
	{"info.kim@contoso.com", "ok", ""},
	{"anna@mailinator.com", "disposable", ""},
	{"info@mailinator.com", "disposable", ""},
	{"s@gmial.com", "typo_suspect", "s@gmail.com"},
	{"t@fastmail.com", "ok", ""},
	{"u@proton.me", "ok", ""},
	{"v@hey.com", "ok", ""},
	{"w@duck.com", "ok", ""},
	// Written as typed; one address in two Unicode forms.
	{"bob@xn--mnchen-3ya.de", "ok", ""},
	{"Zo\u00eb@gmail.com", "ok", ""},
	{"zoe\u0308@gmail.com", "duplicate", ""},
}

// accuracyList writes the list: the cases, then the rows that make
// brightwaterlabs.com and the acmecorp domains common in it.
func accuracyList(t *testing.T, dir string) (string, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email,Note\n")
	for k, c := range accuracyCases {
		fmt.Fprintf(&b, "%s,case %d\n", c.email, k+1)
	}
	n := len(accuracyCases)
	for _, c := range []struct {
		domain string
		rows   int
	}{{"brightwaterlabs.com", 12}, {"acmecorp.com", 8}, {"acmecorp.net", 11}} {
		for k := range c.rows {
			fmt.Fprintf(&b, "staff%d@%s,common\n", k, c.domain)
			n++
		}
	}
	return writeFile(t, filepath.Join(dir, "list.csv"), []byte(b.String())), n
}

// accuracyRun runs the batch command over the list with flags and returns
// the report and the cleaned file.
func accuracyRun(t *testing.T, flags ...string) ([]reportRow, [][]string) {
	t.Helper()
	dir := t.TempDir()
	in, n := accuracyList(t, dir)
	zone := writeFile(t, filepath.Join(dir, "world.zone"), []byte(accuracyZone))
	out := defaultOutputs(in)
	out.report = filepath.Join(dir, "report.csv")
	args := append([]string{"-batch", "-zone", zone, "-report", out.report}, flags...)
	if o := runCLI(t, runBudget, append(args, in)...); o.code != 0 {
		t.Fatalf("exit %d:\n%s", o.code, o.stderr)
	}
	return checkAccounting(t, out, n), readCSV(t, out.cleaned)
}

// TestAccuracyBatch: every shape gets its reason and suggestion, and the
// default policy keeps risky rows and removes invalid ones.
func TestAccuracyBatch(t *testing.T) {
	rep, cleaned := accuracyRun(t)
	for k, c := range accuracyCases {
		r := rep[k]
		if r.reason != c.reason || r.suggestion != c.suggestion {
			t.Errorf("%s: %s %q, want %s %q", c.email, r.reason, r.suggestion, c.reason, c.suggestion)
		}
		want := "keep"
		switch c.reason {
		case "bad_domain", "nxdomain", "duplicate":
			want = "remove"
		}
		if r.action != want {
			t.Errorf("%s: %s, want %s by default", c.email, r.action, want)
		}
	}
	kept := make(map[string]bool)
	for _, rec := range cleaned[1:] {
		kept[rec[0]] = true
	}
	for _, a := range []string{"bob@xn--mnchen-3ya.de", "Zo\u00eb@gmail.com", "NoReply@contoso.com"} {
		if !kept[a] {
			t.Errorf("the cleaned file lacks %q as typed", a)
		}
	}
	if kept["bob@münchen.de"] {
		t.Error("the cleaned file has bob@münchen.de, not the punycode typed")
	}
}

// TestAccuracyFix: -fix corrects the rows that cannot receive mail as
// written, and leaves the typo suspects, whose own domain routes, and the
// real domains near a provider; -fix-suspects corrects the suspects too;
// -drop-risky removes role, disposable and suspect rows.
func TestAccuracyFix(t *testing.T) {
	fix, _ := accuracyRun(t, "-fix")
	both, _ := accuracyRun(t, "-fix", "-fix-suspects")
	drop, _ := accuracyRun(t, "-drop-risky")
	for k, c := range accuracyCases {
		wantFix, wantBoth, wantDrop := "keep", "keep", "keep"
		switch c.reason {
		case "bad_domain", "nxdomain":
			wantFix, wantBoth, wantDrop = "fix", "fix", "remove"
		case "typo_suspect":
			wantBoth, wantDrop = "fix", "remove"
		case "role", "disposable":
			wantDrop = "remove"
		case "duplicate":
			wantFix, wantBoth, wantDrop = "remove", "remove", "remove"
		}
		if got := fix[k].action; got != wantFix {
			t.Errorf("-fix: %s (%s): %s, want %s", c.email, c.reason, got, wantFix)
		}
		if got := both[k].action; got != wantBoth {
			t.Errorf("-fix -fix-suspects: %s (%s): %s, want %s", c.email, c.reason, got, wantBoth)
		}
		if got := drop[k].action; got != wantDrop {
			t.Errorf("-drop-risky: %s (%s): %s, want %s", c.email, c.reason, got, wantDrop)
		}
	}
}

// TestAccuracyStream: cleaned in passes, the list gives the same report
// and cleaned file as in memory.
func TestAccuracyStream(t *testing.T) {
	memRep, memCleaned := accuracyRun(t, "-fix")
	strRep, strCleaned := accuracyRun(t, "-fix", "-stream")
	if fmt.Sprint(memRep) != fmt.Sprint(strRep) {
		t.Errorf("reports differ:\nin memory %v\nin passes %v", memRep, strRep)
	}
	var a, b bytes.Buffer
	fmt.Fprint(&a, memCleaned)
	fmt.Fprint(&b, strCleaned)
	if a.String() != b.String() {
		t.Errorf("cleaned files differ:\nin memory %q\nin passes %q", memCleaned, strCleaned)
	}
}

// TestAccuracyZoneRoutes makes sure the zone routes what the cases need:
// a case whose suggestion did not route would pass for the wrong reason.
func TestAccuracyZoneRoutes(t *testing.T) {
	for _, c := range accuracyCases {
		if c.suggestion == "" {
			continue
		}
		d := c.suggestion[strings.LastIndexByte(c.suggestion, '@')+1:]
		if !strings.Contains(accuracyZone, "\n"+d+".") {
			t.Errorf("%s: the zone lacks %s", c.email, d)
		}
	}
}

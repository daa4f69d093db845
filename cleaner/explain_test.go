package cleaner

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		reason Reason
		label  string
		bounce string // a piece the bounce text must hold
	}{
		{ReasonOK, "deliverable", "None expected"},
		{ReasonImplicitMX, "no mail server (MX)", "5.4.4"},
		{ReasonTypoSuspect, "likely typo", "550 5.1.1"},
		{ReasonDisposable, "disposable address", "expires"},
		{ReasonRole, "role address", "Mailchimp refuses"},
		{ReasonSyntax, "not an email address", "553 5.1.3"},
		{ReasonBadDomain, "impossible domain", "550 5.1.2"},
		{ReasonNXDomain, "domain does not exist", "550 5.4.4 Unable to route"},
		{ReasonNoMail, "domain takes no mail", "550 5.4.4 Unable to route"},
		{ReasonNullMX, "domain refuses mail", "556 5.1.10"},
		{ReasonBadMX, "mail server not found", "550 5.4.4 Unable to route"},
		{ReasonDNSError, "DNS check failed", "451 4.4.3"},
		{ReasonNotChecked, "not checked", "Unknown"},
		{ReasonDuplicate, "repeated address", "No bounce"},
		{ReasonHardBounce, "hard bounced before", "550 5.1.1"},
		{ReasonUnsubscribed, "unsubscribed", "No bounce"},
		{ReasonComplaint, "marked as spam", "No bounce"},
		{ReasonListed, "on a suppression list", "Not sent"},
	}
	for _, tt := range tests {
		t.Run(string(tt.reason), func(t *testing.T) {
			e := Explain(tt.reason)
			if e.Label != tt.label {
				t.Errorf("Label = %q, want %q", e.Label, tt.label)
			}
			if !strings.Contains(e.Bounce, tt.bounce) {
				t.Errorf("Bounce = %q, want it to hold %q", e.Bounce, tt.bounce)
			}
			if e.Causes == "" || e.Advice == "" {
				t.Errorf("Causes or Advice empty: %+v", e)
			}
		})
	}
}

// TestExplainEveryReason makes sure a reason added to the vocabulary gets
// its explanation, and that unknown rows are never told to be removed.
func TestExplainEveryReason(t *testing.T) {
	for _, r := range Reasons {
		if _, ok := explanations[r]; !ok {
			t.Errorf("no explanation for reason %q", r)
		}
		if VerdictOf(r) == VerdictSuppressed && !strings.HasPrefix(Explain(r).Advice, "Remove it") {
			t.Errorf("%s: advice %q does not say to remove a suppressed row", r, Explain(r).Advice)
		}
		if VerdictOf(r) == VerdictUnknown {
			if a := Explain(r).Advice; !strings.HasPrefix(a, "Keep it") {
				t.Errorf("%s: advice %q does not say to keep an unknown row", r, a)
			}
			if strings.Contains(Explain(r).Bounce, " 5.") {
				t.Errorf("%s: bounce %q gives a permanent code for an unknown row", r, Explain(r).Bounce)
			}
		}
	}
	if got := Explain("made_up"); got.Label != "made_up" {
		t.Errorf("Explain(unknown reason).Label = %q, want the reason's name", got.Label)
	}
}

// TestWords: every code has words of its own, so that a screen never
// shows two things under one name, and the duplicate verdict reads as its
// one reason does.
func TestWords(t *testing.T) {
	seen := map[string]string{}
	for _, v := range Verdicts {
		w := v.Words()
		if w == "" {
			t.Errorf("verdict %s has no words", v)
		}
		if other, ok := seen[w]; ok {
			t.Errorf("verdict %s reads %q, as %s does", v, w, other)
		}
		seen[w] = string(v)
	}
	if VerdictDuplicate.Words() != ReasonDuplicate.Words() || VerdictValid.Words() != ReasonOK.Words() {
		t.Errorf("duplicate reads %q and %q, valid %q and %q", VerdictDuplicate.Words(), ReasonDuplicate.Words(), VerdictValid.Words(), ReasonOK.Words())
	}
	labels := map[string]Reason{}
	for _, r := range Reasons {
		if other, ok := labels[r.Words()]; ok {
			t.Errorf("reasons %s and %s both read %q", r, other, r.Words())
		}
		labels[r.Words()] = r
	}
	for a, want := range map[Action]string{ActionKeep: "keep", ActionFix: "correct", ActionRemove: "remove"} {
		if got := a.Words(); got != want {
			t.Errorf("%s reads %q, want %q", a, got, want)
		}
	}
}

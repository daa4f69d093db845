package address

import (
	"strings"
	"testing"
)

func TestIsRoleMailchimp(t *testing.T) {
	if len(mailchimpRoles) != 35 {
		t.Fatalf("%d Mailchimp roles, want its 35", len(mailchimpRoles))
	}
	for _, r := range mailchimpRoles {
		for _, local := range []string{r, strings.ToUpper(r), r + "+tag", strings.ToUpper(r[:1]) + r[1:] + "+Spring-2024"} {
			if !IsRole(local) {
				t.Errorf("IsRole(%q) = false, want true", local)
			}
		}
	}
}

func TestIsRole(t *testing.T) {
	for _, local := range []string{"info", "INFO", "Info", "info+news", "sales", "contact", "hello", "office", "team", "jobs", "marketing", "mailer-daemon", "do-not-reply", "Hello+2024"} {
		if !IsRole(local) {
			t.Errorf("IsRole(%q) = false, want true", local)
		}
	}
	for _, local := range []string{
		"", "+info", "info.kim", "kim.info", "information.desk", "salesforce", "sales.team", "jo.admin",
		"administrator2", "supporter", "hellokitty", "contact-me", "teammate", "rooted", "wwwalter",
		"ｉｎｆｏ", "infö", `"info"`, "kim", strings.Repeat("a", 64),
	} {
		if IsRole(local) {
			t.Errorf("IsRole(%q) = true, want false", local)
		}
	}
}

func BenchmarkIsRole(b *testing.B) {
	locals := []string{"jane.doe", "info", "Support+tickets", "j.smith1987", "undisclosed-recipients-x"}
	for i := 0; b.Loop(); i++ {
		IsRole(locals[i%len(locals)])
	}
}

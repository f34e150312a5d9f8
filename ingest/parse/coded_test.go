package parse

import (
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arabiska", "ar"}, {"Arabiska", "ar"}, {" ARABISKA ", "ar"},
		{"somaliska", "so"}, {"tigrinja", "ti"}, {"Tigrinska", "ti"},
		{"sorani", "ckb"}, {"Kurdiska (sorani)", "ckb"}, {"dari", "prs"},
		{"persiska", "fa"}, {"Farsi", "fa"}, {"ryska", "ru"}, {"franska", "fr"},
		{"spanska", "es"}, {"amhariska", "am"}, {"Amharinja", "am"},
		{"engelska", "en"}, {"svenska", "sv"}, {"Svenska med tolk", "sv"},
		{"svenska  med   tolk", "sv"}, {"Arabic", "ar"},
		{"ar", "ar"}, {"AR", "ar"}, {"ckb", "ckb"}, {"prs", "prs"}, {"sv", "sv"},
		{"Kurmanji", "kurmanji"}, {"Ukrainska", "ukrainska"}, {"Pashto", "pashto"},
		{"Bosniska/kroatiska/serbiska", "bosniska/kroatiska/serbiska"},
	}
	for _, tt := range tests {
		got, err := Language(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Language(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "   "} {
		if _, err := Language(in); Reason(err) != ReasonLanguage {
			t.Errorf("Language(%q) error = %v, want %s", in, err, ReasonLanguage)
		}
	}
}

func TestCourse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A", "A"}, {"b", "B"}, {" C ", "C"}, {"D", "D"},
		{"SFI B", "B"}, {"kurs C", "C"}, {"sfi-kurs d", "D"}, {"Kurs  B", "B"},
		{"SFI kurs A", "A"}, {"B-kurs", "B"}, {"sfi  d", "D"},
	}
	for _, tt := range tests {
		got, err := Course(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Course(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "E", "SFI", "kurs", "AB", "A B", "SFI 2", "svenska B", "Kurs B1"} {
		if got, err := Course(in); Reason(err) != ReasonCourse {
			t.Errorf("Course(%q) = %q, %v; want %s", in, got, err, ReasonCourse)
		}
	}
}

func TestGrade(t *testing.T) {
	tests := []struct {
		in, want string
		pass     bool
	}{
		{"A", "A", true}, {"b", "B", true}, {" c ", "C", true}, {"D", "D", true},
		{"e", "E", true}, {"F", "F", false}, {"f", "F", false}, {"", "", false}, {"  ", "", false},
	}
	for _, tt := range tests {
		got, err := Grade(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Grade(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if PassingGrade(got) != tt.pass {
			t.Errorf("PassingGrade(%q) = %v, want %v", got, !tt.pass, tt.pass)
		}
	}
	for _, in := range []string{"G", "VG", "Fx", "1", "-", "A+"} {
		if _, err := Grade(in); Reason(err) != ReasonGrade {
			t.Errorf("Grade(%q) error = %v, want %s", in, err, ReasonGrade)
		}
	}
}

func TestPresent(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"ja", true}, {"JA", true}, {"j", true}, {"1", true}, {"x", true}, {"X", true},
		{"true", true}, {"TRUE", true}, {"Sant", true},
		{"nej", false}, {"Nej", false}, {"n", false}, {"0", false}, {"false", false},
		{"FALSKT", false}, {"", false}, {"  ", false},
	}
	for _, tt := range tests {
		got, err := Present(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Present(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"kanske", "2", "jaa", "-"} {
		_, err := Present(in)
		if Reason(err) != ReasonPresent || !strings.Contains(err.Error(), "expected ja") {
			t.Errorf("Present(%q) error = %v, want %s", in, err, ReasonPresent)
		}
	}
}

func TestAFOutcome(t *testing.T) {
	tests := []struct{ in, want string }{
		{"osubventionerat arbete", "ARB"}, {"Osubventionerat Arbete", "ARB"},
		{"subventionerat arbete", "SUB"}, {"studier", "STU"}, {"Studier", "STU"},
		{"arbetssökande", "SOK"}, {"ARBETSSÖKANDE", "SOK"}, {"övrigt", "OVR"}, {"Övrigt", "OVR"},
		{"ARB", "ARB"}, {"sub", "SUB"}, {"STU", "STU"}, {"SOK", "SOK"}, {"SÖK", "SOK"},
		{"OVR", "OVR"}, {"ÖVR", "OVR"}, {"övr", "OVR"}, {"", ""}, {" ", ""},
	}
	for _, tt := range tests {
		got, err := AFOutcome(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("AFOutcome(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"arbete", "sjuk", "ARBETE MED STÖD", "X"} {
		if _, err := AFOutcome(in); Reason(err) != ReasonOutcome {
			t.Errorf("AFOutcome(%q) error = %v, want %s", in, err, ReasonOutcome)
		}
	}
}

func TestParticipationOutcome(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arbete", "arbete"}, {"Arbete", "arbete"}, {"STUDIER", "studier"},
		{" annat ", "annat"}, {"Avbrott", "avbrott"}, {"", ""},
	}
	for _, tt := range tests {
		got, err := ParticipationOutcome(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParticipationOutcome(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"ARB", "arbetssökande", "pågår"} {
		if _, err := ParticipationOutcome(in); Reason(err) != ReasonOutcome {
			t.Errorf("ParticipationOutcome(%q) error = %v, want %s", in, err, ReasonOutcome)
		}
	}
}

func TestEducation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"förgymnasial", "förgymnasial"}, {"Förgymnasial", "förgymnasial"}, {"FORGYMNASIAL", "förgymnasial"},
		{"forgymnasial", "förgymnasial"}, {"gymnasial", "gymnasial"}, {" Gymnasial ", "gymnasial"},
		{"eftergymnasial", "eftergymnasial"}, {"EFTERGYMNASIAL", "eftergymnasial"},
		{"okänd", "okänd"}, {"okand", "okänd"}, {"", "okänd"}, {"universitet", "okänd"}, {"3", "okänd"},
	}
	for _, tt := range tests {
		if got := Education(tt.in); got != tt.want {
			t.Errorf("Education(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReferredBy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Arbetsförmedlingen", "AF"}, {"ARBETSFÖRMEDLINGEN", "AF"}, {"arbetsformedlingen", "AF"},
		{"AF", "AF"}, {"af", "AF"}, {" kommun ", "kommun"}, {"Botkyrka kommun", "Botkyrka kommun"},
		{"", ""}, {"  ", ""},
	}
	for _, tt := range tests {
		if got := ReferredBy(tt.in); got != tt.want {
			t.Errorf("ReferredBy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package ingest

import (
	"strings"
	"testing"

	"github.com/effekt/effekt/ingest/parse"
)

func TestDetectKind(t *testing.T) {
	for _, c := range []struct {
		header []string
		kind   string // "" when an error containing errHas is expected
		errHas string
	}{
		{[]string{"Personnummer", "Datum", "Timmar"}, "so_attendance", ""},
		{[]string{" PNR ", "Kommun", "Kurs", "Kursstart", "Betyg"}, "sfi_courses", ""},
		{[]string{"person_id", "intervention_id", "municipality", "started_on"}, "intervention_participations", ""},
		{[]string{"Insats-ID", "Namn", "Anordnare"}, "interventions", ""},
		{[]string{"pnr", "folkbokföringskommun", "etableringsplan_start", "Status 90 dagar"}, "af_plans", ""},
		{[]string{"Personnr", "Mottagande kommun", "Beslutsdatum", "Kommunmottagen"}, "settlements", ""},
		{[]string{"samordningsnummer", "intygsdatum"}, "so_certificates", ""},
		{[]string{"ANMALNINGSDATUM", "sprak", "hemkommun", "personnummer"}, "so_registrations", ""},
		{[]string{"foo", "bar"}, "", "matches no file kind"},
		{[]string{"pnr", "kommun", "anmälningsdatum", "språk", "kurs", "kursstart"}, "", "fits several file kinds (sfi_courses, so_registrations)"},
		{[]string{"19850709-9805", "0127"}, "", `"19850709-****"`},
	} {
		k, err := detectKind(c.header)
		switch {
		case c.kind != "" && (err != nil || k.Name != c.kind):
			t.Errorf("%q: got %v %v, want %s", c.header, k, err, c.kind)
		case c.kind == "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
			t.Errorf("%q: error %v, want it to contain %q", c.header, err, c.errHas)
		}
	}
}

// TestKindDeclarations checks every declaration against itself: keys and
// rules name declared columns, no alias means two columns of one kind.
func TestKindDeclarations(t *testing.T) {
	for _, k := range Kinds {
		seen := map[string]string{}
		for _, c := range k.Columns {
			for _, n := range append([]string{c.Name}, c.Aliases...) {
				hk := parse.HeaderKey(n)
				if other, dup := seen[hk]; dup && other != c.Name {
					t.Errorf("%s: %q means both %s and %s", k.Name, n, other, c.Name)
				}
				seen[hk] = c.Name
			}
		}
		for _, n := range k.Key {
			if _, c := k.Column(n); c == nil || !c.Required && c.Absent == nil {
				t.Errorf("%s: key column %s is not declared or may be NULL", k.Name, n)
			}
		}
		for _, r := range k.Rules {
			for _, n := range []string{r.Before, r.After, r.If, r.Needs} {
				if _, c := k.Column(n); n != "" && c == nil {
					t.Errorf("%s: rule names undeclared column %s", k.Name, n)
				}
			}
		}
	}
}

package ingest

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestInterventionCatalogue loads the intervention catalogue's optional
// columns (issue 12) in messy forms: Arbetsförmedlingen as provider, lists
// of languages, ja/nej, prices and places as people write them. Values that
// do not parse are NULL, never a rejected row; personnummer-shaped text in
// the contact is masked. Expected values worked out by hand.
func TestInterventionCatalogue(t *testing.T) {
	e := newEnv(t)
	copyTree(t, filepath.Join("testdata", "catalogue"), filepath.Join(e.inbox, "interventions"))
	sum := e.run()
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded {
		t.Fatalf("summary: %+v", sum.Files)
	}
	want := []string{
		"2|AF-1|Yrkessvenska|AF|språk|Svenska för yrket|Nyanlända|ar,prs,sv|true|12000.0|15|Södertälje|insats@af.se|2024-01-01|2025-12-31",
		"3|AF-2|Jobbcoachning|AF|arbete|∅|∅|ar,so|false|0.0|12|∅|ring 19800101-**** eller 08-123 45 67|2024-01-01|∅",
		// "okänt språk" is kept as a name; kanske, enligt avtal, 10-15 and 2024-02-30 are NULL
		"4|K-1|Språkpraktik|0127|språk|Praktik|∅|okänt språk|∅|∅|∅|Tumba|∅|∅|2024-12-31",
	}
	if got := e.tableRows(KindByName("interventions"), ""); !slices.Equal(got, want) {
		t.Errorf("loaded rows:\n got  %q\n want %q", got, want)
	}
	if got := e.rejects("interventions"); !slices.Equal(got, []string{"5|Anordnare|invalid_municipality"}) {
		t.Errorf("rejects %q: only the provider that is neither a municipality nor AF", got)
	}
}

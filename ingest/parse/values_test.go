package parse

import (
	"strconv"
	"strings"
	"testing"

	"github.com/effekt/effekt/geo"
)

func TestMunicipality(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0127", "0127"},
		{"127", "0127"},
		{"127.0", "0127"},
		{" 0127 ", "0127"},
		{"Botkyrka", "0127"},
		{"botkyrka", "0127"},
		{"BOTKYRKA KOMMUN", "0127"},
		{"Botkyrka  kommun", "0127"},
		{"Stockholms stad", "0180"},
		{"Stockholm", "0180"},
		{"Göteborgs stad", "1480"},
		{"GÖTEBORG", "1480"},
		{"Goteborg", "1480"},
		{"Malmö stad", "1280"},
		{"Malmo", "1280"},
		{"Solna stad", "0184"},
		{"Håbo", "0305"},
		{"HÅBO KOMMUN", "0305"},
		{"Habo", "0643"},
		{"Habo kommun", "0643"},
		{"Borås", "1490"},
		{"Borås stad", "1490"},
		{"Borås Stad", "1490"},
		{"Upplands Väsby", "0114"},
		{"Upplands-Väsby", "0114"},
		{"Upplands Bro", "0139"},
		{"Falu kommun", "2080"},
		{"Region Gotland", "0980"},
		{"Gotlands kommun", "0980"},
		{"Malung-Sälens kommun", "2023"},
		{"Malmo\u0308 stad", "1280"}, // decomposed ö
		{"\u00a0Lund\u00a0", "1281"},
	}
	for _, tt := range tests {
		got, err := Municipality(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Municipality(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMunicipalityInvalid(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"9999", `municipality "9999" is not one of Sweden's 290 municipalities`},
		{"Atlantis", `municipality "Atlantis" is not one of`},
		{"0001", "is not one of"}, // Region Stockholm, not a municipality
		{"0000", "is not one of"}, // Riket
		{"Region Stockholm", "is not one of"},
		{"00127", "is not one of"},
		{"12.7", "is not one of"},
		{"", "municipality is blank"},
		{"19811218-9876", `municipality "19811218-****"`},
	}
	for _, tt := range tests {
		_, err := Municipality(tt.in)
		if err == nil || Reason(err) != ReasonMunicipality || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Municipality(%q) error = %v, want %s containing %q", tt.in, err, ReasonMunicipality, tt.msg)
		}
	}
}

// TestMunicipalityAll290 resolves every municipality by code, by code
// without leading zeros, by title and by upper-case title + " KOMMUN".
func TestMunicipalityAll290(t *testing.T) {
	all := geo.Municipalities()
	if len(all) != 290 {
		t.Fatalf("geo has %d municipalities, want 290", len(all))
	}
	for _, a := range all {
		n, _ := strconv.Atoi(a.ID)
		for _, in := range []string{a.ID, strconv.Itoa(n), a.Title, strings.ToUpper(a.Title) + " KOMMUN", a.Title + "s kommun"} {
			if strings.HasSuffix(a.Title, "s") && strings.HasSuffix(in, "ss kommun") {
				continue // no genitive s after a final s
			}
			got, err := Municipality(in)
			if err != nil || got != a.ID {
				t.Errorf("Municipality(%q) = %q, %v; want %s", in, got, err, a.ID)
			}
		}
	}
}

func TestHours(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"1,5", 1.5},
		{"2.25", 2.25},
		{" 3 ", 3},
		{"12", 12},
		{"12,0", 12},
		{"0,5", 0.5},
		{",5", 0.5},
		{"3.", 3},
		{"0.01", 0.01},
		{"007", 7},
	}
	for _, tt := range tests {
		got, err := Hours(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Hours(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"0", `hours "0" are out of range`},
		{"0,0", "out of range"},
		{"12.5", `hours "12.5" are out of range`},
		{"12,01", "out of range"},
		{"-1", `"-1" is not a number of hours`},
		{"1,5,0", "is not a number of hours"},
		{"1 000", "is not a number of hours"},
		{"1.5h", "is not a number of hours"},
		{"NaN", "is not a number of hours"},
		{"Inf", "is not a number of hours"},
		{"1e1", "is not a number of hours"},
		{".", "is not a number of hours"},
		{"", "hours are blank"},
	}
	for _, tt := range bad {
		_, err := Hours(tt.in)
		if err == nil || Reason(err) != ReasonHours || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Hours(%q) error = %v, want %s containing %q", tt.in, err, ReasonHours, tt.msg)
		}
	}
}

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Anmälningsdatum", "anmalningsdatum"},
		{"anmalnings_datum", "anmalningsdatum"},
		{"Anmälnings datum", "anmalningsdatum"},
		{"ANMÄLNINGS-DATUM", "anmalningsdatum"},
		{"\ufeffPersonnummer", "personnummer"},
		{"  person_id ", "personid"},
		{"Språk", "sprak"},
		{"Undervisningsspråk", "undervisningssprak"},
		{"Närvarande", "narvarande"},
		{"Utbildningsnivå", "utbildningsniva"},
		{"Födelseland", "fodelseland"},
		{"Insats-id", "insatsid"},
		{"Anmäld av", "anmaldav"},
		{"Mottagande kommun", "mottagandekommun"},
		{"Kategori (é)", "kategori(e)"},
		{"Spra\u030ak", "sprak"}, // decomposed å
		{"Intyg\u00a0utfärdat", "intygutfardat"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := HeaderKey(tt.in); got != tt.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{" Atlantis ", "Atlantis"},
		{"2019-02-30", "2019-02-30"},
		{"123456789", "****"},
		{"12345678", "12345678"},
		{"1234567890", "****"},
		{"pnr 811218-9876", "pnr 19811218-****"}, // masked in place
		{"811218-98", "19811218-****"},
		{"19811218-987", "19811218-****"},
		{"811218987", "19811218-****"}, // nine digits: the tenth follows from them
		{"811218-", "811218-"},
		// a run of nine digits or a partial id anywhere, not only leading:
		// nine digits of a personnummer give its check digit
		{"x 811218987", "x 19811218-****"},
		{"ab811218987", "ab19811218-****"},
		{"nr:811218-987", "nr:19811218-****"},
		{"a 811218 987", "a 19811218-****"},
		{"x 19811218-98", "x 19811218-****"},
		{"x 19811218-987", "x 19811218-****"},
		{"x ٨١١٢١٨٩٨٧", "x 19811218-****"},
		{"****\x80811218987", "****\x8019811218-****"},
		{"x 123456789", "****"},      // not a date: masked whole
		{"x 81121898", "x 81121898"}, // eight digits: a date at most
		{"kl 811218-", "kl 811218-"},
		{"20190230", "20190230"},
		{"2019-02-30 1", "2019-02-30 1"},
		{strings.Repeat("x", 70), strings.Repeat("x", 60) + "…"},
		{strings.Repeat("å", 40), strings.Repeat("å", 30) + "…"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

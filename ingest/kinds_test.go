package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// kindCase is the expected outcome of loading testdata/kinds/<kind>.csv:
// rows as "line|value|value…" in table column order ({A} = pseudonym, birth
// date and gender of person A), rejects as "line|column|reason". Worked out by
// hand from the fixture with today = 2025-06-30.
type kindCase struct {
	kind    string
	loaded  []string
	rejects []string
	unknown []string
}

var kindCases = []kindCase{
	{
		kind: "so_registrations",
		loaded: []string{
			"2|{A}|0127|2024-01-15|ar|AF",  // name → code, Arbetsförmedlingen → AF
			"4|{C}|0180|2024-03-10|sv|∅",   // STOCKHOLMS STAD, YYYY/MM/DD, svenska med tolk
			"12|{B}|0127|2024-02-01|ti|AF", // replaces line 3 (same person, date)
		},
		rejects: []string{
			"3|∅|superseded",
			"5|person_id|invalid_person_id",       // Luhn
			"6|registered_on|invalid_date",        // 2024-02-30
			"7|municipality|invalid_municipality", // Atlantis
			"8|registered_on|date_out_of_range",   // 1989
			"9|registered_on|date_out_of_range",   // after today
			"10|registered_on|missing_value",
			"11|language|missing_value",
			"13|person_id|missing_value",
		},
		unknown: []string{"note"},
	},
	{
		kind: "so_attendance",
		loaded: []string{
			"3|{A}|2024-01-27|2.5|G1|false",
			"4|{A}|2024-02-03|3.0|G1|false", // blank present = absent
			"5|{B}|2024-02-10|1.5||true",    // decimal comma, no group
			"9|{A}|2024-01-20|2.0|G1|true",  // replaces line 2
			"10|{A}|2024-01-20|3.0|G2|true", // other group: other key
		},
		rejects: []string{
			"2|∅|superseded",
			"6|hours|invalid_hours", // 13
			"7|hours|invalid_hours", // 0
			"8|present|invalid_present",
		},
	},
	{
		kind: "so_certificates",
		loaded: []string{
			"2|{A}|2024-06-01|60",
			"3|{B}|2024-06-01|∅",
		},
		rejects: []string{"4|issued_on|invalid_date"},
	},
	{
		kind: "settlements",
		loaded: []string{
			"3|{B}|0181|2023-06-01|2023-07-01|okänd|Somalia",
			"5|{D}|0127|2023-09-01|2023-10-01|okänd|∅",
			"6|{A}|0126|2023-05-01|2023-09-01|eftergymnasial|Syrien",
		},
		rejects: []string{
			"2|∅|superseded",
			"4|settled_on|date_order",
		},
	},
	{
		kind: "sfi_courses",
		loaded: []string{
			"2|{A}|0127|B|2023-09-01|C|2024-01-20|∅",
			"3|{A}|0127|C|2024-02-01|∅|∅|∅",
			"4|{B}|0127|B|2023-09-01|F|2024-01-20|∅",
			"10|{E}|0127|A|2023-09-01|∅|∅|2023-12-01",
		},
		rejects: []string{
			"5|course|invalid_course",
			"6|grade|invalid_grade",
			"7|grade|missing_dependent",
			"8|graded_on|date_order",
			"9|discontinued_on|date_order",
		},
	},
	{
		kind: "interventions",
		loaded: []string{
			"3|INS-2|Språkpraktik|0136|∅|∅|∅|∅|∅|∅|∅|∅|∅|∅|∅", // no catalogue columns (issue 12): NULL
			"6|INS-1|Jobbspår vård 2|0127|arbete|∅|∅|∅|∅|∅|∅|∅|∅|∅|∅",
		},
		rejects: []string{
			"2|∅|superseded",
			"4|name|missing_value",
			"5|provider_municipality|invalid_municipality",
		},
	},
	{
		kind: "intervention_participations",
		loaded: []string{
			"2|{A}|INS-1|0127|2024-01-10|2024-04-10|arbete",
			"3|{B}|INS-2|0127|2024-01-10|∅|∅",
			"6|{E}|INS-1|0126|2024-03-01|2024-05-01|avbrott",
		},
		rejects: []string{
			"4|ended_on|date_order",
			"5|outcome|invalid_outcome",
		},
	},
	{
		kind: "af_plans",
		loaded: []string{
			"2|{A}|0127|2022-01-10|2024-01-10|ARB|2024-04-10",
			"3|{B}|0127|2022-02-01|2024-02-01|SOK|2024-05-01",
			"4|{C}|0127|2022-03-01|∅|∅|∅",
			"7|{F}|1480|2022-05-01|2024-05-01|STU|2024-08-01",
		},
		rejects: []string{
			"5|outcome_90d|invalid_outcome",
			"6|plan_ended_on|date_order",
		},
	},
}

// TestKinds loads every kind's fixture as CSV and as XLSX and checks every
// loaded value and every rejected row. "step1" is the CSV file inserted
// one buffered row per data chunk (insert.go: insertStep), so that its
// rows, superseded ones among them, spread over many chunks and DuckDB's
// threads.
func TestKinds(t *testing.T) {
	for _, test := range []string{"csv", "xlsx", "step1"} {
		for i, c := range kindCases {
			t.Run(test+"/"+c.kind, func(t *testing.T) {
				format := test
				if test == "step1" {
					format = "csv"
					step := insertStep
					insertStep = 1
					defer func() { insertStep = step }()
				}
				e := newEnv(t)
				k := KindByName(c.kind)
				src := filepath.Join("testdata", "kinds", c.kind+".csv")
				dst := filepath.Join(e.inbox, c.kind, "export."+format)
				if format == "csv" {
					b, err := os.ReadFile(src)
					if err != nil {
						t.Fatal(err)
					}
					writeFile(t, dst, b)
				} else {
					csvToXLSX(t, k, src, dst, i%2 == 0)
				}
				sum := e.run()
				if len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded {
					t.Fatalf("summary: %+v", sum.Files)
				}
				f := sum.Files[0]
				if f.RowsLoaded != int64(len(c.loaded)) || f.RowsRejected != int64(len(c.rejects)) || f.RowsRead != f.RowsLoaded+f.RowsRejected {
					t.Errorf("counts read/loaded/rejected = %d/%d/%d, want %d/%d/%d", f.RowsRead, f.RowsLoaded, f.RowsRejected,
						len(c.loaded)+len(c.rejects), len(c.loaded), len(c.rejects))
				}
				if !slices.Equal(f.UnknownColumns, c.unknown) {
					t.Errorf("unknown columns %q, want %q", f.UnknownColumns, c.unknown)
				}
				want := make([]string, len(c.loaded))
				for i, r := range c.loaded {
					want[i] = expand(r)
				}
				if got := e.tableRows(k, ""); !slices.Equal(got, want) {
					t.Errorf("loaded rows:\n got  %q\n want %q", got, want)
				}
				if got := e.rejects(c.kind); !slices.Equal(got, c.rejects) {
					t.Errorf("rejected rows:\n got  %q\n want %q", got, c.rejects)
				}
				if _, err := filepath.Glob(filepath.Join(e.archive, c.kind, "export."+format)); err != nil || !exists(filepath.Join(e.archive, c.kind, "export."+format)) {
					t.Errorf("file not archived")
				}
			})
		}
	}
}

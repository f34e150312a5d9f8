package models

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func computed(t *testing.T, fixtures ...string) *sql.DB {
	t.Helper()
	db := openDB(t)
	loadFixture(t, db, fixtures...)
	if _, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), Groups: config.DefaultGroups(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestQuery(t *testing.T) {
	db := computed(t, "so", "sfi")
	groups := config.DefaultGroups()
	tests := []struct {
		name string
		f    Filter
		minN int
		// want: one line per value: area gender num/den status members
		want []string
	}{
		{
			// EF101 Botkyrka 2023 has 4 persons: suppressed at min_n 5; EF103 has 5: shown
			name: "cohort of 4 suppressed, of 5 shown",
			f:    Filter{KPIs: []string{"EF101", "EF103"}, Municipalities: []string{"0127"}, Genders: []string{"T"}},
			minN: 5,
			want: []string{"EF101 0127 2023 T -/- suppressed 1", "EF103 0127 2023 T 3/5  1"},
		},
		{
			name: "min_n 1 shows everything",
			f:    Filter{KPIs: []string{"EF101"}, Municipalities: []string{"0127"}, Periods: []int{2023}},
			minN: 1,
			want: []string{"EF101 0127 2023 K 2/3  1", "EF101 0127 2023 M 0/1  1", "EF101 0127 2023 T 2/4  1"},
		},
		{
			// members: municipalities with a cell of their own in the same kpi/period/gender
			name: "members of county, Riket and groups",
			f:    Filter{KPIs: []string{"EF101", "EF201"}, Municipalities: []string{"0001", "0012", "0000", "G0001"}, Genders: []string{"T", "M"}},
			minN: 3,
			want: []string{
				"EF101 0000 2023 M -/- suppressed 2", "EF101 0000 2023 T 3/5  2",
				"EF101 0001 2023 M -/- suppressed 2", "EF101 0001 2023 T 3/5  2",
				"EF101 G0001 2023 M -/- suppressed 2", "EF101 G0001 2023 T 3/5  2",
				"EF201 0000 2023 M -/- suppressed 1", "EF201 0000 2023 T 2/4  2",
				"EF201 0012 2023 M -/- suppressed 1", "EF201 0012 2023 T 2/4  2",
			},
		},
		{
			name: "no match",
			f:    Filter{KPIs: []string{"EF201"}, Periods: []int{2019}},
			minN: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := Query(context.Background(), db, tt.f, tt.minN, groups)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vals {
				num, den := "-", "-"
				if v.Numerator != nil {
					num = fmtInt(v.Numerator)
				}
				if v.Denominator != nil {
					den = fmtInt(v.Denominator)
				}
				if v.Status == StatusSuppressed && (v.Value != nil || v.CILow != nil || v.CIHigh != nil || v.Numerator != nil || v.Denominator != nil) {
					t.Errorf("%+v: suppressed cell carries numbers", v)
				}
				got = append(got, strings.Join([]string{v.KPI, v.Municipality, itoa(v.Period), v.Gender, num + "/" + den, v.Status, itoa(v.Members)}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func itoa(i int) string { return fmtInt(ptr(int64(i))) }

func ptr[T any](v T) *T { return &v }

// TestGolden compares the full `effekt indicators --format csv` output for
// every fixture loaded together with testdata/golden/expected.csv
// (go test ./models -run TestGolden -update rewrites it).
func TestGolden(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	vals, err := Query(context.Background(), db, Filter{}, 5, config.DefaultGroups())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteValues(&buf, FormatCSV, vals, config.DefaultGroups()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", "expected.csv")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("csv output differs from %s (run with -update and review the diff):\n%s", path, buf.String())
	}
}

// TestComputeDeterministic: a second Compute leaves indicator_values
// identical bit for bit, every column included (computed_at comes from Now).
func TestComputeDeterministic(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	hash := func() (string, int) {
		var h string
		var n int
		err := db.QueryRow(`SELECT md5(string_agg(concat_ws('|', kpi, municipality, period, gender, numerator, denominator,
			value, ci_low, ci_high, status, as_of, epoch_us(computed_at)), ';' ORDER BY kpi, municipality, period, gender)), count(*)
			FROM indicator_values`).Scan(&h, &n)
		if err != nil {
			t.Fatal(err)
		}
		return h, n
	}
	h1, n1 := hash()
	if _, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), Groups: config.DefaultGroups(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	h2, n2 := hash()
	if h1 != h2 || n1 != n2 || n1 == 0 {
		t.Errorf("second compute: %s (%d rows), first %s (%d rows)", h2, n2, h1, n1)
	}
}

func TestHeadline(t *testing.T) {
	db := computed(t, "so", "sfi")
	var buf bytes.Buffer
	if err := Headline(context.Background(), db, 5, config.DefaultGroups(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	row := func(area string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, area+" ") {
				return strings.Join(strings.Fields(l), " ")
			}
		}
		return ""
	}
	// Botkyrka's EF101 2023 has 4 persons (suppressed); Stockholms län 3/5 = 60 %.
	for area, want := range map[string]string{
		"0127":  "0127 Botkyrka suppressed (n<5, 2023) – – –",
		"0001":  "0001 Region Stockholm 60 (n=5, 2023) – – –",
		"0000":  "0000 Riket 60 (n=5, 2023) – suppressed (n<5, 2023) –",
		"G0001": "G0001 Södertörn 60 (n=5, 2023) – – –",
	} {
		if got := row(area); got != want {
			t.Errorf("headline row %s = %q, want %q", area, got, want)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// header + 0127, 0136, 1280, 1281, 0001, 0012, 0000, G0001, G0002
	if len(lines) != 10 {
		t.Errorf("headline has %d lines, want 10:\n%s", len(lines), out)
	}
}

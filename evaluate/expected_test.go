package evaluate

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	fx "github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/transform"
)

// TestPersonMicro: the case-mix query (every proportion indicator's micro
// SQL with case_cov added) runs on the
// transform tables and gives effekt_case its columns.
func TestPersonMicro(t *testing.T) {
	ctx := context.Background()
	db := fx.OpenDB(t)
	if err := transform.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, db, day("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const want = "kpi municipality period gender a cov x"
	var inds []models.Indicator
	for _, ind := range models.Catalogue() {
		if ind.Unit == models.Percent {
			inds = append(inds, ind)
		}
	}
	if fitted, err := modelCells(ctx, d.conn, inds); err != nil || len(fitted) > 0 {
		t.Fatalf("modelCells on empty tables = %v, %v; want none, nil", fitted, err)
	}
	rows, err := d.conn.QueryContext(ctx, `SELECT * FROM effekt_case LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	if got := strings.Join(cols, " "); got != want {
		t.Errorf("columns %s, want %s", got, want)
	}
}

// caseFixture puts rows (municipality, gender, x) of indicator kpi, period
// 2020, with the same other levels into effekt_case on a fresh connection.
func caseFixture(t *testing.T, kpi string, groups []config.Group, rows [][3]string) *Data {
	t.Helper()
	ctx := context.Background()
	db := fx.OpenDB(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE effekt_case (kpi VARCHAR, municipality VARCHAR, period INTEGER, gender VARCHAR,
		a UTINYINT, cov INTEGER, x DOUBLE)`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows { // age band 2: 25–34; case_cov 78: gymnasial, Asien, 0–2 months
		if _, err := conn.ExecContext(ctx, `INSERT INTO effekt_case VALUES (?, ?, 2020, ?, 2, 78, ?::DOUBLE)`,
			kpi, r[0], r[1], r[2]); err != nil {
			t.Fatal(err)
		}
	}
	if err := areaGroups(ctx, conn, groups); err != nil {
		t.Fatal(err)
	}
	return &Data{conn: conn}
}

// TestExpectedHandComputed: with gender the only covariate that varies the
// model is saturated, so p is the share of each gender over all rows:
// women 3/6 = .5, men 6/7.
//
//	0127: women 1,1,0,0; men 1,1,1   n 7, O 5, E = 4·.5 + 3·6/7 = 4.5714
//	0180: women 1,0;     men 1,1,1,0 n 6, O 4, E = 2·.5 + 4·6/7 = 4.4286
//
// 0127: Σp(1−p) = 4·.25 + 3·(6/7)(1/7) = 1.36735, half-width 1.959964·√that
// = 2.29186; O/E = 1.09375 ± 2.29186/4.5714 = 0.50134; O − E = 100·0.42857/7
// = 6.1224 ± 100·2.29186/7 = 32.741 pp; Wilson of 5/7 = [35.89, 91.78] %.
// 0127 men: n 3, O 3, E 18/7 = 2.5714. The county 0001 has O = E = 9. G0009
// (0180 only) has n 6 < min_n 7: suppressed.
func TestExpectedHandComputed(t *testing.T) {
	var rows [][3]string
	add := func(m, g string, ys ...string) {
		for _, y := range ys {
			rows = append(rows, [3]string{m, g, y})
		}
	}
	add("0127", "K", "1", "1", "0", "0")
	add("0127", "M", "1", "1", "1")
	add("0180", "K", "1", "0")
	add("0180", "M", "1", "1", "1", "0")
	d := caseFixture(t, "EF401", []config.Group{{ID: "G0009", Members: []string{"0180"}}}, rows)
	ctx := context.Background()
	if fitted, err := fitCells(ctx, d.conn, map[string]bool{"EF401": true}); err != nil || len(fitted) != 1 {
		t.Fatalf("fitCells = %v, %v", fitted, err)
	}
	got, err := readExpected(ctx, d.conn, "EF401", 7)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Expected{}
	for _, e := range got {
		by[e.Area+e.Gender] = e
	}
	b := by["0127T"]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"E", b.E, 4 + 4.0/7}, {"O", b.O, 5}, {"observed", b.Observed, 500.0 / 7}, {"expected", b.Expected, 100 * (4 + 4.0/7) / 7},
		{"O/E", b.Ratio, 1.09375}, {"O/E low", b.RatioLow, 1.09375 - 0.50134}, {"O/E high", b.RatioHigh, 1.09375 + 0.50134},
		{"O−E", b.Diff, 6.1224}, {"O−E low", b.DiffLow, 6.1224 - 32.741}, {"Wilson low", b.ObsLow, 35.89}, {"Wilson high", b.ObsHigh, 91.78},
		{"county O/E", by["0001T"].Ratio, 1}, {"Riket n", float64(by["0000T"].N), 13},
		{"0127 men E (raw, before min_n)", rawE(t, d, "0127", "M"), 18.0 / 7}, {"Riket women n", float64(by["0000K"].N), 0},
	} {
		if !near(c.got, c.want, max(0.02, 2e-3*c.want)) {
			t.Errorf("0127 %s = %.5f, want %.5f", c.name, c.got, c.want)
		}
	}
	// E is the exact sum of the persons' terms: 0127 has 4 women and 3
	// men, each term a whole number of 10⁻¹⁸ (effekt_p.pe)
	pe := map[string]int64{}
	for _, g := range []string{"K", "M"} {
		var v int64
		if err := d.conn.QueryRowContext(ctx, `SELECT pe FROM effekt_p WHERE gender = ?`, g).Scan(&v); err != nil {
			t.Fatal(err)
		}
		pe[g] = v
	}
	if want := float64(4*pe["K"]+3*pe["M"]) / 1e18; rawE(t, d, "0127", "T") != want {
		t.Errorf("0127 E = %v, want exactly %v (4·%d + 3·%d)·10⁻¹⁸", rawE(t, d, "0127", "T"), want, pe["K"], pe["M"])
	}
	if g := by["G0009T"]; !g.Suppressed || g.N != 0 || g.Ratio != 0 {
		t.Errorf("G0009 = %+v, want suppressed without values", g)
	}
	if by["0180T"].N != 0 || !by["0180T"].Suppressed {
		t.Errorf("0180 (n 6 < 7) = %+v, want suppressed", by["0180T"])
	}
	if len(got) != 3*5 { // 0127, 0180, 0001, 0000, G0009 × T, K, M
		t.Errorf("%d cells, want 15", len(got))
	}
}

// TestExactTerms: a person's terms of E and Σp(1 − p) in whole 10⁻¹⁸,
// rounded half away from zero.
func TestExactTerms(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		e, v int64
	}{
		{0.5, 500_000_000_000_000_000, 250_000_000_000_000_000},
		{0.25, 250_000_000_000_000_000, 187_500_000_000_000_000},
		{0.125, 125_000_000_000_000_000, 109_375_000_000_000_000},
		{1, 1_000_000_000_000_000_000, 0},
		{0, 0, 0},
		{1e-19, 0, 0},
		{3e-18, 3, 3},
		{7e-18, 7, 7},
	} {
		if e, v := exactTerms(tc.p); e != tc.e || v != tc.v {
			t.Errorf("exactTerms(%g) = %d, %d; want %d, %d", tc.p, e, v, tc.e, tc.v)
		}
	}
}

func rawE(t *testing.T, d *Data, area, gender string) float64 {
	t.Helper()
	var e float64
	if err := d.conn.QueryRowContext(context.Background(), `SELECT e FROM effekt_expected WHERE area = ? AND period = 2020 AND gender = ?`, area, gender).Scan(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExpectedSameOutcome: an outcome the same for everyone has no model;
// fitCells reports false instead of failing the compute.
func TestExpectedSameOutcome(t *testing.T) {
	d := caseFixture(t, "EF402", nil, [][3]string{{"0127", "K", "0"}, {"0127", "M", "0"}, {"0180", "K", "0"}})
	if fitted, err := fitCells(context.Background(), d.conn, map[string]bool{"EF402": true}); err != nil || len(fitted) > 0 {
		t.Errorf("fitCells = %v, %v; want none, nil", fitted, err)
	}
}

// TestExpectedCaseMix: in a sample where EF401's outcome depends on the
// person only and municipalities differ in education, observed shares
// differ between municipalities but O/E is 1 within its interval.
func TestExpectedCaseMix(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: a sample written and ingested")
	}
	ctx := context.Background()
	_, d := simulate(t, sample.Options{Seed: 11, CaseMix: &sample.CaseMix{}})
	ind, _ := models.Lookup("EF401")
	vals, err := d.ExpectedValues(ctx, ind, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	var cells, covered int
	var obs, oe, vv [2]float64
	var n [2]int
	for _, v := range vals {
		if v.Suppressed || v.Gender != "T" || strings.HasPrefix(v.Area, "00") {
			continue
		}
		cells++
		if v.RatioLow <= 1 && 1 <= v.RatioHigh {
			covered++
		} else {
			t.Logf("%s %d: O/E %.2f [%.2f, %.2f], n %d", v.Area, v.Period, v.Ratio, v.RatioLow, v.RatioHigh, v.N)
		}
		even := int(v.Area[3]-'0') % 2
		obs[even] += v.O
		oe[even] += v.E
		vv[even] += v.v
		n[even] += v.N
	}
	t.Logf("O/E interval covers 1 in %d of %d municipality-years (n ≥ 10); observed %.1f %% (even codes, 55 %% post-secondary) vs %.1f %% (odd, 10 %%); O/E %.3f vs %.3f",
		covered, cells, 100*obs[0]/float64(n[0]), 100*obs[1]/float64(n[1]), obs[0]/oe[0], obs[1]/oe[1])
	if cells < 30 || covered*10 < cells*9 {
		t.Errorf("O/E covers 1 in %d of %d cells, want ≥ 90 %% of at least 30", covered, cells)
	}
	if diff := 100 * (obs[0]/float64(n[0]) - obs[1]/float64(n[1])); diff < 10 {
		t.Errorf("observed shares differ by %.1f pp between the case mixes, want ≥ 10 (else the test shows nothing)", diff)
	}
	for i := range oe {
		if half := 2.576 * math.Sqrt(vv[i]) / oe[i]; !near(obs[i]/oe[i], 1, half) {
			t.Errorf("pooled O/E of the %d-parity municipalities = %.3f, want 1 ± %.3f (99 %%)", i, obs[i]/oe[i], half)
		}
	}
}

// TestCaseRowsOldTables: cohort tables another version of effekt built
// (transform_state names other models: older tables may lack case_cov or
// age_band, or code the covariates otherwise) or tables without a
// recorded state give ErrNotComputed, which says to compute again (that
// rebuilds them), from both readers of the cohort tables; tables these
// models built are read.
func TestCaseRowsOldTables(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, change string
		stale        bool
	}{
		{"built by these models", ``, false},
		{"other models", `UPDATE transform_state SET models = 'an older effekt'`, true},
		{"other models without case_cov", `UPDATE transform_state SET models = 'an older effekt'; ALTER TABLE so_cohort DROP COLUMN case_cov`, true},
		{"other models without age_band", `UPDATE transform_state SET models = 'an older effekt'; ALTER TABLE so_cohort DROP COLUMN age_band`, true},
		{"other models without age_band_ended", `UPDATE transform_state SET models = 'an older effekt'; ALTER TABLE participation_cohort DROP COLUMN age_band_ended`, true},
		{"no recorded state", `DELETE FROM transform_state`, true},
		{"two recorded states", `INSERT INTO transform_state SELECT * FROM transform_state`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := fx.OpenDB(t)
			if err := transform.Run(ctx, db); err != nil {
				t.Fatal(err)
			}
			if tc.change != "" {
				if _, err := db.ExecContext(ctx, tc.change); err != nil {
					t.Fatal(err)
				}
			}
			d, err := Open(ctx, db, day("2024-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, kpi := range []string{"EF101", "EF401"} {
				ind, ok := models.Lookup(kpi)
				if !ok {
					t.Fatalf("no %s", kpi)
				}
				_, errE := d.ExpectedValues(ctx, ind, nil, 5)
				_, errO := d.Obs(ctx, ind)
				for what, err := range map[string]error{"expected values": errE, "cohort rows": errO} {
					if tc.stale && !errors.Is(err, ErrNotComputed) {
						t.Errorf("%s %s: %v, want ErrNotComputed", kpi, what, err)
					}
					if !tc.stale && err != nil {
						t.Errorf("%s %s: %v, want them read", kpi, what, err)
					}
				}
			}
		})
	}
}

func TestParsePatterns(t *testing.T) {
	// case_cov 78 is gymnasial, Asien, 0–2 months (1 + 2·32 + 3·4 + 1);
	// 110 eftergymnasial, 46 förgymnasial, 1 settled with all three
	// missing, 0 no settlement
	tests := []struct {
		name, text string
		n          int
		want       []pattern
		err        bool
	}{
		{name: "two", text: "2020,2,78,3.0,12.0,K;2021,0,0,0.5,1e+21,M", n: 2, want: []pattern{
			{period: 2020, gender: "K", a: 2, cov: 78, levels: [6]string{"K", "25–34", "gymnasial", "Asien", "0–2", "2020"}, succ: 3, total: 12},
			{period: 2021, gender: "M", a: 0, cov: 0, levels: [6]string{"M", "saknas", "saknas", "saknas", "saknas", "2021"}, succ: 0.5, total: 1e21},
		}},
		{name: "ordered by levels' names, no settlement first", text: "2020,1,110,1,2,K;2020,1,1,1,2,K;2020,1,78,1,2,K;2020,1,46,1,2,K;2020,1,0,1,2,K;2019,4,78,1,2,M;2020,0,78,1,2,K", n: 7, want: []pattern{
			{period: 2019, gender: "M", a: 4, cov: 78, levels: [6]string{"M", "45+", "gymnasial", "Asien", "0–2", "2019"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 0, cov: 78, levels: [6]string{"K", "saknas", "gymnasial", "Asien", "0–2", "2020"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 1, cov: 0, levels: [6]string{"K", "−24", "saknas", "saknas", "saknas", "2020"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 1, cov: 110, levels: [6]string{"K", "−24", "eftergymnasial", "Asien", "0–2", "2020"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 1, cov: 46, levels: [6]string{"K", "−24", "förgymnasial", "Asien", "0–2", "2020"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 1, cov: 78, levels: [6]string{"K", "−24", "gymnasial", "Asien", "0–2", "2020"}, succ: 1, total: 2},
			{period: 2020, gender: "K", a: 1, cov: 1, levels: [6]string{"K", "−24", "saknas", "saknas", "saknas", "2020"}, succ: 1, total: 2},
		}},
		{name: "gender with a comma", text: "2020,2,78,3.0,12.0,K,M", n: 1, err: true},
		{name: "no gender (NULL left out)", text: "2020,2,78,3.0,12.0", n: 1, err: true},
		{name: "count differs", text: "2020,2,78,3.0,12.0,K", n: 2, err: true},
		{name: "age band out of range", text: "2020,5,78,3.0,12.0,K", n: 1, err: true},
		{name: "not a case_cov number", text: "2020,2,161,3.0,12.0,K", n: 1, err: true},
		{name: "not a number", text: "2020,2,78,x,12.0,K", n: 1, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePatterns(tc.text, tc.n)
			if tc.err {
				if err == nil {
					t.Errorf("parsePatterns(%q) = %v, want an error", tc.text, got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parsePatterns(%q) = %+v, %v; want %+v", tc.text, got, err, tc.want)
			}
		})
	}
}

package disclosure

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/effekt/effekt/geo"
)

func cell(kpi, area string, period int, gender string, n int64) Cell {
	return Cell{Key{kpi, area, period, gender}, n}
}

func suppressedKeys(cells []Cell, sup []bool) []string {
	var out []string
	for i, s := range sup {
		if s {
			out = append(out, cells[i].Key.String())
		}
	}
	slices.Sort(out)
	return out
}

// TestSuppress pins small hand-worked cases.
func TestSuppress(t *testing.T) {
	groups := map[string][]string{"G0001": {"0127", "0136"}}
	tests := []struct {
		name      string
		cells     []Cell
		want      []string
		primary   int
		secondary int
	}{
		{
			// The Vaxholm case: K = 3 suppressed, M = 6 and T = 9
			// published gave K = 9 − 6 away. M is the smaller of M and T.
			name:  "T = K + M",
			cells: []Cell{cell("EF101", "0187", 2025, "T", 9), cell("EF101", "0187", 2025, "K", 3), cell("EF101", "0187", 2025, "M", 6)},
			want:  []string{"EF101 0187 2025 K", "EF101 0187 2025 M"}, primary: 1, secondary: 1,
		},
		{
			// A missing K is a published zero: T = M, so M suppressed means T too.
			name:  "missing gender is a known zero",
			cells: []Cell{cell("EF101", "0187", 2025, "T", 3), cell("EF101", "0187", 2025, "M", 3)},
			want:  []string{"EF101 0187 2025 M", "EF101 0187 2025 T"}, primary: 2, secondary: 0,
		},
		{
			name: "county = Σ municipalities, smallest other term",
			cells: []Cell{
				cell("EF303", "0001", 2024, "T", 40), cell("EF303", "0187", 2024, "T", 3),
				cell("EF303", "0188", 2024, "T", 17), cell("EF303", "0180", 2024, "T", 20),
			},
			want: []string{"EF303 0187 2024 T", "EF303 0188 2024 T"}, primary: 1, secondary: 1,
		},
		{
			name: "tie on size goes to the first key",
			cells: []Cell{
				cell("EF303", "0001", 2024, "T", 43), cell("EF303", "0187", 2024, "T", 3),
				cell("EF303", "0188", 2024, "T", 20), cell("EF303", "0180", 2024, "T", 20),
			},
			want: []string{"EF303 0180 2024 T", "EF303 0187 2024 T"}, primary: 1, secondary: 1,
		},
		{
			// Group = Σ members: 0136 (4) primary, 0127 the only other member
			// and smaller than the group total.
			name: "group",
			cells: []Cell{
				cell("EF303", "G0001", 2024, "T", 30), cell("EF303", "0127", 2024, "T", 26), cell("EF303", "0136", 2024, "T", 4),
			},
			want: []string{"EF303 0127 2024 T", "EF303 0136 2024 T"}, primary: 1, secondary: 1,
		},
		{
			name:  "nothing below min_n, nothing suppressed",
			cells: []Cell{cell("EF303", "0001", 2024, "T", 40), cell("EF303", "0187", 2024, "T", 20), cell("EF303", "0188", 2024, "T", 20)},
			want:  nil,
		},
		{
			// Two suppressed terms already: no complementary cell needed.
			name: "two primaries hide each other",
			cells: []Cell{
				cell("EF303", "0001", 2024, "T", 46), cell("EF303", "0187", 2024, "T", 3),
				cell("EF303", "0188", 2024, "T", 3), cell("EF303", "0180", 2024, "T", 40),
			},
			want: []string{"EF303 0187 2024 T", "EF303 0188 2024 T"}, primary: 2, secondary: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sup, p, s := Suppress(tc.cells, 5, Areas{Groups: groups})
			if got := suppressedKeys(tc.cells, sup); !slices.Equal(got, tc.want) {
				t.Errorf("suppressed %q, want %q", got, tc.want)
			}
			if p != tc.primary || s != tc.secondary {
				t.Errorf("primary %d complementary %d, want %d %d", p, s, tc.primary, tc.secondary)
			}
			if leaks := Audit(tc.cells, sup, Areas{Groups: groups}); len(leaks) != 0 {
				t.Errorf("audit after Suppress: %v", leaks)
			}
		})
	}
}

// TestAuditFindsLeak feeds Audit the leaking table.
func TestAuditFindsLeak(t *testing.T) {
	cells := []Cell{
		cell("EF101", "0187", 2025, "T", 9), cell("EF101", "0187", 2025, "K", 3), cell("EF101", "0187", 2025, "M", 6),
		cell("EF101", "0001", 2025, "T", 50), cell("EF101", "0180", 2025, "T", 41),
	}
	sup := []bool{false, true, false, false, false}
	leaks := Audit(cells, sup, Areas{})
	if len(leaks) != 1 {
		t.Fatalf("got %d leaks %v, want 1", len(leaks), leaks)
	}
	l := leaks[0]
	if l.Cell.String() != "EF101 0187 2025 K" || l.Relation.Rule != "T = K + M" || l.Relation.Total.String() != "EF101 0187 2025 T" {
		t.Errorf("leak %+v", l)
	}
	// Suppressing the county's municipality 0187 T alone leaks by county − 0180.
	sup = []bool{true, false, false, false, false}
	leaks = Audit(cells, sup, Areas{})
	var rules []string
	for _, l := range leaks {
		rules = append(rules, l.Relation.Rule)
	}
	slices.Sort(rules)
	if want := []string{"T = K + M", "county = Σ municipalities"}; !slices.Equal(rules, want) {
		t.Errorf("rules %q, want %q", rules, want)
	}
}

// TestSuppressRandom builds consistent random tables (counties, Riket,
// groups and genders summing exactly) and checks that after Suppress no
// relation leaks, that the result does not depend on input order, and that
// every primary cell is suppressed.
func TestSuppressRandom(t *testing.T) {
	groups := map[string][]string{"G0001": {"0127", "0136", "0126", "0140", "0192", "0128", "0181", "0138"}, "G0002": {"0127", "0136", "0126", "0140", "0192", "0128", "0181", "0138", "0182", "0120"}}
	var munis []string
	for _, a := range geo.Municipalities() {
		if strings.HasPrefix(a.ID, "01") || strings.HasPrefix(a.ID, "03") || strings.HasPrefix(a.ID, "25") {
			munis = append(munis, a.ID)
		}
	}
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		sums := map[Key]int64{}
		addTo := func(k Key, n int64) { sums[k] += n }
		for _, kpi := range []string{"EF101", "EF303"} {
			for _, m := range munis {
				if r.IntN(4) == 0 {
					continue // no cohort: no row
				}
				k, mm := int64(r.IntN(12)), int64(r.IntN(12))
				if k+mm == 0 {
					continue
				}
				for _, g := range []struct {
					g string
					n int64
				}{{"T", k + mm}, {"K", k}, {"M", mm}} {
					if g.n == 0 {
						continue
					}
					areas := []string{m, geo.County(m), geo.RiketID}
					for id, ms := range groups {
						if slices.Contains(ms, m) {
							areas = append(areas, id)
						}
					}
					for _, a := range areas {
						addTo(Key{kpi, a, 2024, g.g}, g.n)
					}
				}
			}
		}
		var cells []Cell
		for k, n := range sums {
			cells = append(cells, Cell{k, n})
		}
		slices.SortFunc(cells, func(a, b Cell) int { return a.Key.less(b.Key) })
		sup, p, _ := Suppress(cells, 5, Areas{Groups: groups})
		if leaks := Audit(cells, sup, Areas{Groups: groups}); len(leaks) != 0 {
			t.Fatalf("seed %d: %d leaks, first %+v", seed, len(leaks), leaks[0])
		}
		np := 0
		for i, c := range cells {
			if c.N < 5 {
				np++
				if !sup[i] {
					t.Fatalf("seed %d: primary cell %v published", seed, c.Key)
				}
			}
		}
		if np != p {
			t.Errorf("seed %d: primary %d, want %d", seed, p, np)
		}
		want := suppressedKeys(cells, sup)
		shuffled := slices.Clone(cells)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		sup2, _, _ := Suppress(shuffled, 5, Areas{Groups: groups})
		if got := suppressedKeys(shuffled, sup2); !slices.Equal(got, want) {
			t.Fatalf("seed %d: order changes the result", seed)
		}
	}
}

package sample

import (
	"strconv"
	"strings"

	"github.com/effekt/effekt/geo"
)

// Population in thousands (rounded, 2024) of the municipalities that weigh
// most in where newly arrived persons are settled. The other municipalities
// get a small pseudo-random weight derived from their code.
var population = map[string]int{
	// Stockholm county, all 26.
	"0114": 48, "0115": 34, "0117": 47, "0120": 46, "0123": 84, "0125": 29,
	"0126": 115, "0127": 98, "0128": 17, "0136": 96, "0138": 48, "0139": 31,
	"0140": 11, "0160": 75, "0162": 33, "0163": 76, "0180": 988, "0181": 101,
	"0182": 109, "0183": 54, "0184": 85, "0186": 48, "0187": 12, "0188": 64,
	"0191": 50, "0192": 29,
	// The larger towns elsewhere.
	"1480": 607, "1280": 362, "0380": 246, "0580": 167, "1880": 160, "1980": 158,
	"1283": 152, "0581": 146, "0680": 146, "2480": 132, "1281": 128, "1490": 115,
	"0484": 107, "1380": 106, "2180": 104, "2281": 99, "1780": 96, "0780": 97,
	"1290": 87, "2580": 80, "0880": 72, "1481": 70, "1080": 67, "2380": 65,
	"0980": 61, "1383": 68, "1488": 60, "1485": 57, "0480": 58, "2081": 53,
	"2080": 59, "1489": 42, "1282": 47, "0583": 43, "1292": 44, "1285": 35,
	"1487": 40, "1883": 30, "0360": 21, "0382": 22, "0682": 31, "0683": 35,
}

// sodertorn are the municipalities of Södertörn, where the reception of
// newly arrived persons is large relative to the population.
var sodertorn = map[string]bool{
	"0127": true, "0136": true, "0126": true, "0140": true, "0192": true,
	"0128": true, "0181": true, "0138": true,
}

// stad are municipalities that call themselves "stad" in their own exports.
var stad = map[string]bool{
	"0180": true, "0184": true, "0183": true, "0186": true, "0187": true,
	"1480": true, "1280": true, "1980": true, "1282": true, "1488": true,
	"1481": true, "1490": true, "1283": true, "2583": true,
}

// muniWeight is how many of the settled persons go to a municipality,
// relative to the others.
func muniWeight(code string) int {
	w, ok := population[code]
	if !ok {
		n, _ := strconv.Atoi(code)
		w = 4 + (n*7919)%17 // 4..20 thousand, stable per code
	}
	switch {
	case sodertorn[code]:
		w = w * 5 / 2
	case code == "0180":
		w /= 2 // the capital settles few relative to its size
	}
	return w
}

// muniTable picks municipalities by weight.
type muniTable struct {
	codes  []string
	cum    []int // cumulative weights
	total  int
	county map[string][]string // county prefix -> member codes
}

// newMuniTable builds the table over the municipalities whose code starts
// with one of prefixes (all when prefixes is empty).
func newMuniTable(prefixes ...string) *muniTable {
	t := &muniTable{county: map[string][]string{}}
	for _, a := range geo.Municipalities() {
		if len(prefixes) > 0 && !hasAnyPrefix(a.ID, prefixes) {
			continue
		}
		t.total += muniWeight(a.ID)
		t.codes = append(t.codes, a.ID)
		t.cum = append(t.cum, t.total)
		t.county[a.ID[:2]] = append(t.county[a.ID[:2]], a.ID)
	}
	return t
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// pick returns the municipality at weight position x in [0, total).
func (t *muniTable) pick(x int) string {
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if t.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return t.codes[lo]
}

// neighbour returns another municipality of the same county (Södertörn
// prefers Södertörn), chosen by x; code itself when it is alone.
func (t *muniTable) neighbour(code string, x int) string {
	cands := t.county[code[:2]]
	if sodertorn[code] {
		cands = []string{"0127", "0136", "0126", "0140", "0192", "0128", "0181", "0138", "0182", "0120"}
	}
	for i := 0; i < len(cands); i++ {
		c := cands[(x+i)%len(cands)]
		if c != code {
			return c
		}
	}
	return code
}

// muniForm is how a source writes a municipality.
type muniForm uint8

const (
	muniCode        muniForm = iota // 0127
	muniCodeNoZero                  // 127 (Excel ate the zero)
	muniName                        // Botkyrka
	muniUpperKommun                 // BOTKYRKA KOMMUN
	muniNameKommun                  // Botkyrka kommun, Stockholms stad
)

// muniText writes code in the given form.
func muniText(code string, f muniForm) string {
	switch f {
	case muniCodeNoZero:
		return strings.TrimLeft(code, "0")
	case muniName:
		return geo.Name(code)
	case muniUpperKommun:
		return strings.ToUpper(geo.Name(code)) + " KOMMUN"
	case muniNameKommun:
		name := geo.Name(code)
		if stad[code] {
			if strings.HasSuffix(name, "s") {
				return name + " stad"
			}
			return name + "s stad"
		}
		return name + " kommun"
	}
	return code
}

// unknownMunis are municipalities no register knows.
var unknownMunis = []string{"Atlantis", "9999", "Ankeborg", "0100", "Gotham stad"}

// Package geo holds the municipality dimension: Sweden's 290 municipalities,
// 21 regions and Riket as Kolada lists them, and the resolution of the many
// ways source systems write a municipality.
package geo

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

//go:embed kolada_municipalities.csv
var koladaCSV string

// Type of an area in Kolada: K a municipality, L a region or Riket.
const (
	TypeMunicipality = "K"
	TypeRegion       = "L"
)

// RiketID is Kolada's id for the whole country.
const RiketID = "0000"

// Area is one row of the dimension.
type Area struct {
	ID    string // four digits: "0127" municipality, "0001" region, "0000" Riket
	Title string // Kolada title: "Botkyrka", "Region Stockholm", "Riket"
	Type  string // TypeMunicipality or TypeRegion
}

// County returns the Kolada region id ("00LL") a municipality code belongs to.
func County(code string) string {
	if len(code) != 4 {
		return ""
	}
	return "00" + code[:2]
}

var (
	areas  []Area
	byID   = map[string]Area{}
	byName = map[string]string{} // lower-case title -> code
	byFold = map[string]string{} // diacritic-folded title -> code ("" when ambiguous)
)

func init() {
	recs, err := csv.NewReader(strings.NewReader(koladaCSV)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("geo: embedded municipality list: %v", err))
	}
	for _, r := range recs[1:] {
		a := Area{ID: r[0], Title: r[1], Type: r[2]}
		areas = append(areas, a)
		byID[a.ID] = a
		if a.Type != TypeMunicipality {
			continue
		}
		byName[strings.ToLower(a.Title)] = a.ID
		f := fold(strings.ToLower(a.Title))
		if _, dup := byFold[f]; dup {
			byFold[f] = ""
		} else {
			byFold[f] = a.ID
		}
	}
	sort.Slice(areas, func(i, j int) bool { return areas[i].ID < areas[j].ID })
}

// All returns every area (municipalities, regions, Riket) ordered by id.
func All() []Area { return append([]Area(nil), areas...) }

// Municipalities returns the 290 municipalities ordered by code.
func Municipalities() []Area {
	var out []Area
	for _, a := range areas {
		if a.Type == TypeMunicipality {
			out = append(out, a)
		}
	}
	return out
}

// Lookup returns the area with the given Kolada id.
func Lookup(id string) (Area, bool) {
	a, ok := byID[id]
	return a, ok
}

// Name returns the title of an area id, or the id itself when unknown.
func Name(id string) string {
	if a, ok := byID[id]; ok {
		return a.Title
	}
	return id
}

func fold(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "ü", "u").Replace(s)
}

// Resolve turns a municipality as a source wrote it into SCB's four-digit
// kommunkod: "0127", "127" (Excel ate the zero), "Botkyrka",
// "BOTKYRKA KOMMUN", "Stockholms stad". It reports false for anything that
// is not one of the 290 municipalities.
func Resolve(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if isDigits(s) {
		if len(s) > 4 {
			return "", false
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return "", false
		}
		code := fmt.Sprintf("%04d", n)
		if a, ok := byID[code]; ok && a.Type == TypeMunicipality {
			return code, true
		}
		return "", false
	}
	name := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, suffix := range []string{" kommun", " stad"} {
		if strings.HasSuffix(name, suffix) {
			name = strings.TrimSuffix(name, suffix)
			break
		}
	}
	cands := []string{name}
	if strings.HasSuffix(name, "s") { // genitive: "Stockholms stad", "Göteborgs stad"
		cands = append(cands, strings.TrimSuffix(name, "s"))
	}
	for _, c := range cands {
		if code, ok := byName[c]; ok {
			return code, true
		}
	}
	for _, c := range cands {
		if code := byFold[fold(c)]; code != "" {
			return code, true
		}
	}
	return "", false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

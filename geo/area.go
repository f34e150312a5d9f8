package geo

import (
	"strings"

	"github.com/effekt/effekt/internal/suggest"
)

// counties are the län names (SCB) of Kolada's regions, by region id.
var counties = map[string]string{
	"0001": "Stockholms län", "0003": "Uppsala län", "0004": "Södermanlands län",
	"0005": "Östergötlands län", "0006": "Jönköpings län", "0007": "Kronobergs län",
	"0008": "Kalmar län", "0009": "Gotlands län", "0010": "Blekinge län",
	"0012": "Skåne län", "0013": "Hallands län", "0014": "Västra Götalands län",
	"0017": "Värmlands län", "0018": "Örebro län", "0019": "Västmanlands län",
	"0020": "Dalarnas län", "0021": "Gävleborgs län", "0022": "Västernorrlands län",
	"0023": "Jämtlands län", "0024": "Västerbottens län", "0025": "Norrbottens län",
}

// CountyName returns the län name of a region id ("0001" → "Stockholms
// län"), or "" when id is not a region.
func CountyName(id string) string { return counties[id] }

// ResolveArea turns an area as a person writes it into its Kolada id: a
// municipality as Resolve accepts it, a county as its Kolada title ("Region
// Stockholm"), its län name ("Stockholms län", "stockholms lan"), its Kolada
// id ("0001") or its SCB län code ("01", "1"), and Riket ("Riket",
// "Sverige", "0000"). It reports false for anything else.
func ResolveArea(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", false
	}
	if code, ok := Resolve(s); ok {
		return code, true
	}
	if isDigits(s) {
		switch {
		case len(s) <= 2:
			s = strings.Repeat("0", 4-len(s)) + s
		case len(s) != 4:
			return "", false
		}
		if a, ok := byID[s]; ok && a.Type == TypeRegion {
			return a.ID, true
		}
		return "", false
	}
	key := fold(strings.ToLower(s))
	if key == "sverige" || key == "hela landet" {
		return RiketID, true
	}
	for _, a := range areas {
		if a.Type != TypeRegion {
			continue
		}
		if fold(strings.ToLower(a.Title)) == key {
			return a.ID, true
		}
		if n := counties[a.ID]; n != "" && (fold(strings.ToLower(n)) == key || fold(strings.ToLower(strings.TrimSuffix(n, " län"))) == strings.TrimSuffix(key, " lan")) {
			return a.ID, true
		}
	}
	return "", false
}

// AreaNames are the names ResolveArea knows, for completion and
// suggestions: municipality titles, Kolada region titles, län names, Riket.
func AreaNames() []string {
	var out []string
	for _, a := range areas {
		out = append(out, a.Title)
		if n := counties[a.ID]; n != "" {
			out = append(out, n)
		}
	}
	return out
}

// SuggestArea returns up to three area names close to s ("Hudinge" →
// Huddinge), for "did you mean".
func SuggestArea(s string) []string {
	return suggest.Closest(s, AreaNames(), 2)
}

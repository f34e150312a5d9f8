package parse

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/effekt/effekt/geo"
	"golang.org/x/text/unicode/norm"
)

const municipalityForms = "expected a kommunkod such as 0127 or a municipality name such as Botkyrka"

// municipalityAliases are official names that geo.Resolve does not derive
// from Kolada's titles (lower case, without "kommun").
var municipalityAliases = map[string]string{
	"falu":           "2080", // Falu kommun is Falun
	"region gotland": "0980", // Gotland's municipality calls itself Region Gotland
}

// Municipality resolves a municipality as a source wrote it to SCB's
// four-digit kommunkod: "0127", "127" (Excel dropped the zero), "127.0",
// "Botkyrka", "BOTKYRKA KOMMUN", "Stockholms stad", "Göteborgs stad". Names
// in decomposed Unicode (as macOS writes them), with '-' for ' ' or the
// reverse ("Upplands-Väsby"), and the official names Falu kommun and Region
// Gotland also resolve.
func Municipality(s string) (string, error) {
	t := trimSpace(s)
	if code, ok := geo.Resolve(t); ok {
		return code, nil
	}
	if t == "" {
		return "", fail(ReasonMunicipality, "municipality is blank ("+municipalityForms+")")
	}
	if code, ok := resolveVariants(t); ok {
		return code, nil
	}
	return "", fail(ReasonMunicipality, "municipality "+echo(t)+
		" is not one of Sweden's 290 municipalities ("+municipalityForms+")")
}

func resolveVariants(t string) (string, bool) {
	if w, ok := strings.CutSuffix(t, ".0"); ok && w != "" && countDigits(w) == len(w) {
		return geo.Resolve(w)
	}
	n := norm.NFC.String(t)
	if n != t {
		if code, ok := geo.Resolve(n); ok {
			return code, true
		}
	}
	name := strings.ToLower(strings.Join(strings.Fields(n), " "))
	name = strings.TrimSuffix(strings.TrimSuffix(name, " kommun"), " stad")
	if code, ok := municipalityAliases[name]; ok {
		return code, true
	}
	for _, v := range []string{strings.ReplaceAll(name, "-", " "), strings.ReplaceAll(name, " ", "-")} {
		if v != name {
			if code, ok := geo.Resolve(v); ok {
				return code, true
			}
		}
	}
	return "", false
}

const hoursForms = "expected a number of hours such as 1,5 or 2.25, more than 0 and at most 12"

// MaxHours is the most hours one session may have.
const MaxHours = 12

// Hours parses the hours of one session: a decimal number with a point or a
// comma ("1,5", "2.25", " 3 "), more than 0 and at most 12.
func Hours(s string) (float64, error) {
	t := trimSpace(s)
	if t == "" {
		return 0, fail(ReasonHours, "hours are blank ("+hoursForms+")")
	}
	sep := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isDigit(c):
		case (c == ',' || c == '.') && sep < 0:
			sep = i
		default:
			return 0, fail(ReasonHours, echo(t)+" is not a number of hours ("+hoursForms+")")
		}
	}
	if len(t) == 1 && sep == 0 || len(t) > 20 {
		return 0, fail(ReasonHours, echo(t)+" is not a number of hours ("+hoursForms+")")
	}
	num := t
	if sep >= 0 && t[sep] == ',' {
		num = t[:sep] + "." + t[sep+1:]
	}
	h, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fail(ReasonHours, echo(t)+" is not a number of hours ("+hoursForms+")")
	}
	if h <= 0 || h > MaxHours {
		return 0, fail(ReasonHours, "hours "+echo(t)+" are out of range ("+hoursForms+")")
	}
	return h, nil
}

// HeaderKey normalises a column header for alias matching: byte order
// mark, white space, '_' and '-' removed, lower case, and every diacritic
// dropped (å/ä→a, ö→o, é→e, ü→u; ø→o), so "Anmälningsdatum",
// "anmalnings_datum" and "Anmälnings datum" all give "anmalningsdatum".
// Keys of aliases go through the same function. Invalid UTF-8 becomes U+FFFD.
func HeaderKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case r == '\uFEFF' || r == '\u200B' || r == '_' || r == '-' ||
			unicode.IsSpace(r) || unicode.Is(unicode.Mn, r):
			continue
		case r == 'ø' || r == 'Ø':
			r = 'o'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

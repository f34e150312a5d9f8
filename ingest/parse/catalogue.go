package parse

import (
	"strconv"
	"strings"
	"unicode"
)

// Values of the intervention catalogue's optional columns (issue 12). They
// never reject a row: the loader stores NULL for what does not parse (the
// column is declared Lenient), so these functions only report failure.

// ProviderAF is the provider code of Arbetsförmedlingen.
const ProviderAF = "AF"

// Provider parses an intervention's provider: a municipality (as
// Municipality) or Arbetsförmedlingen ("AF", "Arbetsförmedlingen", "AF
// Södertörn" is not: only the agency itself) → "AF".
func Provider(s string) (string, error) {
	switch codeKey(s) {
	case "af", "arbetsförmedlingen", "arbetsformedlingen", "arbetsförmedling":
		return ProviderAF, nil
	}
	return Municipality(s)
}

// Languages normalises a list of languages ("Arabiska, dari och svenska",
// "ar/so", "Tigrinja; Engelska") to ISO 639 codes joined by commas, in the
// order given, without repeats: "ar,prs,sv".
func Languages(s string) (string, error) {
	f := strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(s), " och ", ","), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '&' || r == '+' || r == '|' || r == '\n'
	})
	var out []string
	for _, x := range f {
		l, err := Language(x)
		if err != nil {
			continue
		}
		if !contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return "", fail(ReasonLanguage, "languages "+echo(s)+" names no language")
	}
	return strings.Join(out, ","), nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// YesNo parses ja/nej (and the forms Present accepts) to a boolean.
func YesNo(s string) (bool, error) {
	switch codeKey(s) {
	case "ja", "j", "1", "x", "true", "sant", "yes", "y":
		return true, nil
	case "nej", "n", "0", "false", "falskt", "no":
		return false, nil
	}
	return false, fail(ReasonText, echo(s)+" is not ja or nej")
}

// Amount parses a price in kronor: "12 000 kr", "12000:-", "12 000,50 SEK",
// "4.500" (a point before three digits groups thousands), "gratis" → 0.
func Amount(s string) (float64, error) {
	k := codeKey(s)
	switch k {
	case "gratis", "kostnadsfri", "kostnadsfritt", "0", "0 kr", "ingen kostnad":
		return 0, nil
	}
	for _, suf := range []string{"kronor", "kr.", "kr", "sek", ":-", "/deltagare", "per deltagare"} {
		k = strings.TrimSpace(strings.TrimSuffix(k, suf))
	}
	k = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, k)
	if i := strings.LastIndexByte(k, '.'); i >= 0 && len(k)-i-1 == 3 && !strings.Contains(k, ",") {
		k = strings.ReplaceAll(k, ".", "") // 4.500: thousands
	}
	k = strings.Replace(k, ",", ".", 1)
	v, err := strconv.ParseFloat(k, 64)
	if err != nil || v < 0 || v > 10_000_000 {
		return 0, fail(ReasonText, "price "+echo(s)+" is not an amount in kronor")
	}
	return v, nil
}

// Count parses a number of places: "12", "12 platser", "ca 15", "15 st".
func Count(s string) (int64, error) {
	k := codeKey(s)
	for _, p := range []string{"ca.", "ca", "cirka", "max"} {
		k = strings.TrimSpace(strings.TrimPrefix(k, p))
	}
	for _, suf := range []string{"platser", "plats", "st.", "st", "deltagare"} {
		k = strings.TrimSpace(strings.TrimSuffix(k, suf))
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(k, " ", ""), 10, 64)
	if err != nil || n < 0 || n > 1_000_000 {
		return 0, fail(ReasonText, "places "+echo(s)+" is not a whole number")
	}
	return n, nil
}

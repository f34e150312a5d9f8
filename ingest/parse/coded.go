package parse

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// codeKey is the matching form of a coded value: trimmed, lower case,
// inner white space collapsed to one space, NFC.
func codeKey(s string) string {
	t := trimSpace(s)
	simple := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= 0x80 || c <= ' ' || ('A' <= c && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return t
	}
	return strings.Join(strings.Fields(strings.ToLower(nfc(t))), " ")
}

// languages maps language names (Swedish, and the English names sources
// also use) to ISO 639 codes.
var languages = map[string]string{
	"arabiska": "ar", "arabic": "ar",
	"somaliska": "so", "somali": "so",
	"tigrinja": "ti", "tigrinska": "ti", "tigrinya": "ti",
	"sorani": "ckb", "kurdiska sorani": "ckb", "kurdiska (sorani)": "ckb", "kurdish sorani": "ckb",
	"dari":     "prs",
	"persiska": "fa", "farsi": "fa", "persian": "fa",
	"ryska": "ru", "russian": "ru",
	"franska": "fr", "french": "fr",
	"spanska": "es", "spanish": "es",
	"amhariska": "am", "amharinja": "am", "amharic": "am",
	"engelska": "en", "english": "en",
	"svenska": "sv", "svenska med tolk": "sv", "svenska (med tolk)": "sv", "swedish": "sv",
}

// Language normalises a teaching language to its ISO 639 code: "Arabiska"
// → "ar", "svenska med tolk" → "sv", "Sorani" → "ckb", "Dari" → "prs". A
// code (any case) stays a lower-case code; any other language keeps its
// lower-cased name ("Kurmanji" → "kurmanji"). Blank is an error: the
// language is required.
func Language(s string) (string, error) {
	k := codeKey(s)
	if k == "" {
		return "", fail(ReasonLanguage, "language is blank (expected a language name such as arabiska or an ISO 639 code such as ar)")
	}
	if code, ok := languages[k]; ok {
		return code, nil
	}
	return k, nil
}

// Course parses an SFI course: "A" to "D", also written "SFI B", "kurs C",
// "sfi-kurs d", "B-kurs", "Kurs  B".
func Course(s string) (string, error) {
	k := strings.ReplaceAll(codeKey(s), "-", " ")
	letter := ""
	for _, w := range strings.Fields(k) {
		switch w {
		case "sfi", "kurs", "sfikurs", "course":
			continue
		}
		if letter != "" || len(w) != 1 || w[0] < 'a' || w[0] > 'd' {
			return "", fail(ReasonCourse, "course "+echo(s)+" is not an SFI course (expected A, B, C or D, also written SFI B or kurs B)")
		}
		letter = strings.ToUpper(w)
	}
	if letter == "" {
		return "", fail(ReasonCourse, "course "+echo(s)+" is not an SFI course (expected A, B, C or D, also written SFI B or kurs B)")
	}
	return letter, nil
}

// Grade parses an SFI grade: "A" to "F" in any case, upper-cased; blank
// means not graded yet and gives "".
func Grade(s string) (string, error) {
	k := codeKey(s)
	switch {
	case k == "":
		return "", nil
	case len(k) == 1 && k[0] >= 'a' && k[0] <= 'f':
		return strings.ToUpper(k), nil
	}
	return "", fail(ReasonGrade, "grade "+echo(s)+" is not an SFI grade (expected A to F, or blank when not graded yet)")
}

// PassingGrade reports whether a grade from Grade is a pass (A–E).
func PassingGrade(g string) bool { return len(g) == 1 && g[0] >= 'A' && g[0] <= 'E' }

// Present parses attendance: ja, j, 1, x, true, sant (Swedish Excel's TRUE)
// mean present; nej, n, 0, false, falskt and blank mean absent.
func Present(s string) (bool, error) {
	switch codeKey(s) {
	case "ja", "j", "1", "x", "true", "sant", "yes", "y":
		return true, nil
	case "nej", "n", "0", "false", "falskt", "no", "":
		return false, nil
	}
	return false, fail(ReasonPresent, "present "+echo(s)+" is not a yes or no (expected ja, j, 1, x or true for present; nej, n, 0, false or blank for absent)")
}

// AF outcome codes 90 days after an establishment plan (docs/ARCHITECTURE.md).
const (
	AFWork       = "ARB" // osubventionerat arbete
	AFSubsidised = "SUB" // subventionerat arbete
	AFStudies    = "STU" // studier
	AFSeeking    = "SOK" // arbetssökande
	AFOther      = "OVR" // övrigt
)

var afOutcomes = map[string]string{
	"osubventionerat arbete": AFWork, "arb": AFWork,
	"subventionerat arbete": AFSubsidised, "sub": AFSubsidised,
	"studier": AFStudies, "stu": AFStudies,
	"arbetssökande": AFSeeking, "arbetssokande": AFSeeking, "sok": AFSeeking, "sök": AFSeeking,
	"övrigt": AFOther, "ovrigt": AFOther, "ovr": AFOther, "övr": AFOther,
}

// AFOutcome parses Arbetsförmedlingen's status 90 days after a plan to a
// code: osubventionerat arbete → ARB, subventionerat arbete → SUB, studier
// → STU, arbetssökande → SOK, övrigt → OVR; the codes themselves (SÖK and
// ÖVR too) in any case. Blank is unknown and gives "".
func AFOutcome(s string) (string, error) {
	k := codeKey(s)
	if k == "" {
		return "", nil
	}
	if c, ok := afOutcomes[k]; ok {
		return c, nil
	}
	return "", fail(ReasonOutcome, "outcome "+echo(s)+" is not an Arbetsförmedlingen outcome (expected osubventionerat arbete, subventionerat arbete, studier, arbetssökande, övrigt or ARB, SUB, STU, SOK, OVR)")
}

// ParticipationOutcome parses the outcome of an intervention participation:
// arbete, studier, annat or avbrott (any case); blank (ongoing or unknown)
// gives "".
func ParticipationOutcome(s string) (string, error) {
	switch k := codeKey(s); k {
	case "", "arbete", "studier", "annat", "avbrott":
		return k, nil
	}
	return "", fail(ReasonOutcome, "outcome "+echo(s)+" is not a participation outcome (expected arbete, studier, annat, avbrott or blank)")
}

// Education levels.
const (
	EduPrimary   = "förgymnasial"
	EduSecondary = "gymnasial"
	EduTertiary  = "eftergymnasial"
	EduUnknown   = "okänd"
)

// Education normalises an education level to förgymnasial, gymnasial,
// eftergymnasial or okänd, in any case and with or without diacritics.
// Anything else, blank included, is okänd: the column is descriptive and
// never rejects a row.
func Education(s string) string {
	switch HeaderKey(s) {
	case "forgymnasial":
		return EduPrimary
	case "gymnasial":
		return EduSecondary
	case "eftergymnasial":
		return EduTertiary
	}
	return EduUnknown
}

// ReferredBy returns who referred a person as given, trimmed, except that
// Arbetsförmedlingen (any case, with or without diacritics) and af become
// "AF". Blank gives "".
func ReferredBy(s string) string {
	t := trimSpace(s)
	switch HeaderKey(t) {
	case "arbetsformedlingen", "af":
		return "AF"
	}
	return t
}

func nfc(s string) string { return norm.NFC.String(s) }

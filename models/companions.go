package models

import "strings"

// Companion kinds: the case-mix companions every proportion indicator has
// (Kolada's pattern of N00485 expected beside N00486 deviation). Their
// values come from package evaluate's case-mix model, inserted by a compute
// step; models only declares them so every outward channel lists them.
const (
	CompanionExpected  = "F" // förväntat värde, percent
	CompanionDeviation = "A" // avvikelse från förväntat värde, percentage points
	CompanionRatio     = "K" // kvot faktiskt/förväntat (O/E)
)

// CaseMixCovariates names the covariates of the case-mix model, in words
// (the companions' descriptions and `effekt expected` cite it).
const CaseMixCovariates = "åldersgrupp vid kohortdatum (−24, 25–34, 35–44, 45+), kön, utbildningsnivå (förgymnasial, gymnasial, " +
	"eftergymnasial, okänd, saknas), födelseregion (grupperad från födelseland), månader från uppehållstillstånd till " +
	"kommunmottagande (0–2, 3–6, 7+, saknas) och kohortår; en modell per indikator över alla år"

// companionKinds in id order.
var companionKinds = []string{CompanionDeviation, CompanionExpected, CompanionRatio}

// Companions returns the case-mix companions of a proportion indicator
// (none for other units): expected value (<ID>F), deviation O − E (<ID>A)
// and O/E (<ID>K). They share the base's cohort, gender division and
// denominator, so the same min_n and complementary suppression apply.
func Companions(base Indicator) []Indicator {
	if base.Unit != Percent || base.CompanionOf != "" {
		return nil
	}
	model := " Förväntat värde: medelvärdet av de egna personernas sannolikhet enligt en logistisk regression på personnivå " +
		"över hela kohorten (" + CaseMixCovariates + ")."
	out := make([]Indicator, 0, len(companionKinds))
	for _, kind := range companionKinds {
		c := base
		c.ID, c.CompanionOf, c.Companion = base.ID+kind, base.ID, kind
		c.SourceKinds = append([]string(nil), base.SourceKinds...)
		c.Target, c.KoladaRef, c.OUData = nil, "", false
		title := strings.TrimSuffix(base.TitleSV, ", andel (%)")
		titleEN := strings.TrimSuffix(base.TitleEN, ", share (%)")
		switch kind {
		case CompanionExpected:
			c.TitleSV = "Förväntat värde, " + lowerFirst(title) + ", andel (%)"
			c.TitleEN = "Expected value, " + lowerFirst(titleEN) + ", share (%)"
			c.Description = "Förväntad andel för " + base.ID + " givet kommunens sammansättning av personer." + model
			c.Numerator = "Summan av de förväntade sannolikheterna för personerna i kohorten."
			c.Direction = ""
		case CompanionDeviation:
			c.TitleSV = "Avvikelse från förväntat värde, " + lowerFirst(title) + ", procentenheter"
			c.TitleEN = "Deviation from the expected value, " + lowerFirst(titleEN) + ", percentage points"
			c.Description = "Skillnad i procentenheter mellan faktisk andel (" + base.ID + ") och förväntad andel (" + base.ID + CompanionExpected +
				"), med 95 % intervall från modellens varians Σp(1 − p)." + model
			c.Unit = PercentagePoints
			c.Numerator = "Faktiskt antal minus förväntat antal, per person i kohorten × 100."
		case CompanionRatio:
			c.TitleSV = "Kvot faktiskt/förväntat, " + lowerFirst(title)
			c.TitleEN = "Observed/expected ratio, " + lowerFirst(titleEN)
			c.Description = "Faktiskt antal delat med förväntat antal (O/E) för " + base.ID + ", med 95 % intervall; 1 betyder som förväntat." + model
			c.Unit = Ratio
			c.Numerator = "Faktiskt antal i kohorten delat med förväntat antal."
		}
		out = append(out, c)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' { // an abbreviation such as SFI
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// Published returns every indicator effekt publishes, ordered by id: the
// catalogue and the companions of its proportions.
func Published() []Indicator {
	out := make([]Indicator, len(published))
	for i, ind := range published {
		out[i] = clone(ind)
	}
	return out
}

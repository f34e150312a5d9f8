package models

import (
	"embed"
	"fmt"
	"sort"
)

//go:embed sql/*.sql
var indicatorSQL embed.FS

// Source kinds, as the ingest stage names them.
const (
	kindSORegistrations = "so_registrations"
	kindSOAttendance    = "so_attendance"
	kindSOCertificates  = "so_certificates"
	kindSettlements     = "settlements"
	kindSFICourses      = "sfi_courses"
	kindInterventions   = "interventions"
	kindParticipations  = "intervention_participations"
	kindAFPlans         = "af_plans"
)

// Kolada operating areas used by the catalogue.
const (
	areaIntegration = "Integration"
	areaSFI         = "Vuxenutbildning, SFI"
	areaLabour      = "Arbetsmarknad"
)

func target(v float64) *float64 { return &v }

// catalogue declares every indicator once. Adding one is an entry here and
// a file sql/<ID>.sql returning its micro-level cohort rows.
var catalogue = []Indicator{
	{
		ID:            "EF101",
		TitleSV:       "Samhällsorientering slutförd inom 12 månader, andel (%)",
		TitleEN:       "Civic orientation completed within 12 months, share (%)",
		Description:   "Andel av de personer som anmälts till samhällsorientering som slutfört den inom 12 månader från anmälan, det vill säga deltagit minst 60 timmar (närvarotillfällen under anmälningsdagen till och med 365 dagar efter) eller fått intyg under samma period. Personen räknas i den kommun och det år där den först anmäldes. Underlag: samhällsorienteringens anmälningar, närvaro och intyg.",
		Unit:          Percent,
		Cohort:        "Personer med tidigaste anmälan till samhällsorientering; anmälningskommun; år för anmälan; anmälningsdatum + 365 dagar ≤ referensdatum.",
		Numerator:     "Personer med minst 60 närvarotimmar eller intyg inom [anmälningsdatum, anmälningsdatum + 365 dagar].",
		Denominator:   "Personer i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSORegistrations, kindSOAttendance, kindSOCertificates},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF102",
		TitleSV:       "Dagar från anmälan till första tillfälle, median",
		TitleEN:       "Days from registration to first session, median",
		Description:   "Median av antalet dagar från anmälan till samhällsorientering till första tillfälle med närvaro, för personer i samma kohort som EF101 som deltagit vid minst ett tillfälle på eller efter anmälningsdagen. Vid jämnt antal är medianen medelvärdet av de två mittersta värdena. Underlag: samhällsorienteringens anmälningar och närvaro.",
		Unit:          Days,
		Cohort:        "Som EF101, personer med minst ett närvarotillfälle på eller efter anmälningsdatum (och senast referensdatum).",
		Numerator:     "",
		Denominator:   "Personer i kohorten med minst ett närvarotillfälle.",
		Direction:     LowerIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSORegistrations, kindSOAttendance},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF103",
		TitleSV:       "Samhällsorientering på modersmål eller annat språk än svenska, andel (%)",
		TitleEN:       "Civic orientation in the mother tongue or another language than Swedish, share (%)",
		Description:   "Andel av de personer som anmälts till samhällsorientering vars undervisningsspråk vid den tidigaste anmälan är ett annat än svenska (svenska med tolk räknas som svenska). Underlag: samhällsorienteringens anmälningar.",
		Unit:          Percent,
		Cohort:        "Personer med tidigaste anmälan till samhällsorientering (anmälningsdatum ≤ referensdatum); anmälningskommun; år för anmälan; inget uppföljningsfönster.",
		Numerator:     "Personer vars undervisningsspråk inte är svenska (sv).",
		Denominator:   "Personer i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSORegistrations},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF104",
		TitleSV:       "Kostnad per person som slutfört samhällsorientering (kr)",
		TitleEN:       "Cost per person who completed civic orientation (SEK)",
		Description:   "Avgiften per anmäld person (konfigurerad, standard 5 500 kr) gånger antalet personer i EF101:s kohort, delat med antalet som slutfört samhällsorienteringen inom 12 månader. Saknas när ingen har slutfört. Underlag: samhällsorienteringens anmälningar, närvaro och intyg samt konfigurerad avgift.",
		Unit:          Kronor,
		Cohort:        "Som EF101.",
		Numerator:     "Personer som slutfört samhällsorientering inom 12 månader (som EF101).",
		Denominator:   "Personer i kohorten (anmälda, som EF101).",
		Direction:     LowerIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSORegistrations, kindSOAttendance, kindSOCertificates},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF105",
		TitleSV:       "Anmälda till samhällsorientering inom 90 dagar från kommunmottagande, andel (%)",
		TitleEN:       "Registered for civic orientation within 90 days of settlement, share (%)",
		Description:   "Andel av de kommunmottagna personerna som anmälts till samhällsorientering (i vilken kommun som helst) från 30 dagar före till 90 dagar efter mottagandet. Personen räknas i den mottagande kommunen och det år den togs emot. Underlag: kommunernas mottagningsregister och samhällsorienteringens anmälningar.",
		Unit:          Percent,
		Cohort:        "Kommunmottagna personer; mottagande kommun; år för mottagningsdatum; mottagningsdatum + 90 dagar ≤ referensdatum.",
		Numerator:     "Personer med en anmälan till samhällsorientering inom [mottagningsdatum − 30, mottagningsdatum + 90 dagar].",
		Denominator:   "Personer i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSettlements, kindSORegistrations},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF201",
		TitleSV:       "SFI: klarat minst en kurs inom 12 månader, andel (%)",
		TitleEN:       "SFI: passed at least one course within 12 months, share (%)",
		Description:   "Andel av de personer som påbörjat SFI som fått godkänt betyg (A–E) på minst en kurs inom 365 dagar från sin första kursstart. Personen räknas i den kommun och det år där den första kursen startade. Målvärde 30 %. Underlag: kommunernas SFI-kurser.",
		Unit:          Percent,
		Cohort:        "Personer med tidigaste SFI-kursstart; kurskommun; år för kursstart; kursstart + 365 dagar ≤ referensdatum.",
		Numerator:     "Personer med godkänt betyg (A–E) daterat inom [kursstart, kursstart + 365 dagar].",
		Denominator:   "Personer i kohorten.",
		Direction:     HigherIsBetter,
		Target:        target(30),
		ByGender:      true,
		SourceKinds:   []string{kindSFICourses},
		KoladaRef:     "N18409",
		OperatingArea: areaSFI,
	},
	{
		ID:            "EF301",
		TitleSV:       "I arbete eller studier 90 dagar efter avslutad etableringsplan, andel (%)",
		TitleEN:       "In work or studies 90 days after the establishment plan ended, share (%)",
		Description:   "Andel av de avslutade etableringsplanerna där personen 90 dagar efter planens slut hade osubventionerat arbete, subventionerat arbete eller studier. En plan per person och år: den som avslutades senast. Planer utan utfall räknas inte. Underlag: Arbetsförmedlingens etableringsplaner.",
		Unit:          Percent,
		Cohort:        "Avslutade etableringsplaner, den senast avslutade per person och år; kommun enligt Arbetsförmedlingen; år för planslut; planer med utfall; planslut + 90 dagar ≤ referensdatum.",
		Numerator:     "Planer med utfall osubventionerat arbete, subventionerat arbete eller studier.",
		Denominator:   "Planer i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindAFPlans},
		KoladaRef:     "N00973",
		OperatingArea: areaLabour,
	},
	{
		ID:            "EF302",
		TitleSV:       "I osubventionerat arbete 90 dagar efter avslutad etableringsplan, andel (%)",
		TitleEN:       "In unsubsidised work 90 days after the establishment plan ended, share (%)",
		Description:   "Andel av de avslutade etableringsplanerna där personen 90 dagar efter planens slut hade osubventionerat arbete. Samma kohort som EF301. Underlag: Arbetsförmedlingens etableringsplaner.",
		Unit:          Percent,
		Cohort:        "Som EF301.",
		Numerator:     "Planer med utfall osubventionerat arbete.",
		Denominator:   "Planer i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindAFPlans},
		OperatingArea: areaLabour,
	},
	{
		ID:            "EF303",
		TitleSV:       "Dagar från uppehållstillstånd till kommunmottagande, median",
		TitleEN:       "Days from residence permit to settlement in a municipality, median",
		Description:   "Median av antalet dagar från beslut om uppehållstillstånd till kommunmottagande, för personer mottagna av kommunen. Vid jämnt antal är medianen medelvärdet av de två mittersta värdena. Underlag: kommunernas mottagningsregister.",
		Unit:          Days,
		Cohort:        "Kommunmottagna personer; mottagande kommun; år för mottagningsdatum; mottagningsdatum ≤ referensdatum.",
		Numerator:     "",
		Denominator:   "Personer i kohorten.",
		Direction:     LowerIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindSettlements},
		OperatingArea: areaIntegration,
	},
	{
		ID:            "EF401",
		TitleSV:       "Arbete eller studier efter avslutad kommunal arbetsmarknadsinsats, andel (%)",
		TitleEN:       "Work or studies after a completed municipal labour-market programme, share (%)",
		Description:   "Andel av de avslutade deltagandena i kommunala arbetsmarknadsinsatser där deltagaren gick till arbete eller studier. Deltaganden utan utfall räknas inte. Underlag: kommunernas insatsdeltaganden.",
		Unit:          Percent,
		Cohort:        "Avslutade insatsdeltaganden med utfall; deltagarens hemkommun; år för slutdatum; slutdatum ≤ referensdatum.",
		Numerator:     "Deltaganden med utfall arbete eller studier.",
		Denominator:   "Deltaganden i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindParticipations},
		KoladaRef:     "U40455",
		OperatingArea: areaLabour,
		OUData:        true,
	},
	{
		ID:            "EF402",
		TitleSV:       "Insatsdeltaganden hos annan kommun, andel (%)",
		TitleEN:       "Programme participations provided by another municipality, share (%)",
		Description:   "Andel av insatsdeltagandena där insatsen anordnas av en annan kommun än deltagarens hemkommun, ett mått på samverkan mellan kommuner. Deltaganden i insatser som saknas i insatskatalogen räknas inte. Underlag: kommunernas insatser och insatsdeltaganden.",
		Unit:          Percent,
		Cohort:        "Insatsdeltaganden i insatser som finns i katalogen; deltagarens hemkommun; år för startdatum; startdatum ≤ referensdatum.",
		Numerator:     "Deltaganden där anordnande kommun skiljer sig från deltagarens hemkommun.",
		Denominator:   "Deltaganden i kohorten.",
		Direction:     HigherIsBetter,
		ByGender:      true,
		SourceKinds:   []string{kindParticipations, kindInterventions},
		OperatingArea: areaLabour,
	},
}

func init() {
	seen := map[string]bool{}
	for _, ind := range catalogue {
		if seen[ind.ID] {
			panic("models: duplicate indicator " + ind.ID)
		}
		seen[ind.ID] = true
		if _, err := indicatorSQL.ReadFile("sql/" + ind.ID + ".sql"); err != nil {
			panic(fmt.Sprintf("models: indicator %s has no sql/%s.sql", ind.ID, ind.ID))
		}
	}
	sort.Slice(catalogue, func(i, j int) bool { return catalogue[i].ID < catalogue[j].ID })
	publishedIndex = map[string]int{}
	for _, ind := range catalogue {
		published = append(published, ind)
		published = append(published, Companions(ind)...)
	}
	for i, ind := range published {
		if _, dup := publishedIndex[ind.ID]; dup {
			panic("models: duplicate published indicator " + ind.ID)
		}
		publishedIndex[ind.ID] = i
	}
}

// published is the catalogue with its companions, built once.
var (
	published      []Indicator
	publishedIndex map[string]int
)

// Catalogue returns every indicator, ordered by id.
func Catalogue() []Indicator {
	out := make([]Indicator, len(catalogue))
	for i, ind := range catalogue {
		out[i] = clone(ind)
	}
	return out
}

// clone copies an indicator so that callers cannot change the catalogue.
func clone(ind Indicator) Indicator {
	ind.SourceKinds = append([]string(nil), ind.SourceKinds...)
	if ind.Target != nil {
		ind.Target = target(*ind.Target)
	}
	return ind
}

// Lookup returns the published indicator (catalogue or companion) with the
// given id.
func Lookup(id string) (Indicator, bool) {
	i, ok := publishedIndex[id]
	if !ok {
		return Indicator{}, false
	}
	return clone(published[i]), true
}

// CompanionOf returns, without copying anything, the base indicator and
// companion kind of a case-mix companion id ("EF401", CompanionExpected for
// "EF401F"); both are empty for the catalogue's own ids and unknown ones.
// Readers that classify every published value call this, not Lookup.
func CompanionOf(id string) (base, kind string) {
	if i, ok := publishedIndex[id]; ok {
		return published[i].CompanionOf, published[i].Companion
	}
	return "", ""
}

// UnitOf returns the unit of a published indicator, "" for an unknown id,
// without copying anything.
func UnitOf(id string) Unit {
	if i, ok := publishedIndex[id]; ok {
		return published[i].Unit
	}
	return ""
}

// MicroSQL returns the indicator's micro-level query: one row per cohort
// member, columns (municipality, period, gender, cohort_date, age_band, x),
// age_band the person's age band at cohort_date as the transform stores it
// (transform.AgeBands). It reads the transform tables and
// getvariable('as_of').
func (ind Indicator) MicroSQL() (string, error) {
	b, err := indicatorSQL.ReadFile("sql/" + ind.ID + ".sql")
	if err != nil {
		return "", fmt.Errorf("indicator %s: %w", ind.ID, err)
	}
	return string(b), nil
}

// Nest says that, by the definitions, Sub's quantity Of is at most Super's
// in every cell (the same area, period and gender): "n" the cohort count
// (Sub's cohort is part of Super's), "k" the numerator (Sub's persons with
// the outcome are among Super's), "f" the cohort less the numerator. A
// reader who knows the catalogue knows these inequalities, so disclosure
// control uses them (snapshot.Areas); TestNestsHold checks them on the
// fixtures.
type Nest struct {
	Sub, Super string
	Of         string // "n", "k" or "f"
}

// Nests returns the catalogue's nestings:
//   - EF102's cohort is EF101's persons with a session (n);
//   - EF101's cohort is EF103's persons whose window has closed (n; equal
//     once every window of the year has);
//   - EF105's cohort is EF303's persons whose 90 days have passed (n);
//   - EF302 and EF301 share the cohort (EF301 = EF302 in n, found from the
//     cells), and unsubsidised work is one of EF301's outcomes: EF302's k
//     ≤ EF301's, and EF301's f ≤ EF302's.
func Nests() []Nest {
	return []Nest{
		{Sub: "EF102", Super: "EF101", Of: "n"},
		{Sub: "EF101", Super: "EF103", Of: "n"},
		{Sub: "EF105", Super: "EF303", Of: "n"},
		{Sub: "EF302", Super: "EF301", Of: "k"},
		{Sub: "EF301", Super: "EF302", Of: "f"},
	}
}

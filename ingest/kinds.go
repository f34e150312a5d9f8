package ingest

// The eight file kinds of SPEC §2, declared once. Readers, validation,
// staging and loading are generic over these declarations; adding a kind is
// a declaration here, a table in a migration and its fixtures.

var personID = Column{Name: "person_id", Aliases: []string{"personnummer", "pnr", "personnr", "samordningsnummer"},
	Type: TPerson, Required: true, Target: "person"}

// Kinds are the declared file kinds, in the order a run loads them.
var Kinds = []*Kind{
	{
		Name: "so_registrations",
		Columns: []Column{
			personID,
			{Name: "municipality", Aliases: []string{"hemkommun", "kommun", "kommunkod"}, Type: TMunicipality, Required: true, Target: "municipality"},
			{Name: "registered_on", Aliases: []string{"anmälningsdatum", "anmäld"}, Type: TDate, Required: true, Target: "registered_on"},
			{Name: "language", Aliases: []string{"språk", "undervisningsspråk"}, Type: TLanguage, Required: true, Target: "language"},
			{Name: "referred_by", Aliases: []string{"anmäld av"}, Type: TReferredBy, Target: "referred_by"},
		},
		Key: []string{"person_id", "registered_on"},
	},
	{
		Name: "so_attendance",
		Columns: []Column{
			personID,
			{Name: "session_date", Aliases: []string{"datum", "tillfälle"}, Type: TDate, Required: true, Target: "session_date"},
			{Name: "hours", Aliases: []string{"timmar"}, Type: THours, Required: true, Target: "hours"},
			{Name: "group_id", Aliases: []string{"grupp"}, Type: TText, Target: "group_id", Absent: ""},
			// Without the column every row is a present session; a blank cell is absent.
			{Name: "present", Aliases: []string{"närvarande"}, Type: TPresent, Target: "present", Absent: true},
		},
		Key: []string{"person_id", "session_date", "group_id"},
	},
	{
		Name: "so_certificates",
		Columns: []Column{
			personID,
			{Name: "issued_on", Aliases: []string{"intygsdatum", "intyg utfärdat"}, Type: TDate, Required: true, Target: "issued_on"},
			{Name: "hours_total", Aliases: []string{"timmar totalt"}, Type: TText, Target: "hours_total"},
		},
		Key: []string{"person_id", "issued_on"},
	},
	{
		Name: "settlements",
		Columns: []Column{
			personID,
			{Name: "municipality", Aliases: []string{"mottagande kommun", "kommun"}, Type: TMunicipality, Required: true, Target: "municipality"},
			{Name: "permit_on", Aliases: []string{"uppehållstillstånd", "beslutsdatum"}, Type: TDate, Required: true, Target: "permit_on"},
			{Name: "settled_on", Aliases: []string{"mottagningsdatum", "kommunmottagen"}, Type: TDate, Required: true, Target: "settled_on"},
			{Name: "education", Aliases: []string{"utbildningsnivå"}, Type: TEducation, Target: "education"},
			{Name: "birth_country", Aliases: []string{"födelseland"}, Type: TText, Target: "birth_country"},
		},
		Key:   []string{"person_id"},
		Rules: []Rule{{Before: "permit_on", After: "settled_on"}},
	},
	{
		Name: "sfi_courses",
		Columns: []Column{
			personID,
			{Name: "municipality", Aliases: []string{"kommun"}, Type: TMunicipality, Required: true, Target: "municipality"},
			{Name: "course", Aliases: []string{"kurs"}, Type: TCourse, Required: true, Target: "course"},
			{Name: "started_on", Aliases: []string{"kursstart", "startdatum"}, Type: TDate, Required: true, Target: "started_on"},
			{Name: "grade", Aliases: []string{"betyg"}, Type: TGrade, Target: "grade"},
			{Name: "graded_on", Aliases: []string{"betygsdatum"}, Type: TDate, Target: "graded_on"},
			{Name: "discontinued_on", Aliases: []string{"avbrott", "avbrottsdatum"}, Type: TDate, Target: "discontinued_on"},
		},
		Key: []string{"person_id", "course", "started_on"},
		Rules: []Rule{
			{Before: "started_on", After: "graded_on"},
			{Before: "started_on", After: "discontinued_on"},
			{If: "grade", Needs: "graded_on"},
		},
	},
	{
		Name: "interventions",
		Columns: []Column{
			{Name: "intervention_id", Aliases: []string{"insats-id", "insatsid"}, Type: TText, Required: true, Target: "intervention_id"},
			{Name: "name", Aliases: []string{"namn", "insats"}, Type: TText, Required: true, Target: "name"},
			{Name: "provider_municipality", Aliases: []string{"anordnare", "anordnande kommun"}, Type: TProvider, Required: true, Target: "provider_municipality"},
			{Name: "category", Aliases: []string{"kategori"}, Type: TText, Target: "category"},
			// Issue 12 (Insatskarta): descriptive, never reject a row (Lenient).
			{Name: "description", Aliases: []string{"beskrivning"}, Type: TText, Target: "description", Lenient: true},
			{Name: "target_group", Aliases: []string{"målgrupp"}, Type: TText, Target: "target_group", Lenient: true},
			{Name: "languages", Aliases: []string{"språk"}, Type: TLanguages, Target: "languages", Lenient: true},
			{Name: "open_to_others", Aliases: []string{"öppen för andra kommuner", "öppen för andra"}, Type: TYesNo, Target: "open_to_others", Lenient: true},
			{Name: "price_per_participant", Aliases: []string{"pris per deltagare", "pris per deltagare kr", "pris per deltagare (kr)", "pris"}, Type: TAmount, Target: "price_per_participant", Lenient: true},
			{Name: "places", Aliases: []string{"platser", "antal platser"}, Type: TCount, Target: "places", Lenient: true},
			{Name: "location", Aliases: []string{"ort", "adress"}, Type: TText, Target: "location", Lenient: true},
			{Name: "contact", Aliases: []string{"kontakt"}, Type: TText, Target: "contact", Lenient: true},
			{Name: "valid_from", Aliases: []string{"gäller från"}, Type: TTermDate, Target: "valid_from", Lenient: true},
			{Name: "valid_to", Aliases: []string{"gäller till"}, Type: TTermDate, Target: "valid_to", Lenient: true},
		},
		Key: []string{"intervention_id"},
	},
	{
		Name: "intervention_participations",
		Columns: []Column{
			personID,
			{Name: "intervention_id", Aliases: []string{"insats-id", "insatsid"}, Type: TText, Required: true, Target: "intervention_id"},
			{Name: "municipality", Aliases: []string{"hemkommun"}, Type: TMunicipality, Required: true, Target: "municipality"},
			{Name: "started_on", Aliases: []string{"startdatum"}, Type: TDate, Required: true, Target: "started_on"},
			{Name: "ended_on", Aliases: []string{"slutdatum"}, Type: TDate, Target: "ended_on"},
			{Name: "outcome", Aliases: []string{"utfall"}, Type: TOutcome, Target: "outcome"},
		},
		Key:   []string{"person_id", "intervention_id", "started_on"},
		Rules: []Rule{{Before: "started_on", After: "ended_on"}},
	},
	{
		Name: "af_plans",
		Columns: []Column{
			personID,
			{Name: "municipality", Aliases: []string{"kommun", "folkbokföringskommun"}, Type: TMunicipality, Required: true, Target: "municipality"},
			{Name: "plan_started_on", Aliases: []string{"planstart", "etableringsplan start"}, Type: TDate, Required: true, Target: "plan_started_on"},
			{Name: "plan_ended_on", Aliases: []string{"planslut", "avslutad"}, Type: TDate, Target: "plan_ended_on"},
			{Name: "outcome_90d", Aliases: []string{"status 90 dagar", "utfall"}, Type: TAFOutcome, Target: "outcome_90d"},
			{Name: "outcome_measured_on", Aliases: []string{"mätdatum"}, Type: TDate, Target: "outcome_measured_on"},
		},
		Key:   []string{"person_id", "plan_started_on"},
		Rules: []Rule{{Before: "plan_started_on", After: "plan_ended_on"}},
	},
}

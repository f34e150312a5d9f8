// Package models holds the indicator catalogue and its computation. An
// indicator is data: metadata declared once in catalogue.go and one SQL file
// in sql/ that yields its micro-level cohort; the computation (cells per
// municipality, period and gender, aggregates, intervals) is generic.
package models

// Direction says which way an indicator improves.
type Direction string

const (
	HigherIsBetter Direction = "higher_is_better"
	LowerIsBetter  Direction = "lower_is_better"
)

// Unit of an indicator value.
type Unit string

const (
	Percent Unit = "percent" // proportion × 100, with a Wilson interval
	Days    Unit = "days"    // median
	Kronor  Unit = "kronor"  // cost per completer
	// PercentagePoints is a difference of shares (a deviation companion).
	PercentagePoints Unit = "percentage_points"
	// Ratio is observed/expected (a ratio companion).
	Ratio Unit = "ratio"
)

// Indicator is one entry of the catalogue.
type Indicator struct {
	ID            string    // "EF101"
	TitleSV       string    // Swedish title (Kolada's title field)
	TitleEN       string    // English title
	Description   string    // Swedish description: what is measured, from which sources
	Unit          Unit      //
	Cohort        string    // cohort rule, in words (Swedish)
	Numerator     string    // numerator text; empty for medians
	Denominator   string    // denominator text
	Direction     Direction //
	Target        *float64  // optional target value (EF201: 30)
	ByGender      bool      // divided by gender (K/M besides T)
	SourceKinds   []string  // file kinds it reads
	KoladaRef     string    // closest national Kolada KPI, if any (N00973, U40455, N18409)
	OperatingArea string    // Kolada operating_area
	// OUData is set when the indicator also has values per organisational
	// unit (per intervention, /v3/oudata; Kolada's has_ou_data).
	OUData bool
	// CompanionOf is the base indicator of a case-mix companion (empty for
	// the catalogue's own); Companion its kind (CompanionExpected, …).
	CompanionOf, Companion string
}

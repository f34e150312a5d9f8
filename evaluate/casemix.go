package evaluate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

// Covariates names the case-mix covariates in words (the companions' KPI
// text says the same).
const Covariates = models.CaseMixCovariates

// factorNames are the covariates of the case-mix model, in the order of
// effekt_case's level columns l0…l5.
var factorNames = [...]string{"kön", "åldersgrupp", "utbildning", "födelseregion", "månader tillstånd–mottagande", "kohortår"}

var selectRE = regexp.MustCompile(`(?im)^\s*SELECT\b`)

// personMicro is the indicator's micro SQL with its id as eff_kpi and the
// cohort table's case_cov (the person's settlement covariates as the
// transform stores them in every cohort row, transform.CaseLevels) added
// as eff_cov; the micro SQL gives the age band at the cohort date itself
// (age_band, transform.AgeBands). Every indicator reads one cohort table,
// and every cohort table has case_cov (TestPersonMicro runs them all).
func personMicro(ind models.Indicator) (string, error) {
	q, err := ind.MicroSQL()
	if err != nil {
		return "", err
	}
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	loc := selectRE.FindStringIndex(q)
	if loc == nil {
		return "", fmt.Errorf("evaluate %s: no SELECT in the micro SQL", ind.ID)
	}
	return q[:loc[1]] + "\n    " + store.Literal(ind.ID) + " AS eff_kpi, case_cov AS eff_cov," + q[loc[1]:], nil
}

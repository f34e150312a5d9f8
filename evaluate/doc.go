// Package evaluate answers whether a collaboration between municipalities
// made a difference, from the person-level cohort rows behind the
// indicators (models.Indicator.MicroSQL, read straight from the database
// after a compute). It prints aggregates only.
//
// The effect of joining (Estimate) is a difference-in-differences with
// staggered adoption, the group-time average treatment effects of Callaway
// & Sant'Anna (2021, "Difference-in-Differences with multiple time
// periods", J. Econometrics 225(2)) for repeated cross-sections with the
// never-treated municipalities as the only controls — never a two-way
// fixed-effects regression, which weighs already-treated units as controls
// (Goodman-Bacon 2021). A group is the members sharing joined_on and
// left_on; time is event time in whole 12-month windows from joined_on
// (window −1 is the year before joining, the base of every comparison), so
// a collaboration starting on 1 December is not cut at the calendar year.
//
//	ATT(g,e) = (Ȳ[g,e] − Ȳ[g,−1]) − (Ȳ[C,e] − Ȳ[C,−1])
//
// with C the never-members' cohort rows dated in group g's windows. The
// event-time coefficients θ(e) and the overall ATT (e ≥ 0) average
// ATT(g,e) weighted by the treated cohort rows in each cell. Cohort rows of
// a member after its left_on are left out, and so are every municipality's
// rows after left_on in that group's post windows (treatment is taken as
// absorbing while it lasts).
//
// Inference is a wild cluster bootstrap at municipality level in its
// multiplier form (Callaway & Sant'Anna 2021, §4; Cameron, Gelbach & Miller
// 2008): every estimate is a linear function of cell means, so each
// municipality's summed influence on it is perturbed by one draw per
// municipality — Webb's six-point weights (Webb 2014, "Reworking wild
// bootstrap based inference for clustered errors", Queen's WP 1315) when
// treated or control municipalities are fewer than 12, Rademacher weights
// otherwise. Intervals are symmetric: θ ± the 95th percentile of |θ* − θ|;
// p-values are the share of |θ* − θ| at least |θ|, both stretched by
// t(0.975, G−1)/z(0.975) with G the smaller of member and never-member
// municipalities, and every cell's municipality sums carry the CR1 factor
// √(G/(G−1)) (Cameron & Miller 2015). The pre-trend test is a wild
// cluster bootstrap of the Wald statistic of the pre-period θ(e), e ≤ −2,
// with the null imposed on the cell means and the cluster-robust
// covariance re-estimated in every draw (gonum/mat). With few
// treated clusters cluster-robust inference is known to over-reject
// (MacKinnon & Webb 2017): the number of clusters is always reported.
//
// Expected values (Expected) are the case-mix adjustment of Kolada's
// model-based KPIs: a person-level logistic regression of a proportion
// KPI's outcome on covariates that exist in the data, fitted per period on
// the whole cohort (gonum/optimize), and an area's expected share is the
// mean predicted probability of its own persons. O/E carries the interval
// of Spiegelhalter (2005, "Funnel plots for comparing institutional
// performance", Stat. Med. 24): O/E ± 1.96·√(Σp(1−p))/E.
package evaluate

package models

import "math"

// WilsonZ is the 97.5 % quantile of the standard normal distribution: every
// published interval is a 95 % interval.
const WilsonZ = 1.959964

// Wilson is the 95 % Wilson score interval of k successes out of n, in
// percent, clamped to [0, 100] (Wilson 1927): centre (k + z²/2)/(n + z²),
// half-width z·√(k(n−k)/n + z²/4)/(n + z²). It is the Go twin of the SQL
// macros in compute/wilson.sql that give every computed proportion its
// interval (TestWilson checks both on the same table); n ≤ 0 gives 0, 0.
func Wilson(k, n float64) (low, high float64) {
	if n <= 0 {
		return 0, 0
	}
	const z = WilsonZ
	centre := k + z*z/2
	half := z * math.Sqrt(k*(n-k)/n+z*z/4)
	den := n + z*z
	return max(0, 100*(centre-half)/den), min(100, 100*(centre+half)/den)
}

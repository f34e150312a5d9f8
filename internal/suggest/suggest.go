// Package suggest finds the candidates nearest to a mistyped word, for the
// "did you mean" of command-line flags, values and configuration keys.
package suggest

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Closest returns up to three candidates nearest to s, best first: those
// within maxDist edits (Levenshtein, case-insensitive) and those s is a
// prefix of (at least two characters). Ties keep the candidates' order.
func Closest(s string, cands []string, maxDist int) []string {
	ls := strings.ToLower(strings.TrimSpace(s))
	if ls == "" {
		return nil
	}
	type hit struct {
		c string
		d int
	}
	var hits []hit
	seen := map[string]bool{}
	for _, c := range cands {
		if seen[c] {
			continue
		}
		lc := strings.ToLower(c)
		d := Distance(ls, lc)
		if d > maxDist && !(utf8.RuneCountInString(ls) >= 2 && strings.HasPrefix(lc, ls)) {
			continue
		}
		seen[c] = true
		hits = append(hits, hit{c, d})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	var out []string
	for i := 0; i < len(hits) && i < 3; i++ {
		out = append(out, hits[i].c)
	}
	return out
}

// ClosestKey is Closest for snake_case keys: a candidate whose first word
// equals s's first word also matches (min_count → min_n).
func ClosestKey(s string, cands []string, maxDist int) []string {
	out := Closest(s, cands, maxDist)
	first := func(k string) string { w, _, _ := strings.Cut(strings.ToLower(k), "_"); return w }
	if w := first(s); len(w) >= 2 && strings.Contains(s, "_") {
		for _, c := range cands {
			if first(c) == w && !slices.Contains(out, c) && len(out) < 3 {
				out = append(out, c)
			}
		}
	}
	return out
}

// Distance is the Levenshtein distance between a and b in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Phrase is " (did you mean X?)", " (did you mean X or Y?)" or "" for no
// suggestions, to append to an error message.
func Phrase(sugg []string) string {
	switch len(sugg) {
	case 0:
		return ""
	case 1:
		return " (did you mean " + sugg[0] + "?)"
	}
	return " (did you mean " + strings.Join(sugg[:len(sugg)-1], ", ") + " or " + sugg[len(sugg)-1] + "?)"
}

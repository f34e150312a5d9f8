package disclosure

import "cmp"

// sets is a union-find over keys: find gives the representative of a
// key's set, the smallest key joined to it; a key never joined is its own.
type sets[K cmp.Ordered] map[K]K

func (s sets[K]) find(k K) K {
	for {
		p, ok := s[k]
		if !ok || p == k {
			return k
		}
		if gp, ok := s[p]; ok && gp != p {
			s[k] = gp // path halving
		}
		k = p
	}
}

// union joins the sets of a and b and returns the representative.
func (s sets[K]) union(a, b K) K {
	a, b = s.find(a), s.find(b)
	if a != b {
		s[max(a, b)] = min(a, b)
	}
	return min(a, b)
}

package ingest

import (
	"slices"
	"testing"
)

// TestRepeatsCandidates: every line whose key hash another line shares is a
// candidate, all others are not, whatever bucket the hashes fall in.
func TestRepeatsCandidates(t *testing.T) {
	var r repeats
	top := uint64(0xABCD) << 48 // one bucket
	for i, h := range []uint64{1, 2, top | 5, 3, 1, top | 5, top | 6, 1 << 63, 2<<62 | 9, 1 << 63} {
		r.add(h, int64(i+2))
	}
	got := r.candidates()
	slices.Sort(got)
	if want := []int64{2, 4, 6, 7, 9, 11}; !slices.Equal(got, want) {
		t.Errorf("candidates %v, want %v", got, want)
	}
	if r.rows.n != 0 {
		t.Error("hashes kept")
	}
	var none repeats
	for i := range 1000 {
		none.add(uint64(i)*0x9E3779B97F4A7C15, int64(i+2))
	}
	if got := none.candidates(); len(got) != 0 {
		t.Errorf("distinct hashes gave candidates %v", got)
	}
}

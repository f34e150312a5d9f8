package ingest

import "testing"

func TestScrub(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"person id 19850709-9805 bad", "person id 19850709-**** bad"},
		{"198507099805", "19850709-****"},
		{"850709-9805", "19850709-****"},
		{"850709+9805;8507099805", "18850709-****;19850709-****"},
		{"x 19850709 9805.", "x 19850709-****."},
		{"pnr19850709-9805x", "pnr19850709-****x"}, // inside a word
		{"Handläggare 770707-1234", "Handläggare 19770707-****"},
		{"id 1234567890123", "id ****"}, // any long digit run
		{"123456789", "123456789"},      // 9 digits: not a personnummer
		{"2024-01-15, 0127, 12,5", "2024-01-15, 0127, 12,5"},
		{"99999999-9999", "****"}, // no real date: fully masked
	} {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestScrubValid(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"INS-1234567890", "INS-1234567890"},   // no valid personnummer in any reading
		{"G-19850709-9805", "G-19850709-****"}, // valid
		{"G-19850709-9806", "G-19850709-9806"}, // Luhn fails: an id, kept
		{"x198507099805y", "x19850709-****y"},  // 12 digits inside a word
		{"0000000000000", "0000000000000"},     // long number without a valid window
		{"ref 00198507099805", "ref ****"},     // a valid 12-digit window in a longer run
	} {
		if got := scrubValid(c.in, testToday); got != c.want {
			t.Errorf("scrubValid(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

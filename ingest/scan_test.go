package ingest

import "testing"

func TestScrub(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"person id 19850709-9805 bad", "person id 19850709-**** bad"},
		{"198507099805", "19850709-****"},
		{"850709-9805", "19850709-****"},
		{"850709+9805;8507099805", "18850709-****;19850709-****"},
		{"x 19850709 9805.", "x 19850709-****."},
		{"sha 39e5eac9d3198507099805fda ok", "sha 39e5eac9d3198507099805fda ok"}, // inside a word
		{"/tmp/Test2012112345/001", "/tmp/Test2012112345/001"},
		{"123456789", "123456789"},         // 9 digits: not a personnummer
		{"1234567890123", "1234567890123"}, // 13 digits
		{"2024-01-15, 0127, 12,5", "2024-01-15, 0127, 12,5"},
		{"99999999-9999", "****"}, // no real date: fully masked
	} {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

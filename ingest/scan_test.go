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
		// issue 8: every script, every separator, valid or not
		{"２００００２２０－８０８０", "20000220-****"},
		{"١٩٨٥٠٦٠٣-٧٥٢٥", "19850603-****"},
		{"१९९०1227-8018", "19901227-****"},
		{"19740227/2343", "19740227-****"},
		{"1971.01.30.5162", "19710130-****"},
		{`unknown column "19681225.3471"`, `unknown column "19681225-****"`},
		{"Insats 820617-6380", "Insats 19820617-****"},
	} {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

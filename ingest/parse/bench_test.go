package parse

import "testing"

func BenchmarkPersonnummer(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"12dash", "19811218-9876"},
		{"10digits", "8112189876"},
		{"luhnfail", "19811218-9875"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Personnummer(bb.in, today)
			}
		})
	}
}

func BenchmarkDate(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"iso", "2019-02-28"},
		{"compact", "20190228"},
		{"timestamp", "2024-01-05 00:00:00"},
		{"invalid", "2019-02-30"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Date(bb.in, today)
			}
		})
	}
}

func BenchmarkMunicipality(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"code", "0127"},
		{"name", "Botkyrka kommun"},
		{"genitive", "Göteborgs stad"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Municipality(bb.in)
			}
		})
	}
}

func BenchmarkHours(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Hours("1,5")
	}
}

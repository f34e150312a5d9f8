package parse

import "testing"

func TestCatalogueValues(t *testing.T) {
	prov := []struct{ in, want string }{
		{"AF", "AF"}, {"Arbetsförmedlingen", "AF"}, {" arbetsformedlingen ", "AF"}, {"0127", "0127"}, {"Botkyrka kommun", "0127"},
	}
	for _, c := range prov {
		if got, err := Provider(c.in); err != nil || got != c.want {
			t.Errorf("Provider(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := Provider("AF Södertörn"); err == nil {
		t.Error(`Provider("AF Södertörn"): no error`)
	}
	langs := []struct{ in, want string }{
		{"Arabiska, dari och svenska", "ar,prs,sv"}, {"ar/so", "ar,so"}, {"Tigrinja; Engelska; tigrinja", "ti,en"}, {"Kurmanji", "kurmanji"},
	}
	for _, c := range langs {
		if got, err := Languages(c.in); err != nil || got != c.want {
			t.Errorf("Languages(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	amounts := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12 000 kr", 12000, true}, {"12000:-", 12000, true}, {"12 000,50 SEK", 12000.5, true}, {"4.500", 4500, true},
		{"gratis", 0, true}, {"2500", 2500, true}, {"enligt avtal", 0, false},
	}
	for _, c := range amounts {
		got, err := Amount(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("Amount(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	counts := []struct {
		in   string
		want int64
		ok   bool
	}{{"12", 12, true}, {"12 platser", 12, true}, {"ca 15", 15, true}, {"15 st", 15, true}, {"10-15", 0, false}, {"många", 0, false}}
	for _, c := range counts {
		got, err := Count(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("Count(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	yn := []struct {
		in       string
		want, ok bool
	}{{"ja", true, true}, {"Nej", false, true}, {"JA", true, true}, {"kanske", false, false}}
	for _, c := range yn {
		got, err := YesNo(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("YesNo(%q) = %v, %v", c.in, got, err)
		}
	}
}

package sample

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/effekt/effekt/geo"
)

// The intervention catalogue's descriptive columns (issue 12), written in
// the messy forms people type: languages as lists in Swedish or as codes,
// ja/nej in any case, prices with "kr", ":-" or thousands separators, places
// as "ca 15" or "12 platser", some cells left blank. They come from their own
// random stream per intervention, so the rest of the sample (the catalogue's
// ids, names and bad rows, every person) is what it was without them.

// hdrCatalogue are the headers of the descriptive columns.
var hdrCatalogue = []string{"Beskrivning", "Målgrupp", "Språk", "Öppen för andra kommuner",
	"Pris per deltagare (kr)", "Platser", "Ort", "Kontakt", "Gäller från", "Gäller till"}

var (
	targetGroups = []string{"Nyanlända i etableringsfasen", "Kvinnor som står långt från arbetsmarknaden",
		"Unga vuxna 18–24 år", "Deltagare i SFI", "Personer med eftergymnasial utbildning", ""}
	languageLists = []string{"Arabiska, dari och svenska", "svenska", "ar/so", "Tigrinja; Engelska", "Svenska med tolk",
		"arabiska, somaliska", "SV", "Persiska och dari", "", "ryska, ukrainska"}
	yesNo  = []string{"ja", "Ja", "JA", "nej", "Nej", "j", ""}
	prices = []string{"%d kr", "%d:-", "%d", "%d SEK", "%d kronor"}
)

// catalogueCells appends the descriptive cells of intervention k of code
// (provider "AF" for Arbetsförmedlingen) named name to row.
func (g *gen) catalogueCells(row []val, code string, k int, name string) []val {
	r := rand.New(rand.NewPCG(g.seed, 1<<61+uint64(k)*1000+uint64(len(code))+codeNum(code)*1_000_000))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	place := geo.Name(code)
	mailbox := strings.ToLower(asciiFold(place))
	if code == "AF" {
		place, mailbox = pick([]string{"Stockholm", "Södertälje", "Huddinge", "Norrtälje"}), "arbetsformedlingen"
	}
	desc := fmt.Sprintf("%s i %s: %s.", name, place, pick([]string{
		"handledning i grupp och individuellt", "praktik varvad med studier", "språkstöd på arbetsplatsen",
		"vägledning mot arbete eller studier", "korta kurser med intyg"}))
	if r.IntN(10) == 0 {
		desc = ""
	}
	price := ""
	switch x := r.IntN(10); {
	case x < 2:
		price = "gratis"
	case x < 9:
		n := 500 * (2 + r.IntN(60))
		p := fmt.Sprintf(pick(prices), n)
		if n >= 1000 && r.IntN(3) == 0 {
			p = fmt.Sprintf("%d %03d kr", n/1000, n%1000)
		}
		price = p
	}
	places := ""
	switch n := 5 + r.IntN(40); r.IntN(5) {
	case 0:
		places = fmt.Sprintf("ca %d", n)
	case 1:
		places = fmt.Sprintf("%d platser", n)
	case 2, 3:
		places = fmt.Sprint(n)
	}
	contact := ""
	switch r.IntN(4) {
	case 0, 1:
		contact = fmt.Sprintf("insatser@%s.se", mailbox)
	case 2:
		contact = fmt.Sprintf("08-%03d %02d %02d", 100+r.IntN(900), r.IntN(100), r.IntN(100))
	}
	from := g.start + day(r.IntN(365*3))
	to := txt("")
	if r.IntN(3) > 0 {
		to = dt(g.today+day(r.IntN(730))-day(r.IntN(365)), dateFmt(r.IntN(2)))
	}
	return append(row, txt(desc), txt(pick(targetGroups)), txt(pick(languageLists)), txt(pick(yesNo)),
		txt(price), txt(places), txt(place), txt(contact), dt(from, dateFmt(r.IntN(2))), to)
}

// afInterventions are Arbetsförmedlingen's interventions in the catalogue
// (provider "AF" or "Arbetsförmedlingen").
var afInterventions = []struct{ name, category string }{
	{"Arbetsmarknadsutbildning vård", "utbildning"}, {"Stöd och matchning", "arbete"},
	{"Yrkessvenska för vård", "språk"}, {"Förberedande utbildning", "utbildning"},
}

// afCatalogue writes Arbetsförmedlingen's interventions, after the
// municipalities' (no bad rows: the agency's export is clean).
func (g *gen) afCatalogue() error {
	for k, in := range afInterventions {
		provider := "AF"
		if k%2 == 1 {
			provider = "Arbetsförmedlingen"
		}
		row := append(g.rowBuf(), txt(fmt.Sprintf("AF-%03d", k+1)), txt(in.name), txt(provider), txt(in.category))
		row = g.catalogueCells(row, "AF", k+1, in.name)
		if err := g.put(g.ins, 0, row, ""); err != nil {
			return err
		}
	}
	return nil
}

func codeNum(code string) uint64 {
	var n uint64
	for _, c := range code {
		n = n*31 + uint64(c)
	}
	return n
}

// asciiFold writes å, ä, ö and é as a, a, o, e and drops spaces (mailbox names).
func asciiFold(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "Å", "a", "Ä", "a", "Ö", "o", " ", "").Replace(s)
}

package sample

import "sort"

// lang is a language of civic orientation, with the ISO code the ingest
// normalises it to and birth countries of its speakers.
type lang struct {
	sv        string // Swedish name as the office writes it
	iso       string // ISO 639 code; written instead of the name sometimes
	countries []string
	weight    int
}

var langs = []lang{
	{"arabiska", "ar", []string{"Syrien", "Irak", "Palestina", "Jemen", "Libanon"}, 28},
	{"tigrinja", "ti", []string{"Eritrea"}, 12},
	{"somaliska", "so", []string{"Somalia"}, 9},
	{"dari", "prs", []string{"Afghanistan"}, 10},
	{"sorani", "ckb", []string{"Irak", "Iran"}, 5},
	{"persiska", "fa", []string{"Iran", "Afghanistan"}, 7},
	{"ryska", "ru", []string{"Ryssland", "Ukraina", "Belarus"}, 4},
	{"ukrainska", "", []string{"Ukraina"}, 6},
	{"engelska", "en", []string{"Nigeria", "Eritrea", "Uganda", "Syrien", "Statslös"}, 4},
	{"svenska med tolk", "sv", []string{"Syrien", "Afghanistan", "Myanmar", "Statslös"}, 3},
	{"amhariska", "am", []string{"Etiopien"}, 3},
	{"franska", "fr", []string{"Kongo (DRC)", "Burundi", "Elfenbenskusten"}, 3},
	{"spanska", "es", []string{"Colombia", "Venezuela"}, 2},
	{"kurmanji", "", []string{"Turkiet", "Syrien"}, 2},
	{"turkiska", "", []string{"Turkiet"}, 2},
}

var langWeights = func() []int {
	w := make([]int, len(langs))
	for i, l := range langs {
		w[i] = l.weight
	}
	return w
}()

// person is one newly arrived person and the facts every source shares.
type person struct {
	idx     int
	id      pnr
	muni    string
	age     int // whole years at settlement
	lang    int // index into langs
	permit  day
	settled day
	edu     string
}

// newPerson draws person i; g.r must be seeded for i.
func (g *gen) newPerson(i int) person {
	p := person{idx: i}
	p.settled = g.settledOn(i)
	switch x := g.r.Float64(); {
	case x < 0.6:
		p.permit = p.settled - day(g.between(0, 60))
	case x < 0.9:
		p.permit = p.settled - day(g.between(61, 200))
	default:
		p.permit = p.settled - day(g.between(201, 300))
	}
	p.muni = g.munis.pick(g.r.IntN(g.munis.total))
	switch x := g.r.Float64(); {
	case x < 0.0015:
		p.age = g.between(100, 103) // the very old: YYMMDD+NNNN
	case x < 0.10:
		p.age = g.between(18, 19)
	case x < 0.88:
		p.age = g.between(20, 45)
	default:
		p.age = g.between(46, 64)
	}
	male := g.chance(0.56)
	coord := g.chance(0.02)
	birth := p.settled - day(p.age*365+p.age/4) - day(g.r.IntN(365))
	p.id = g.allocate(birth, coord, male)
	by, bm, bd := p.id.birth.civil()
	ty, tm, td := g.today.civil()
	old := ty - by
	if tm < bm || (tm == bm && td < bd) {
		old--
	}
	p.id.old = old >= 100
	p.lang = g.weighted(langWeights)
	switch x := g.r.Float64(); {
	case x < 0.38:
		p.edu = "förgymnasial"
	case x < 0.68:
		p.edu = "gymnasial"
	case x < 0.90:
		p.edu = "eftergymnasial"
	case x < 0.95:
		p.edu = "okänd"
	}
	return p
}

// receptionWeight is the relative number of persons settled in a year,
// after the shape of Sweden's municipal reception: the peak after 2015, the
// decline since. Years not listed weigh as the recent ones.
var receptionWeight = map[int]int64{
	2014: 50, 2015: 60, 2016: 100, 2017: 75, 2018: 48, 2019: 30,
	2020: 18, 2021: 17, 2022: 18, 2023: 20, 2024: 15, 2025: 12, 2026: 10,
}

func yearWeight(y int) int64 {
	if w, ok := receptionWeight[y]; ok {
		return w
	}
	return 10
}

// settlementDays returns, for every day from start to today, the
// cumulative reception weight up to and including that day.
func settlementDays(start, today day) []int64 {
	cum := make([]int64, 0, today-start+1)
	var total int64
	for d := start; d <= today; d++ {
		total += yearWeight(d.year())
		cum = append(cum, total)
	}
	return cum
}

// settledOn is the settlement day of person i. Persons come in order of
// settlement, spread over the days by the year's reception weight, so
// that the files of a year past can be closed while later years are still
// being written.
func (g *gen) settledOn(i int) day {
	total := g.cum[len(g.cum)-1]
	x := (2*int64(i) + 1) * total / (2 * int64(g.sc.persons)) // middle of person i's share
	return g.start + day(sort.Search(len(g.cum), func(k int) bool { return g.cum[k] > x }))
}

// allocate gives a person born on birth a serial number no one else born
// that day (of the same number type and gender) has: the k-th person gets
// a permutation of k, so numbers look random but never repeat.
func (g *gen) allocate(birth day, coord, male bool) pnr {
	for {
		key := int64(birth) * 4
		if coord {
			key += 2
		}
		parity := 0
		if male {
			key++
			parity = 1
		}
		k := g.serial[key]
		if k < 500 {
			g.serial[key] = k + 1
			s := (k*137 + int(birth)*31) % 500
			if s < 0 {
				s += 500
			}
			return pnr{birth: birth, serial: s*2 + parity, coord: coord}
		}
		birth-- // 500 numbers used up that day: take the day before
	}
}

// person writes all rows of person i.
func (g *gen) person(i int) error {
	g.seedFor(uint64(i) + 1)
	p := g.newPerson(i)
	if g.plant != nil {
		g.plant.seed(g.seed, i)
		if g.plant.caseMix != nil {
			p.edu = g.plant.education(p.muni)
		}
	}
	if p.id.old {
		g.oldForms = true
		defer func() { g.oldForms = false }()
	}
	if err := g.settlement(p); err != nil {
		return err
	}
	if err := g.orientation(p); err != nil {
		return err
	}
	if err := g.sfiCourses(p); err != nil {
		return err
	}
	if err := g.participations(p); err != nil {
		return err
	}
	return g.afPlan(p)
}

// The forms in which each source writes identity numbers.
func (g *gen) soForm() pnrForm {
	if g.oldForms {
		return pnrForm(g.weighted([]int{30, 20, 50}))
	}
	return pnrForm(g.weighted([]int{70, 20, 10}))
}

func (g *gen) muniPnrForm() pnrForm {
	if g.oldForms { // old registers of old persons: the 10-digit form with '+'
		return pnrForm(g.weighted([]int{20, 20, 60}))
	}
	return pnrForm(g.weighted([]int{40, 30, 30}))
}

func (g *gen) afForm() pnrForm {
	if g.chance(0.9) {
		return form12
	}
	return form12Dash
}

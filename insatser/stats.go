package insatser

import (
	"cmp"
	"slices"

	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/models"
)

// wilson is models.Wilson (the interval of every published proportion) for
// counts.
func wilson(k, n int64) (low, high float64) { return models.Wilson(float64(k), float64(n)) }

// share publishes k of n: suppressed below minN (then nothing but the flag).
func share(k, n int64, minN int) Share {
	if n < int64(minN) {
		return Share{Suppressed: true, HasCohort: n > 0, n: n, k: k}
	}
	lo, hi := wilson(k, n)
	return Share{N: n, K: k, Value: 100 * float64(k) / float64(n), Low: lo, High: hi, HasCohort: true, n: n, k: k}
}

// publish applies primary suppression to one row of counts.
func publish(r rawFigures, minN int) Figures {
	f := Figures{Share: share(r.k, r.n, minN)}
	if r.participants < int64(minN) {
		f.Participants = Count{Suppressed: true}
	} else {
		f.Participants = Count{N: r.participants}
	}
	if r.nLen < int64(minN) || !r.median.Valid {
		f.Median = Median{Suppressed: true}
	} else {
		f.Median = Median{N: r.nLen, Value: r.median.Float64}
	}
	return f
}

// shareTable is the shares d publishes as package disclosure's cells (EF401
// of "ins:<id>" by year, 0 the whole; "kat:<category>" the whole) with
// their relations and, index for index, the share each cell is; done
// writes the categories' shares back into d.Categories.
func shareTable(d *Data) (cells []disclosure.Cell, rels []disclosure.Relation, refs []*Share, done func()) {
	key := func(area string, period int, gender string) disclosure.Key {
		return disclosure.Key{KPI: "EF401", Area: area, Period: period, Gender: gender}
	}
	add := func(area string, period int, gender string, s *Share) {
		if s.n <= 0 {
			return
		}
		cells = append(cells, disclosure.Cell{Key: key(area, period, gender), N: s.n, K: s.k, HasK: true})
		refs = append(refs, s)
	}
	byCat := map[string][]disclosure.Key{}
	for i := range d.Interventions {
		in := &d.Interventions[i]
		add("ins:"+in.ID, 0, "T", &in.Figures.Share)
		byCat[in.Category] = append(byCat[in.Category], key("ins:"+in.ID, 0, "T"))
	}
	// d.Categories holds values: protected in a slice, written back after
	cats := make([]string, 0, len(d.Categories))
	for c := range d.Categories {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	catFigs := make([]Figures, len(cats))
	for i, c := range cats {
		catFigs[i] = d.Categories[c]
		add("kat:"+c, 0, "T", &catFigs[i].Share)
		rels = append(rels, disclosure.Relation{Rule: "category = Σ interventions", Total: key("kat:"+c, 0, "T"), Terms: byCat[c]})
	}
	done = func() {
		for i, c := range cats {
			d.Categories[c] = catFigs[i]
		}
	}
	years := map[string][]disclosure.Key{}
	genders := map[disclosure.Key][]disclosure.Key{}
	for i := range d.OU {
		c := &d.OU[i]
		add("ins:"+c.ID, c.Period, c.Gender, &c.Share)
		if c.Gender == "T" {
			years[c.ID] = append(years[c.ID], key("ins:"+c.ID, c.Period, "T"))
		} else {
			t := key("ins:"+c.ID, c.Period, "T")
			genders[t] = append(genders[t], key("ins:"+c.ID, c.Period, c.Gender))
		}
	}
	for i := range d.Interventions {
		id := d.Interventions[i].ID
		rels = append(rels, disclosure.Relation{Rule: "intervention = Σ years", Total: key("ins:"+id, 0, "T"), Terms: years[id]})
	}
	for t, terms := range genders {
		rels = append(rels, disclosure.Relation{Rule: "T = K + M", Total: t, Terms: terms})
	}
	slices.SortFunc(rels, func(a, b disclosure.Relation) int { return cmp.Compare(a.Total.String(), b.Total.String()) })
	return cells, rels, refs, done
}

// protectShares applies complementary suppression and interval protection
// (package disclosure, as every published table) to the shares the pages
// and /v3/oudata publish, with their relations: a category's share is the
// sum of its interventions' (participations of ids outside the catalogue
// are in neither), an intervention's the sum of its years' (T), and each
// year's T = K + M. A share without ended participations is a published
// zero, not a term. Hidden beyond min_n: SuppressedComplementary (the
// pages say "dold" either way).
func protectShares(d *Data, minN int) {
	cells, rels, refs, done := shareTable(d)
	defer done()
	hidden, _, _ := disclosure.SuppressRelations(cells, minN, rels)
	for i, h := range hidden {
		if h && cells[i].N >= int64(minN) {
			s := refs[i]
			*s = Share{Suppressed: true, HasCohort: true, SuppressedComplementary: true, n: s.n, k: s.k}
		}
	}
}

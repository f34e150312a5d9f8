package ingest

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// Reason codes of rejected rows the loader adds to those of package parse.
const (
	ReasonMissing    = "missing_value"      // a required cell is blank
	ReasonFieldCount = "wrong_field_count"  // a CSV row has more or fewer fields than the header
	ReasonDateOrder  = "date_order"         // e.g. settled_on before permit_on
	ReasonNeeds      = "missing_dependent"  // e.g. a grade without graded_on
	ReasonSuperseded = "superseded"         // a later row in the same file has the same natural key
	ReasonText       = parse.ReasonText     // a control character or bidirectional override in a text
	ReasonPNRInID    = "personnummer_in_id" // an identifier (key column) shaped like a personnummer
)

// reject is one rejected row: the first problem found in it.
type reject struct {
	line    int64
	column  string // the header as written; "" for whole-row reasons
	value   string // redacted
	reason  string
	message string
}

// cachedValue is a parsed cell value (boxed once) or its error.
type cachedValue struct {
	v   any
	err error
}

// memo is the last value of a column a validator saw.
type memo struct {
	t   string
	e   cachedValue
	set bool
}

// maxColumnCache bounds each column's cache of parsed values.
const maxColumnCache = 1 << 14

// validator checks and converts the rows of one file of one kind. One per
// worker goroutine: it is not safe for concurrent use.
type validator struct {
	k     *Kind
	h     header
	today time.Time
	xlsx  bool
	width int // fields in the header row (CSV rows must match)
	// pers turns personnummer texts into person indices (persons.go)
	pers *personer
	// colCache per column: cell text → parsed value (dates, codes, hours …)
	colCache []map[string]cachedValue
	last     []memo // per column
	// the last person text seen, its boxed index or its error
	lastT   string
	lastV   any
	lastErr error
	lastSet bool
	vals    []driver.Value
	// idLike per column: part of the natural key, so a personnummer
	// shape in it rejects the row (masking could merge distinct keys)
	idLike []bool
	// checks are the kind's rules with their columns' indices, looked up
	// once rather than for every row
	checks []ruleCheck
	// keyI are the indices of the natural key's columns; kh hashes a
	// row's key (the validators of a file share its seed)
	keyI []int
	kh   maphash.Hash
	kb   [8]byte
}

// ruleCheck is a Rule with the indices of its columns (-1 where unused).
type ruleCheck struct {
	Rule
	ifI, needsI, beforeI, afterI int
}

// newValidator makes a validator; persons is the run's pseudonym cache,
// begun for the file, and seed the file's key hash seed (both shared by
// the file's validators).
func newValidator(k *Kind, h header, width int, xlsx bool, key []byte, today time.Time, persons *personCache, seed maphash.Seed) *validator {
	v := &validator{
		k: k, h: h, today: today, xlsx: xlsx, width: width,
		pers: newPersoner(persons, key, today),
		vals: make([]driver.Value, len(k.Columns)),
	}
	v.last = make([]memo, len(k.Columns))
	v.colCache = make([]map[string]cachedValue, len(k.Columns))
	for i := range v.colCache {
		v.colCache[i] = make(map[string]cachedValue)
	}
	v.idLike = make([]bool, len(k.Columns))
	for i, c := range k.Columns {
		v.idLike[i] = slices.Contains(k.Key, c.Name)
	}
	v.kh.SetSeed(seed)
	for _, n := range k.Key {
		i, _ := k.Column(n)
		v.keyI = append(v.keyI, i)
	}
	for _, r := range k.Rules {
		rc := ruleCheck{Rule: r}
		rc.ifI, _ = k.Column(r.If)
		rc.needsI, _ = k.Column(r.Needs)
		rc.beforeI, _ = k.Column(r.Before)
		rc.afterI, _ = k.Column(r.After)
		v.checks = append(v.checks, rc)
	}
	return v
}

// keyHash hashes the natural key of the row just validated (its staged
// values: a person is its index in the file). Equal keys hash equal.
func (v *validator) keyHash() uint64 {
	v.kh.Reset()
	for _, i := range v.keyI {
		switch x := v.vals[i].(type) {
		case int32:
			binary.LittleEndian.PutUint32(v.kb[:4], uint32(x))
			v.kh.Write(v.kb[:4])
		case time.Time:
			binary.LittleEndian.PutUint64(v.kb[:], uint64(x.Unix()))
			v.kh.Write(v.kb[:])
		case string:
			binary.LittleEndian.PutUint64(v.kb[:], uint64(len(x)))
			v.kh.Write(v.kb[:])
			v.kh.WriteString(x)
		case nil:
			v.kh.WriteByte(0)
		default:
			fmt.Fprintf(&v.kh, "%T %v", x, x)
		}
	}
	return v.kh.Sum64()
}

// row validates one data row. A good row's staged values (stageWidth) are
// appended to out; a bad row returns its first problem.
func (v *validator) row(line int64, fields []string, out []driver.Value) ([]driver.Value, *reject) {
	if !v.xlsx && len(fields) != v.width {
		return out, &reject{line: line, reason: ReasonFieldCount,
			message: fmt.Sprintf("line %d has %d fields but the header has %d: a value containing the separator must be enclosed in double quotes", line, len(fields), v.width)}
	}
	for i := range v.k.Columns {
		c := &v.k.Columns[i]
		fi := v.h.index[i]
		if fi < 0 {
			v.vals[i] = c.Absent
			continue
		}
		raw := ""
		if fi < len(fields) {
			raw = fields[fi]
		}
		val, rej := v.cell(line, i, c, raw)
		if rej != nil {
			return out, rej
		}
		v.vals[i] = val
	}
	if rej := v.rules(line); rej != nil {
		return out, rej
	}
	return append(out, v.vals...), nil
}

// cell parses one cell of column c.
func (v *validator) cell(line int64, i int, c *Column, raw string) (any, *reject) {
	t := strings.TrimSpace(raw)
	if t == "" {
		switch {
		case c.Required:
			return nil, v.rejectf(line, i, raw, ReasonMissing, "value is missing: "+c.Name+" is required")
		case c.Type == TPresent:
			return false, nil // a blank cell in the column means absent
		case c.Type == TEducation:
			return parse.Education(t), nil
		}
		return c.Absent, nil
	}
	if c.Type != TPerson {
		// rows often repeat the previous row's value (sorted exports): a
		// string compare is cheaper than a map lookup
		m := &v.last[i]
		e, ok := m.e, m.set && m.t == t
		if !ok {
			if e, ok = v.colCache[i][t]; ok {
				*m = memo{t: t, e: e, set: true}
			}
		}
		if ok {
			if e.err != nil {
				return nil, v.rejectErr(line, i, raw, e.err)
			}
			return e.v, nil
		}
	}
	if c.Type == TPerson {
		p, err := v.person(t)
		if err != nil {
			return nil, v.rejectf(line, i, raw, parse.Reason(err), err.Error())
		}
		return p, nil
	}
	val, err := v.value(i, c, t)
	if m := v.colCache[i]; len(m) < maxColumnCache {
		t = strings.Clone(t)
		m[t] = cachedValue{val, err}
		v.last[i] = memo{t: t, e: cachedValue{val, err}, set: true}
	}
	if err != nil {
		return nil, v.rejectErr(line, i, raw, err)
	}
	return val, nil
}

// value parses the trimmed text t of column i (not a person id). Text that
// is kept (free text, unknown languages) has personnummer shapes masked;
// control characters reject the row.
func (v *validator) value(i int, c *Column, t string) (val any, err error) {
	if c.Lenient {
		defer func() {
			if err != nil {
				val, err = nil, nil
			}
		}()
	}
	if err := parse.CheckText(t); err != nil {
		return nil, err
	}
	switch c.Type {
	case TMunicipality:
		val, err = parse.Municipality(t)
	case TDate:
		val, err = v.date(t)
	case TTermDate:
		val, err = v.dateUpTo(t, v.today.AddDate(termYears, 0, 0))
	case THours:
		val, err = parse.Hours(t)
	case TLanguage:
		var l string
		l, err = parse.Language(t)
		val = scrub(l)
	case TCourse:
		val, err = parse.Course(t)
	case TGrade:
		val, err = nullable(parse.Grade(t))
	case TPresent:
		val, err = parse.Present(t)
	case TAFOutcome:
		val, err = nullable(parse.AFOutcome(t))
	case TOutcome:
		val, err = nullable(parse.ParticipationOutcome(t))
	case TEducation:
		val = parse.Education(t)
	case TReferredBy:
		val = scrub(parse.ReferredBy(t))
	case TProvider:
		val, err = parse.Provider(t)
	case TLanguages:
		var l string
		l, err = parse.Languages(t)
		val = scrub(l)
	case TYesNo:
		val, err = parse.YesNo(t)
	case TAmount:
		val, err = parse.Amount(t)
	case TCount:
		val, err = parse.Count(t)
	case TText:
		if v.idLike[i] && parse.HasPNR(t) {
			return nil, &parse.Error{Reason: ReasonPNRInID, Msg: fmt.Sprintf("%s %q is shaped like a personnummer: an identifier must not be one (it would be stored); give it another id",
				c.Name, scrub(t))}
		}
		val = scrub(t)
	}
	return val, err
}

// rejectErr rejects a cell with the reason and message of a parse error.
func (v *validator) rejectErr(line int64, i int, raw string, err error) *reject {
	reason := parse.Reason(err)
	if reason == "" {
		reason = ReasonText
	}
	return v.rejectf(line, i, raw, reason, err.Error())
}

// nullable turns the "" of an optional coded value into NULL.
func nullable(s string, err error) (any, error) {
	if err != nil || s == "" {
		return nil, err
	}
	return s, nil
}

// date parses a text date; in an XLSX file a number that is not YYYYMMDD
// is an Excel serial (date cells are stored as serials).
func (v *validator) date(t string) (any, error) { return v.dateUpTo(t, v.today) }

// dateUpTo is date with latest as the last valid day.
func (v *validator) dateUpTo(t string, latest time.Time) (any, error) {
	if v.xlsx && looksSerial(t) && len(wholePart(t)) != 8 {
		d, err := parse.ExcelSerial(t)
		if err != nil {
			return nil, err
		}
		if err := parse.DateInRange(d, latest); err != nil {
			return nil, err
		}
		return d, nil
	}
	d, err := parse.Date(t, latest)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func wholePart(t string) string {
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return t[:i]
	}
	return t
}

// looksSerial reports whether t is a plain number, as Excel stores dates.
func looksSerial(t string) bool {
	dot := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return t != ""
}

// person returns the boxed staging index of the person with trimmed text t
// (persons.go); rows often repeat the previous row's person.
func (v *validator) person(t string) (any, error) {
	if v.lastSet && v.lastT == t {
		return v.lastV, v.lastErr
	}
	i, err := v.pers.index(t)
	v.lastT, v.lastV, v.lastErr, v.lastSet = t, any(i), err, true
	if err != nil {
		v.lastV = nil
	}
	return v.lastV, v.lastErr
}

// rules checks the kind's cross-column rules on the parsed values.
func (v *validator) rules(line int64) *reject {
	for _, r := range v.checks {
		if r.If != "" {
			ii, ni := r.ifI, r.needsI
			if v.vals[ii] != nil && v.vals[ni] == nil {
				msg := fmt.Sprintf("%s %v needs a %s date", r.If, v.vals[ii], r.Needs)
				if v.h.index[ni] < 0 {
					msg += fmt.Sprintf(" but the file has no %s column", r.Needs)
				}
				return v.rejectf(line, ii, fmt.Sprint(v.vals[ii]), ReasonNeeds, msg)
			}
			continue
		}
		b, bok := v.vals[r.beforeI].(time.Time)
		a, aok := v.vals[r.afterI].(time.Time)
		if bok && aok && a.Before(b) {
			return v.rejectf(line, r.afterI, a.Format(time.DateOnly), ReasonDateOrder,
				fmt.Sprintf("%s %s is before %s %s", r.After, a.Format(time.DateOnly), r.Before, b.Format(time.DateOnly)))
		}
	}
	return nil
}

// rejectf builds a rejected row for column i with a message a person can act on.
func (v *validator) rejectf(line int64, i int, raw, reason, msg string) *reject {
	col := v.h.written[i]
	return &reject{
		line: line, column: col, value: parse.EscapeText(scrub(parse.Redact(raw))), reason: reason,
		message: scrub(fmt.Sprintf("line %d, column %q: %s", line, col, msg)),
	}
}

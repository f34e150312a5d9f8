// Package ingest loads the sources' exports (CSV and XLSX files of the eight
// kinds of SPEC §2) into DuckDB: each file in one transaction, every row read
// either loaded under a pseudonym or recorded as rejected with a reason.
package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/effekt/effekt/ingest/parse"
)

// ValueType says how a column's text is parsed and what it becomes.
type ValueType int

// Value types of the columns. Each maps to one or more table columns.
const (
	TPerson       ValueType = iota // personnummer → person, birth_date, gender
	TMunicipality                  // kommunkod
	TDate                          // DATE
	THours                         // DOUBLE, 0 < h ≤ 12
	TLanguage                      // ISO 639 code
	TCourse                        // A–D
	TGrade                         // A–F or NULL
	TPresent                       // BOOLEAN
	TAFOutcome                     // ARB|SUB|STU|SOK|OVR or NULL
	TOutcome                       // arbete|studier|annat|avbrott or NULL
	TEducation                     // education level, never rejected
	TReferredBy                    // referral source, never rejected
	TText                          // trimmed text; required ones must not be blank
	TProvider                      // kommunkod or AF (Arbetsförmedlingen)
	TLanguages                     // list of languages → ISO 639 codes joined by commas
	TYesNo                         // ja/nej → BOOLEAN; blank → NULL
	TAmount                        // kronor → DOUBLE
	TCount                         // whole number → BIGINT
	TTermDate                      // DATE of a term (gäller till), up to termYears after today
)

// termYears is how far after the day of ingestion a TTermDate may lie.
const termYears = 20

// Column is one column of a kind: how the file may name it, how its value is
// parsed and which table column it fills.
type Column struct {
	Name     string   // canonical English name
	Aliases  []string // Swedish aliases (SPEC §2)
	Type     ValueType
	Required bool
	// Target is the column in the kind's table; a TPerson column fills
	// person, birth_date and gender.
	Target string
	// Absent is the value stored when the file has no such column or the
	// cell is blank (nil: NULL). Only for optional columns.
	Absent any
	// Lenient: a value that does not parse is stored as NULL instead of
	// rejecting the row (descriptive columns that must never reject one).
	Lenient bool
}

// Rule is a cross-column rule checked after every column of a row parsed.
type Rule struct {
	// Before ≤ After, both dates, checked when both are present.
	Before, After string
	// Needs: when column If has a value, column Needs must have one too.
	If, Needs string
}

// Kind is one file kind: its table, columns, natural key and rules.
type Kind struct {
	Name    string // also the table name and the inbox folder
	Columns []Column
	Key     []string // canonical column names forming the natural key
	Rules   []Rule
}

// Column returns the column with canonical name n.
func (k *Kind) Column(n string) (int, *Column) {
	for i := range k.Columns {
		if k.Columns[i].Name == n {
			return i, &k.Columns[i]
		}
	}
	return -1, nil
}

// keyIndices are the indices of the natural key's columns.
func (k *Kind) keyIndices() []int {
	var out []int
	for _, n := range k.Key {
		i, _ := k.Column(n)
		out = append(out, i)
	}
	return out
}

// TargetColumns lists the table columns a load fills, in staging order:
// the kind's columns (a person expands to four: person, birth_date,
// gender and person_key), then file_id and line; the names of the insert's
// targets.
func (k *Kind) TargetColumns() []string { return targetNames(targets(k)) }

// KindByName returns the declared kind named n, or nil.
func KindByName(n string) *Kind {
	for _, k := range Kinds {
		if k.Name == n {
			return k
		}
	}
	return nil
}

// KindNames lists the declared kinds in load order.
func KindNames() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Name
	}
	return out
}

// header is the result of matching a file's header row against a kind.
type header struct {
	kind    *Kind
	index   []int    // per kind column: field index in the file, -1 if absent
	written []string // per kind column: the header as written ("" if absent)
	unknown []string // header cells that match no column
	missing []string // required columns not found (canonical names)
	matched int      // number of kind columns found
}

// matchHeader matches the header cells of a file against kind k.
// Duplicate columns (two cells meaning the same column) are an error.
func matchHeader(k *Kind, cells []string) (header, error) {
	h := header{kind: k, index: make([]int, len(k.Columns)), written: make([]string, len(k.Columns))}
	for i := range h.index {
		h.index[i] = -1
	}
	keys := columnKeys(k)
	for fi, cell := range cells {
		hk := parse.HeaderKey(cell)
		if hk == "" {
			if strings.TrimSpace(cell) != "" {
				h.unknown = append(h.unknown, strings.TrimSpace(cell))
			}
			continue
		}
		ci, ok := keys[hk]
		if !ok {
			h.unknown = append(h.unknown, strings.TrimSpace(cell))
			continue
		}
		if h.index[ci] >= 0 {
			return h, fmt.Errorf("columns %q and %q both mean %s: keep one", h.written[ci], strings.TrimSpace(cell), k.Columns[ci].Name)
		}
		h.index[ci], h.written[ci] = fi, strings.TrimSpace(cell)
		h.matched++
	}
	for i, c := range k.Columns {
		if c.Required && h.index[i] < 0 {
			h.missing = append(h.missing, c.Name)
		}
	}
	return h, nil
}

// columnKeys maps every normalised name and alias of k to its column index.
func columnKeys(k *Kind) map[string]int {
	m := make(map[string]int)
	for i, c := range k.Columns {
		m[parse.HeaderKey(c.Name)] = i
		for _, a := range c.Aliases {
			m[parse.HeaderKey(a)] = i
		}
	}
	return m
}

// detectKind picks the kind of a file found directly in the inbox from its
// header: the kinds whose required columns are all present; among several,
// the one recognising the most columns; a tie is ambiguous.
func detectKind(cells []string) (*Kind, error) {
	var best []header
	for _, k := range Kinds {
		h, err := matchHeader(k, cells)
		if err != nil || len(h.missing) > 0 {
			continue
		}
		switch {
		case len(best) == 0 || h.matched > best[0].matched:
			best = []header{h}
		case h.matched == best[0].matched:
			best = append(best, h)
		}
	}
	switch len(best) {
	case 0:
		return nil, fmt.Errorf("header row matches no file kind (header: %s); put the file in inbox/<kind>/ or name the columns as in the documentation; kinds: %s",
			quoteList(cells, 12), strings.Join(KindNames(), ", "))
	case 1:
		return best[0].kind, nil
	}
	names := make([]string, len(best))
	for i, h := range best {
		names[i] = h.kind.Name
	}
	sort.Strings(names)
	return nil, fmt.Errorf("header row fits several file kinds (%s): put the file in inbox/<kind>/", strings.Join(names, ", "))
}

// quoteList quotes at most n cells for a message, scrubbed of personnummer.
func quoteList(cells []string, n int) string {
	var b strings.Builder
	for i, c := range cells {
		if i == n {
			fmt.Fprintf(&b, ", … (%d more)", len(cells)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", truncate(scrub(c), 40))
	}
	return b.String()
}

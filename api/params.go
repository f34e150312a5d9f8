package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/effekt/effekt/kolada"
)

// maxIDLen bounds one id; Kolada's longest are a few characters.
const maxIDLen = 64

// splitIDs reads a comma-separated id list (a path segment or repeated
// query values), at most kolada.MaxIDs ids, none empty.
func splitIDs(name string, raw ...string) ([]string, error) {
	var ids []string
	for _, r := range raw {
		for _, id := range strings.Split(r, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, badRequest("%s: empty id in list %q", name, r)
			}
			if len(id) > maxIDLen {
				return nil, badRequest("%s: id longer than %d characters", name, maxIDLen)
			}
			if !plainID(id) {
				return nil, badRequest("%s: id %q may hold only ASCII letters, digits, '-' and '_'", name, id)
			}
			ids = append(ids, id)
		}
	}
	if len(ids) > kolada.MaxIDs {
		return nil, badRequest("%s: %d ids given, at most %d allowed", name, len(ids), kolada.MaxIDs)
	}
	return ids, nil
}

// splitYears reads a comma-separated list of four-digit years.
func splitYears(name string, raw ...string) ([]int, error) {
	ids, err := splitIDs(name, raw...)
	if err != nil {
		return nil, err
	}
	years := make([]int, 0, len(ids))
	for _, s := range ids {
		y, err := strconv.Atoi(s)
		if err != nil || len(s) != 4 || y < 1000 {
			return nil, badRequest("%s: %q is not a year (expected four digits, like 2019)", name, s)
		}
		years = append(years, y)
	}
	return years, nil
}

// page is one requested page: number from 1 and size.
type page struct {
	number, size int
}

// maxPage bounds page so that (page-1)·per_page never overflows; a page
// past the data is an empty page, a page past maxPage a 400.
const maxPage = 1_000_000_000

// offset is the index of the page's first item.
func (p page) offset() int { return (p.number - 1) * p.size }

// parsePage reads page (1…maxPage) and per_page (1…kolada.MaxPerPage,
// default def).
func parsePage(r *http.Request, def int) (page, error) {
	p := page{number: 1, size: def}
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil && errors.Is(err, strconv.ErrRange) || err == nil && n > maxPage {
			return p, badRequest("page: %q is too large (at most %d)", s, maxPage)
		}
		if err != nil || n < 1 {
			return p, badRequest("page: %q is not a page number (1, 2, …)", s)
		}
		p.number = n
	}
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > kolada.MaxPerPage {
			return p, badRequest("per_page: %q is not between 1 and %d", s, kolada.MaxPerPage)
		}
		p.size = n
	}
	return p, nil
}

// paginate cuts one page out of items and links its neighbours: next_url
// is exactly this request with page+1 (null on the last page), previous_url
// the request with page-1 (null on the first).
func paginate[T any](r *http.Request, items []T, p page) kolada.Envelope[T] {
	start := min(p.offset(), len(items))
	end := min(start+p.size, len(items))
	next, prev := pageLinks(r, p, end < len(items))
	return kolada.NewEnvelope(items[start:end], next, prev)
}

// pageLinks are the links to the neighbours of page p: next when hasNext,
// previous unless p is the first page.
func pageLinks(r *http.Request, p page, hasNext bool) (next, prev *string) {
	if hasNext {
		u := pageURL(r, p.number+1)
		next = &u
	}
	if p.number > 1 {
		u := pageURL(r, p.number-1)
		prev = &u
	}
	return next, prev
}

// pageURL is the URL of this request with page set to n, the rest of the
// query kept as the client wrote it: on api.public_url when configured,
// else relative. The request's Host header is never used: a client could
// make the links point anywhere.
func pageURL(r *http.Request, n int) string {
	base, _ := r.Context().Value(publicBaseKey{}).(string)
	pageParam := "page=" + strconv.Itoa(n)
	var parts []string
	replaced := false
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		key, _, _ := strings.Cut(kv, "=")
		if k, err := url.QueryUnescape(key); err == nil && k == "page" {
			if !replaced {
				parts = append(parts, pageParam)
				replaced = true
			}
			continue
		}
		parts = append(parts, kv)
	}
	if !replaced {
		parts = append(parts, pageParam)
	}
	return base + r.URL.EscapedPath() + "?" + strings.Join(parts, "&")
}

// queryIDs reads the ids of query parameter key (repeated or comma lists),
// naming key in errors; values that are blank are ignored.
func queryIDs(r *http.Request, key string) ([]string, error) {
	return splitIDs(key, nonBlank(r.URL.Query()[key])...)
}

// queryYears reads the years of query parameter key as queryIDs does.
func queryYears(r *http.Request, key string) ([]int, error) {
	return splitYears(key, nonBlank(r.URL.Query()[key])...)
}

func nonBlank(xs []string) []string {
	var out []string
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	}
	return out
}

// containsFold reports whether sub is in s, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// plainID reports whether id is made of the characters Kolada ids use
// (N00973, 0127, G0001), plus '-' and '_'.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

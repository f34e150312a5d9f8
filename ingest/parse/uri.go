package parse

import (
	"net/url"
	"strings"
	"time"
)

// MaskURI returns a request URI (a path and a query, as
// http.Request.URL.RequestURI gives it) fit for a log or an audit record:
// its path and its query are each percent-decoded (the query's '+' a
// space; again while that changes them, up to three times, so a doubly
// escaped URI is read too), their control characters and bidirectional
// overrides written \uXXXX (EscapeText), and every personnummer shape in
// them masked (MaskPNRs). The result is for reading, not a URI to request:
// a query holds free text ("/insatser?q=", "/api/v1/rejects?q=") and a
// path whatever a client typed.
func MaskURI(uri string, today time.Time) string {
	path, query, hasQuery := strings.Cut(uri, "?")
	out := MaskPNRs(EscapeText(unescapeURI(path, url.PathUnescape)), today)
	if hasQuery {
		out += "?" + MaskPNRs(EscapeText(unescapeURI(query, url.QueryUnescape)), today)
	}
	return out
}

// unescapeURI decodes s with unescape until it no longer changes (at most
// three times); a part that does not decode is kept as it is (MaskPNRs
// reads its %XX escapes itself).
func unescapeURI(s string, unescape func(string) (string, error)) string {
	for range 3 {
		if !strings.ContainsAny(s, "%+") {
			break
		}
		d, err := unescape(s)
		if err != nil || d == s {
			break
		}
		s = d
	}
	return s
}

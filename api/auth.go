package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/ingest/parse"
)

// require serves next only to a token of role min or above: 401 (with
// WWW-Authenticate) without a token or with one that matches no configured
// hash, 403 for a token whose role is too weak. The identity travels in
// the request's context. Answers carrying micro data are not cached.
func (s *server) require(min access.Role, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := s.auth.Authenticate(r)
		switch {
		case err != nil || id.Role == access.Anonymous:
			w.Header().Set("WWW-Authenticate", `Bearer realm="effekt"`)
			msg := "a valid bearer token is required"
			if min > access.Viewer {
				msg += " (role " + min.String() + " or above)"
			}
			s.fail(w, r, &httpError{status: http.StatusUnauthorized, msg: msg})
			return
		case id.Role < min:
			s.fail(w, r, &httpError{status: http.StatusForbidden, msg: "token " + id.Name + " has role " + id.Role.String() + "; this needs " + min.String() + " or above"})
			return
		}
		if min >= access.Evaluator {
			w.Header().Set("Cache-Control", "no-store")
		}
		next(w, r.WithContext(access.WithIdentity(r.Context(), id)))
	}
}

var errNoAudit = &httpError{status: http.StatusServiceUnavailable, msg: "micro data is not served: the audit log (paths.audit) is not open"}

// audited reports whether micro data may be served (an audit log is open),
// answering 503 when not.
func (s *server) audited(w http.ResponseWriter, r *http.Request) bool {
	if s.opt.Audit == nil {
		s.fail(w, r, errNoAudit)
		return false
	}
	return true
}

// record writes the audit record of a micro-data read through the API
// (rejects, files). A record that cannot be written is an error: the
// caller answers 500 instead of the data. The request URI is recorded
// decoded with personnummer masked (parse.MaskURI): a query may hold one.
func (s *server) record(r *http.Request, action string, start time.Time, rows int64, err error) error {
	id := access.FromContext(r.Context())
	rec := access.Record{
		Time: start, Who: id.Name, Role: id.Role.String(), Via: "api", Action: action, Request: parse.MaskURI(r.URL.RequestURI(), start),
		Rows: rows, DurationMS: time.Since(start).Milliseconds(), Outcome: access.OutcomeOK,
	}
	if err != nil {
		rec.Outcome, rec.Error = access.OutcomeError, "error"
	}
	if aerr := s.opt.Audit.Write(rec); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

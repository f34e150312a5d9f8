package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// SecurityHeaders sets, on every answer of next: X-Content-Type-Options
// nosniff, Referrer-Policy no-referrer, and a Content-Security-Policy that
// allows nothing and no framing (the API serves JSON, CSV and text only).
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// publicBaseKey carries api.public_url to the link builders.
type publicBaseKey struct{}

// links makes base (api.public_url, "" for relative links) available to
// pageURL.
func links(base string) func(http.Handler) http.Handler {
	base = strings.TrimRight(base, "/")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), publicBaseKey{}, base)))
		})
	}
}

// httpError is an error with the status and the message a client may see.
// Its cause stays in the logs.
type httpError struct {
	status int
	msg    string
	cause  error
}

func (e *httpError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.msg, e.cause)
	}
	return fmt.Sprintf("%d %s", e.status, e.msg)
}

func (e *httpError) Unwrap() error { return e.cause }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// writeJSON writes v with status, UTF-8, no HTML escaping.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) // the client may be gone; nothing to do about it
}

type errorBody struct {
	Error string `json:"error"`
}

// fail answers an error as JSON: the message of an httpError, a timeout as
// 503, and anything else as a 500 whose cause is logged, never shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		if he.status >= 500 {
			s.log.ErrorContext(r.Context(), "request failed", "path", logPath(r), "err", err)
		}
		writeJSON(w, he.status, errorBody{he.msg})
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(r.Context().Err(), context.DeadlineExceeded):
		s.log.WarnContext(r.Context(), "request timed out", "path", logPath(r), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"request timed out"})
	case errors.Is(err, context.Canceled):
		// the client went away; nobody reads the answer
	default:
		s.log.ErrorContext(r.Context(), "request failed", "path", logPath(r), "err", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{"internal error"})
	}
}

// jsonFallbacks answers what mux cannot route (unknown path 404, wrong
// method 405 with Allow) as JSON instead of mux's plain text.
func jsonFallbacks(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{"method " + r.Method + " not allowed; allowed: " + probe.header.Get("Allow")})
		case http.StatusNotFound:
			writeJSON(w, http.StatusNotFound, errorBody{"no such endpoint: " + r.URL.Path})
		default: // redirects to the cleaned path
			h.ServeHTTP(w, r)
		}
	})
}

// headerProbe records what a handler would answer, discarding the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *headerProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

// timeout gives every request a deadline, except on the paths given,
// whose handlers set their own.
func timeout(d time.Duration, except ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if slices.Contains(except, r.URL.Path) {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// recoverPanics turns a panicking handler into a logged 500.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.ErrorContext(r.Context(), "handler panic", "path", logPath(r), "panic", fmt.Sprint(v))
					writeJSON(w, http.StatusInternalServerError, errorBody{"internal error"})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logPath is the path of r for a log line, personnummer masked
// (parse.MaskURI): a path is whatever the client typed.
func logPath(r *http.Request) string { return parse.MaskURI(r.URL.EscapedPath(), time.Now()) }

// logRequests writes one debug line per request (and a warning for 5xx).
// Path and query are logged decoded and masked (parse.MaskURI): a query
// may hold a person ("?q=" is free text, 2026-12-02: a personnummer
// searched for was logged as typed), a path whatever a client typed.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			level := slog.LevelDebug
			if rec.status >= 500 {
				level = slog.LevelWarn
			}
			path, query, _ := strings.Cut(parse.MaskURI(r.URL.RequestURI(), start), "?")
			log.Log(r.Context(), level, "http request", "method", r.Method, "path", path, "query", query,
				"status", rec.status, "bytes", rec.bytes, "duration_ms", time.Since(start).Milliseconds())
		})
	}
}

package api

import (
	"context"
	"net/http"
)

// healthz answers 200 while the process serves HTTP.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when Options.Ready (or a database ping) succeeds, else
// 503; the cause is logged, not shown.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ready := s.opt.Ready
	if ready == nil {
		ready = func(ctx context.Context) error { return s.db.PingContext(ctx) }
	}
	if err := ready(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"not ready"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

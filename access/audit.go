package access

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"
)

// Outcomes of an audited access.
const (
	OutcomeOK      = "ok"      // served in full
	OutcomeCut     = "cut"     // served up to the row limit
	OutcomeRefused = "refused" // not run: not a reading statement, a blocked function, no role
	OutcomeError   = "error"   // run and failed (syntax, timeout, memory)
)

// Record is one line of the audit log. It never holds result rows.
type Record struct {
	Time       time.Time `json:"time"`
	Who        string    `json:"who"`               // token name, local:<os user>, or the OS user
	Role       string    `json:"role,omitempty"`    // the token's role (API)
	Via        string    `json:"via"`               // cli or api
	Action     string    `json:"action"`            // sql, rejects, files
	SQL        string    `json:"sql,omitempty"`     // the statement as given
	Request    string    `json:"request,omitempty"` // path and query of an API read
	Rows       int64     `json:"rows"`              // rows returned
	DurationMS int64     `json:"duration_ms"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
}

// AuditLog appends records to a JSON-lines file, one fsync'd write each.
// It is safe for concurrent use; other processes appending to the same file
// do not interleave within a line (O_APPEND, one write per record).
type AuditLog struct {
	mu sync.Mutex
	f  *os.File
}

// OpenAudit opens (creating, mode 0600) the audit log at path for
// appending. Callers open it before running anything they must record, so a
// log that cannot be written stops the access instead of going unrecorded.
func OpenAudit(path string) (*AuditLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create audit log folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log (paths.audit): %w", err)
	}
	return &AuditLog{f: f}, nil
}

// Write appends rec (Time set to now when zero) and syncs the file.
func (a *AuditLog) Write(rec Record) error {
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	rec.Time = rec.Time.UTC().Truncate(time.Millisecond)
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("audit record: %w", err)
	}
	b = append(b, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.f.Write(b); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("sync audit log: %w", err)
	}
	return nil
}

// Close closes the file.
func (a *AuditLog) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.f.Close()
}

// OSUser is the name of the user running this process, for the CLI's
// audit records; $USER or the uid when the user database has no entry.
func OSUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return fmt.Sprintf("uid:%d", os.Getuid())
}

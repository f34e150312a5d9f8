package access_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/config"
)

func TestAuthenticate(t *testing.T) {
	a, err := access.NewAuthenticator([]config.Token{
		{Name: "public-site", Role: config.RoleViewer, SHA256: config.HashToken("viewer-token-0123456789")},
		{Name: "anna", Role: config.RoleEvaluator, SHA256: config.HashToken("evaluator-token-0123456789")},
		{Name: "ops", Role: config.RoleOperator, SHA256: config.HashToken("operator-token-0123456789")},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.AddLocal("local-token-abcdefghijklmnop")
	tests := []struct {
		name, header, user string
		want               access.Identity
		err                error
	}{
		{"none", "", "", access.Identity{Via: "api"}, nil},
		{"viewer", "Bearer viewer-token-0123456789", "", access.Identity{Name: "public-site", Role: access.Viewer, Via: "api"}, nil},
		{"evaluator", "Bearer evaluator-token-0123456789", "", access.Identity{Name: "anna", Role: access.Evaluator, Via: "api"}, nil},
		{"operator, scheme in lower case", "bearer operator-token-0123456789", "", access.Identity{Name: "ops", Role: access.Operator, Via: "api"}, nil},
		{"local", "Bearer local-token-abcdefghijklmnop", "kim", access.Identity{Name: "local:kim", Role: access.Operator, Via: "api"}, nil},
		{"local, hostile user name", "Bearer local-token-abcdefghijklmnop", "k\x1b[31mim\n", access.Identity{Name: "local:k[31mim", Role: access.Operator, Via: "api"}, nil},
		{"wrong token", "Bearer evaluator-token-0123456788", "", access.Identity{Via: "api"}, access.ErrBadToken},
		{"the hash is not the token", "Bearer " + config.HashToken("operator-token-0123456789"), "", access.Identity{Via: "api"}, access.ErrBadToken},
		{"basic", "Basic b3BzOm9wcw==", "", access.Identity{Via: "api"}, access.ErrBadToken},
		{"empty bearer", "Bearer ", "", access.Identity{Via: "api"}, access.ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			if tt.user != "" {
				r.Header.Set(access.LocalUserHeader, tt.user)
			}
			got, err := a.Authenticate(r)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("got %+v, %v; want %+v, %v", got, err, tt.want, tt.err)
			}
		})
	}
	if _, err := access.NewAuthenticator([]config.Token{{Name: "x", Role: "admin", SHA256: config.HashToken("x")}}); err == nil {
		t.Error("unknown role accepted")
	}
	if !(access.Anonymous < access.Viewer && access.Viewer < access.Evaluator && access.Evaluator < access.Operator) {
		t.Error("roles out of order")
	}
}

// TestAudit: every field of each record as written, one line per record
// under concurrent writers, the file 0600.
func TestAudit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "audit.jsonl")
	a, err := access.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := a.Write(access.Record{Time: at, Who: "anna", Role: "evaluator", Via: "api", Action: "sql", SQL: "SELECT 1", Rows: 1, DurationMS: 3, Outcome: access.OutcomeOK}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("audit log mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	want := `{"time":"2026-11-30T11:00:00.123Z","who":"anna","role":"evaluator","via":"api","action":"sql","sql":"SELECT 1","rows":1,"duration_ms":3,"outcome":"ok"}`
	for sc.Scan() {
		n++
		if sc.Text() != want {
			t.Fatalf("line %d: %s\nwant %s", n, sc.Text(), want)
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
	}
	if n != 50 {
		t.Fatalf("%d lines, want 50", n)
	}
	// appending: a second open adds after the existing lines
	a2, _ := access.OpenAudit(path)
	a2.Write(access.Record{Who: "kim", Via: "cli", Action: "sql", Outcome: access.OutcomeRefused, Error: "COPY statements are not allowed"})
	a2.Close()
	b, _ := os.ReadFile(path)
	if got := len(splitLines(b)); got != 51 {
		t.Fatalf("%d lines after reopening, want 51", got)
	}
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		out = append(out, b[:i])
		if i < len(b) {
			i++
		}
		b = b[i:]
	}
	return out
}

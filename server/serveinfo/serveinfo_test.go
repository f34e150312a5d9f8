package serveinfo_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/server/serveinfo"
)

func TestWriteDiscoverRemove(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.duckdb")
	if _, err := serveinfo.Discover(db); !errors.Is(err, serveinfo.ErrNotRunning) {
		t.Fatalf("no file: %v", err)
	}
	tok, err := serveinfo.NewToken()
	if err != nil || len(tok) != 64 {
		t.Fatalf("token %q, %v", tok, err)
	}
	want := serveinfo.Info{PID: os.Getpid(), Listen: "0.0.0.0:8080", URL: "http://127.0.0.1:8080", Token: tok}
	remove, err := serveinfo.Write(db, want)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(serveinfo.Path(db))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("serve file mode %v, %v", st.Mode().Perm(), err)
	}
	got, err := serveinfo.Discover(db)
	if err != nil || got != want {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(serveinfo.Path(db)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("serve file left behind: %v", err)
	}
	// a file left by a killed server names a process that is gone
	dead := want
	dead.PID = 1 << 22 // above pid_max's default
	if _, err := serveinfo.Write(db, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := serveinfo.Discover(db); !errors.Is(err, serveinfo.ErrNotRunning) {
		t.Fatalf("dead pid: %v", err)
	}
}

func TestLocalURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		"[::]:9000":      "http://127.0.0.1:9000",
		"127.0.0.1:1234": "http://127.0.0.1:1234",
		"10.1.2.3:80":    "http://10.1.2.3:80",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := serveinfo.LocalURL(a); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}

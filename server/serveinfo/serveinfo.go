// Package serveinfo lets commands find the `effekt serve` that holds a
// database. While it runs, serve writes <database>.serve.json (mode 0600:
// it holds the per-run local token) with its pid, listen address, base URL
// and a random local token the server accepts as an operator (named
// "local:<os user>" in the audit log); it removes the file on exit.
//
// Guarantees: the file is written atomically (temp file, rename), only ever
// readable by its owner; Discover reports ErrNotRunning for a missing file,
// an unreadable one or one whose process is gone (a server killed with -9
// leaves it behind).
package serveinfo

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// Info is what a running server records beside its database.
type Info struct {
	PID    int    `json:"pid"`
	Listen string `json:"listen"` // the address it listens on
	URL    string `json:"url"`    // base URL reachable from this host, e.g. http://127.0.0.1:8080
	Token  string `json:"token"`  // per-run local token (role operator, audit name local:<user>)
}

// ErrNotRunning: no live server holds the database.
var ErrNotRunning = errors.New("no running effekt serve found for this database")

// Path is the serve file of the database at dbPath.
func Path(dbPath string) string { return dbPath + ".serve.json" }

// NewToken returns a random local token (256 bits, hex).
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("local token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// LocalURL is the base URL for reaching addr from this host: a wildcard
// host (0.0.0.0, ::, empty) becomes the loopback address.
func LocalURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Write records info for dbPath (0600, atomically) and returns the function
// that removes the record again.
func Write(dbPath string, info Info) (remove func() error, err error) {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("serve file: %w", err)
	}
	path := Path(dbPath)
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write serve file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write serve file: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write serve file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write serve file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("write serve file: %w", err)
	}
	return func() error {
		// only our own record: a later server may have replaced it
		if cur, err := read(path); err == nil && cur.PID != info.PID {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove serve file: %w", err)
		}
		return nil
	}, nil
}

// Discover returns the record of the live server holding dbPath, or
// ErrNotRunning.
func Discover(dbPath string) (Info, error) {
	info, err := read(Path(dbPath))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Info{}, ErrNotRunning
		}
		return Info{}, fmt.Errorf("%w: %v", ErrNotRunning, err)
	}
	if info.PID <= 0 || info.URL == "" || info.Token == "" {
		return Info{}, fmt.Errorf("%w: %s is incomplete", ErrNotRunning, Path(dbPath))
	}
	if !alive(info.PID) {
		return Info{}, fmt.Errorf("%w: %s names process %d, which has ended", ErrNotRunning, Path(dbPath), info.PID)
	}
	return info, nil
}

func read(path string) (Info, error) {
	var info Info
	b, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("read %s: %w", path, err)
	}
	return info, nil
}

// alive reports whether process pid exists (signal 0 checks without
// sending; EPERM means it exists under another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Package access decides who may see what and records micro-data access.
//
// Guarantees:
//   - A request's identity comes only from a bearer token whose SHA-256
//     matches a configured hash (compared in constant time against every
//     configured hash, so timing does not tell which or how many matched);
//     config never holds the tokens themselves.
//   - Roles are ordered viewer < evaluator < operator; each includes the
//     ones below it. No token means the anonymous public (the public /v3 and
//     /api/v1/values only).
//   - The audit log (audit.go) gets one fsync'd JSON line per micro-data
//     access, written with O_APPEND; it never holds result rows.
package access

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/effekt/effekt/config"
)

// Role is what a token holder may do; a larger role includes the smaller.
type Role int

// Roles, from least to most.
const (
	Anonymous Role = iota // no token: public aggregates only
	Viewer                // public /v3 and /api/v1/values
	Evaluator             // also micro data: SQL, rejected rows (masked), files
	Operator              // also runs jobs
)

func (r Role) String() string {
	switch r {
	case Viewer:
		return config.RoleViewer
	case Evaluator:
		return config.RoleEvaluator
	case Operator:
		return config.RoleOperator
	}
	return "anonymous"
}

// ParseRole reads a role as the configuration names it.
func ParseRole(s string) (Role, error) {
	switch s {
	case config.RoleViewer:
		return Viewer, nil
	case config.RoleEvaluator:
		return Evaluator, nil
	case config.RoleOperator:
		return Operator, nil
	}
	return Anonymous, fmt.Errorf("unknown role %q (want viewer, evaluator or operator)", s)
}

// Identity is who makes a request or runs a query.
type Identity struct {
	Name string // token name, "local:<os user>" or the OS user; "" when anonymous
	Role Role
	Via  string // "api" or "cli"
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext is the identity ctx carries; the anonymous identity when none.
func FromContext(ctx context.Context) Identity {
	id, _ := ctx.Value(identityKey{}).(Identity)
	return id
}

// Errors of Authenticate.
var (
	ErrNoToken  = errors.New("a bearer token is required")
	ErrBadToken = errors.New("the bearer token is not valid")
)

// LocalUserHeader names the OS user of a local `effekt sql` that uses the
// running server's per-run local token; the audit log records
// "local:<user>".
const LocalUserHeader = "X-Effekt-User"

type entry struct {
	name  string
	role  Role
	hash  [sha256.Size]byte
	local bool
}

// Authenticator maps bearer tokens to identities.
type Authenticator struct {
	entries []entry
}

// NewAuthenticator holds the hashes of tokens (config.Token.SHA256).
func NewAuthenticator(tokens []config.Token) (*Authenticator, error) {
	a := &Authenticator{}
	for _, t := range tokens {
		role, err := ParseRole(t.Role)
		if err != nil {
			return nil, fmt.Errorf("token %q: %w", t.Name, err)
		}
		h, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(t.SHA256)))
		if err != nil || len(h) != sha256.Size {
			return nil, fmt.Errorf("token %q: sha256 is not 64 hex digits", t.Name)
		}
		e := entry{name: t.Name, role: role}
		copy(e.hash[:], h)
		a.entries = append(a.entries, e)
	}
	return a, nil
}

// AddLocal accepts token (held in full only by this process and the 0600
// serve file beside the database) as an operator named after the
// X-Effekt-User header of each request.
func (a *Authenticator) AddLocal(token string) {
	a.entries = append(a.entries, entry{name: "local", role: Operator, hash: sha256.Sum256([]byte(token)), local: true})
}

// Authenticate returns the identity of r's bearer token: the anonymous
// identity without an Authorization header, ErrBadToken for a token that
// matches no configured hash or a header that is not "Bearer <token>".
func (a *Authenticator) Authenticate(r *http.Request) (Identity, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Identity{Via: "api"}, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Identity{Via: "api"}, ErrBadToken
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range a.entries {
		// every hash is compared, whatever matched before
		if subtle.ConstantTimeCompare(sum[:], a.entries[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Identity{Via: "api"}, ErrBadToken
	}
	e := a.entries[found]
	id := Identity{Name: e.name, Role: e.role, Via: "api"}
	if e.local {
		user := cleanUser(r.Header.Get(LocalUserHeader))
		id.Name = "local:" + user
	}
	return id, nil
}

// cleanUser keeps a user name printable and short for the audit log.
func cleanUser(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() >= 64 {
			break
		}
		if c > ' ' && c != 0x7f && c < 0x80 {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}

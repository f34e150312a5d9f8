package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// clearEnv makes the secret overrides empty for one test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvPseudonymKey, EnvAPITokens, EnvGrafanaToken} {
		t.Setenv(k, "")
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "effekt.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExampleIsDefault keeps effekt.example.yaml, which documents every key,
// equal to Default().
func TestExampleIsDefault(t *testing.T) {
	clearEnv(t)
	got, err := Load(filepath.Join("..", "effekt.example.yaml"))
	if err != nil {
		t.Fatalf("Load example: %v", err)
	}
	want := Default()
	want.Pseudonym.Key, want.Pseudonym.Demo = DemoKey, true
	if len(got.API.Tokens) == 0 {
		got.API.Tokens = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("example differs from Default():\n got %+v\nwant %+v", got, want)
	}
}

// TestExampleDocumentsEveryKey checks that every yaml key of Config appears
// in the example file.
func TestExampleDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "effekt.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < ty.NumField(); i++ {
			tag := strings.Split(ty.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			if !strings.Contains(string(b), tag+":") {
				missing = append(missing, tag)
			}
			walk(ty.Field(i).Type)
		}
	}
	walk(reflect.TypeOf(Config{}))
	if len(missing) > 0 {
		t.Errorf("effekt.example.yaml does not document %v", missing)
	}
}

func TestLoadOverrides(t *testing.T) {
	clearEnv(t)
	p := writeConfig(t, `
listen: 0.0.0.0:9000
indicators:
  min_n: 10
  as_of: 2024-12-31
groups:
  - id: G0009
    title: Norrort
    members: [Täby, "187", "0162"]
schedules:
  ingest: "off"
  stop_grace: 2m
metrics:
  periods: 5
`)
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Pseudonym.Key, want.Pseudonym.Demo = DemoKey, true
	want.Listen = "0.0.0.0:9000"
	want.Indicators.MinN = 10
	want.Indicators.AsOf = "2024-12-31"
	want.Groups = []Group{{ID: "G0009", Title: "Norrort", Members: []string{"0160", "0187", "0162"}}} // names and zero-less codes resolved
	want.Schedules.Ingest = Off
	want.Schedules.StopGrace = 2 * time.Minute
	want.Metrics.Periods = 5
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	clearEnv(t)
	got, err := Load(writeConfig(t, "# nothing\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Listen != Default().Listen || got.Metrics.Periods != 3 {
		t.Errorf("got %+v", got)
	}
}

func TestEnvOverridesSecrets(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("  file-key-0123456789abcdef \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		env        map[string]string
		file       string
		wantKey    string
		wantDemo   bool
		wantTokens []Token
		wantGraf   string
	}{
		{name: "nothing: demo key", wantKey: DemoKey, wantDemo: true},
		{name: "key file", file: "pseudonym: {key_file: " + keyFile + "}\n", wantKey: "file-key-0123456789abcdef"},
		{name: "env beats key file", env: map[string]string{EnvPseudonymKey: "env-key-0123456789abcdef"},
			file: "pseudonym: {key_file: " + keyFile + "}\n", wantKey: "env-key-0123456789abcdef"},
		{name: "env token is one operator beside the file's", env: map[string]string{EnvAPITokens: " tok-aaaaaaaaaaaaaaaa , ,tok-bbbbbbbbbbbbbbbb"},
			file: "api: {tokens: [{name: anna, role: evaluator, sha256: " + tokenHash + "}]}\n", wantKey: DemoKey, wantDemo: true,
			wantTokens: []Token{{Name: "anna", Role: RoleEvaluator, SHA256: tokenHash},
				{Name: "env", Role: RoleOperator, SHA256: HashToken("tok-aaaaaaaaaaaaaaaa"), FromEnv: true},
				{Name: "env2", Role: RoleOperator, SHA256: HashToken("tok-bbbbbbbbbbbbbbbb"), FromEnv: true}}},
		{name: "tokens from file", file: "api: {tokens: [{name: anna, role: evaluator, sha256: " + tokenHash + "}]}\n", wantKey: DemoKey, wantDemo: true,
			wantTokens: []Token{{Name: "anna", Role: RoleEvaluator, SHA256: tokenHash}}},
		{name: "grafana token", env: map[string]string{EnvGrafanaToken: "glsa_x"}, wantKey: DemoKey, wantDemo: true, wantGraf: "glsa_x"},
		{name: "expansion in file", env: map[string]string{"EFFEKT_TEST_LISTEN_PORT": "9911"},
			file: "listen: 127.0.0.1:${EFFEKT_TEST_LISTEN_PORT}\n", wantKey: DemoKey, wantDemo: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			path := ""
			if tc.file != "" {
				path = writeConfig(t, tc.file)
			}
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Pseudonym.Key != tc.wantKey || c.Pseudonym.Demo != tc.wantDemo {
				t.Errorf("key = %q demo=%v, want %q demo=%v", c.Pseudonym.Key, c.Pseudonym.Demo, tc.wantKey, tc.wantDemo)
			}
			if !reflect.DeepEqual(c.API.Tokens, tc.wantTokens) {
				t.Errorf("tokens = %+v, want %+v", c.API.Tokens, tc.wantTokens)
			}
			if c.Grafana.Token != tc.wantGraf {
				t.Errorf("grafana token = %q, want %q", c.Grafana.Token, tc.wantGraf)
			}
			if tc.env["EFFEKT_TEST_LISTEN_PORT"] != "" && c.Listen != "127.0.0.1:9911" {
				t.Errorf("listen = %q, want expanded 127.0.0.1:9911", c.Listen)
			}
		})
	}
}

// tokenHash is the SHA-256 of "file-token-cccccccccccc", by sha256sum.
const tokenHash = "3f2ee64cd369a17021f1afcf6012f4bc6ce712178802dc8a121308d8b02de258"

// TestInvalid checks that each bad value fails naming its key.
func TestInvalid(t *testing.T) {
	tests := []struct {
		name, file, env, wantField, wantText string
	}{
		{"unknown top-level key", "listn: 127.0.0.1:1\n", "", "listn", "unknown key"},
		{"unknown nested key", "schedules:\n  ingest: '@hourly'\n  exprt: '@daily'\n", "", "schedules.exprt", "unknown key"},
		{"unknown key in group", "groups:\n  - id: G0001\n    title: X\n    member: ['0127']\n", "", "groups[0].member", "unknown key"},
		{"type error names key", "indicators:\n  min_n: many\n", "", "", "key indicators.min_n"},
		{"bad duration names key", "metrics:\n  scrape_timeout: soon\n", "", "", "key metrics.scrape_timeout"},
		{"empty inbox", "paths: {inbox: ''}\n", "", "paths.inbox", "must not be empty"},
		{"empty database", "paths: {database: ' '}\n", "", "paths.database", "must not be empty"},
		{"empty exports", "paths: {exports: ''}\n", "", "paths.exports", "must not be empty"},
		{"listen without port", "listen: localhost\n", "", "listen", "host:port"},
		{"listen empty port", "listen: 'localhost:'\n", "", "listen", "host:port"},
		{"min_n zero", "indicators: {min_n: 0}\n", "", "indicators.min_n", "at least 1"},
		{"so_fee negative", "indicators: {so_fee: -1}\n", "", "indicators.so_fee", "positive"},
		{"as_of not a date", "indicators: {as_of: 2024-02-30}\n", "", "indicators.as_of", "YYYY-MM-DD"},
		{"release neither month nor day", "indicators: {release: week}\n", "", "indicators.release", "month"},
		{"periods zero", "metrics: {periods: 0}\n", "", "metrics.periods", "at least 1"},
		{"scrape_timeout zero", "metrics: {scrape_timeout: 0s}\n", "", "metrics.scrape_timeout", "positive"},
		{"request_timeout negative", "api: {request_timeout: -1s}\n", "", "api.request_timeout", "positive"},
		{"stop_grace zero", "schedules: {stop_grace: 0s}\n", "", "schedules.stop_grace", "positive"},
		{"token without hash", "api: {tokens: [{name: a, role: evaluator, sha256: short}]}\n", "", "api.tokens[0].sha256", "64 hex digits"},
		{"token role", "api: {tokens: [{name: a, role: admin, sha256: " + tokenHash + "}]}\n", "", "api.tokens[0].role", "viewer, evaluator or operator"},
		{"token name", "api: {tokens: [{role: viewer, sha256: " + tokenHash + "}]}\n", "", "api.tokens[0].name", "must not be empty"},
		{"duplicate token name", "api: {tokens: [{name: a, role: viewer, sha256: " + tokenHash + "}, {name: a, role: viewer, sha256: " + tokenHash + "}]}\n", "", "api.tokens[1].name", "duplicate"},
		{"short token from env", "", "short", "api.tokens", "16 characters"},
		{"public url", "api: {public_url: 'effekt.example.se'}\n", "", "api.public_url", "base URL"},
		{"settle negative", "ingest: {settle: -1s}\n", "", "ingest.settle", "negative"},
		{"row limit", "sql: {row_limit: 0}\n", "", "sql.row_limit", "at least 1"},
		{"memory limit", "sql: {memory_limit: lots}\n", "", "sql.memory_limit", "512MB"},
		{"bad cron ingest", "schedules: {ingest: '*/15 * *'}\n", "", "schedules.ingest", "expected exactly 5 fields"},
		{"bad cron compute", "schedules: {compute: '@sometimes'}\n", "", "schedules.compute", "descriptor"},
		{"bad cron export", "schedules: {export: '0 4 32 * *'}\n", "", "schedules.export", "above maximum"},
		{"group id", "groups: [{id: X1, title: X, members: ['0127']}]\n", "", "groups[0].id", `start with "G"`},
		{"duplicate group id", "groups: [{id: G1, title: X, members: ['0127']}, {id: G1, title: Y, members: ['0127']}]\n", "", "groups[1].id", "duplicate"},
		{"group title", "groups: [{id: G1, title: '', members: ['0127']}]\n", "", "groups[0].title", "must not be empty"},
		{"group no members", "groups: [{id: G1, title: X, members: []}]\n", "", "groups[0].members", "at least one"},
		{"group bad member", "groups: [{id: G1, title: X, members: ['0127', Atlantis]}]\n", "", "groups[0].members[1]", "not a municipality"},
		{"grafana url", "grafana: {url: 'ftp://x'}\n", "", "grafana.url", "http(s) URL"},
		{"missing key file", "pseudonym: {key_file: /nonexistent/effekt.key}\n", "", "pseudonym.key_file", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			if tc.env != "" {
				t.Setenv(EnvAPITokens, tc.env)
			}
			path := ""
			if tc.file != "" {
				path = writeConfig(t, tc.file)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if tc.wantField != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("error %v is not a *ValidationError", err)
				}
				if ve.Field != tc.wantField {
					t.Errorf("field = %q, want %q (error %v)", ve.Field, tc.wantField, err)
				}
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not contain %q", err, tc.wantText)
			}
		})
	}
}

func TestShortPseudonymKey(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvPseudonymKey, "too-short")
	_, err := Load("")
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Env != EnvPseudonymKey || !strings.Contains(err.Error(), "$"+EnvPseudonymKey) {
		t.Fatalf("err = %v, want an error naming %s", err, EnvPseudonymKey)
	}
	if strings.Contains(err.Error(), "too-short") {
		t.Errorf("error %q leaks the key", err)
	}
}

package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestErrorsNameFileAndLine: every configuration error names the file and
// the line of the key, and the environment variable a value came from.
func TestErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, file string
		env        map[string]string
		want       string // the whole message after the file name
	}{
		{"cron", "listen: 127.0.0.1:8080\nschedules:\n  ingest: '@hourly'\n  compute: \"30 25 * * *\"\n", nil,
			`:4: schedules.compute = "30 25 * * *": end of range (25) above maximum (23)`},
		{"unknown key suggests", "indicators:\n  min_count: 3\n", nil,
			`:2: indicators.min_count: unknown key (did you mean min_n?)`},
		{"type error", "metrics:\n  periods: 3\n  scrape_timeout: soon\n", nil,
			`:3: key metrics.scrape_timeout: cannot unmarshal !!str ` + "`soon`" + ` into time.Duration`},
		{"syntax", "paths:\n  inbox: [\n", nil, `:2: did not find expected node content`},
		{"group member", "groups:\n  - id: G0001\n    title: X\n    members: ['0127', Atlantis]\n", nil,
			`:4: groups[0].members[1] = "Atlantis": not a municipality code or name`},
		{"from environment", "listen: ${EFFEKT_TEST_LISTEN}\n", map[string]string{"EFFEKT_TEST_LISTEN": "localhost"},
			`:1: listen = "localhost" (from $EFFEKT_TEST_LISTEN): want host:port, like 127.0.0.1:8080`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			path := filepath.Join(t.TempDir(), "effekt.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || err.Error() != path+tt.want {
				t.Fatalf("got  %v\nwant %s", err, path+tt.want)
			}
		})
	}
	clearEnv(t)
	t.Setenv(EnvAPITokens, "short")
	if _, err := Load(""); err == nil || err.Error() != "config api.tokens (from $EFFEKT_API_TOKENS): token 1 must be at least 16 characters" {
		t.Fatalf("short token from the environment: %v", err)
	}
}

// TestUnsetVariable: a value naming an unset environment variable is an
// error, not a silent default.
func TestUnsetVariable(t *testing.T) {
	clearEnv(t)
	os.Unsetenv("EFFEKT_TEST_UNSET")
	path := filepath.Join(t.TempDir(), "effekt.yaml")
	os.WriteFile(path, []byte("paths:\n  inbox: in\nlisten: ${EFFEKT_TEST_UNSET}\n"), 0o644)
	_, err := Load(path)
	if want := path + ":3: listen (from $EFFEKT_TEST_UNSET): the environment variable is not set"; err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	t.Setenv("EFFEKT_TEST_UNSET", "127.0.0.1:9000")
	if c, err := Load(path); err != nil || c.Listen != "127.0.0.1:9000" {
		t.Fatalf("set: %v %q", err, c.Listen)
	}
}

package main

// Tests of the command line as a user meets it: the real binary (this test
// binary re-executed as effekt, see TestMain) with its exit code, stdout
// and stderr.

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// cli runs `effekt args...` in dir and returns stdout, stderr and the exit code.
func cli(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	return cliWithKey(t, dir, testKey, args...)
}

// cliWithKey is cli with key as EFFEKT_PSEUDONYM_KEY; "": none (the demo key).
func cliWithKey(t *testing.T, dir, key string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EFFEKT_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, envAsMain+"=1")
	if key != "" {
		cmd.Env = append(cmd.Env, config.EnvPseudonymKey+"="+key)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("effekt %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

// emptyDB creates an empty, migrated database in dir.
func emptyDB(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "e.duckdb")
	db, err := store.Open(context.Background(), p, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return p
}

func TestCLIUsageAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string // in stdout+stderr
	}{
		{"help", []string{"-h"}, 0, "Available Commands:"},
		{"command help", []string{"ingest", "-h"}, 0, "--inbox DIR"},
		{"help command", []string{"help", "ingest"}, 0, "--inbox DIR"},
		{"bench help lists flags", []string{"bench", "ingest", "--help"}, 0, "--scale SIZE"},
		{"version flag", []string{"--version"}, 0, "go1."},
		{"help unknown topic", []string{"help", "ingets"}, 2, "did you mean ingest?"},
		{"help subcommand", []string{"help", "dashboards", "publish"}, 0, "--grafana-url URL"},
		{"single-dash long flag", []string{"demo", "-dir", "x"}, 2, "did you mean --dir?"},
		{"version command", []string{"version"}, 0, "effekt "},
		{"unknown command suggests", []string{"demoo"}, 2, "demo"},
		{"unknown flag suggests", []string{"kpi", "--fromat", "json"}, 2, "did you mean --format?"},
		{"unexpected argument", []string{"kpi", "extra"}, 2, `unexpected argument "extra"`},
		{"bench without subcommand", []string{"bench"}, 2, "needs a subcommand"},
		{"bench unknown subcommand", []string{"bench", "ingets"}, 2, "did you mean ingest?"},
		{"kpi typo suggests", []string{"indicators", "--kpi", "EF1011"}, 2, "did you mean EF101"},
		{"municipality typo suggests", []string{"indicators", "--kpi", "EF301", "Hudinge"}, 2, "did you mean Huddinge"},
		{"bad format", []string{"indicators", "--format", "xml"}, 2, "want table, csv or json"},
		{"headline takes no filters", []string{"indicators", "--headline", "--format", "csv"}, 2, "--headline is the demo's fixed table"},
		{"sample needs --out", []string{"sample"}, 2, `"out" not set`},
		{"scale typo suggests", []string{"sample", "--out", "x", "--scale", "contry"}, 2, "did you mean county?"},
		{"kpi json", []string{"kpi", "--format", "json"}, 0, `"id": "EF101"`},
		{"completion script", []string{"completion", "bash"}, 0, "bash completion"},
		{"complete kpi", []string{"__complete", "indicators", "--kpi", "EF10"}, 0, "EF101\tSamhällsorientering"},
		{"complete municipality", []string{"__complete", "indicators", "--municipality", "Hudd"}, 0, "Huddinge"},
		{"complete county", []string{"__complete", "indicators", "--municipality", "Stockholms"}, 0, "Stockholms län"},
		{"complete format", []string{"__complete", "indicators", "--format", ""}, 0, "csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := cli(t, dir, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.contains) {
				t.Fatalf("effekt %s: exit %d, want %d; want %q in\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, tt.code, tt.contains, out, errOut)
			}
		})
	}
}

// TestCLIFailuresCreateNothing: a missing inbox or database is an error
// naming the path (exit 1), and a command that fails leaves no database.
func TestCLIFailuresCreateNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.duckdb")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"mistyped inbox", []string{"ingest", "--inbox", "inbx", "--db", db}, 1, "inbox inbx does not exist"},
		{"indicators without database", []string{"indicators", "--db", db}, 1, "database " + db + " does not exist"},
		{"sql without database", []string{"sql", "SELECT 1", "--db", db}, 1, "database " + db + " does not exist"},
		{"export without database", []string{"export", "--db", db, "--out", filepath.Join(dir, "exp")}, 1, "does not exist"},
		{"compute without database", []string{"compute", "--db", db}, 1, "does not exist"},
		{"bad listen", []string{"serve", "--listen", "nonsense", "--db", db}, 2, "listen"},
		{"listen in use", []string{"serve", "--listen", busy.Addr().String(), "--db", db}, 1, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := cli(t, dir, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.contains) {
				t.Fatalf("exit %d, want %d; want %q in\nstdout:\n%s\nstderr:\n%s", code, tt.code, tt.contains, out, errOut)
			}
			if strings.Contains(errOut, "IO Error") {
				t.Errorf("raw DuckDB error shown: %s", errOut)
			}
			if _, err := os.Stat(db); err == nil {
				t.Fatalf("a failed %s created %s", tt.args[0], db)
			}
			if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
				t.Fatalf("a failed %s created ./data", tt.args[0])
			}
		})
	}
}

func TestDemoRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine")
	os.MkdirAll(filepath.Join(mine, "notes"), 0o755)
	os.WriteFile(filepath.Join(mine, "precious.txt"), []byte("keep me"), 0o644)
	for _, d := range []string{mine, "."} {
		out, errOut, code := cli(t, mine, "demo", "--dir", d)
		if code != 1 || !strings.Contains(errOut, "demo folder "+d) {
			t.Fatalf("demo --dir %s: exit %d, want 1 naming the folder\nstdout:\n%s\nstderr:\n%s", d, code, out, errOut)
		}
	}
	if b, err := os.ReadFile(filepath.Join(mine, "precious.txt")); err != nil || string(b) != "keep me" {
		t.Fatalf("precious.txt after demo: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(mine, "notes")); err != nil {
		t.Fatalf("notes/ after demo: %v", err)
	}
	// A folder with the marker is the demo's own: emptied and reused.
	if err := prepareDemoDir(filepath.Join(dir, "own")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "own", "old.txt"), nil, 0o644)
	if err := prepareDemoDir(filepath.Join(dir, "own")); err != nil {
		t.Fatalf("second demo in its own folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "own", "old.txt")); err == nil {
		t.Fatal("the demo's own folder was not emptied")
	}
}

func TestCLIInterspersedFlagsAndJSONOrder(t *testing.T) {
	dir := t.TempDir()
	db := emptyDB(t, dir)
	out, errOut, code := cli(t, dir, "sql", "--db", db, "SELECT 2 AS b, 1 AS a", "--format", "json")
	if code != 0 || out != "[\n  {\n    \"b\": 2,\n    \"a\": 1\n  }\n]\n" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "effekt.duckdb")); err == nil {
		t.Fatal("sql opened ./data/effekt.duckdb although --db came after the query")
	}
}

func TestCLIQuietAndSamplePaths(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := cli(t, dir, "sample", "--out", "inbox", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("--quiet printed on stderr:\n%s", errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line of %d columns: %q", n, l)
		}
		if strings.Contains(l, dir) {
			t.Errorf("absolute path printed: %q", l)
		}
	}
	if !strings.Contains(out, "so_attendance/") {
		t.Errorf("no relative file paths:\n%s", out)
	}
	out, errOut, code = cli(t, dir, "ingest", "--inbox", "inbox", "--db", "e.duckdb", "--quiet")
	if code != 0 || errOut != "" || !strings.Contains(out, "9 files (0 failed)") {
		t.Errorf("ingest --quiet: exit %d, stderr:\n%s\nstdout:\n%s", code, errOut, out)
	}
}

func TestCLIAsOfRefused(t *testing.T) {
	dir := t.TempDir()
	db := emptyDB(t, dir)
	_, errOut, code := cli(t, dir, "compute", "--db", db, "--as-of", "2035-01-01")
	if code != 2 || !strings.Contains(errOut, "after today") || !strings.Contains(errOut, "--force") {
		t.Fatalf("compute --as-of 2035-01-01: exit %d, want 2 and a refusal naming --force\n%s", code, errOut)
	}
}

// TestCLIConfigErrors: the binary names file and line of a bad key, the
// nearest known key, and the environment variable a value came from.
func TestCLIConfigErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "effekt.yaml"), []byte("indicators:\n  min_count: 3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "cron.yaml"), []byte("schedules:\n  compute: \"30 25 * * *\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "env.yaml"), []byte("listen: ${TEST_LISTEN_ADDR}\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"indicators", "--config", "effekt.yaml"}, "effekt.yaml:2: indicators.min_count: unknown key (did you mean min_n?)"},
		{[]string{"compute", "--config", "cron.yaml"}, `cron.yaml:2: schedules.compute = "30 25 * * *": end of range (25) above maximum (23)` + "\n"},
		{[]string{"serve", "--config", "env.yaml"}, `env.yaml:1: listen = "nohost" (from $TEST_LISTEN_ADDR): want host:port`},
	}
	t.Setenv("TEST_LISTEN_ADDR", "nohost")
	for _, tt := range tests {
		_, errOut, code := cli(t, dir, tt.args...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("effekt %s: exit %d, want 1 and %q in\n%s", strings.Join(tt.args, " "), code, tt.want, errOut)
		}
	}
}

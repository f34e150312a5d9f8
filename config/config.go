// Package config holds effekt's configuration: one YAML file with defaults
// for every key, secrets overridable from the environment, and a Validate
// step whose errors name the key at fault.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/effekt/effekt/geo"
)

// DemoKey is the pseudonym key used when no key is configured. It is public:
// pseudonyms made with it protect nothing. effekt says so loudly whenever it
// is in use.
const DemoKey = "DEMO-KEY-NOT-SECRET-effekt-pseudonym-key"

// Environment variables that override secrets in the file.
const (
	EnvPseudonymKey = "EFFEKT_PSEUDONYM_KEY"
	EnvAPITokens    = "EFFEKT_API_TOKENS" // comma-separated
	EnvGrafanaToken = "EFFEKT_GRAFANA_TOKEN"
)

// Config is the whole configuration.
type Config struct {
	Paths      Paths      `yaml:"paths"`
	Listen     string     `yaml:"listen"`
	Pseudonym  Pseudonym  `yaml:"pseudonym"`
	Indicators Indicators `yaml:"indicators"`
	Groups     []Group    `yaml:"groups"`
	Schedules  Schedules  `yaml:"schedules"`
	API        API        `yaml:"api"`
	Metrics    Metrics    `yaml:"metrics"`
	Grafana    Grafana    `yaml:"grafana"`
}

// Paths are the folders and files effekt reads and writes.
type Paths struct {
	Inbox      string `yaml:"inbox"`
	Archive    string `yaml:"archive"`
	Failed     string `yaml:"failed"`
	Database   string `yaml:"database"`
	Exports    string `yaml:"exports"`
	Dashboards string `yaml:"dashboards"`
}

// Pseudonym configures the HMAC key that turns personnummer into pseudonyms.
type Pseudonym struct {
	KeyFile string `yaml:"key_file"` // file holding the key; empty: EFFEKT_PSEUDONYM_KEY or the demo key
	Key     string `yaml:"-"`        // resolved key, never written
	Demo    bool   `yaml:"-"`        // true when the demo key is in use
}

// Indicators configures the computation.
type Indicators struct {
	MinN  int     `yaml:"min_n"`  // cells with a smaller denominator are suppressed outward
	SOFee float64 `yaml:"so_fee"` // kronor per registered person (EF104)
	AsOf  string  `yaml:"as_of"`  // YYYY-MM-DD; empty: latest event date in the data
}

// Group is a configured group of municipalities, published like a Kolada
// municipality group.
type Group struct {
	ID      string   `yaml:"id"`
	Title   string   `yaml:"title"`
	Members []string `yaml:"members"` // kommunkoder
}

// Schedules are cron specs (5 fields, or descriptors such as @daily).
type Schedules struct {
	Ingest  string `yaml:"ingest"`
	Compute string `yaml:"compute"`
	Export  string `yaml:"export"`
}

// API configures the HTTP API.
type API struct {
	Tokens []string `yaml:"tokens"` // bearer tokens allowed to trigger jobs
}

// Metrics configures /metrics.
type Metrics struct {
	Periods int `yaml:"periods"` // latest N periods exposed as indicator gauges
}

// Grafana configures dashboard publishing.
type Grafana struct {
	URL    string `yaml:"url"`
	Token  string `yaml:"-"`
	Folder string `yaml:"folder"`
}

// Default returns the configuration used when no file is given.
func Default() Config {
	return Config{
		Paths: Paths{
			Inbox:      "data/inbox",
			Archive:    "data/archive",
			Failed:     "data/failed",
			Database:   "data/effekt.duckdb",
			Exports:    "data/exports",
			Dashboards: "data/dashboards",
		},
		Listen:     "127.0.0.1:8080",
		Indicators: Indicators{MinN: 5, SOFee: 5500},
		Groups:     DefaultGroups(),
		Schedules: Schedules{
			Ingest:  "*/15 * * * *",
			Compute: "30 2 * * *",
			Export:  "0 4 1 * *",
		},
		Metrics: Metrics{Periods: 3},
	}
}

// DefaultGroups are the Södertörn groups of SPEC §5.
func DefaultGroups() []Group {
	sodertorn := []string{"0127", "0136", "0126", "0140", "0192", "0128", "0181", "0138"}
	return []Group{
		{ID: "G0001", Title: "Södertörn", Members: sodertorn},
		{ID: "G0002", Title: "Introduktion Södertörn", Members: append(append([]string(nil), sodertorn...), "0182", "0120")},
	}
}

// ValidationError names the key whose value is wrong.
type ValidationError struct {
	Field string
	Value any
	Err   error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("config %s = %v: %v", e.Field, e.Value, e.Err)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// Load reads the YAML file at path over the defaults (an empty path gives
// the defaults), applies environment overrides, resolves the pseudonym key
// and validates the result.
func Load(path string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(os.ExpandEnv(string(b))))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, errEOF(err)) {
			return c, fmt.Errorf("parse config %s: %w", path, err)
		}
	}
	if err := c.resolveSecrets(); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return nil
}

func (c *Config) resolveSecrets() error {
	switch {
	case os.Getenv(EnvPseudonymKey) != "":
		c.Pseudonym.Key = os.Getenv(EnvPseudonymKey)
	case c.Pseudonym.KeyFile != "":
		b, err := os.ReadFile(c.Pseudonym.KeyFile)
		if err != nil {
			return &ValidationError{Field: "pseudonym.key_file", Value: c.Pseudonym.KeyFile, Err: err}
		}
		c.Pseudonym.Key = strings.TrimSpace(string(b))
	default:
		c.Pseudonym.Key, c.Pseudonym.Demo = DemoKey, true
	}
	if v := os.Getenv(EnvAPITokens); v != "" {
		c.API.Tokens = nil
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				c.API.Tokens = append(c.API.Tokens, t)
			}
		}
	}
	if v := os.Getenv(EnvGrafanaToken); v != "" {
		c.Grafana.Token = v
	}
	return nil
}

// Validate checks every key and returns the first error, naming the key.
func (c Config) Validate() error {
	if len(c.Pseudonym.Key) < 16 {
		return &ValidationError{Field: "pseudonym.key_file", Value: c.Pseudonym.KeyFile, Err: errors.New("key must be at least 16 characters")}
	}
	for _, p := range []struct{ field, v string }{
		{"paths.inbox", c.Paths.Inbox}, {"paths.archive", c.Paths.Archive}, {"paths.failed", c.Paths.Failed},
		{"paths.database", c.Paths.Database}, {"paths.exports", c.Paths.Exports}, {"paths.dashboards", c.Paths.Dashboards},
	} {
		if strings.TrimSpace(p.v) == "" {
			return &ValidationError{Field: p.field, Value: p.v, Err: errors.New("must not be empty")}
		}
	}
	if c.Listen == "" || !strings.Contains(c.Listen, ":") {
		return &ValidationError{Field: "listen", Value: c.Listen, Err: errors.New("want host:port")}
	}
	if c.Indicators.MinN < 1 {
		return &ValidationError{Field: "indicators.min_n", Value: c.Indicators.MinN, Err: errors.New("must be at least 1")}
	}
	if c.Indicators.SOFee <= 0 {
		return &ValidationError{Field: "indicators.so_fee", Value: c.Indicators.SOFee, Err: errors.New("must be positive")}
	}
	if c.Metrics.Periods < 1 {
		return &ValidationError{Field: "metrics.periods", Value: c.Metrics.Periods, Err: errors.New("must be at least 1")}
	}
	seen := map[string]bool{}
	for i, g := range c.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		if len(g.ID) < 2 || g.ID[0] != 'G' {
			return &ValidationError{Field: f + ".id", Value: g.ID, Err: errors.New(`must start with "G", like G0001`)}
		}
		if seen[g.ID] {
			return &ValidationError{Field: f + ".id", Value: g.ID, Err: errors.New("duplicate group id")}
		}
		seen[g.ID] = true
		if g.Title == "" {
			return &ValidationError{Field: f + ".title", Value: g.Title, Err: errors.New("must not be empty")}
		}
		if len(g.Members) == 0 {
			return &ValidationError{Field: f + ".members", Value: g.Members, Err: errors.New("must list at least one municipality")}
		}
		for j, m := range g.Members {
			if _, ok := geo.Resolve(m); !ok {
				return &ValidationError{Field: fmt.Sprintf("%s.members[%d]", f, j), Value: m, Err: errors.New("not a municipality code or name")}
			}
		}
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for _, s := range []struct{ field, v string }{
		{"schedules.ingest", c.Schedules.Ingest}, {"schedules.compute", c.Schedules.Compute}, {"schedules.export", c.Schedules.Export},
	} {
		if s.v == "" || s.v == "off" {
			continue
		}
		if _, err := parser.Parse(s.v); err != nil {
			return &ValidationError{Field: s.field, Value: s.v, Err: err}
		}
	}
	return nil
}

// Package config holds effekt's configuration: one YAML file with defaults
// for every key, secrets overridable from the environment, and a Validate
// step whose errors name the key at fault.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

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
	// Collaborations between municipalities, for effekt evaluate and goals.
	Collaborations []Collaboration `yaml:"collaborations"`
	// Goals are measurable goals, for effekt goals.
	Goals     []Goal    `yaml:"goals"`
	Schedules Schedules `yaml:"schedules"`
	API       API       `yaml:"api"`
	Metrics   Metrics   `yaml:"metrics"`
	Grafana   Grafana   `yaml:"grafana"`
	Ingest    Ingest    `yaml:"ingest"`
	SQL       SQL       `yaml:"sql"`
	Serve     Serve     `yaml:"serve"`
}

// Paths are the folders and files effekt reads and writes.
type Paths struct {
	Inbox      string `yaml:"inbox"`
	Archive    string `yaml:"archive"`
	Failed     string `yaml:"failed"`
	Database   string `yaml:"database"`
	Exports    string `yaml:"exports"`
	Dashboards string `yaml:"dashboards"`
	Temp       string `yaml:"temp"`  // effekt's own temp folder (XLSX spill files), emptied at the start of every run
	Audit      string `yaml:"audit"` // append-only audit log of micro-data access (JSON lines)
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
	// Release is how often the published values may change when as_of
	// is empty: "month" (as_of the last day of the latest month the data
	// covers to its end) or "day" (the latest event date).
	Release string `yaml:"release"`
}

// Group is a configured group of municipalities, published like a Kolada
// municipality group.
type Group struct {
	ID      string   `yaml:"id"`
	Title   string   `yaml:"title"`
	Members []string `yaml:"members"` // kommunkoder
}

// Schedules are cron specs (5 fields, or descriptors such as @daily); "off"
// or an empty string disables a job's schedule (it can still be triggered).
type Schedules struct {
	Ingest  string `yaml:"ingest"`
	Compute string `yaml:"compute"`
	Export  string `yaml:"export"`
	// StopGrace is how long a stopping server lets a running job finish
	// before cancelling its context (its transaction then rolls back).
	StopGrace time.Duration `yaml:"stop_grace"`
}

// Roles of API tokens, from least to most: a viewer sees only public
// aggregates, an evaluator also micro data (SQL, rejected rows, files), an
// operator also runs jobs.
const (
	RoleViewer    = "viewer"
	RoleEvaluator = "evaluator"
	RoleOperator  = "operator"
)

// Token is a named API token. The file holds only the SHA-256 of the token
// (hex); the token itself is given to its holder and never stored.
type Token struct {
	Name   string `yaml:"name"`
	Role   string `yaml:"role"`   // viewer | evaluator | operator
	SHA256 string `yaml:"sha256"` // hex SHA-256 of the bearer token
	// FromEnv is set when the token came from EFFEKT_API_TOKENS.
	FromEnv bool `yaml:"-"`
}

// API configures the HTTP API.
type API struct {
	Tokens         []Token       `yaml:"tokens"`          // named tokens with a role, hashes only
	RequestTimeout time.Duration `yaml:"request_timeout"` // per-request deadline
	// PublicURL is the base of the links the API writes (next_url,
	// previous_url), e.g. https://effekt.example.se; empty: relative links.
	PublicURL string `yaml:"public_url"`
}

// Ingest configures loading.
type Ingest struct {
	// Settle is how long a file's size and modification time must have been
	// unchanged before a run takes it.
	Settle time.Duration `yaml:"settle"`
	// XLSXMaxUnzipMiB bounds the total uncompressed size of a workbook.
	XLSXMaxUnzipMiB int64 `yaml:"xlsx_max_unzip_mib"`
	// XLSXMaxXMLMiB bounds the uncompressed parts of a workbook held in memory together;
	// larger sheets and shared strings are spilled to paths.temp.
	XLSXMaxXMLMiB int64 `yaml:"xlsx_max_xml_mib"`
	// XLSXMaxRows and XLSXMaxCells bound a workbook's sheet.
	XLSXMaxRows  int64 `yaml:"xlsx_max_rows"`
	XLSXMaxCells int64 `yaml:"xlsx_max_cells"`
	// CSVMaxRows bounds a CSV file's data rows: a file's good rows are held
	// in memory (about 40 bytes each) until its transaction commits.
	CSVMaxRows int64 `yaml:"csv_max_rows"`
}

// SQL configures evaluators' micro-data SQL (effekt sql, POST /api/v1/sql).
type SQL struct {
	RowLimit    int           `yaml:"row_limit"`    // rows returned at most; the output says when it was cut
	MemoryLimit string        `yaml:"memory_limit"` // DuckDB memory_limit of the query's instance, e.g. 1GB
	Timeout     time.Duration `yaml:"timeout"`      // a query running longer is cancelled
}

// Serve bounds the DuckDB instance of `effekt serve`, which runs the jobs
// and evaluators' SQL (POST /api/v1/sql) alike: DuckDB's limits are
// instance-wide, so an evaluator's runaway query fails with DuckDB's
// out-of-memory error at MemoryLimit instead of growing the process.
type Serve struct {
	MemoryLimit          string `yaml:"memory_limit"`            // DuckDB memory_limit of the server's instance, e.g. 4GB
	MaxTempDirectorySize string `yaml:"max_temp_directory_size"` // DuckDB max_temp_directory_size: spill beside the database at most this
}

// Metrics configures /metrics.
type Metrics struct {
	Periods       int           `yaml:"periods"`        // latest N periods exposed as indicator gauges
	ScrapeTimeout time.Duration `yaml:"scrape_timeout"` // deadline of the database queries of one scrape
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
			Temp:       "data/tmp",
			Audit:      "data/audit.jsonl",
		},
		Listen:         "127.0.0.1:8080",
		Indicators:     Indicators{MinN: 5, SOFee: 5500, Release: ReleaseMonth},
		Groups:         DefaultGroups(),
		Collaborations: DefaultCollaborations(),
		Goals:          DefaultGoals(),
		Schedules: Schedules{
			Ingest:    "*/15 * * * *",
			Compute:   "30 2 * * *",
			Export:    "0 4 1 * *",
			StopGrace: 30 * time.Second,
		},
		API:     API{RequestTimeout: 30 * time.Second},
		Metrics: Metrics{Periods: 3, ScrapeTimeout: 10 * time.Second},
		Ingest: Ingest{
			Settle:          10 * time.Second,
			XLSXMaxUnzipMiB: 1024,
			XLSXMaxXMLMiB:   32,
			XLSXMaxRows:     2_000_000,
			XLSXMaxCells:    50_000_000,
			CSVMaxRows:      25_000_000,
		},
		SQL:   SQL{RowLimit: 100_000, MemoryLimit: "1GB", Timeout: 5 * time.Minute},
		Serve: Serve{MemoryLimit: "4GB", MaxTempDirectorySize: "10GB"},
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

// Load reads the YAML file at path over the defaults (an empty path gives
// the defaults), applies environment overrides, resolves the pseudonym key
// and validates the result.
func Load(path string) (Config, error) {
	c := Default()
	var src sources
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("read config: %w", err)
		}
		src = locate(string(b))
		if err := src.unset(path); err != nil {
			return c, err
		}
		if err := decode(os.ExpandEnv(string(b)), &c); err != nil {
			return c, annotate(err, path, src)
		}
	}
	if err := c.resolveSecrets(); err != nil {
		return c, annotate(err, path, src)
	}
	c.normalizeGroups()
	c.normalizeCollaborations()
	if _, set := src.line["goals"]; !set {
		c.Goals = c.defaultGoalsFor()
	}
	return c, annotate(c.Validate(), path, src)
}

// normalizeGroups turns group members written as names ("Botkyrka",
// "Nacka kommun") or codes that lost their zero ("127") into kommunkoder,
// the form indicator_values uses. Members that do not resolve are left for
// Validate to name.
func (c *Config) normalizeGroups() {
	for i := range c.Groups {
		for j, m := range c.Groups[i].Members {
			if code, ok := geo.Resolve(m); ok {
				c.Groups[i].Members[j] = code
			}
		}
	}
}

func (c *Config) resolveSecrets() error {
	switch {
	case os.Getenv(EnvPseudonymKey) != "":
		c.Pseudonym.Key = os.Getenv(EnvPseudonymKey)
		if len(c.Pseudonym.Key) < 16 {
			return &ValidationError{Field: "pseudonym key", Env: EnvPseudonymKey, Err: errors.New("must be at least 16 characters")}
		}
	case c.Pseudonym.KeyFile != "":
		b, err := os.ReadFile(c.Pseudonym.KeyFile)
		if err != nil {
			return &ValidationError{Field: "pseudonym.key_file", Value: c.Pseudonym.KeyFile, Err: err}
		}
		c.Pseudonym.Key = strings.TrimSpace(string(b))
	default:
		c.Pseudonym.Key, c.Pseudonym.Demo = DemoKey, true
	}
	if v := strings.TrimSpace(os.Getenv(EnvAPITokens)); v != "" {
		// One operator token, kept working from before named tokens; only its
		// hash is held. A comma-separated list gives one operator per token.
		i := 0
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t == "" {
				continue
			}
			i++
			if len(t) < 16 {
				return &ValidationError{Field: "api.tokens", Env: EnvAPITokens, Err: fmt.Errorf("token %d must be at least 16 characters", i)}
			}
			name := "env"
			if i > 1 {
				name = fmt.Sprintf("env%d", i)
			}
			c.API.Tokens = append(c.API.Tokens, Token{Name: name, Role: RoleOperator, SHA256: HashToken(t), FromEnv: true})
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
		{"paths.temp", c.Paths.Temp}, {"paths.audit", c.Paths.Audit},
	} {
		if strings.TrimSpace(p.v) == "" {
			return &ValidationError{Field: p.field, Value: p.v, Err: errors.New("must not be empty")}
		}
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		return &ValidationError{Field: "listen", Value: c.Listen, Err: errors.New("want host:port, like 127.0.0.1:8080")}
	}
	if c.Indicators.MinN < 1 {
		return &ValidationError{Field: "indicators.min_n", Value: c.Indicators.MinN, Err: errors.New("must be at least 1")}
	}
	if c.Indicators.SOFee <= 0 {
		return &ValidationError{Field: "indicators.so_fee", Value: c.Indicators.SOFee, Err: errors.New("must be positive")}
	}
	if c.Indicators.AsOf != "" {
		if _, err := c.Indicators.AsOfDate(); err != nil {
			return &ValidationError{Field: "indicators.as_of", Value: c.Indicators.AsOf, Err: errors.New("want a date YYYY-MM-DD, or empty for the latest event date")}
		}
	}
	if c.Indicators.Release != ReleaseMonth && c.Indicators.Release != ReleaseDay {
		return &ValidationError{Field: "indicators.release", Value: c.Indicators.Release, Err: errors.New(`want "month" or "day"`)}
	}
	if c.Metrics.Periods < 1 {
		return &ValidationError{Field: "metrics.periods", Value: c.Metrics.Periods, Err: errors.New("must be at least 1")}
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{
		{"metrics.scrape_timeout", c.Metrics.ScrapeTimeout}, {"api.request_timeout", c.API.RequestTimeout}, {"schedules.stop_grace", c.Schedules.StopGrace},
	} {
		if d.v <= 0 {
			return &ValidationError{Field: d.field, Value: d.v, Err: errors.New("must be a positive duration, like 30s")}
		}
	}
	names := map[string]bool{}
	for i, t := range c.API.Tokens {
		f := fmt.Sprintf("api.tokens[%d]", i)
		if t.FromEnv {
			continue
		}
		if strings.TrimSpace(t.Name) == "" {
			return &ValidationError{Field: f + ".name", Value: t.Name, Err: errors.New("must not be empty (it names the holder in the audit log)")}
		}
		if names[t.Name] {
			return &ValidationError{Field: f + ".name", Value: t.Name, Err: errors.New("duplicate token name")}
		}
		names[t.Name] = true
		switch t.Role {
		case RoleViewer, RoleEvaluator, RoleOperator:
		default:
			return &ValidationError{Field: f + ".role", Value: t.Role, Err: errors.New("want viewer, evaluator or operator")}
		}
		if !validHash(t.SHA256) {
			return &ValidationError{Field: f + ".sha256", Value: "(hidden)", Err: errors.New("want the 64 hex digits of the token's SHA-256 (printf %s TOKEN | sha256sum)")}
		}
	}
	if c.API.PublicURL != "" {
		u, err := url.Parse(c.API.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return &ValidationError{Field: "api.public_url", Value: c.API.PublicURL, Err: errors.New("want an http(s) base URL, like https://effekt.example.se")}
		}
	}
	if c.Ingest.Settle < 0 {
		return &ValidationError{Field: "ingest.settle", Value: c.Ingest.Settle, Err: errors.New("must not be negative")}
	}
	for _, n := range []struct {
		field string
		v     int64
	}{
		{"ingest.xlsx_max_unzip_mib", c.Ingest.XLSXMaxUnzipMiB}, {"ingest.xlsx_max_xml_mib", c.Ingest.XLSXMaxXMLMiB},
		{"ingest.xlsx_max_rows", c.Ingest.XLSXMaxRows}, {"ingest.xlsx_max_cells", c.Ingest.XLSXMaxCells},
		{"ingest.csv_max_rows", c.Ingest.CSVMaxRows},
		{"sql.row_limit", int64(c.SQL.RowLimit)},
	} {
		if n.v < 1 {
			return &ValidationError{Field: n.field, Value: n.v, Err: errors.New("must be at least 1")}
		}
	}
	if c.SQL.Timeout <= 0 {
		return &ValidationError{Field: "sql.timeout", Value: c.SQL.Timeout, Err: errors.New("must be a positive duration, like 5m")}
	}
	for _, m := range []struct{ field, v string }{
		{"sql.memory_limit", c.SQL.MemoryLimit}, {"serve.memory_limit", c.Serve.MemoryLimit}, {"serve.max_temp_directory_size", c.Serve.MaxTempDirectorySize},
	} {
		if !memoryLimit.MatchString(m.v) {
			return &ValidationError{Field: m.field, Value: m.v, Err: errors.New("want a size like 512MB or 2GB")}
		}
	}
	if c.Grafana.URL != "" {
		u, err := url.Parse(c.Grafana.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &ValidationError{Field: "grafana.url", Value: c.Grafana.URL, Err: errors.New("want an http(s) URL, like http://127.0.0.1:3000")}
		}
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
	if err := c.validateCollaborations(); err != nil {
		return err
	}
	if err := c.validateGoals(); err != nil {
		return err
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for _, s := range []struct{ field, v string }{
		{"schedules.ingest", c.Schedules.Ingest}, {"schedules.compute", c.Schedules.Compute}, {"schedules.export", c.Schedules.Export},
	} {
		if s.v == "" || s.v == Off {
			continue
		}
		if _, err := parser.Parse(s.v); err != nil {
			return &ValidationError{Field: s.field, Value: s.v, Err: cronError(err, s.v)}
		}
	}
	return nil
}

var memoryLimit = regexp.MustCompile(`^[0-9]+(\.[0-9]+)? ?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// HashToken is the hex SHA-256 of a bearer token, as api.tokens holds it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// AsOfDate is as_of as a date; the zero time when as_of is empty (the
// computation then takes the latest event date in the data).
// Releases of the published values (Indicators.Release).
const (
	ReleaseMonth = "month"
	ReleaseDay   = "day"
)

func (i Indicators) AsOfDate() (time.Time, error) {
	if i.AsOf == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, i.AsOf)
}

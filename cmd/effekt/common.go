package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// commonFlags are --config and --db, taken by the commands that read the
// configuration or the database.
type commonFlags struct {
	configPath string
	dbPath     string
	// pseudonymises is set by the commands that turn personnummer into
	// pseudonyms (ingest, demo, serve): only they warn about the demo key.
	pseudonymises bool
}

func (c *commonFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.configPath, "config", "", "YAML configuration `FILE` (default: built-in defaults)")
	cmd.Flags().StringVar(&c.dbPath, "db", "", "DuckDB database `FILE` (overrides paths.database)")
	cmd.MarkFlagFilename("config", "yaml", "yml")
	cmd.MarkFlagFilename("db", "duckdb")
}

// bindConfig adds only --config, for commands that read the configuration
// but not the database.
func (c *commonFlags) bindConfig(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.configPath, "config", "", "YAML configuration `FILE` (default: built-in defaults)")
	cmd.MarkFlagFilename("config", "yaml", "yml")
}

// bindQuiet adds --quiet: no INFO or WARN log lines and no progress.
func bindQuiet(cmd *cobra.Command, quiet *bool) {
	cmd.Flags().BoolVarP(quiet, "quiet", "q", false, "print no INFO/WARN log lines and no progress, only the result and errors")
}

// load reads the configuration and applies the flag overrides.
func (c *commonFlags) load() (config.Config, error) {
	cfg, err := config.Load(c.configPath)
	if err != nil {
		return cfg, err
	}
	if c.dbPath != "" {
		cfg.Paths.Database = c.dbPath
	}
	if cfg.Pseudonym.Demo && c.pseudonymises {
		slog.Warn("DEMO PSEUDONYM KEY IN USE: pseudonyms are not secret; set " + config.EnvPseudonymKey + " or pseudonym.key_file for real data")
	}
	return cfg, nil
}

// insecureDemoKeyFlag is the flag that lets ingest and serve use the
// public demo key on a database effekt demo did not make.
const insecureDemoKeyFlag = "insecure-demo-key"

// refuseDemoKey refuses the public demo key for a command that makes or
// serves pseudonyms (ingest, serve) unless the database was made by
// effekt demo (its fictitious sample) or insecure is set: anyone who has
// effekt can recompute the demo key's pseudonyms from personnummer. It is
// called before the database is opened when the file does not exist yet,
// so a refused run creates nothing.
func refuseDemoKey(ctx context.Context, cfg config.Config, db *sql.DB, insecure bool) error {
	if cfg.Pseudonym.Key != config.DemoKey || insecure {
		return nil
	}
	if db != nil {
		rec, ok, err := store.RecordedKey(ctx, db)
		if err != nil {
			return err
		}
		if ok && rec.MadeBy == store.MadeByDemo {
			return nil
		}
	}
	return fmt.Errorf("the public demo pseudonym key is in use and %s was not made by effekt demo: anyone can recompute its pseudonyms from personnummer; set %s or pseudonym.key_file (or give --%s for test data only)", cfg.Paths.Database, config.EnvPseudonymKey, insecureDemoKeyFlag)
}

// checkKey refuses a database whose pseudonyms were made with another key
// than the configured one (store.ErrKeyMismatch), before anything runs.
func checkKey(ctx context.Context, cfg config.Config, db *sql.DB) error {
	if _, _, err := store.CheckKey(ctx, db, []byte(cfg.Pseudonym.Key)); err != nil {
		return fmt.Errorf("%s: %w", cfg.Paths.Database, err)
	}
	return nil
}

// openDB opens the configured database for writing, text stored under an
// older personnummer masking masked again first (ingest.Remask), so that
// no command or server publishes it before the next ingest.
func openDB(ctx context.Context, cfg config.Config) (*sql.DB, error) {
	return openDBWith(ctx, cfg, store.Options{})
}

// openDBWith is openDB with the store options opt (serve turns its
// instance's file access off).
func openDBWith(ctx context.Context, cfg config.Config, opt store.Options) (*sql.DB, error) {
	db, err := store.Open(ctx, cfg.Paths.Database, opt)
	if err != nil {
		return nil, err
	}
	if _, err := ingest.Remask(ctx, db, slog.Default()); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openOrDelegate opens the database for a command that writes. When a
// running `effekt serve` holds the database (found through the serve file
// beside it), it says so plainly and, with delegate set, has that server
// run job and waits for it to end. It returns a nil *sql.DB when the job
// was handed to the server.
func openOrDelegate(ctx context.Context, cfg config.Config, job string, delegate bool, w io.Writer) (*sql.DB, error) {
	db, err := openDB(ctx, cfg)
	if err == nil || !errors.Is(err, store.ErrLocked) {
		return db, err
	}
	srv, serr := runningServer(cfg.Paths.Database)
	if serr != nil {
		return nil, fmt.Errorf("%s is held by another process, and no running effekt serve is recorded beside it (%v)", cfg.Paths.Database, serr)
	}
	if !delegate {
		return nil, fmt.Errorf("%s is held by the running effekt serve (pid %d, %s); rerun with --via-server to let it run the %s job", cfg.Paths.Database, srv.info.PID, srv.info.URL, job)
	}
	run, err := srv.runJobAndWait(ctx, job, w)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "the server's %s run %d ended ok (%d rows)\n", job, run.RunID, run.Rows)
	return nil, nil
}

// computeOptions are the indicator options of cfg; asOf, when not empty,
// overrides indicators.as_of (YYYY-MM-DD).
func computeOptions(cfg config.Config, asOf string) (models.ComputeOptions, error) {
	opt := models.ComputeOptions{SOFee: cfg.Indicators.SOFee, Groups: cfg.Groups, MonthEnd: cfg.Indicators.Release == config.ReleaseMonth,
		Steps: []models.Step{evaluate.CompanionStep(), snapshot.ReleaseStep(snapshot.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups})}}
	ind := cfg.Indicators
	if asOf != "" {
		ind.AsOf = asOf
	}
	var err error
	if opt.AsOf, err = ind.AsOfDate(); err != nil {
		return opt, fmt.Errorf("as_of %q is not a date (expected YYYY-MM-DD)", ind.AsOf)
	}
	return opt, nil
}

// mustExist returns an error naming path when it does not exist; what says
// what it should have been ("database", "inbox").
func mustExist(path, what string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			hint := ""
			switch what {
			case "database":
				hint = " (give --db FILE or --config, or create it with `effekt ingest` or `effekt demo`)"
			case "inbox":
				hint = " (give --inbox DIR or paths.inbox in --config)"
			}
			return fmt.Errorf("%s %s does not exist%s", what, path, hint)
		}
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	return nil
}

// checkAsOf refuses a reference date after the latest event date in the
// data or after today unless force is set: cohorts would then be counted
// as if time had passed that has not. from names where the date came from
// ("--as-of" is a usage error, exit 2; "indicators.as_of" a failure).
func checkAsOf(ctx context.Context, db *sql.DB, asOf time.Time, force bool, from string) error {
	if asOf.IsZero() || force {
		return nil
	}
	fail := func(format string, a ...any) error {
		if from == "--as-of" {
			return usagef(format, a...)
		}
		return fmt.Errorf(format, a...)
	}
	today := time.Now().UTC()
	if asOf.After(today) {
		return fail("%s %s is after today (%s); indicators would count time that has not passed — give --force to compute anyway", from, asOf.Format(time.DateOnly), today.Format(time.DateOnly))
	}
	latest, err := models.LatestEventDate(ctx, db, today)
	if err != nil {
		return err
	}
	if asOf.After(latest) {
		return fail("%s %s is after the latest event date in the data (%s); later cohorts would look incomplete — give --force to compute anyway", from, asOf.Format(time.DateOnly), latest.Format(time.DateOnly))
	}
	return nil
}

// checkListen fails when addr cannot be listened on, before anything is
// opened or created.
func checkListen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (config listen / --listen): %w", addr, err)
	}
	return ln.Close()
}

package main

import (
	"context"
	"database/sql"
	"flag"
	"log/slog"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// commonFlags are the flags every subcommand takes: --config and --db.
type commonFlags struct {
	configPath string
	dbPath     string
}

func (c *commonFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.configPath, "config", "", "YAML configuration file (default: built-in defaults)")
	fs.StringVar(&c.dbPath, "db", "", "DuckDB database file (overrides paths.database)")
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
	if cfg.Pseudonym.Demo {
		slog.Warn("DEMO PSEUDONYM KEY IN USE: pseudonyms are not secret; set " + config.EnvPseudonymKey + " or pseudonym.key_file for real data")
	}
	return cfg, nil
}

// openDB opens the configured database for writing.
func openDB(ctx context.Context, cfg config.Config) (*sql.DB, error) {
	return store.Open(ctx, cfg.Paths.Database, store.Options{})
}

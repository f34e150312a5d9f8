package main

import (
	"context"
	"flag"
	"log/slog"

	"github.com/effekt/effekt/server"
)

func init() {
	register(command{
		name:    "serve",
		summary: "run the scheduler and serve the Kolada v3 API, /api/v1, /metrics, /healthz, /readyz",
		run:     runServe,
	})
}

func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cf commonFlags
	cf.pseudonymises = true
	cf.bind(fs)
	listen := fs.String("listen", "", "address to listen on, host:port (overrides listen in the config)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Listen = *listen
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	slog.Info("database", "path", cfg.Paths.Database)
	return server.Serve(ctx, cfg, db, server.Options{Version: version})
}

package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/server"
	"github.com/effekt/effekt/store"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf       commonFlags
			listen   string
			insecure bool
		)
		cf.pseudonymises = true
		cmd := &cobra.Command{
			Use:   "serve",
			Short: "run the scheduler and serve the Kolada v3 API, /api/v1, /metrics, /healthz, /readyz",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				if listen != "" {
					if _, port, err := net.SplitHostPort(listen); err != nil || port == "" {
						return usagef("--listen %q: want host:port, like 127.0.0.1:8080", listen)
					}
					cfg.Listen = listen
				}
				if err := checkListen(cfg.Listen); err != nil {
					return err
				}
				// the instance also runs evaluators' SQL: no SQL on it reads
				// or writes a file, whatever a check might miss, and its
				// memory is bounded (serve.memory_limit)
				if _, err := os.Stat(cfg.Paths.Database); errors.Is(err, os.ErrNotExist) {
					if err := refuseDemoKey(cmd.Context(), cfg, nil, insecure); err != nil {
						return err
					}
				}
				db, err := openDBWith(cmd.Context(), cfg, server.StoreOptions(cfg))
				if errors.Is(err, store.ErrLocked) {
					if srv, serr := runningServer(cfg.Paths.Database); serr == nil {
						return fmt.Errorf("%s is already served by effekt serve (pid %d) at %s", cfg.Paths.Database, srv.info.PID, srv.info.URL)
					}
				}
				if err != nil {
					return err
				}
				defer db.Close()
				if err := refuseDemoKey(cmd.Context(), cfg, db, insecure); err != nil {
					return err
				}
				slog.Info("database", "path", cfg.Paths.Database)
				return server.Serve(cmd.Context(), cfg, db, server.Options{Version: releaseVersion()})
			},
		}
		cf.bind(cmd)
		cmd.Flags().BoolVar(&insecure, insecureDemoKeyFlag, false, "accept the public demo pseudonym key on a database effekt demo did not make (test data only)")
		cmd.Flags().StringVar(&listen, "listen", "", "`ADDR` to listen on, host:port (overrides listen in the config)")
		return cmd
	})
}

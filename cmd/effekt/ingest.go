package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/effekt/effekt/ingest"
)

func init() {
	register(command{
		name:    "ingest",
		summary: "load the files in the inbox into the database (one transaction per file)",
		run:     runIngest,
	})
}

func runIngest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	var common commonFlags
	common.pseudonymises = true
	common.bind(fs)
	inbox := fs.String("inbox", "", "inbox folder (default: paths.inbox)")
	viaServer := fs.Bool("via-server", false, "when a running `effekt serve` holds the database, let it run the ingest job")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	cfg, err := common.load()
	if err != nil {
		return err
	}
	if *inbox != "" {
		cfg.Paths.Inbox = *inbox
	}
	db, err := openOrDelegate(ctx, cfg, "ingest", *viaServer)
	if err != nil || db == nil {
		return err
	}
	defer db.Close()
	opt := ingest.Options{
		Inbox:   cfg.Paths.Inbox,
		Archive: cfg.Paths.Archive,
		Failed:  cfg.Paths.Failed,
		Key:     []byte(cfg.Pseudonym.Key),
		Logger:  slog.Default(),
	}
	if !*quiet {
		opt.Progress = os.Stderr
	}
	sum, err := ingest.Run(ctx, db, opt)
	sum.Print(os.Stdout)
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d of %d files failed: see %s/*.error.txt", sum.Failed, len(sum.Files), cfg.Paths.Failed)
	}
	return nil
}

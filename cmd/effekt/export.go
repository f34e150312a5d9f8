package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/effekt/effekt/export"
)

func init() {
	register(command{
		name:    "export",
		summary: "write the Kolada-compatible export for SKR (JSON, CSV, Parquet, manifest)",
		run:     runExport,
	})
}

func runExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var common commonFlags
	common.bind(fs)
	out := fs.String("out", "", "export folder, replaced atomically (default: paths.exports)")
	viaServer := fs.Bool("via-server", false, "when a running effekt serve holds the database, let it run the export job (its configured folder; --out is ignored)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "effekt export: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	cfg, err := common.load()
	if err != nil {
		return err
	}
	dir := cfg.Paths.Exports
	if *out != "" {
		dir = *out
	}
	db, err := openOrDelegate(ctx, cfg, "export", *viaServer)
	if err != nil || db == nil {
		return err
	}
	defer db.Close()
	m, err := export.Write(ctx, db, dir, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: version})
	if err != nil {
		return err
	}
	fmt.Printf("export written to %s (as_of %s, min_n %d)\n", dir, m.AsOf, m.MinN)
	names := make([]string, 0, len(m.Rows))
	for n := range m.Rows {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("  %-26s %8d rows\n", n, m.Rows[n])
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/effekt/effekt/sample"
)

func init() {
	register(command{
		name:    "sample",
		summary: "write deterministic sample exports of all eight kinds (an inbox to ingest)",
		run:     runSample,
	})
}

func runSample(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	out := fs.String("out", "", "folder to write <kind>/<file> into, e.g. data/inbox (required)")
	scale := fs.String("scale", "small", "size: "+strings.Join(sample.Scales(), ", ")+" (≈3 000, 50 000, 1 000 000 persons)")
	seed := fs.Int64("seed", 1, "random seed; the same seed and --today give byte-identical files")
	today := fs.String("today", "", "last date of the data, YYYY-MM-DD (default: today)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: effekt sample --out DIR [--scale small|county|national] [--seed N] [--today YYYY-MM-DD]")
		return errUsage
	}
	opt := sample.Options{Scale: *scale, Seed: *seed, Logger: slog.Default()}
	if *today != "" {
		t, err := time.Parse(time.DateOnly, *today)
		if err != nil {
			return fmt.Errorf("--today %q: want YYYY-MM-DD", *today)
		}
		opt.Today = t
	}
	start := time.Now()
	st, err := sample.Write(ctx, *out, opt)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tfile\tformat\trows\tbad\tbytes\t")
	var bytes int64
	for _, f := range st.Files {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t\n", f.Kind, f.Path, f.Format, f.Rows, f.BadRows, f.Bytes)
		bytes += f.Bytes
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("%d persons, %d files, %d rows (%d bad, %.2f %%), %.1f MB in %s (%.0f rows/s)\n",
		st.Persons, len(st.Files), st.Rows, st.BadRows, 100*float64(st.BadRows)/float64(max(st.Rows, 1)),
		float64(bytes)/1e6, elapsed.Round(time.Millisecond), float64(st.Rows)/elapsed.Seconds())
	return nil
}

package ingest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/effekt/effekt/store"
)

// BenchmarkRun loads the files of $EFFEKT_BENCH_DIR/<kind>/ (for example a
// folder written by `effekt bench ingest --keep`, or an inbox written by
// `effekt sample`) into a fresh database per iteration, with today as the
// day of ingestion (as the sample's dates are); it reports rows/s. Skipped
// without the variable.
func BenchmarkRun(b *testing.B) {
	src := os.Getenv("EFFEKT_BENCH_DIR")
	if src == "" {
		b.Skip("set EFFEKT_BENCH_DIR to a folder of kind folders")
	}
	ctx := context.Background()
	var rows int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		copyTree(b, src, filepath.Join(dir, "inbox"))
		db, err := store.Open(ctx, filepath.Join(dir, "e.duckdb"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := Run(ctx, db, Options{Inbox: filepath.Join(dir, "inbox"), Archive: filepath.Join(dir, "archive"),
			Failed: filepath.Join(dir, "failed"), Key: testKey, Today: time.Now(), Logger: benchLogger()})
		if err != nil {
			b.Fatal(err)
		}
		rows += sum.RowsRead
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// benchLogger logs load steps with EFFEKT_DEBUG set, else only warnings.
func benchLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("EFFEKT_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// BenchmarkRead reads and validates $EFFEKT_BENCH_FILE (a file of kind
// $EFFEKT_BENCH_KIND) without a database: the Go side of a load alone.
func BenchmarkRead(b *testing.B) {
	path, kind := os.Getenv("EFFEKT_BENCH_FILE"), os.Getenv("EFFEKT_BENCH_KIND")
	if path == "" {
		b.Skip("set EFFEKT_BENCH_FILE and EFFEKT_BENCH_KIND")
	}
	var rows int64
	for i := 0; i < b.N; i++ {
		c, _, err := readFile(nil, path, kind)
		if err != nil {
			b.Fatal(err)
		}
		rows += c.read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkScan runs scanFile over $EFFEKT_BENCH_FILE: the pass over a
// file's bytes before it is read (hash, encoding, line ends and lengths).
func BenchmarkScan(b *testing.B) {
	path := os.Getenv("EFFEKT_BENCH_FILE")
	if path == "" {
		b.Skip("set EFFEKT_BENCH_FILE")
	}
	var n int64
	for i := 0; i < b.N; i++ {
		info, err := scanFile(path, "")
		if err != nil {
			b.Fatal(err)
		}
		n += info.size
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkRemask masks again $EFFEKT_REMASK_CELLS (default 20 000)
// rejected values stored under an older masking (part of a personnummer
// each); it reports cells/s.
func BenchmarkRemask(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("EFFEKT_REMASK_CELLS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	var cells int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "e.duckdb"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO rejected_rows SELECT 1, 'so_registrations', i, 'datum', 'nr:811218-' || (100 + i % 900), 'invalid_date', 'x' FROM range(?) t(i)`, n); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM mask_state`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c, err := Remask(ctx, db, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		if c != int64(n) {
			b.Fatalf("%d cells changed, want %d", c, n)
		}
		cells += c
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(cells)/b.Elapsed().Seconds(), "cells/s")
}

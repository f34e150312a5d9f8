package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/internal/suggest"
	"github.com/effekt/effekt/sample"
)

func init() {
	register(func() *cobra.Command {
		var (
			out, scale, today string
			seed              int64
			quiet             bool
		)
		cmd := &cobra.Command{
			Use:   "sample --out DIR",
			Short: "write deterministic sample exports of all eight kinds (an inbox to ingest)",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if !slices.Contains(sample.Scales(), scale) {
					return usagef("--scale %q: want %s%s", scale, strings.Join(sample.Scales(), ", "), suggest.Phrase(suggest.Closest(scale, sample.Scales(), 2)))
				}
				opt := sample.Options{Scale: scale, Seed: seed, Logger: slog.Default()}
				if today != "" {
					t, err := time.Parse(time.DateOnly, today)
					if err != nil {
						return usagef("--today %q: want YYYY-MM-DD", today)
					}
					opt.Today = t
				}
				start := time.Now()
				st, err := sample.Write(cmd.Context(), out, opt)
				if err != nil {
					return err
				}
				elapsed := time.Since(start)
				t := table{header: []string{"kind", "file", "format", "rows", "bad", "MB"},
					right: []bool{false, false, false, true, true, true}, shrink: 1}
				var bytes int64
				for _, f := range st.Files {
					t.add(f.Kind, relPath(out, f.Path), f.Format, strconv.FormatInt(f.Rows, 10), strconv.FormatInt(f.BadRows, 10), fmt.Sprintf("%.1f", float64(f.Bytes)/1e6))
					bytes += f.Bytes
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "sample exports in %s:\n", out)
				if err := t.write(w); err != nil {
					return err
				}
				fmt.Fprintf(w, "%d persons, %d files, %d rows (%d bad, %.1f %%), %.1f MB in %s (%.0f rows/s)\n",
					st.Persons, len(st.Files), st.Rows, st.BadRows, 100*float64(st.BadRows)/float64(max(st.Rows, 1)),
					float64(bytes)/1e6, elapsed.Round(time.Millisecond), float64(st.Rows)/elapsed.Seconds())
				return nil
			},
		}
		cmd.Flags().StringVar(&out, "out", "", "`DIR` to write <kind>/<file> into, e.g. data/inbox (required)")
		cmd.MarkFlagRequired("out")
		cmd.MarkFlagDirname("out")
		cmd.Flags().StringVar(&scale, "scale", "small", "`SIZE`: "+strings.Join(sample.Scales(), ", ")+" (≈3 000, 50 000, 1 000 000 persons)")
		cmd.RegisterFlagCompletionFunc("scale", fixedCompletion(sample.Scales()...))
		cmd.Flags().Int64Var(&seed, "seed", 1, "random `SEED`; the same seed and --today give byte-identical files")
		cmd.Flags().StringVar(&today, "today", "", "last `DATE` of the data, YYYY-MM-DD (default: today)")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}

// relPath is path relative to base when it lies below it, else path.
func relPath(base, path string) string {
	if r, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

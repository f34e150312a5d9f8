package main

import (
	"fmt"
	"io"

	"github.com/effekt/effekt/ingest"
)

// printSummary prints ingest's per-file summary, then where the files went
// and the warnings a person should read.
func printSummary(w io.Writer, sum ingest.Summary, archive, failed string) {
	sum.Print(w)
	var loaded, failedN int
	for _, f := range sum.Files {
		switch f.Status {
		case ingest.StatusLoaded:
			loaded++
		case ingest.StatusFailed:
			failedN++
		}
	}
	if loaded > 0 {
		fmt.Fprintf(w, "loaded files moved to %s\n", archive)
	}
	if failedN > 0 {
		fmt.Fprintf(w, "failed files moved to %s (each with a .error.txt saying what to fix)\n", failed)
	}
	// TODO(cli, helper A): ignored files and header-only warnings, from the
	// ingest.Summary fields A adds (Ignored with a reason, FileResult.Warnings).
}

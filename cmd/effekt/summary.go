package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/ingest/parse"
)

// printSummary prints ingest's per-file summary as a table that fits 100
// columns (file names shortened in the middle), the notes a person should
// read (errors, warnings such as a header-only file, ignored columns),
// the entries left in the inbox and why, the totals and where the files
// went. Every name and message is masked for personnummer shapes.
func printSummary(w io.Writer, s ingest.Summary) {
	mask := func(x string) string { return parse.MaskPNRs(x, time.Now()) }
	t := table{header: []string{"status", "kind", "file", "read", "loaded", "rejected", "s"},
		right: []bool{false, false, false, true, true, true, true}, shrink: 2, middle: true}
	var notes []string
	for _, f := range s.Files {
		kind := f.Kind
		if kind == "" {
			kind = "-"
		}
		name := mask(f.Name)
		t.add(f.Status, kind, name, strconv.FormatInt(f.RowsRead, 10), strconv.FormatInt(f.RowsLoaded, 10),
			strconv.FormatInt(f.RowsRejected, 10), fmt.Sprintf("%.2f", f.Duration.Seconds()))
		if f.Error != "" {
			notes = append(notes, fmt.Sprintf("%s: error: %s", name, mask(f.Error)))
		}
		if f.Warning != "" {
			notes = append(notes, fmt.Sprintf("%s: warning: %s", name, mask(f.Warning)))
		}
		if len(f.UnknownColumns) > 0 {
			notes = append(notes, fmt.Sprintf("%s: ignored unknown columns: %s", name, mask(fmt.Sprintf("%q", f.UnknownColumns))))
		}
	}
	for _, x := range s.Waiting {
		t.add(ingest.StatusWaiting, "-", mask(x.Path), "", "", "", "")
		notes = append(notes, fmt.Sprintf("%s: waiting: %s", mask(x.Path), mask(x.Why)))
	}
	for _, x := range s.Ignored {
		t.add("ignored", "-", mask(x.Path), "", "", "", "")
		notes = append(notes, fmt.Sprintf("%s: left in the inbox: %s", mask(x.Path), mask(x.Why)))
	}
	t.write(w)
	for _, n := range notes {
		fmt.Fprintln(w, "  "+n)
	}
	fmt.Fprintf(w, "%d files (%d failed): %d rows read, %d loaded, %d rejected; %d waiting, %d left alone\n",
		len(s.Files), s.Failed, s.RowsRead, s.RowsLoaded, s.RowsRejected, len(s.Waiting), len(s.Ignored))
	if s.ArchiveDir != "" {
		fmt.Fprintf(w, "loaded files moved to %s, failed ones to %s\n", mask(s.ArchiveDir), mask(s.FailedDir))
	}
}

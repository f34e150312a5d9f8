package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCSVMaxRows: a CSV file with more data rows than ingest.csv_max_rows
// fails whole (its rows are held in memory while it loads), saying what
// to do; one at the limit loads.
func TestCSVMaxRows(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "kinds", "so_certificates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		max        int64
		wantStatus string
		wantErr    string
		wantRows   int64 // so_certificates rows afterwards
	}{
		{max: 2, wantStatus: StatusFailed, wantErr: "more than 2 data rows (limit ingest.csv_max_rows"},
		{max: 3, wantStatus: StatusLoaded, wantRows: 2},
		{max: 0, wantStatus: StatusLoaded, wantRows: 2}, // 0: DefaultCSVMaxRows
	} {
		e := newEnv(t)
		writeFile(t, filepath.Join(e.inbox, "so_certificates", "certs.csv"), src)
		opt := e.options()
		opt.CSVMaxRows = tt.max
		sum, err := Run(context.Background(), e.db, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Files) != 1 {
			t.Fatalf("max %d: %d files, want 1", tt.max, len(sum.Files))
		}
		f := sum.Files[0]
		if f.Status != tt.wantStatus || (tt.wantErr == "") != (f.Error == "") || !strings.Contains(f.Error, tt.wantErr) {
			t.Errorf("max %d: %s %q, want %s %q", tt.max, f.Status, f.Error, tt.wantStatus, tt.wantErr)
		}
		if n := e.count(`SELECT count(*) FROM so_certificates`); n != tt.wantRows {
			t.Errorf("max %d: %d so_certificates rows, want %d", tt.max, n, tt.wantRows)
		}
		e.checkInvariants()
	}
}

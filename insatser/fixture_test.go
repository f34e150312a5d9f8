package insatser

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// The fixture (as_of 2025-06-30, min_n 5), worked out by hand:
//
//	K-1 Jobbspår vård (Botkyrka, arbete): 9 persons; 8 ended by as_of with an
//	    outcome, 5 in arbete/studier → 62,5 %, Wilson 95 % 30,57–86,32;
//	    lengths 30 60 90 100 120 150 200 250 → median 110 days; one more
//	    ends after as_of (counted as a participant only). 5 women, 3 men.
//	K-2 Extratjänst (Botkyrka, arbete): 3 ended, 1 arbete → suppressed (primary).
//	AF-1 Stöd och matchning (AF, arbete): 6 ended, 2 arbete, 1 ongoing →
//	    suppressed (complementary): category arbete is published with
//	    n = 8+3+6 = 17, k = 5+1+2 = 8 → 47,06 % (26,17–69,04), so K-2 alone
//	    would be recoverable; the smaller of K-1 (8) and AF-1 (6) goes too.
//	K-3 Språkpraktik (Haninge, språk): 5 ended, 4 with an outcome (2
//	    studier) → share suppressed; lengths 10 20 30 40 50 → median 30;
//	    category språk (n = 4) suppressed.
//	K-4 Hälsoskola (Göteborg, hälsa): no participations.
//	X-9 is not in the catalogue: in no figure.
const fixtureAsOf = "2025-06-30"

type part struct {
	id, gender, muni, start, end, outcome string
}

func fixtureParts() []part {
	var ps []part
	add := func(id, g, m string, lenDays int, outcome string) {
		start := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
		ps = append(ps, part{id, g, m, start.Format(time.DateOnly), start.AddDate(0, 0, lenDays).Format(time.DateOnly), outcome})
	}
	// K-1: 5 women, 3 men; 3 arbete, 2 studier, 3 annat/avbrott
	for i, x := range []struct {
		g string
		l int
		o string
	}{{"K", 30, "arbete"}, {"K", 60, "arbete"}, {"K", 90, "studier"}, {"K", 100, "annat"}, {"K", 120, "arbete"},
		{"M", 150, "studier"}, {"M", 200, "avbrott"}, {"M", 250, "annat"}} {
		_ = i
		add("K-1", x.g, "0127", x.l, x.o)
	}
	ps = append(ps, part{"K-1", "M", "0127", "2025-05-01", "2025-08-01", "arbete"}) // ends after as_of
	for _, o := range []string{"arbete", "annat", "avbrott"} {
		add("K-2", "K", "0127", 45, o)
	}
	for _, o := range []string{"arbete", "arbete", "annat", "annat", "avbrott", "annat"} {
		add("AF-1", "M", "0127", 80, o)
	}
	ps = append(ps, part{"AF-1", "K", "0127", "2025-03-01", "", ""}) // ongoing
	for i, o := range []string{"studier", "studier", "annat", "avbrott", ""} {
		add("K-3", "K", "0136", 10*(i+1), o)
	}
	add("X-9", "K", "0127", 20, "arbete")
	return ps
}

// newFixture opens a database with the fixture loaded and computed and
// returns it with its published snapshot store.
func newFixture(t testing.TB) (*sql.DB, *snapshot.Store) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "f.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, status, started_at, finished_at, duration_ms)
		VALUES (1, 'inbox/interventions/katalog.csv', 'katalog.csv', 'interventions', 'x', 1, 'loaded', '2025-06-01 10:00:00+00', '2025-06-01 10:00:01+00', 1)`)
	ins := `INSERT INTO interventions (intervention_id, name, provider_municipality, category, description, target_group, languages,
		open_to_others, price_per_participant, places, location, contact, valid_from, valid_to, file_id, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`
	exec(ins, "K-1", "Jobbspår vård", "0127", "arbete", "Praktik och studier inom vården.", "Nyanlända", "ar,sv", true, 12000.0, 15, "Tumba", "insatser@botkyrka.se", "2024-01-01", "2026-12-31", 2)
	exec(ins, "K-2", "Extratjänst", "0127", "arbete", nil, nil, nil, false, nil, nil, nil, "ring 19800101-**** eller 08-123 45 67", nil, nil, 3)
	exec(ins, "K-3", "Språkpraktik", "0136", "språk", "Svenska på arbetsplatsen.", nil, "so,ti", true, 0.0, 10, "Handen", nil, nil, nil, 4)
	exec(ins, "AF-1", "Stöd och matchning", "AF", "arbete", nil, nil, "sv", true, nil, nil, nil, nil, nil, nil, 5)
	exec(ins, "K-4", "Hälsoskola", "1480", "hälsa", nil, nil, nil, nil, nil, nil, "Göteborg", nil, nil, nil, 6)
	for i, p := range fixtureParts() {
		var end, outcome any
		if p.end != "" {
			end = p.end
		}
		if p.outcome != "" {
			outcome = p.outcome
		}
		// the pseudonym's first 16 hex digits are its key (store.PersonKey)
		exec(`INSERT INTO intervention_participations VALUES (?, '1990-01-01', ?, ?, ?, ?, ?, ?, 2, ?, ?)`,
			fmt.Sprintf("%016x%048x", i+1, 0), p.gender, p.id, p.muni, p.start, end, outcome, i+2, i+1)
	}
	asOf, _ := time.Parse(time.DateOnly, fixtureAsOf)
	if _, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: asOf}); err != nil {
		t.Fatalf("compute: %v", err)
	}
	snaps := new(snapshot.Store)
	if _, err := snaps.Refresh(ctx, db, snapshot.Options{MinN: 5}); err != nil {
		t.Fatal(err)
	}
	return db, snaps
}

// newServer serves the pages of a fresh fixture.
func newServer(t testing.TB) (*httptest.Server, *sql.DB, *snapshot.Store) {
	t.Helper()
	db, snaps := newFixture(t)
	mux := http.NewServeMux()
	Register(mux, db, Options{MinN: 5, Snapshots: snaps, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, db, snaps
}

func get(t testing.TB, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

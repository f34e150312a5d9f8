package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/geo"
)

// sharedGeoJSON is the source of gazetteer.json, beside the repository.
var sharedGeoJSON = filepath.Join("..", "..", "shared", "data", "sweden_municipalities.geojson")

// TestGazetteer: the embedded gazetteer is what GazetteerFromGeoJSON makes
// of ../shared/data/sweden_municipalities.geojson (rewritten with -update;
// skipped when the source is absent), and it locates every municipality
// geo knows, inside Sweden.
func TestGazetteer(t *testing.T) {
	src, err := os.ReadFile(sharedGeoJSON)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		t.Logf("%s absent: gazetteer.json not compared with its source", sharedGeoJSON)
	case err != nil:
		t.Fatal(err)
	default:
		want, err := GazetteerFromGeoJSON(src)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile("gazetteer.json", want, 0o644); err != nil {
				t.Fatal(err)
			}
			gazetteer = want
		}
		if !bytes.Equal(Gazetteer(), want) {
			t.Errorf("gazetteer.json differs from %s: run go test ./dashboards -run TestGazetteer -update", sharedGeoJSON)
		}
	}
	var places []Place
	if err := json.Unmarshal(Gazetteer(), &places); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Place{}
	for _, p := range places {
		if p.Latitude < 55 || p.Latitude > 69.1 || p.Longitude < 10.9 || p.Longitude > 24.2 {
			t.Errorf("%s %s at %v, %v: outside Sweden", p.Key, p.Name, p.Latitude, p.Longitude)
		}
		byKey[p.Key] = p
	}
	n := 0
	for _, a := range geo.Municipalities() {
		n++
		if _, ok := byKey[a.ID]; !ok {
			t.Errorf("municipality %s %s has no place in the gazetteer", a.ID, a.Title)
		}
	}
	if n != 290 || len(places) != 290 {
		t.Errorf("%d municipalities in geo, %d places, want 290 each", n, len(places))
	}
}

func TestGazetteerFromGeoJSONRejects(t *testing.T) {
	for _, in := range []string{`{}`, `{"type":"FeatureCollection","features":[{"properties":{"id":"0127","kom_namn":"Botkyrka"}}]}`, `[`} {
		if _, err := GazetteerFromGeoJSON([]byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

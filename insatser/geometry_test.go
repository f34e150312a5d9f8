package insatser

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/geo"
)

var update = flag.Bool("update", false, "rewrite municipalities.json from ../shared/data")

// sourceGeoJSON is where the shared reference data lives relative to this
// package (the repository's sibling ../shared), or $EFFEKT_SHARED_DATA.
func sourceGeoJSON() string {
	if d := os.Getenv("EFFEKT_SHARED_DATA"); d != "" {
		return filepath.Join(d, "sweden_municipalities.geojson")
	}
	return filepath.Join("..", "..", "shared", "data", "sweden_municipalities.geojson")
}

// TestGeometryFile: the embedded municipalities.json is exactly what
// deriveGeometry makes of the source GeoJSON (when the source is present;
// -update rewrites it).
func TestGeometryFile(t *testing.T) {
	src, err := os.ReadFile(sourceGeoJSON())
	if os.IsNotExist(err) {
		t.Skipf("source %s not present: the committed municipalities.json is used as is", sourceGeoJSON())
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := deriveGeometry(src)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("municipalities.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote municipalities.json: %d bytes from %d", len(got), len(src))
		return
	}
	if !bytes.Equal(got, geometryJSON) {
		t.Fatalf("municipalities.json differs from what the source gives (%d vs %d bytes): run go test ./insatser -run TestGeometryFile -update", len(geometryJSON), len(got))
	}
}

// TestShapes: one shape per municipality of Kolada's list, each in its
// county, and each county view has a path per municipality of the county.
func TestShapes(t *testing.T) {
	if len(shapes) != 290 {
		t.Fatalf("%d shapes, want 290", len(shapes))
	}
	byID := map[string]Shape{}
	for _, s := range shapes {
		byID[s.ID] = s
	}
	perCounty := map[string]int{}
	for _, m := range geo.Municipalities() {
		s, ok := byID[m.ID]
		if !ok {
			t.Errorf("no shape for %s %s", m.ID, m.Title)
			continue
		}
		if s.County != geo.County(m.ID) {
			t.Errorf("%s: county %s, want %s", m.ID, s.County, geo.County(m.ID))
		}
		perCounty[s.County]++
	}
	if perCounty["0001"] != 26 {
		t.Errorf("Stockholms län: %d municipalities, want 26", perCounty["0001"])
	}
	for c, n := range perCounty {
		if got := len(views[c].Paths); got != n {
			t.Errorf("view %s: %d paths, want %d", c, got, n)
		}
	}
	if got := len(views[""].Paths); got != 290 {
		t.Errorf("country view: %d paths", got)
	}
}

// TestSimplifyRing: points within the tolerance of the outline go, corners stay.
func TestSimplifyRing(t *testing.T) {
	sq := [][2]float64{{0, 0}, {1, 0.0001}, {2, 0}, {2, 2}, {1, 2.0001}, {0, 2}, {0, 0}}
	got := simplifyRing(sq, 0.001)
	want := [][2]float64{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

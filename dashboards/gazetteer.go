package dashboards

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// gazetteer is gazetteer.json: the centre of each of the 290
// municipalities, derived from ../shared/data/sweden_municipalities.geojson
// (property geo_point_2d) by GazetteerFromGeoJSON; TestGazetteer keeps it in
// step with the source when the source is present.
//
//go:embed gazetteer.json
var gazetteer []byte

// Gazetteer is the municipality gazetteer the Geomap panel looks locations
// up in: a JSON array of {key, name, latitude, longitude}, one entry per
// municipality keyed by its kommunkod (the municipality label), in the
// "worldmap" shape every Grafana from 8.x on reads as a lookup gazetteer.
func Gazetteer() []byte { return slices.Clone(gazetteer) }

// Place is one entry of the gazetteer.
type Place struct {
	Key       string  `json:"key"` // kommunkod, e.g. 0127
	Name      string  `json:"name"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// GazetteerFromGeoJSON derives the gazetteer from a GeoJSON feature
// collection of municipalities with properties id (kommunkod), kom_namn and
// geo_point_2d ([lat, lon] of the centroid), sorted by key, coordinates
// rounded to 4 decimals (about 10 m).
func GazetteerFromGeoJSON(geojson []byte) ([]byte, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				ID       string    `json:"id"`
				Name     string    `json:"kom_namn"`
				Centroid []float64 `json:"geo_point_2d"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(geojson, &fc); err != nil {
		return nil, fmt.Errorf("read geojson: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("read geojson: type %q, want FeatureCollection", fc.Type)
	}
	places := make([]Place, 0, len(fc.Features))
	for i, f := range fc.Features {
		p := f.Properties
		if len(p.ID) != 4 || p.Name == "" || len(p.Centroid) != 2 {
			return nil, fmt.Errorf("read geojson: feature %d: id %q, kom_namn %q, geo_point_2d %v: want a 4-digit id, a name and [lat, lon]", i, p.ID, p.Name, p.Centroid)
		}
		places = append(places, Place{Key: p.ID, Name: p.Name, Latitude: round4(p.Centroid[0]), Longitude: round4(p.Centroid[1])})
	}
	slices.SortFunc(places, func(a, b Place) int { return cmpString(a.Key, b.Key) })
	out, err := json.MarshalIndent(places, "", " ")
	if err != nil {
		return nil, fmt.Errorf("write gazetteer: %w", err)
	}
	return append(out, '\n'), nil
}

func round4(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 4, 64), 64)
	return r
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

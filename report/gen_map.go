//go:build ignore

// gen_map writes map.json, the municipality outlines the report draws,
// from the reference GeoJSON (290 polygons, WGS84): per municipality its
// kommunkod and rings of lon/lat rounded to 0.001° (about 100 m), as
// [[[lon, lat, lon, lat, …], …], …]. Run from report/:
//
//	go run gen_map.go ../../shared/data/sweden_municipalities.geojson
package main

import (
	"encoding/json"
	"log"
	"math"
	"os"
	"sort"
)

type feature struct {
	Properties struct {
		ID string `json:"id"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	var fc struct {
		Features []feature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		log.Fatal(err)
	}
	out := map[string][][]float64{}
	for _, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				log.Fatal(err)
			}
			polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				log.Fatal(err)
			}
		}
		for _, p := range polys {
			for _, ring := range p {
				var flat []float64
				var last [2]float64
				for i, c := range ring {
					r := [2]float64{math.Round(c[0]*1000) / 1000, math.Round(c[1]*1000) / 1000}
					if i > 0 && r == last {
						continue
					}
					flat = append(flat, r[0], r[1])
					last = r
				}
				if len(flat) >= 6 {
					out[f.Properties.ID] = append(out[f.Properties.ID], flat)
				}
			}
		}
	}
	ids := make([]string, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	f, err := os.Create("map.json")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := json.NewEncoder(f).Encode(out); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d municipalities", len(ids))
}

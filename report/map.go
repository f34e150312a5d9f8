package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// mapJSON holds the municipalities' outlines (kommunkod → rings of lon, lat
// pairs at 0.001°), made by gen_map.go from the reference GeoJSON
// (okfse/sweden-geojson, simplified to ~2 % with mapshaper).
//
//go:embed map.json
var mapJSON []byte

var (
	outlinesOnce sync.Once
	outlines     map[string][][]float64
	outlinesErr  error
)

func loadOutlines() (map[string][][]float64, error) {
	outlinesOnce.Do(func() { outlinesErr = json.Unmarshal(mapJSON, &outlines) })
	return outlines, outlinesErr
}

// mapChart draws the counties that hold a member, members filled blue,
// the other municipalities grey, in an equirectangular projection scaled
// by the cosine of the middle latitude.
func mapChart(member map[string]bool) (template.HTML, error) {
	out, err := loadOutlines()
	if err != nil {
		return "", fmt.Errorf("report: map: %w", err)
	}
	counties := map[string]bool{}
	for m := range member {
		counties[m[:2]] = true
	}
	if len(counties) == 0 {
		return "", nil
	}
	minLat, maxLat := math.Inf(1), math.Inf(-1)
	for id, rings := range out {
		if !counties[id[:2]] {
			continue
		}
		for _, r := range rings {
			for i := 1; i < len(r); i += 2 {
				minLat, maxLat = math.Min(minLat, r[i]), math.Max(maxLat, r[i])
			}
		}
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	p := plot.New()
	p.HideAxes()
	minX, maxX := math.Inf(1), math.Inf(-1)
	for id, rings := range out {
		if !counties[id[:2]] {
			continue
		}
		var xys []plotter.XYer
		for _, r := range rings {
			ring := make(plotter.XYs, 0, len(r)/2)
			for i := 0; i+1 < len(r); i += 2 {
				x := r[i] * k
				minX, maxX = math.Min(minX, x), math.Max(maxX, x)
				ring = append(ring, plotter.XY{X: x, Y: r[i+1]})
			}
			xys = append(xys, ring)
		}
		poly, err := plotter.NewPolygon(xys...)
		if err != nil {
			return "", fmt.Errorf("report: map %s: %w", id, err)
		}
		poly.Color = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
		if member[id] {
			poly.Color = blue
		}
		poly.LineStyle.Color = color.White
		poly.LineStyle.Width = vg.Points(0.5)
		p.Add(poly)
	}
	// keep the shape: the canvas is as wide as the area is
	h := 10 * vg.Centimeter
	w := vg.Length(float64(h) * (maxX - minX) / (maxLat - minLat))
	if w > 16*vg.Centimeter {
		h = vg.Length(float64(h) * float64(16*vg.Centimeter) / float64(w))
		w = 16 * vg.Centimeter
	}
	return render(p, w, h, "Karta över medlemskommunerna")
}

package insatser

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Deriving the embedded geometry from the source GeoJSON: used by
// TestGeometryFile, which regenerates municipalities.json and checks it
// against the committed file.

type geoJSON struct {
	Features []struct {
		Properties struct {
			ID      string `json:"id"`
			Name    string `json:"kom_namn"`
			LanCode string `json:"lan_code"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// deriveGeometry simplifies the source GeoJSON to the embedded form.
func deriveGeometry(src []byte) ([]byte, error) {
	var g geoJSON
	if err := json.Unmarshal(src, &g); err != nil {
		return nil, fmt.Errorf("read geojson: %w", err)
	}
	var out []Shape
	for _, f := range g.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Properties.ID, err)
			}
			polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Properties.ID, err)
			}
		default:
			return nil, fmt.Errorf("%s: geometry %s", f.Properties.ID, f.Geometry.Type)
		}
		s := Shape{ID: f.Properties.ID, Name: f.Properties.Name, County: "00" + f.Properties.LanCode}
		for _, p := range polys {
			for _, ring := range p {
				r := simplifyRing(ring, geomTolerance)
				if len(r) < 4 {
					continue // a ring simplified away (a tiny island)
				}
				q := make([]int32, 0, 2*len(r))
				for _, pt := range r {
					q = append(q, int32(math.Round(pt[0]*geomScale)), int32(math.Round(pt[1]*geomScale)))
				}
				s.Rings = append(s.Rings, q)
			}
		}
		if len(s.Rings) == 0 {
			return nil, fmt.Errorf("%s: every ring simplified away", s.ID)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Shape) int { return strings.Compare(a.ID, b.ID) })
	var b strings.Builder
	b.WriteString("[\n")
	for i, s := range out {
		line, err := json.Marshal(s)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(out)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return []byte(b.String()), nil
}

// simplifyRing is Douglas–Peucker on a closed ring (first point = last),
// keeping the first point and the point farthest from it as anchors.
func simplifyRing(r [][2]float64, tol float64) [][2]float64 {
	if len(r) < 4 {
		return r
	}
	far, best := 0, -1.0
	for i, p := range r {
		if d := math.Hypot(p[0]-r[0][0], p[1]-r[0][1]); d > best {
			far, best = i, d
		}
	}
	a := douglasPeucker(r[:far+1], tol)
	b := douglasPeucker(r[far:], tol)
	return append(a[:len(a)-1], b...)
}

func douglasPeucker(pts [][2]float64, tol float64) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		far, best := -1, tol
		for k := i + 1; k < j; k++ {
			if d := segDist(pts[k], pts[i], pts[j]); d > best {
				far, best = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			rec(i, far)
			rec(far, j)
		}
	}
	rec(0, len(pts)-1)
	var out [][2]float64
	for i, p := range pts {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// segDist is the distance from p to the segment a–b.
func segDist(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := max(0, min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

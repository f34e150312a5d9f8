package insatser

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// municipalities.json is derived from ../shared/data/sweden_municipalities.geojson
// by TestGeometryFile (go test ./insatser -run TestGeometryFile -update):
// each outline simplified (Douglas–Peucker, tolerance geomTolerance degrees),
// coordinates in 1/10 000 degree as integers.
//
//go:embed municipalities.json
var geometryJSON []byte

// Shape is one municipality's outline.
type Shape struct {
	ID     string    `json:"id"`     // kommunkod
	Name   string    `json:"name"`   // kom_namn
	County string    `json:"county"` // Kolada region id 00LL
	Rings  [][]int32 `json:"rings"`  // per ring: lon, lat, lon, lat, … in 1e-4 degrees
}

// geomTolerance is the simplification tolerance in degrees (about 100 m
// north–south): the smallest municipalities of Stockholms län stay
// recognisable while the file stays small.
const geomTolerance = 0.001

// geomScale is the integer unit of the stored coordinates (1e-4 degrees).
const geomScale = 10000

var shapes = mustShapes()

func mustShapes() []Shape {
	var s []Shape
	if err := json.Unmarshal(geometryJSON, &s); err != nil {
		panic(fmt.Sprintf("insatser: embedded municipalities.json: %v", err))
	}
	return s
}

// mapPath is one municipality drawn on a map view.
type mapPath struct {
	ID, Name, D string
}

// mapView is a map of one county (or the whole country when county is ""),
// projected equirectangularly at the view's middle latitude and fitted to
// width viewWidth.
type mapView struct {
	ViewBox string
	Paths   []mapPath
}

const viewWidth = 600

// buildView projects the municipalities of county ("" = all).
func buildView(county string) mapView {
	var sel []Shape
	for _, s := range shapes {
		if county == "" || s.County == county {
			sel = append(sel, s)
		}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range sel {
		for _, r := range s.Rings {
			for i := 0; i+1 < len(r); i += 2 {
				x, y := float64(r[i]), float64(r[i+1])
				minX, maxX = min(minX, x), max(maxX, x)
				minY, maxY = min(minY, y), max(maxY, y)
			}
		}
	}
	if len(sel) == 0 {
		return mapView{ViewBox: "0 0 1 1"}
	}
	k := math.Cos((minY + maxY) / 2 / geomScale * math.Pi / 180)
	scale := viewWidth / ((maxX - minX) * k)
	height := (maxY - minY) * scale
	v := mapView{ViewBox: fmt.Sprintf("0 0 %d %d", viewWidth, int(math.Ceil(height)))}
	prec := 1
	if county == "" {
		prec = 0
	}
	for _, s := range sel {
		var b strings.Builder
		for _, r := range s.Rings {
			for i := 0; i+1 < len(r); i += 2 {
				x := (float64(r[i]) - minX) * k * scale
				y := (maxY - float64(r[i+1])) * scale
				if i == 0 {
					b.WriteByte('M')
				} else {
					b.WriteByte('L')
				}
				b.WriteString(strconv.FormatFloat(x, 'f', prec, 64))
				b.WriteByte(' ')
				b.WriteString(strconv.FormatFloat(y, 'f', prec, 64))
			}
			b.WriteByte('Z')
		}
		v.Paths = append(v.Paths, mapPath{ID: s.ID, Name: s.Name, D: b.String()})
	}
	slices.SortFunc(v.Paths, func(a, b mapPath) int { return strings.Compare(a.ID, b.ID) })
	return v
}

// views are the projected maps, built once: the whole country and each county.
var views = func() map[string]mapView {
	m := map[string]mapView{"": buildView("")}
	for _, s := range shapes {
		if _, ok := m[s.County]; !ok {
			m[s.County] = buildView(s.County)
		}
	}
	return m
}()

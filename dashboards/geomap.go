package dashboards

// municipalityMap is a Geomap of the chosen indicator per municipality: a
// marker at each municipality's centre, coloured by its value. The
// locations come from the gazetteer at gazetteerURL (Gazetteer(), keyed by
// kommunkod), looked up by the municipality column of one instant table
// query; a municipality whose cell is suppressed has no value and no marker.
func municipalityMap(gazetteerURL string) *panel {
	style := obj{
		"size":        obj{"fixed": 7, "min": 4, "max": 12},
		"color":       obj{"field": "Value", "fixed": "dark-green"},
		"opacity":     0.85,
		"symbol":      obj{"mode": "fixed", "fixed": "img/icons/marker/circle.svg"},
		"symbolAlign": obj{"horizontal": "center", "vertical": "center"},
		"rotation":    obj{"fixed": 0, "mode": "mod", "min": -360, "max": 360},
		"textConfig":  obj{"fontSize": 12, "offsetX": 0, "offsetY": 0, "textAlign": "center", "textBaseline": "middle"},
	}
	layer := obj{
		"type": "markers", "name": "Kommuner", "tooltip": true,
		"location": obj{"mode": "lookup", "lookup": "municipality", "gazetteer": gazetteerURL},
		"config":   obj{"showLegend": true, "style": style},
	}
	return newPanel("geomap", "Karta: $kpi, $period",
		"Indikatorns värde för varje kommun som en punkt i kommunens mitt (centroid), färgad efter värdet: ljusare lägre, mörkare högre. "+
			"Positionerna slås upp på kommunkoden i effekts ortregister ("+GazetteerFile+", från kommungränsernas centroider). "+suppressionNote, 24, 16).
		targets(target{refID: "A", table: true,
			expr: `sum by (municipality, municipality_name) (effekt_indicator_value{kpi="$kpi",` + cell + `,area_type="K"})`}).
		transformations(obj{"id": "organize", "options": obj{"excludeByName": obj{"Time": true}, "indexByName": obj{}, "renameByName": obj{}}}).
		fieldConfig(obj{"unit": "none", "decimals": 1, "color": obj{"mode": "continuous-YlBl"}},
			nameOverride("municipality_name", prop("displayName", "Kommun")),
			nameOverride("municipality", prop("displayName", "Kod")),
			nameOverride("Value", prop("displayName", "Värde"))).
		options(obj{
			"view":     obj{"id": "coords", "lat": 62.5, "lon": 16.5, "zoom": 4.4, "allLayers": true},
			"controls": obj{"showZoom": true, "mouseWheelZoom": false, "showAttribution": true, "showScale": false, "showMeasure": false, "showDebug": false},
			"basemap":  obj{"type": "default", "name": "Bakgrundskarta", "config": obj{}},
			"layers":   []obj{layer},
			"tooltip":  obj{"mode": "details"},
		})
}

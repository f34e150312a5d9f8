package dashboards

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name, promURL, providerPath string
		wantURL, wantPath           string
	}{
		{name: "defaults", wantURL: "http://localhost:9090", wantPath: DefaultProviderPath},
		{name: "custom", promURL: "http://prom.internal:9090/", providerPath: "/srv/grafana/effekt",
			wantURL: "http://prom.internal:9090", wantPath: "/srv/grafana/effekt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files, err := Write(dir, Options{PrometheusURL: tc.promURL, ProviderPath: tc.providerPath})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"dashboards/effekt-indikatorer.json", "dashboards/effekt-kommun.json", "dashboards/effekt-dataflode.json",
				"gazetteer/" + GazetteerFile, "provisioning/dashboards/effekt.yaml", "provisioning/datasources/effekt.yaml"}
			if len(files) != len(want) {
				t.Fatalf("wrote %v", files)
			}
			for i, w := range want {
				if files[i] != filepath.Join(dir, w) {
					t.Errorf("file %d = %s, want %s", i, files[i], filepath.Join(dir, w))
				}
			}
			for _, b := range boards(t) {
				got, err := os.ReadFile(filepath.Join(dir, "dashboards", b.File()))
				if err != nil || !bytes.Equal(got, b.JSON) {
					t.Errorf("%s on disk differs from All() (err %v)", b.File(), err)
				}
			}
			var prov struct {
				APIVersion int `yaml:"apiVersion"`
				Providers  []struct {
					Name, Type, Folder string
					Options            struct{ Path string }
				}
			}
			readYAML(t, filepath.Join(dir, "provisioning/dashboards/effekt.yaml"), &prov)
			wantPath := tc.wantPath
			if got, err := os.ReadFile(filepath.Join(dir, "gazetteer", GazetteerFile)); err != nil || !bytes.Equal(got, Gazetteer()) {
				t.Errorf("gazetteer on disk differs from Gazetteer() (err %v)", err)
			}
			if prov.APIVersion != 1 || len(prov.Providers) != 1 || prov.Providers[0].Type != "file" || prov.Providers[0].Options.Path != wantPath {
				t.Errorf("dashboard provider %+v, want a file provider at %s", prov, wantPath)
			}
			var ds struct {
				APIVersion  int `yaml:"apiVersion"`
				Datasources []struct {
					Name, UID, Type, URL, Access string
				}
			}
			readYAML(t, filepath.Join(dir, "provisioning/datasources/effekt.yaml"), &ds)
			if len(ds.Datasources) != 1 {
				t.Fatalf("datasources %+v", ds)
			}
			d := ds.Datasources[0]
			if ds.APIVersion != 1 || d.UID != DatasourceUID || d.Type != "prometheus" || d.URL != tc.wantURL || d.Access != "proxy" || d.Name != DatasourceName {
				t.Errorf("datasource %+v, want uid %s url %s", d, DatasourceUID, tc.wantURL)
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Write generates the dashboards and writes, under dir:
//
//	dashboards/<uid>.json                  one file per dashboard
//	gazetteer/effekt-kommuner.json         municipality centres for the Geomap panel
//	provisioning/dashboards/effekt.yaml    a file provider reading those JSON files
//	provisioning/datasources/effekt.yaml   the Prometheus data source (uid effekt-prometheus)
//
// Copy provisioning/dashboards/effekt.yaml and provisioning/datasources/effekt.yaml
// into Grafana's provisioning folders (/etc/grafana/provisioning/dashboards/ and
// /etc/grafana/provisioning/datasources/ in the packages and the Docker image),
// the JSON files to opt.ProviderPath (default DefaultProviderPath,
// /var/lib/grafana/dashboards/effekt) and the gazetteer to Grafana's
// public/gazetteer/ folder (/usr/share/grafana/public/gazetteer/), or set
// opt.GazetteerURL to wherever it is served. Files are written atomically;
// Write returns the paths it wrote.
func Write(dir string, opt Options) ([]string, error) {
	opt = opt.withDefaults()
	boards, err := All(opt)
	if err != nil {
		return nil, err
	}
	dashDir := filepath.Join(dir, "dashboards")
	var written []string
	put := func(path string, data []byte) error {
		if err := writeAtomic(path, data); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	for _, b := range boards {
		if err := put(filepath.Join(dashDir, b.File()), b.JSON); err != nil {
			return written, err
		}
	}
	if err := put(filepath.Join(dir, "gazetteer", GazetteerFile), Gazetteer()); err != nil {
		return written, err
	}
	if err := put(filepath.Join(dir, "provisioning", "dashboards", "effekt.yaml"), DashboardProvider(opt.ProviderPath)); err != nil {
		return written, err
	}
	if err := put(filepath.Join(dir, "provisioning", "datasources", "effekt.yaml"), DatasourceProvisioning(opt.PrometheusURL)); err != nil {
		return written, err
	}
	return written, nil
}

// yamlString quotes s for YAML (a JSON string is a YAML double-quoted scalar).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// DashboardProvider is Grafana's dashboard provisioning file: a file
// provider that loads every JSON file under path into the folder "effekt".
func DashboardProvider(path string) []byte {
	return []byte(`# Grafana dashboard provider for effekt, written by "effekt dashboards".
# Copy this file to Grafana's provisioning/dashboards/ folder
# (/etc/grafana/provisioning/dashboards/ in the packages and the Docker image).
# options.path is the folder on the Grafana host where Grafana reads the
# dashboard JSON files: copy DIR/dashboards/*.json there ("effekt dashboards
# --provider-path" sets it; default ` + DefaultProviderPath + `).
apiVersion: 1
providers:
  - name: effekt
    orgId: 1
    folder: effekt
    folderUid: effekt
    type: file
    disableDeletion: false
    allowUiUpdates: false
    updateIntervalSeconds: 60
    options:
      path: ` + yamlString(path) + `
      foldersFromFilesStructure: false
`)
}

// DatasourceProvisioning is Grafana's data source provisioning file for the
// Prometheus that scrapes effekt, under the uid every dashboard queries.
func DatasourceProvisioning(prometheusURL string) []byte {
	return []byte(`# Prometheus data source for effekt's dashboards, written by "effekt dashboards".
# Copy this file to Grafana's provisioning/datasources/ folder
# (/etc/grafana/provisioning/datasources/). Every dashboard panel queries the
# data source by its uid, ` + DatasourceUID + `: keep the uid when changing the URL.
apiVersion: 1
datasources:
  - name: ` + yamlString(DatasourceName) + `
    uid: ` + DatasourceUID + `
    type: prometheus
    access: proxy
    url: ` + yamlString(strings.TrimRight(prometheusURL, "/")) + `
    isDefault: false
    editable: true
    jsonData:
      httpMethod: POST
      timeInterval: 15s
`)
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/dashboards"
)

func init() {
	register(command{
		name:    "dashboards",
		summary: "write the Grafana dashboards and provisioning files; 'dashboards publish' sends them to a Grafana",
		run:     runDashboards,
	})
}

func runDashboards(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "publish" {
		return runDashboardsPublish(ctx, args[1:])
	}
	fs := flag.NewFlagSet("dashboards", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: effekt dashboards [--out DIR] [--prometheus-url URL] [--provider-path PATH]\n"+
			"       effekt dashboards publish --grafana-url URL [--token TOKEN] [--folder TITLE] [--prometheus-url URL]\n\n"+
			"Writes DIR/dashboards/*.json, DIR/provisioning/dashboards/effekt.yaml and DIR/provisioning/datasources/effekt.yaml.\n"+
			"Copy the two provisioning files to Grafana's provisioning/dashboards/ and provisioning/datasources/ folders.")
		fs.PrintDefaults()
	}
	var common commonFlags
	common.bind(fs)
	out := fs.String("out", "", "output folder (default: paths.dashboards)")
	promURL := fs.String("prometheus-url", dashboards.DefaultPrometheusURL, "URL of the Prometheus that scrapes effekt, for the data source")
	providerPath := fs.String("provider-path", "", "folder Grafana reads the dashboard JSON from (default: the absolute path of DIR/dashboards)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	cfg, err := common.load()
	if err != nil {
		return err
	}
	dir := cfg.Paths.Dashboards
	if *out != "" {
		dir = *out
	}
	files, err := dashboards.Write(dir, dashboards.Options{PrometheusURL: *promURL, ProviderPath: *providerPath})
	if err != nil {
		return err
	}
	fmt.Printf("dashboards written to %s:\n", dir)
	for _, f := range files {
		fmt.Printf("  %s\n", f)
	}
	fmt.Println("copy provisioning/dashboards/effekt.yaml and provisioning/datasources/effekt.yaml into Grafana's provisioning folders (e.g. /etc/grafana/provisioning/)")
	return nil
}

func runDashboardsPublish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dashboards publish", flag.ContinueOnError)
	var common commonFlags
	common.bind(fs)
	grafanaURL := fs.String("grafana-url", "", "Grafana base URL, e.g. http://127.0.0.1:3000 (default: grafana.url)")
	token := fs.String("token", "", "Grafana service account token, or user:password (default: $"+config.EnvGrafanaToken+")")
	folder := fs.String("folder", "", "folder title to publish into, created if missing (default: grafana.folder, else General)")
	promURL := fs.String("prometheus-url", dashboards.DefaultPrometheusURL, "URL of the Prometheus that scrapes effekt, as Grafana reaches it")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout per HTTP request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	cfg, err := common.load()
	if err != nil {
		return err
	}
	opt := dashboards.PublishOptions{URL: cfg.Grafana.URL, Token: cfg.Grafana.Token, Folder: cfg.Grafana.Folder,
		PrometheusURL: *promURL, Timeout: *timeout}
	if *grafanaURL != "" {
		opt.URL = *grafanaURL
	}
	if *token != "" {
		opt.Token = *token
	}
	if *folder != "" {
		opt.Folder = *folder
	}
	if opt.URL == "" {
		return errors.New("no Grafana URL: give --grafana-url or set grafana.url in the configuration")
	}
	if opt.Token == "" {
		return errors.New("no Grafana token: give --token or set " + config.EnvGrafanaToken + " (a service account token with the Admin role, or user:password)")
	}
	boards, err := dashboards.All(dashboards.Options{PrometheusURL: opt.PrometheusURL})
	if err != nil {
		return err
	}
	rep, err := dashboards.Publish(ctx, boards, opt)
	for _, p := range rep.Published {
		fmt.Printf("published     %s\n", p)
	}
	for _, p := range rep.NotPublished {
		fmt.Fprintf(os.Stderr, "NOT published %s\n", p)
	}
	return err
}

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/dashboards"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf                    commonFlags
			out, promURL, provdir string
		)
		cmd := &cobra.Command{
			Use:   "dashboards",
			Short: "write the Grafana dashboards and provisioning files; 'dashboards publish' sends them to a Grafana",
			Long: "Writes DIR/dashboards/*.json, DIR/provisioning/dashboards/effekt.yaml and\n" +
				"DIR/provisioning/datasources/effekt.yaml. Copy the two provisioning files to Grafana's\n" +
				"provisioning/dashboards/ and provisioning/datasources/ folders.",
			Args: noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				dir := cfg.Paths.Dashboards
				if out != "" {
					dir = out
				}
				files, err := dashboards.Write(dir, dashboards.Options{PrometheusURL: promURL, ProviderPath: provdir})
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "dashboards written to %s:\n", dir)
				for _, f := range files {
					fmt.Fprintf(w, "  %s\n", relPath(dir, f))
				}
				fmt.Fprintln(w, "copy provisioning/dashboards/effekt.yaml and provisioning/datasources/effekt.yaml into Grafana's provisioning folders (e.g. /etc/grafana/provisioning/),")
				fmt.Fprintf(w, "dashboards/*.json to %s and gazetteer/%s to Grafana's public/gazetteer/ (the map's municipality centres)\n", provdir, dashboards.GazetteerFile)
				return nil
			},
		}
		cf.bindConfig(cmd)
		cmd.Flags().StringVar(&out, "out", "", "output `DIR` (default: paths.dashboards)")
		cmd.MarkFlagDirname("out")
		cmd.Flags().StringVar(&promURL, "prometheus-url", dashboards.DefaultPrometheusURL, "`URL` of the Prometheus that scrapes effekt, for the data source")
		cmd.Flags().StringVar(&provdir, "provider-path", dashboards.DefaultProviderPath, "`DIR` on the Grafana host it reads the dashboard JSON from (copy DIR/dashboards/*.json there)")
		cmd.AddCommand(newDashboardsPublish())
		return cmd
	})
}

func newDashboardsPublish() *cobra.Command {
	var (
		cf                                 commonFlags
		grafanaURL, token, folder, promURL string
		timeout                            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "publish the dashboards and the data source through Grafana's HTTP API",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.load()
			if err != nil {
				return err
			}
			opt := dashboards.PublishOptions{URL: cfg.Grafana.URL, Token: cfg.Grafana.Token, Folder: cfg.Grafana.Folder,
				PrometheusURL: promURL, Timeout: timeout}
			if grafanaURL != "" {
				opt.URL = grafanaURL
			}
			if token != "" {
				opt.Token = token
			}
			if folder != "" {
				opt.Folder = folder
			}
			if opt.URL == "" {
				return usageError{errors.New("no Grafana URL: give --grafana-url or set grafana.url in the configuration")}
			}
			if opt.Token == "" {
				return usageError{errors.New("no Grafana token: give --token or set " + config.EnvGrafanaToken + " (a service account token with the Admin role, or user:password)")}
			}
			boards, err := dashboards.All(dashboards.Options{PrometheusURL: opt.PrometheusURL})
			if err != nil {
				return err
			}
			rep, err := dashboards.Publish(cmd.Context(), boards, opt)
			for _, p := range rep.Published {
				fmt.Fprintf(cmd.OutOrStdout(), "published     %s\n", p)
			}
			for _, p := range rep.NotPublished {
				fmt.Fprintf(cmd.ErrOrStderr(), "NOT published %s\n", p)
			}
			return err
		},
	}
	cf.bindConfig(cmd)
	fl := cmd.Flags()
	fl.StringVar(&grafanaURL, "grafana-url", "", "Grafana base `URL`, e.g. http://127.0.0.1:3000 (default: grafana.url)")
	fl.StringVar(&token, "token", "", "Grafana service account `TOKEN`, or user:password (default: $"+config.EnvGrafanaToken+")")
	fl.StringVar(&folder, "folder", "", "folder `TITLE` to publish into, created if missing (default: grafana.folder, else General)")
	fl.StringVar(&promURL, "prometheus-url", dashboards.DefaultPrometheusURL, "`URL` of the Prometheus that scrapes effekt, as Grafana reaches it")
	fl.DurationVar(&timeout, "timeout", 10*time.Second, "timeout per HTTP request (`DURATION`, e.g. 10s)")
	return cmd
}

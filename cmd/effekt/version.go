package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version may be set at link time (-ldflags "-X main.version=…"; -X sets
// only a variable without an initializer); otherwise init takes it from the
// build info: the module version, the VCS revision and time when built from
// a checkout, and the Go version.
var version string

// linked is the link-time version, "" when none was given.
var linked string

// releaseVersion is the short version recorded in outputs (export
// manifests): the link-time version, else the module version, with the
// first 12 digits of the VCS revision for a development build.
func releaseVersion() string {
	if linked != "" {
		return linked
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 && (v == "" || v == "(devel)") {
			return "dev+" + s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}

func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown build) " + runtime.Version()
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" {
		return fmt.Sprintf("%s (no VCS revision: build with `make build` or `go build -buildvcs=true`) %s", v, bi.GoVersion)
	}
	return fmt.Sprintf("%s (revision %s%s, %s) %s", v, rev, modified, at, bi.GoVersion)
}

func init() {
	linked = version
	if version == "" {
		version = buildVersion()
	}
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:   "version",
			Short: "print the effekt version (module version, VCS revision, Go version); same as --version",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				fmt.Fprintln(cmd.OutOrStdout(), "effekt", version)
				return nil
			},
		}
	})
}

package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=…"); otherwise it is
// taken from the module build info (VCS revision when built from a checkout).
var version = buildVersion()

func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev+" + s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}

func init() {
	register(command{name: "version", summary: "print the effekt version", run: func(ctx context.Context, args []string) error {
		fmt.Println("effekt", version)
		return nil
	}})
}

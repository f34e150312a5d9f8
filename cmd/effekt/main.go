// Command effekt ingests the sources' exports, computes the indicators and
// publishes them. Each subcommand lives in its own file and registers itself
// in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; a duplicate name is a programmer error.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("effekt: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// errUsage makes main exit 2 without a stack of wrapping.
var errUsage = errors.New("usage")

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "effekt: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := c.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2) // the flag set has printed its usage
		}
		if errors.Is(err, errUsage) {
			fmt.Fprintf(os.Stderr, "effekt %s: %v\n", c.name, err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "effekt %s: %v\n", c.name, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: effekt <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nrun 'effekt <command> -h' for its flags")
}

func logLevel() slog.Level {
	if os.Getenv("EFFEKT_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

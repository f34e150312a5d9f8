// Command effekt ingests the sources' exports, computes the indicators and
// publishes them. Each subcommand lives in its own file and registers its
// constructor in init; main builds the command tree with spf13/cobra.
//
// Exit codes: 0 success (also -h/--help), 1 the command failed, 2 usage
// (unknown command or flag, bad arguments or flag values).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/effekt/effekt/internal/suggest"
)

// Exit codes of the binary.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// constructors of the subcommands, filled by register in each file's init.
var constructors []func() *cobra.Command

// register adds a subcommand constructor.
func register(newCmd func() *cobra.Command) { constructors = append(constructors, newCmd) }

// errUsage marks an error as a usage error (exit 2).
var errUsage = errors.New("usage")

// usageError wraps err so main exits 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit 2).
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// logLevel is the level of the default logger; --quiet raises it to ERROR.
var logLevel = new(slog.LevelVar)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if os.Getenv("EFFEKT_DEBUG") != "" {
		logLevel.Set(slog.LevelDebug)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel})))
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if cmd == nil {
		cmd = root
	}
	if isUsage(err) {
		fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", cmd.CommandPath(), strings.TrimRight(err.Error(), "\n"), cmd.CommandPath())
		return exitUsage
	}
	fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
	return exitFailure
}

// newRoot builds the whole command tree.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "effekt",
		Short: "effect evaluation of the introduction of newly arrived refugees: ingest, compute, publish",
		Long: "effekt ingests the sources' exports into DuckDB, computes the establishment and completion\n" +
			"indicators per municipality, year and gender, and publishes them (Kolada v3 API, exports,\n" +
			"Prometheus metrics, Grafana dashboards).\n\n" +
			"Exit codes: 0 success, 1 the command failed, 2 usage (unknown command or flag, bad arguments).",
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if q, err := cmd.Flags().GetBool("quiet"); err == nil && q {
				logLevel.Set(slog.LevelError)
			}
			return nil
		},
	}
	root.SetVersionTemplate("effekt {{.Version}}\n")
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				var names []string
				for _, sub := range root.Commands() {
					if sub.IsAvailableCommand() {
						names = append(names, sub.Name())
					}
				}
				return usagef("no help topic %q%s", strings.Join(args, " "), suggest.Phrase(suggest.Closest(args[len(args)-1], names, 2)))
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, sub := range root.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, sub.Name()+"\t"+sub.Short)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
	})
	root.SetFlagErrorFunc(flagError)
	for _, newCmd := range constructors {
		root.AddCommand(newCmd())
	}
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "print a shell completion script: commands, flags and the values of --kpi, --municipality, --format"
		}
	}
	return root
}

// isUsage reports whether err is a usage error (exit 2).
func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue) || errors.Is(err, errUsage) ||
		strings.HasPrefix(err.Error(), "unknown command ") || strings.HasPrefix(err.Error(), "required flag")
}

// flagError makes a flag parsing error a usage error and suggests the
// nearest flag for an unknown one.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	// "-dir" (Go's flag package took one dash): pflag reads shorthands.
	if _, word, ok := strings.Cut(msg, "' in -"); ok && strings.HasPrefix(msg, "unknown shorthand flag: ") && len(word) > 1 {
		name, _, _ := strings.Cut(word, "=")
		if cmd.Flags().Lookup(name) != nil {
			return usageError{fmt.Errorf("%s (did you mean --%s? long flags take two dashes)", msg, name)}
		}
	}
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := suggest.Closest(name, names, 2); len(s) > 0 {
			for i := range s {
				s[i] = "--" + s[i]
			}
			msg += suggest.Phrase(s)
		}
	}
	return usageError{errors.New(msg)}
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q: %s takes no arguments (flags are --name value)", args[0], cmd.CommandPath())
	}
	return nil
}

// unknownSubcommand rejects a word that is not a subcommand of cmd,
// suggesting the nearest one.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usagef("unknown command %q for %q%s", args[0], cmd.CommandPath(), suggest.Phrase(suggest.Closest(args[0], names, 2)))
}

// groupOnly is the RunE of a command that only groups subcommands: a word
// that is not one of them, or none, is a usage error.
func groupOnly(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return unknownSubcommand(cmd, args)
	}
	return usagef("%s needs a subcommand", cmd.CommandPath())
}

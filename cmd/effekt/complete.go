package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

// completeKPI completes --kpi with the catalogue's ids, titled.
func completeKPI(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := splitLast(toComplete)
	var out []string
	for _, ind := range models.Published() {
		if strings.HasPrefix(ind.ID, strings.ToUpper(last)) {
			out = append(out, prefix+ind.ID+"\t"+ind.TitleSV)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeArea completes --municipality and area arguments with
// municipality, county and group names.
func completeArea(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := splitLast(toComplete)
	names := geo.AreaNames()
	for _, g := range config.DefaultGroups() {
		names = append(names, g.Title)
	}
	var out []string
	low := strings.ToLower(last)
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), low) {
			out = append(out, prefix+n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// fixedCompletion completes a flag with fixed values ("value\tdescription").
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// splitLast splits a comma-separated list being typed into what is done
// ("EF101,") and the word being completed.
func splitLast(s string) (string, string) {
	i := strings.LastIndex(s, ",")
	return s[:i+1], s[i+1:]
}

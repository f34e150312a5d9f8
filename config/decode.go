package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/effekt/effekt/internal/suggest"
)

// Off disables a schedule.
const Off = "off"

// ValidationError names the key whose value is wrong and, when known, where
// the value came from: the file and line, or the environment variable.
type ValidationError struct {
	Field string
	Value any
	Err   error
	File  string // configuration file holding the value; "" for defaults, flags or the environment
	Line  int    // line of the key in File; 0 unknown
	Env   string // environment variable(s) the value came from, e.g. "EFFEKT_LISTEN"
}

// Error is `effekt.yaml:12: schedules.compute = "30 25 * * *": end of range
// (25) above maximum (23)`, or `config listen = …` when the value is not
// from a file, with `(from $VAR)` when it came from the environment.
func (e *ValidationError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	default:
		b.WriteString("config ")
	}
	b.WriteString(e.Field)
	if e.Value != nil {
		b.WriteString(" = " + formatValue(e.Value))
	}
	if e.Env != "" {
		fmt.Fprintf(&b, " (from $%s)", strings.ReplaceAll(e.Env, ",", ", $"))
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ValidationError) Unwrap() error { return e.Err }

func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		if x == "(hidden)" || strings.HasPrefix(x, "(line ") {
			return x
		}
		return strconv.Quote(x)
	case time.Duration:
		return x.String()
	}
	return fmt.Sprint(v)
}

// decode reads YAML text over c. Unknown keys are rejected with their full
// dotted path (and the nearest known key), and type errors name the key
// they occurred at.
func decode(text string, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		return lineError(err)
	}
	if len(root.Content) == 0 {
		return nil // empty file: defaults
	}
	lines := map[int]string{}
	if err := checkKeys(root.Content[0], reflect.TypeOf(*c), "", lines); err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nameKeys(err, lines)
	}
	return nil
}

// checkKeys walks a mapping node against the struct type t, returning an
// error naming the first key t does not have, and records the key path of
// every line for nameKeys.
func checkKeys(n *yaml.Node, t reflect.Type, prefix string, lines map[int]string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			lines[item.Line] = p
			if err := checkKeys(item, t.Elem(), p, lines); err != nil {
				return err
			}
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := map[string]reflect.Type{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = t.Field(i).Type
				names = append(names, tag)
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if prefix != "" {
				p = prefix + "." + k.Value
			}
			ft, ok := fields[k.Value]
			if !ok {
				msg := "unknown key" + suggest.Phrase(suggest.ClosestKey(k.Value, names, 2))
				return &ValidationError{Field: p, Line: k.Line, Err: errors.New(msg)}
			}
			lines[k.Line] = p
			if err := checkKeys(v, ft, p, lines); err != nil {
				return err
			}
		}
	}
	return nil
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// nameKeys rewrites yaml's "line N: cannot unmarshal ..." messages so they
// name the key at line N: "N: indicators.min_n: cannot unmarshal …".
func nameKeys(err error, lines map[int]string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
	line := 0
	msg = lineRE.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(lineRE.FindStringSubmatch(m)[1])
		if line == 0 {
			line = n
		}
		if key, ok := lines[n]; ok {
			return fmt.Sprintf("key %s: ", key)
		}
		return ""
	})
	return &lineErr{line: line, msg: msg}
}

// lineErr is a YAML error at a line of the file; Load prefixes the file.
type lineErr struct {
	line int
	msg  string
}

func (e *lineErr) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// lineError turns a YAML syntax error ("yaml: line 3: mapping values …")
// into a lineErr.
func lineError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := lineRE.FindStringSubmatchIndex(msg); m != nil && m[0] == 0 {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		return &lineErr{line: n, msg: msg[m[1]:]}
	}
	return fmt.Errorf("parse: %s", msg)
}

// sources are where the keys of a configuration file are: the line of
// every key path and the environment variables written in its values.
type sources struct {
	line map[string]int
	env  map[string]string
}

var envRefRE = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// locate reads the keys' lines and environment references of the raw
// (unexpanded) text; a text that does not parse gives empty sources.
func locate(text string) sources {
	s := sources{line: map[string]int{}, env: map[string]string{}}
	var root yaml.Node
	if yaml.Unmarshal([]byte(text), &root) != nil {
		return s
	}
	var walk func(n *yaml.Node, p string)
	walk = func(n *yaml.Node, p string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, p)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := p + "." + n.Content[i].Value
				if p == "" {
					k = n.Content[i].Value
				}
				s.line[k] = n.Content[i].Line
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				k := fmt.Sprintf("%s[%d]", p, i)
				s.line[k] = c.Line
				walk(c, k)
			}
		case yaml.ScalarNode:
			var names []string
			for _, m := range envRefRE.FindAllStringSubmatch(n.Value, -1) {
				names = append(names, m[1])
			}
			if len(names) > 0 {
				s.env[p] = strings.Join(names, ",")
			}
		}
	}
	walk(&root, "")
	return s
}

// annotate adds the file, line and environment variable of the key err
// names, when the key is in the file; errors without a key get the file.
func annotate(err error, file string, src sources) error {
	if err == nil || file == "" {
		return err
	}
	var le *lineErr
	if errors.As(err, &le) {
		return fmt.Errorf("%s:%d: %s", file, le.line, le.msg)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s: %w", file, err)
	}
	if ve.Line > 0 {
		ve.File = file
		return err
	}
	for p := ve.Field; p != ""; p = parentKey(p) {
		if line, ok := src.line[p]; ok {
			ve.File, ve.Line = file, line
			if ve.Env == "" {
				ve.Env = src.env[p]
			}
			break
		}
	}
	return err
}

// parentKey is "a.b" for "a.b.c" and "a.b[2]", "" for "a".
func parentKey(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// cronError drops the cron parser's repetition of the offending field
// ("end of range (25) above maximum (23): 25").
func cronError(err error, spec string) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i > 0 && strings.Contains(spec, msg[i+2:]) {
		return errors.New(msg[:i])
	}
	return err
}

// unset returns an error naming the first key (in file order) whose value
// refers to an environment variable that is not set: expanded to nothing,
// the key would silently keep its default.
func (s sources) unset(file string) error {
	keys := make([]string, 0, len(s.env))
	for k := range s.env {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return s.line[keys[i]] < s.line[keys[j]] })
	for _, k := range keys {
		for _, v := range strings.Split(s.env[k], ",") {
			if _, ok := os.LookupEnv(v); !ok {
				return &ValidationError{Field: k, File: file, Line: s.line[k], Env: v, Err: errors.New("the environment variable is not set")}
			}
		}
	}
	return nil
}

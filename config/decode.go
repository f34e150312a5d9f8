package config

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Off disables a schedule.
const Off = "off"

// decode reads YAML text over c. Unknown keys are rejected with their full
// dotted path, and type errors name the key they occurred at.
func decode(text string, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		return fmt.Errorf("parse: %w", err)
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
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = t.Field(i).Type
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
				return &ValidationError{Field: p, Value: "(line " + strconv.Itoa(k.Line) + ")", Err: errors.New("unknown key")}
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
// name the key at line N.
func nameKeys(err error, lines map[int]string) error {
	msg := lineRE.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(lineRE.FindStringSubmatch(m)[1])
		if key, ok := lines[n]; ok {
			return fmt.Sprintf("line %d: key %s: ", n, key)
		}
		return m
	})
	return fmt.Errorf("parse: %s", msg)
}

package ingest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// errCase is a reader table test: an input and either the expected position of its
// first error ("line:col", or "line" for a whole-line error) and a part of the
// message, or, when pos is empty, the events it should count.
type errCase struct {
	name   string
	in     string
	pos    string // "line:col" of the expected error; empty for none
	msg    string // part of the expected message
	events map[graph.Kind]int64
}

// position returns "line:col" (or "line") of a *ParseError in err.
func position(t *testing.T, err error) string {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.Column == 0 {
		return fmt.Sprint(pe.Line)
	}
	return fmt.Sprintf("%d:%d", pe.Line, pe.Column)
}

// runCases runs read on each case with a fresh Sink.
func runCases(t *testing.T, cases []errCase, read func(name, in string, s *Sink) (Report, error)) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewSink()
			rep, err := read("in.txt", c.in, s)
			if c.pos == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				for k := graph.Kind(0); k < graph.NumKinds; k++ {
					if rep.Events[k] != c.events[k] {
						t.Errorf("events[%s] = %d, want %d", k, rep.Events[k], c.events[k])
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one at %s", c.pos)
			}
			if got := position(t, err); got != c.pos {
				t.Errorf("error at %s, want %s: %v", got, c.pos, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "in.txt:"+c.pos+": ") {
				t.Errorf("error %q does not start with the path and position", err)
			}
		})
	}
}

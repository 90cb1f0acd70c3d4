package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/clout-dev/clout/graph"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressMode says when to draw progress bars: on a terminal (auto), always or never.
type progressMode string

func (m *progressMode) String() string { return string(*m) }
func (m *progressMode) Set(s string) error {
	switch s {
	case "auto", "always", "never":
		*m = progressMode(s)
		return nil
	}
	return fmt.Errorf("want auto, always or never, got %q", s)
}

// progress makes progress bars on w (stderr) for the steps of a run.
type progress struct {
	w  io.Writer
	on bool
}

func newProgress(mode progressMode, w io.Writer) *progress {
	on := mode == "always"
	if mode == "auto" || mode == "" {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			on = true
		}
	}
	return &progress{w: w, on: on}
}

// step returns a Progress for one step, drawn as a bar labelled desc; bytes says
// whether the unit is bytes. Call done when the step ends.
func (p *progress) step(desc string, bytes bool) *bar {
	if !p.on {
		return &bar{}
	}
	b := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-12s", desc)),
		progressbar.OptionShowBytes(bytes),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
	)
	_ = b.RenderBlank() // the step's name shows as it starts, not at its first update
	return &bar{b: b}
}

// bar adapts a progressbar to graph.Progress; the zero bar draws nothing.
type bar struct{ b *progressbar.ProgressBar }

var _ graph.Progress = (*bar)(nil)

func (b *bar) SetTotal(n int64) {
	if b.b != nil {
		b.b.ChangeMax64(n)
	}
}

func (b *bar) Add(n int64) {
	if b.b != nil {
		_ = b.b.Add64(n)
	}
}

func (b *bar) done() {
	if b.b != nil {
		_ = b.b.Finish()
	}
}

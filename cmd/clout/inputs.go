package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/clout-dev/clout/ingest"
)

// errw is where notes about the inputs go.
func (c *scoreConfig) errw() io.Writer {
	if c.stderr != nil {
		return c.stderr
	}
	return os.Stderr
}

// pathSources resolves one PATH argument of `clout score`. A file is read in the
// format --format names or, without it, the one detected from its content, which is
// said on stderr. A folder holding dataset.json is that dataset; any other folder is
// a folder of export files (an X archive's data/ folder, a Mastodon archive, a
// folder of JSONL captures), each detected and read, skipping files of no known
// format and the files of an export that carry nothing Clout reads.
func (c *scoreConfig) pathSources(p string, addManifest func(string) error) ([]*source, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, inputErr(fmt.Errorf("input: %w", err))
	}
	if !fi.IsDir() {
		s, err := c.fileSource(p, false)
		if err != nil {
			return nil, err
		}
		return []*source{s}, nil
	}
	if m := filepath.Join(p, "dataset.json"); fileExists(m) {
		return nil, addManifest(m)
	}
	files, err := folderFiles(p)
	if err != nil {
		return nil, inputErr(fmt.Errorf("input: %w", err))
	}
	var srcs []*source
	for _, f := range files {
		s, err := c.fileSource(f, true)
		if err != nil {
			return nil, err
		}
		if s != nil {
			srcs = append(srcs, s)
		}
	}
	if len(srcs) == 0 {
		return nil, inputErr(fmt.Errorf("input: %s: a folder with no dataset.json and no file of a known format", p))
	}
	return srcs, nil
}

// fileSource makes the source of one file; in a folder, files it cannot use are
// skipped (nil) with a note rather than refused.
func (c *scoreConfig) fileSource(p string, inFolder bool) (*source, error) {
	platform := c.platform
	if c.format != "" {
		if pl := ingest.FormatPlatform(c.format); pl != "" {
			platform = pl
		}
		return &source{Input: ingest.Input{Path: p, Format: c.format}, platform: platform}, nil
	}
	d, err := ingest.DetectFile(p)
	if err != nil {
		if inFolder && errors.Is(err, ingest.ErrUnknownFormat) {
			fmt.Fprintf(c.errw(), "clout: %s: unknown format: skipped\n", p)
			return nil, nil
		}
		if errors.Is(err, ingest.ErrUnknownFormat) {
			return nil, inputErr(fmt.Errorf("%w (or name it with --format)", err))
		}
		return nil, inputErr(err)
	}
	what := d.Format
	if d.Part != "" {
		what += " (" + d.Part + ")"
	}
	switch {
	case inFolder && d.Unused:
		fmt.Fprintf(c.errw(), "clout: %s: detected %s, which holds nothing Clout reads: skipped\n", p, what)
		return nil, nil
	case inFolder && d.Format == ingest.FormatEdgeList:
		fmt.Fprintf(c.errw(), "clout: %s: detected %s, which needs a layer (give it with --follows, --retweets, … or a dataset.json): skipped\n", p, what)
		return nil, nil
	}
	fmt.Fprintf(c.errw(), "clout: %s: detected %s\n", p, what)
	if pl := ingest.FormatPlatform(d.Format); pl != "" {
		platform = pl
	}
	return &source{Input: ingest.Input{Path: p, Format: d.Format}, platform: platform}, nil
}

// folderFiles lists the regular files of a folder, and of its data/ subfolder (an
// X archive unpacked whole), in name order.
func folderFiles(dir string) ([]string, error) {
	var files []string
	for _, d := range []string{dir, filepath.Join(dir, "data")} {
		entries, err := os.ReadDir(d)
		if err != nil {
			if d != dir && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() && e.Name()[0] != '.' {
				files = append(files, filepath.Join(d, e.Name()))
			}
		}
	}
	slices.Sort(files)
	return files, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// finish settles what the readers left to the end (see ingest.Sink.Finish) and says
// what it left out.
func (c *scoreConfig) finish(sk *ingest.Sink) error {
	fr, err := sk.Finish()
	if err != nil {
		return inputErr(err)
	}
	if msg := fr.String(); msg != "" {
		fmt.Fprintf(c.errw(), "clout: %s\n", msg)
	}
	return nil
}

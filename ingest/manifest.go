package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clout-dev/clout/graph"
)

// Manifest describes a dataset: its inputs, their formats and what they hold. It is
// read from JSON such as
//
//	{"name": "higgs", "platform": "twitter", "inputs": [
//	  {"path": "higgs-activity_time.txt.gz", "format": "higgs-activity"},
//	  {"path": "social.edgelist.gz", "format": "edgelist", "layer": "follows",
//	   "partial": true, "note": "2.4% prefix"}]}
type Manifest struct {
	Name     string  `json:"name"`
	Platform string  `json:"platform"` // scopes the user ids; see Options.Platform
	Inputs   []Input `json:"inputs"`

	// File is the manifest's own path, set by LoadManifest.
	File string `json:"-"`
}

// Input is one input file of a dataset.
type Input struct {
	// Path names the file. LoadManifest resolves it against the manifest's folder.
	Path string `json:"path"`
	// Format is one of Formats; empty means detect it from the file's first bytes.
	Format string `json:"format,omitempty"`
	// Layer is the layer an edge list feeds ("follows", …); only for FormatEdgeList.
	Layer string `json:"layer,omitempty"`
	// Partial says the file holds only part of what it stands for (a sample, a
	// prefix): signals built on it are lower bounds.
	Partial bool `json:"partial,omitempty"`
	// Note is free text for the run's record (provenance, caveats).
	Note string `json:"note,omitempty"`
	// Owner is the stable id of the account an export file belongs to when the file
	// does not say (see Options.Owner); empty means look for it beside the file.
	Owner string `json:"owner,omitempty"`

	// Open, when set, opens the input's content instead of the file at Path, for
	// embedded or in-memory data; Path then only names it. Gzip is still detected.
	Open func() (io.ReadCloser, error) `json:"-"`
}

// Kind returns the layer of an edge-list input.
func (in *Input) Kind() (graph.Kind, error) {
	if in.Layer == "" {
		return 0, fmt.Errorf("ingest: %s: an %s input needs a layer (follows, retweets, mentions, replies or likes)", in.Path, FormatEdgeList)
	}
	k, err := graph.ParseKind(in.Layer)
	if err != nil {
		return 0, fmt.Errorf("ingest: %s: unknown layer %q (want follows, retweets, mentions, replies or likes)", in.Path, in.Layer)
	}
	return k, nil
}

// eventLayers returns the layers an event-log format is known to feed before it is
// read: the Higgs log's three. Interactions tables say which only as they are read;
// the Sink refuses a mix then.
func eventLayers(format string) []graph.Kind {
	if format == FormatHiggsActivity {
		return []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies}
	}
	return nil
}

// LoadManifest reads and checks the manifest at path. Input paths are resolved
// against the manifest's folder and inputs without a format get the detected one.
// It fails, naming the manifest, on bad JSON, unknown fields, no inputs, an unknown
// format or layer, a missing file, a file listed twice, and a layer fed both by an
// event log and by an aggregated edge list (its events would count twice). All
// problems found are reported together.
func LoadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: manifest: %w", err)
	}
	m := &Manifest{File: path}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return nil, jsonError(path, data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, jsonError(path, data, dec, errors.New("unexpected data after the manifest object"))
	}
	m.File = path
	dir := filepath.Dir(path)
	for i := range m.Inputs {
		if p := m.Inputs[i].Path; p != "" && !filepath.IsAbs(p) {
			m.Inputs[i].Path = filepath.Join(dir, p)
		}
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// jsonError positions a JSON decoding error in the manifest.
func jsonError(path string, data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // the offset is past the bad byte
	case errors.As(err, &te):
		off = te.Offset
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		// The decoder gives no position: point at the field's first mention.
		name := strings.TrimPrefix(err.Error(), `json: unknown field `)
		if i := bytes.Index(data, []byte(name)); i >= 0 {
			off = int64(i)
		}
	case err == io.EOF:
		err = errors.New("empty file: expected a JSON object with name, platform and inputs")
	}
	off = min(max(off, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("ingest: manifest %w", &ParseError{Path: path, Line: line, Column: col, Offset: off, Err: err})
}

// check validates the manifest; LoadManifest calls it.
func (m *Manifest) check() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("ingest: manifest %s: "+format, append([]any{m.File}, args...)...))
	}
	if len(m.Inputs) == 0 {
		bad("no inputs")
	}
	seen := map[string]int{}
	type feeder struct {
		path   string
		events bool
	}
	feeds := map[graph.Kind][]feeder{}
	for i := range m.Inputs {
		in := &m.Inputs[i]
		where := fmt.Sprintf("inputs[%d]", i)
		if in.Path == "" {
			bad("%s: no path", where)
			continue
		}
		where += " (" + filepath.Base(in.Path) + ")"
		if j, dup := seen[in.Path]; dup {
			bad("%s: the same file as inputs[%d]", where, j)
		}
		seen[in.Path] = i
		if in.Open == nil {
			st, err := os.Stat(in.Path)
			switch {
			case errors.Is(err, os.ErrNotExist):
				bad("%s: file not found: %s", where, in.Path)
				continue
			case err != nil:
				bad("%s: %v", where, err)
				continue
			case st.IsDir():
				bad("%s: %s is a directory", where, in.Path)
				continue
			}
		}
		if in.Format == "" {
			f, err := detectInput(in)
			if err != nil {
				bad("%s: no format given, and %v", where, strings.TrimPrefix(err.Error(), "ingest: "))
				continue
			}
			in.Format = f
		}
		if !knownFormat(in.Format) {
			bad("%s: unknown format %q (want %s)", where, in.Format, strings.Join(Formats, ", "))
			continue
		}
		if in.Format != FormatEdgeList {
			if in.Layer != "" {
				bad("%s: a layer is only for %s inputs; %s inputs say their own layers", where, FormatEdgeList, in.Format)
			}
			for _, k := range eventLayers(in.Format) {
				feeds[k] = append(feeds[k], feeder{in.Path, true})
			}
			continue
		}
		if in.Layer == "" {
			bad("%s: an %s input needs a layer (follows, retweets, mentions, replies or likes)", where, FormatEdgeList)
			continue
		}
		k, err := graph.ParseKind(in.Layer)
		if err != nil {
			bad("%s: unknown layer %q (want follows, retweets, mentions, replies or likes)", where, in.Layer)
			continue
		}
		in.Layer = k.String()
		feeds[k] = append(feeds[k], feeder{in.Path, false})
	}
	for k := graph.Kind(0); k < graph.NumKinds; k++ {
		var ev, agg string
		for _, f := range feeds[k] {
			if f.events && ev == "" {
				ev = f.path
			}
			if !f.events && agg == "" {
				agg = f.path
			}
		}
		if ev != "" && agg != "" {
			bad("layer %s is fed by both %s (events) and %s (aggregated edge list): the same events would count twice; use one", k, filepath.Base(ev), filepath.Base(agg))
		}
	}
	return errors.Join(errs...)
}

// detectInput opens an input and detects its format from its first 64 KiB.
func detectInput(in *Input) (string, error) {
	rc, err := openInput(in, nil)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", err
	}
	return DetectFormat(head[:n])
}

// openInput opens an input's decoded stream.
func openInput(in *Input, p graph.Progress) (io.ReadCloser, error) {
	if in.Open == nil {
		rc, _, err := Open(in.Path, p)
		return rc, err
	}
	raw, err := in.Open()
	if err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", in.Path, err)
	}
	s, err := newStream(in.Path, raw, p)
	if err != nil {
		raw.Close()
		return nil, err
	}
	return &readCloser{Reader: s, closers: []io.Closer{s, raw}}, nil
}

// ReadInput reads one input into s with the reader its format names, detecting the
// format when none is given. It opens the file at in.Path (or calls in.Open),
// reports its bytes to o.Progress after announcing its size as the total, and fills
// the Report's Path, Format, FileSize and Gzip.
func ReadInput(in Input, s *Sink, o Options) (Report, error) {
	p := graph.OrNone(o.Progress)
	rep := Report{Path: in.Path, Format: in.Format}
	if in.Open == nil && in.Format == "" {
		f, err := detectInput(&in)
		if err != nil {
			return rep, detectError(in.Path, err)
		}
		in.Format, rep.Format = f, f
	}
	if in.Open == nil {
		st, err := os.Stat(in.Path)
		if err != nil {
			return rep, fmt.Errorf("ingest: %w", err)
		}
		rep.FileSize = st.Size()
		p.SetTotal(st.Size())
		if in.Format == FormatInteractionsParquet {
			return ReadInteractionsParquet(in.Path, s, o)
		}
	}
	rc, err := openInput(&in, p)
	if err != nil {
		return rep, err
	}
	defer rc.Close()
	rep.Gzip = isGzip(rc)
	br := bufio.NewReaderSize(rc, 1<<20)
	if in.Format == "" {
		head, err := br.Peek(64 << 10)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return rep, &ParseError{Path: in.Path, Line: 1, Err: err}
		}
		if in.Format, err = DetectFormat(head); err != nil {
			return rep, detectError(in.Path, err)
		}
		rep.Format = in.Format
	}
	if in.Owner != "" {
		o.Owner = in.Owner
	}
	if o.Owner == "" && in.Path != "" {
		dir, format := filepath.Dir(in.Path), in.Format
		o.owner = func() (string, error) {
			if format == FormatTwitterArchive {
				return ArchiveOwner(dir)
			}
			return MastodonOwner(dir)
		}
	}
	var r Report
	switch in.Format {
	case FormatTwitterV2:
		r, err = ReadTwitterV2(in.Path, br, s, o)
	case FormatTwitterArchive:
		r, err = ReadTwitterArchive(in.Path, br, s, o)
	case FormatBluesky:
		r, err = ReadBluesky(in.Path, br, s, o)
	case FormatMastodonArchive:
		r, err = ReadMastodonArchive(in.Path, br, s, o)
	case FormatMastodonCSV:
		r, err = ReadMastodonCSV(in.Path, br, s, o)
	case FormatEdgeList:
		k, kerr := in.Kind()
		if kerr != nil {
			return rep, kerr
		}
		r, err = ReadEdgeList(in.Path, br, k, s, o)
	case FormatHiggsActivity:
		r, err = ReadHiggsActivity(in.Path, br, s, o)
	case FormatInteractions:
		r, err = ReadInteractions(in.Path, br, s, o)
	case FormatInteractionsParquet:
		// Parquet needs random access: read the embedded content into memory.
		data, rerr := io.ReadAll(br)
		if rerr != nil {
			return rep, fmt.Errorf("ingest: %w", rerr)
		}
		o.Progress = nil // the stream counted the bytes
		r, err = readParquet(in.Path, bytes.NewReader(data), s, o, nil)
	default:
		return rep, fmt.Errorf("ingest: %s: unknown format %q (want %s)", in.Path, in.Format, strings.Join(Formats, ", "))
	}
	r.FileSize, r.Gzip = rep.FileSize, rep.Gzip
	return r, err
}

// detectError names the input in an error of DetectFormat.
func detectError(path string, err error) error {
	if errors.Is(err, ErrUnknownFormat) {
		return fmt.Errorf("ingest: %s: %w", path, ErrUnknownFormat)
	}
	return err
}

// isGzip reports whether an opened stream is decompressing.
func isGzip(r io.Reader) bool {
	if rc, ok := r.(*readCloser); ok {
		r = rc.Reader
	}
	_, ok := r.(*gzStream)
	return ok
}

// Read reads every input of the manifest into s, in order, with the manifest's
// platform (when it names one) in place of o.Platform. It stops at the first error.
func (m *Manifest) Read(s *Sink, o Options) ([]Report, error) {
	if m.Platform != "" {
		o.Platform = m.Platform
	}
	reps := make([]Report, 0, len(m.Inputs))
	for _, in := range m.Inputs {
		r, err := ReadInput(in, s, o)
		reps = append(reps, r)
		if err != nil {
			return reps, err
		}
	}
	return reps, nil
}

package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// manifestDir makes a folder with small files of each format.
func manifestDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "act.txt.gz", gzipBytes(t, []byte("1 2 100 RT\n2 3 101 MT\n3 1 102 RE\n")))
	writeFile(t, dir, "rt.edgelist", []byte("1 2 3\n"))
	writeFile(t, dir, "social.edgelist.gz", gzipBytes(t, []byte("# follows\n1 2\n2 1\n3 1\n")))
	writeFile(t, dir, "likes.csv", []byte("actor,target,type,time\n4,1,like,2012-07-01T00:00:00Z\n"))
	return dir
}

func writeManifest(t *testing.T, dir, json string) string {
	t.Helper()
	return writeFile(t, dir, "dataset.json", []byte(json))
}

func TestLoadManifest(t *testing.T) {
	dir := manifestDir(t)
	path := writeManifest(t, dir, `{"name": "higgs", "platform": "twitter", "inputs": [
		{"path": "act.txt.gz", "format": "higgs-activity"},
		{"path": "social.edgelist.gz", "format": "edgelist", "layer": "follow", "partial": true, "note": "prefix"},
		{"path": "likes.csv"}
	]}`)
	m, err := LoadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "higgs" || m.Platform != "twitter" || len(m.Inputs) != 3 {
		t.Fatalf("%+v", m)
	}
	in := m.Inputs[1]
	if in.Path != filepath.Join(dir, "social.edgelist.gz") || in.Layer != "follows" || !in.Partial || in.Note != "prefix" {
		t.Errorf("input %+v", in)
	}
	if m.Inputs[2].Format != FormatInteractions {
		t.Errorf("detected %q", m.Inputs[2].Format)
	}
	s := NewSink()
	reps, err := m.Read(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 3 || reps[0].TotalEvents() != 3 || reps[1].Events[graph.Follows] != 3 || reps[2].Events[graph.Likes] != 1 {
		t.Errorf("reports %v", reps)
	}
	if !reps[0].Gzip || reps[0].FileSize == 0 || reps[2].Gzip {
		t.Errorf("gzip/size: %+v", reps[0])
	}
	if s.IDs.Len() != 4 || s.IDs.PlatformOf(0) != "twitter" {
		t.Errorf("%d ids", s.IDs.Len())
	}
}

func TestLoadManifestErrors(t *testing.T) {
	cases := []struct {
		name, json string
		want       []string // parts of the error
	}{
		{"empty inputs", `{"name": "x", "inputs": []}`, []string{"dataset.json: no inputs"}},
		{"no inputs field", `{"name": "x"}`, []string{"no inputs"}},
		{"unknown format", `{"inputs": [{"path": "rt.edgelist", "format": "edges"}]}`,
			[]string{`inputs[0] (rt.edgelist): unknown format "edges" (want edgelist, higgs-activity, interactions, interactions-parquet, twitter-api-v2, twitter-archive, bluesky-jetstream, mastodon-archive, mastodon-csv)`}},
		{"unknown layer", `{"inputs": [{"path": "rt.edgelist", "format": "edgelist", "layer": "pokes"}]}`,
			[]string{`inputs[0] (rt.edgelist): unknown layer "pokes"`}},
		{"no layer", `{"inputs": [{"path": "rt.edgelist", "format": "edgelist"}]}`,
			[]string{"inputs[0] (rt.edgelist): an edgelist input needs a layer"}},
		{"layer on an event log", `{"inputs": [{"path": "act.txt.gz", "format": "higgs-activity", "layer": "retweets"}]}`,
			[]string{"a layer is only for edgelist inputs"}},
		{"missing file", `{"inputs": [{"path": "nope.txt", "format": "higgs-activity"}]}`,
			[]string{"inputs[0] (nope.txt): file not found: "}},
		{"no path", `{"inputs": [{"format": "higgs-activity"}]}`, []string{"inputs[0]: no path"}},
		{"listed twice", `{"inputs": [{"path": "rt.edgelist", "format": "edgelist", "layer": "retweets"}, {"path": "./rt.edgelist", "format": "edgelist", "layer": "retweets"}]}`,
			[]string{"inputs[1] (rt.edgelist): the same file as inputs[0]"}},
		{"unknown field", `{"inputs": [{"path": "rt.edgelist", "fromat": "edgelist"}]}`,
			[]string{`dataset.json:1:37: json: unknown field "fromat"`}},
		{"syntax error", "{\"inputs\": [\n  {\"path\": \"rt.edgelist\",}\n]}", []string{"dataset.json:2:26: invalid character '}'"}},
		{"wrong type", `{"inputs": [{"path": "rt.edgelist", "partial": "yes"}]}`, []string{"dataset.json:1:", "cannot unmarshal string"}},
		{"trailing data", `{"inputs": [{"path": "rt.edgelist", "format": "edgelist", "layer": "retweets"}]} {}`, []string{"unexpected data after the manifest object"}},
		{"empty file", ``, []string{"empty file"}},
		{"undetectable", `{"inputs": [{"path": "dataset.json"}]}`, []string{"inputs[0] (dataset.json): no format given, and cannot tell the input format"}},
		{"double counting", `{"inputs": [{"path": "act.txt.gz", "format": "higgs-activity"}, {"path": "rt.edgelist", "format": "edgelist", "layer": "rt"}]}`,
			[]string{"dataset.json: layer retweets is fed by both act.txt.gz (events) and rt.edgelist (aggregated edge list): the same events would count twice; use one"}},
		{"all problems at once", `{"inputs": [{"path": "a", "format": "x"}, {"path": "rt.edgelist", "format": "edgelist"}]}`,
			[]string{"inputs[0] (a): file not found", "inputs[1] (rt.edgelist): an edgelist input needs a layer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := manifestDir(t)
			path := writeManifest(t, dir, c.json)
			m, err := LoadManifest(path)
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the manifest: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if _, err := LoadManifest(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing manifest: %v", err)
	}
}

func TestReadInputEmbedded(t *testing.T) {
	data := gzipBytes(t, []byte("actor\ttarget\ttype\ttime\n1\t2\tretweet\t5\n"))
	in := Input{Path: "embedded/likes.tsv.gz", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
	var p countProgress
	rep, err := ReadInput(in, NewSink(), Options{Progress: &p})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatInteractions || rep.Events[graph.Retweets] != 1 || !rep.Gzip || p.done != int64(len(data)) {
		t.Errorf("report %+v, progress %+v", rep, p)
	}
	// A failing opener is reported with the input's name.
	in.Open = func() (io.ReadCloser, error) { return nil, errors.New("boom") }
	if _, err := ReadInput(in, NewSink(), Options{}); err == nil || !strings.Contains(err.Error(), "embedded/likes.tsv.gz: boom") {
		t.Errorf("got %v", err)
	}
	// Undetectable content.
	in.Open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("hello world\n")), nil }
	if _, err := ReadInput(in, NewSink(), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("got %v", err)
	}
}

func TestDetectFormat(t *testing.T) {
	cases := []struct{ head, want string }{
		{"PAR1\x15\x04", FormatInteractionsParquet},
		{"actor,target,type,time\n1,2,rt,5\n", FormatInteractions},
		{"\ufeff\"Actor\"\t\"Target\"\tType\n", FormatInteractions},
		{"# comment\n\n223789 213163 1341100972 MT\n223789 213163 1341100972 RE\n", FormatHiggsActivity},
		{"1 2\n3 4\n", FormatEdgeList},
		{"1\t2\t3\n3\t4\t1.0\n", FormatEdgeList},
		{"1 2", FormatEdgeList},                        // a single unterminated line
		{"1 2\n3 4\n5 6 7 RT-cut-her", FormatEdgeList}, // the cut last line is ignored
		{"", ""},
		{"# only a comment\n", ""},
		{"hello world\n", ""},
		{"1 2\n1 2 5 RT\n", ""}, // mixed
		{"1 2 3 4\n", ""},
		{"a b\n", ""},
		{"1 2 -1\n", ""},
		{"\x1f\x8b\x08", ""},
	}
	for _, c := range cases {
		got, err := DetectFormat([]byte(c.head))
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("DetectFormat(%q) = %q, %v; want %q", c.head, got, err, c.want)
		}
	}
}

package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

// The Twitter15/16 propagation trees (Ma, Gao, Wong, "Detect Rumors in Microblog
// Posts Using Propagation Structure via Kernel Learning", ACL 2017): one file
// <dataset>/tree/<source tweet id>.txt per cascade, one edge a line,
//
//	['<user>', '<tweet id>', '<delay minutes>']->['<user>', '<tweet id>', '<delay minutes>']
//
// meaning the child user reacted to the parent user's tweet, delay minutes after the
// source tweet; the first line is ['ROOT', 'ROOT', '0.0']->[<source>]. They are
// distributed as tar.gz archives (twitter15.tar.gz, twitter16.tar.gz). Only `clout
// eval` reads them, so the reader lives here rather than in ingest.
//
// Reading: the actor is the child, the target the parent. A child that carries its
// parent's tweet id is a retweet (Twitter gives a retweet the original's id), any
// other a reply (or quote): the dataset's heuristic, not a label. The time of an
// event is the source tweet's time, from its Snowflake id, plus the delay. A
// cascade whose source id was already read (169 cascades are in both archives) is
// skipped, and so are repeated lines within a cascade (the dataset lists some edges
// twice). Posts authored are the source tweets and the replies (distinct tweet ids).
// A retweet counts as a retweet of the parent's post with the retweeted tweet id: for
// a parent inside a retweet chain, their retweet of that tweet (the chain's links are
// the dataset authors' inference).

// snowflakeEpoch is Twitter's Snowflake epoch in Unix milliseconds: a tweet id
// created after November 2010 is (ms since the epoch) << 22 | machine | sequence.
const snowflakeEpoch = 1288834974657

// snowflakeTime returns the Unix time in seconds a Snowflake tweet id was made.
func snowflakeTime(id uint64) (int64, bool) {
	if id < 1<<40 { // a pre-Snowflake id: it carries no time
		return 0, false
	}
	return (int64(id>>22) + snowflakeEpoch) / 1000, true
}

// cascadeReport says what readCascades read.
type cascadeReport struct {
	Archives    []string
	Cascades    int   // cascade files read
	Duplicates  int   // cascades skipped because their source was already read
	Lines       int64 // edge lines, ROOT lines included
	Repeated    int64 // lines skipped as repeats within a cascade
	OutOfWindow int64 // events outside [since, until)
	Events      [graph.NumKinds]int64
}

// cascadeArchives returns the archives a path names: a .tar.gz (or .tar) file, or a
// folder holding some.
func cascadeArchives(p string) ([]string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if !fi.IsDir() {
		return []string{p}, nil
	}
	var out []string
	for _, pat := range []string{"*.tar.gz", "*.tgz", "*.tar"} {
		m, _ := filepath.Glob(filepath.Join(p, pat))
		out = append(out, m...)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("input: %s: no cascade archives (*.tar.gz) in the folder", p)
	}
	return out, nil
}

// isCascades reports whether p is (a folder of) Twitter15/16 cascade archives.
func isCascades(p string) bool {
	as, err := cascadeArchives(p)
	if err != nil {
		return false
	}
	for _, a := range as {
		if !strings.HasSuffix(a, ".tar.gz") && !strings.HasSuffix(a, ".tgz") && !strings.HasSuffix(a, ".tar") {
			return false
		}
	}
	return true
}

// readCascades reads the cascades at p into s, keeping the events at t with
// since ≤ t < until (graph.NoTime leaves a bound open).
func readCascades(p string, s *ingest.Sink, since, until int64) (cascadeReport, error) {
	var rep cascadeReport
	archives, err := cascadeArchives(p)
	if err != nil {
		return rep, err
	}
	rep.Archives = archives
	cr := &cascadeReader{s: s, since: since, until: until, seen: map[uint64]bool{}, rep: &rep,
		plat: s.IDs.Platform("twitter")}
	s.Graph.Declare(graph.Retweets)
	s.Graph.Declare(graph.Replies)
	if s.Posts != nil {
		s.Posts.DeclareAuthored()
		s.Posts.DeclareRetweeted()
	}
	for _, a := range archives {
		if err := cr.archive(a); err != nil {
			return rep, err
		}
	}
	if rep.Cascades == 0 {
		return rep, fmt.Errorf("input: %s: no cascade files (<dataset>/tree/<id>.txt) found", p)
	}
	return rep, nil
}

type cascadeReader struct {
	s            *ingest.Sink
	since, until int64
	seen         map[uint64]bool
	rep          *cascadeReport
	plat         uint8
}

func (cr *cascadeReader) archive(name string) error {
	f, _, err := ingest.Open(name, nil)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("input: %s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg || path.Base(path.Dir(h.Name)) != "tree" || !strings.HasSuffix(h.Name, ".txt") {
			continue
		}
		src, err := strconv.ParseUint(strings.TrimSuffix(path.Base(h.Name), ".txt"), 10, 64)
		if err != nil {
			return fmt.Errorf("input: %s: %s: the file name is not a tweet id", name, h.Name)
		}
		if cr.seen[src] {
			cr.rep.Duplicates++
			continue
		}
		cr.seen[src] = true
		t0, ok := snowflakeTime(src)
		if !ok {
			return fmt.Errorf("input: %s: %s: source tweet id %d predates Snowflake ids and carries no time", name, h.Name, src)
		}
		if err := cr.cascade(name+":"+h.Name, tr, t0); err != nil {
			return err
		}
		cr.rep.Cascades++
	}
}

// cascadeNode is one side of an edge line.
type cascadeNode struct {
	user, tweet string
	delay       float64
}

func (cr *cascadeReader) cascade(name string, r io.Reader, t0 int64) error {
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		cr.rep.Lines++
		if seen[string(text)] {
			cr.rep.Repeated++
			continue
		}
		seen[string(text)] = true
		parent, child, col, err := parseCascadeLine(text)
		if err != nil {
			return &ingest.ParseError{Path: name, Line: line, Column: col, Offset: -1, Err: err}
		}
		t := t0 + int64(math.Floor(child.delay*60))
		if (cr.since != graph.NoTime && t < cr.since) || (cr.until != graph.NoTime && t >= cr.until) {
			cr.rep.OutOfWindow++
			continue
		}
		c, err := cr.s.IDs.InternString(cr.plat, child.user)
		if err != nil {
			return err
		}
		if parent.user == "ROOT" {
			if cr.s.Posts != nil {
				cr.s.Posts.AddAuthored(c, ingest.PostKey([]byte(child.tweet)))
			}
			continue
		}
		p, err := cr.s.IDs.InternString(cr.plat, parent.user)
		if err != nil {
			return err
		}
		k := graph.Replies
		if child.tweet == parent.tweet {
			k = graph.Retweets
			if cr.s.Posts != nil {
				cr.s.Posts.AddRetweeted(p, ingest.PostKey([]byte(parent.tweet)))
			}
		} else if cr.s.Posts != nil {
			cr.s.Posts.AddAuthored(c, ingest.PostKey([]byte(child.tweet)))
		}
		cr.rep.Events[k]++
		cr.s.Graph.AddAt(k, c, p, 1, t)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("input: %s: %w", name, err)
	}
	return nil
}

// parseCascadeLine parses "[node]->[node]"; on error it returns the 1-based column.
func parseCascadeLine(b []byte) (parent, child cascadeNode, col int, err error) {
	i := bytes.Index(b, []byte("->"))
	if i < 0 {
		return parent, child, 1, errors.New("expected ['user', 'tweet', 'delay']->['user', 'tweet', 'delay']")
	}
	if parent, col, err = parseCascadeNode(b[:i]); err != nil {
		return parent, child, col, err
	}
	child, col, err = parseCascadeNode(b[i+2:])
	if err != nil {
		col += i + 2
	}
	return parent, child, col, err
}

// parseCascadeNode parses ['user', 'tweet', 'delay'].
func parseCascadeNode(b []byte) (n cascadeNode, col int, err error) {
	pos := 0
	skip := func() {
		for pos < len(b) && (b[pos] == ' ' || b[pos] == '\t') {
			pos++
		}
	}
	expect := func(c byte) error {
		skip()
		if pos >= len(b) || b[pos] != c {
			return fmt.Errorf("expected %q", c)
		}
		pos++
		return nil
	}
	var f [3]string
	if err := expect('['); err != nil {
		return n, pos + 1, err
	}
	for i := range f {
		if i > 0 {
			if err := expect(','); err != nil {
				return n, pos + 1, err
			}
		}
		skip()
		if pos >= len(b) || (b[pos] != '\'' && b[pos] != '"') {
			return n, pos + 1, errors.New("expected a quoted field")
		}
		q := b[pos]
		end := bytes.IndexByte(b[pos+1:], q)
		if end < 0 {
			return n, pos + 1, errors.New("unterminated quoted field")
		}
		f[i] = string(b[pos+1 : pos+1+end])
		pos += end + 2
	}
	if err := expect(']'); err != nil {
		return n, pos + 1, err
	}
	if skip(); pos != len(b) {
		return n, pos + 1, errors.New("expected the end of the node")
	}
	d, err := strconv.ParseFloat(f[2], 64)
	if err != nil || math.IsNaN(d) || math.IsInf(d, 0) {
		return n, 1, fmt.Errorf("expected a delay in minutes, got %q", f[2])
	}
	if f[0] == "" || f[1] == "" {
		return n, 1, errors.New("empty user or tweet id")
	}
	return cascadeNode{user: f[0], tweet: f[1], delay: d}, 0, nil
}

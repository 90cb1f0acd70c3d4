package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/datasets"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// scoreConfig is everything `clout score` was asked to do.
type scoreConfig struct {
	out        string
	cpuprofile string
	memprofile string
	csv        bool
	edges      bool
	from       string
	top        int
	progress   progressMode
	platform   string
	ingest     ingest.Options
	params     rank.Params

	dataset  string
	layers   [graph.NumKinds]pathList
	activity pathList
	table    pathList
	paths    []string
	format   string    // --format: the format of PATH files, instead of detecting it
	identity string    // --identity: the identity map (person,platform,id)
	stderr   io.Writer // notes on the inputs; nil: os.Stderr
	outs     *outputs  // the output folder's staged files, while score runs

	hist historyConfig // --history, --as-of, --smooth: history.go
}

func runScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := scoreConfig{params: rank.DefaultParams(), progress: "auto"}
	c.ingest.Since, c.ingest.Until = graph.NoTime, graph.NoTime
	fs := newFlagSet("score", "score [flags] [PATH...]", stderr)
	fs.StringVar(&c.out, "out", "out", "output `folder` for scores.parquet and run.json")
	fs.BoolVar(&c.csv, "csv", false, "also write scores.csv")
	fs.BoolVar(&c.edges, "edges", true, "also write edges.parquet, the aggregated graph (what `clout load neo4j` loads)")
	fs.StringVar(&c.from, "from", "files", "where the graph comes from: files, or neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD or NEO4J_PASSWORD_FILE); scores are then written back to it")
	fs.IntVar(&c.top, "top", 20, "print the top `N` users (0: none)")
	fs.Var(&c.progress, "progress", "progress bars on stderr: auto (on a terminal), always or never")
	fs.StringVar(&c.platform, "platform", "snap", "platform `name` of inputs given by flags (a manifest names its own)")
	fs.StringVar(&c.dataset, "dataset", "", "a dataset manifest (JSON), or a folder holding dataset.json")
	for k := range graph.NumKinds {
		fs.Var(&c.layers[k], k.String(), "SNAP edge list `file` (src dst [count]) of the "+k.String()+" layer; repeatable")
	}
	fs.Var(&c.activity, "activity", "SNAP Higgs activity `file` (userA userB unix_ts RT|MT|RE); repeatable")
	fs.Var(&c.table, "interactions", "interactions table `file` (CSV, TSV or Parquet with actor,target,type,time[,post_id]); repeatable")
	fs.StringVar(&c.format, "format", "", "`format` of the PATH files instead of detecting it: "+strings.Join(ingest.Formats, ", "))
	fs.StringVar(&c.identity, "identity", "", "identity map `file` (CSV person,platform,id): also write persons.parquet, each person's accounts combined")
	since, until := &timeFlag{graph.NoTime}, &timeFlag{graph.NoTime}
	fs.Var(since, "since", "count only events at or after `time` (RFC 3339 or Unix seconds)")
	fs.Var(until, "until", "count only events before `time` (RFC 3339 or Unix seconds)")
	fs.Var(badLineFlag{&c.ingest.OnBadLine}, "on-bad-line", "fail on a malformed line, or skip it and report a count (fail|skip)")
	fs.Var(retweetMentionsFlag{&c.ingest.RetweetMentions}, "retweet-mentions", retweetMentionsUsage)
	pr := &c.params.PageRank
	fs.Float64Var(&pr.Damping, "damping", pr.Damping, "PageRank damping factor, in (0, 1)")
	fs.Float64Var(&pr.Tolerance, "tolerance", pr.Tolerance, "PageRank convergence tolerance (L1 change between iterations)")
	fs.IntVar(&pr.MaxIter, "max-iter", pr.MaxIter, "PageRank iteration cap")
	fs.Var(layerWeights{&pr.LayerWeights}, "layer-weights", "propagation weight of each layer, e.g. follows=0.5,retweets=1")
	fs.Var(transformFlag{&pr.Transform}, "count-transform", "edge weight from its event count: log (1+ln c), linear (c) or binary (1)")
	fs.Float64Var(&c.params.HalfLife, "half-life", c.params.HalfLife, "half-life of engagement in the recency signals, as a share of the time window")
	fs.Var(budgetFlag{&c.params.EngagerBudget}, "engager-budget", budgetUsage)
	fs.Var(floorFlag{&c.params.Floor}, "floor", "which users at the floor (no scored signal) rank above the rest of it: `K,J` = those who engaged ≥ K distinct accounts, or ≥ J with one engaging back (0 turns a clause off; none: no order); default: the calibrated rule")
	fs.BoolVar(&c.params.KeepReturned, "keep-returned", false, "score engagement that was returned, and engagement within closed groups, as well (by default both are netted out: see the README's anti-gaming section)")
	fs.IntVar(&c.params.Workers, "workers", 0, "worker goroutines (0: one per CPU)")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile (go tool pprof) of the run to `file`")
	fs.StringVar(&c.memprofile, "memprofile", "", "write a heap profile, taken after scoring, to `file`")
	c.hist.register(fs)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	c.ingest.Since, c.ingest.Until = since.t, until.t
	if err := c.hist.check(&c, flagSet(fs, "out")); err != nil {
		return err
	}
	c.paths = fs.Args()
	c.stderr = stderr
	if c.format != "" && !slices.Contains(ingest.Formats, c.format) {
		return usageErr("--format must be one of %s, got %q", strings.Join(ingest.Formats, ", "), c.format)
	}
	if c.from != "files" && c.from != "neo4j" {
		return usageErr("--from must be files or neo4j, got %q", c.from)
	}
	if c.from == "neo4j" && (c.ingest.Since != graph.NoTime || c.ingest.Until != graph.NoTime) {
		return neo4jWindowErr
	}
	if c.ingest.Since != graph.NoTime && c.ingest.Until != graph.NoTime && c.ingest.Until <= c.ingest.Since {
		return usageErr("--until must be after --since")
	}
	if c.top < 0 {
		return usageErr("--top must be ≥ 0, got %d", c.top)
	}
	if c.params.Workers < 0 {
		return usageErr("--workers must be ≥ 0, got %d", c.params.Workers)
	}
	if err := c.params.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if c.cpuprofile != "" {
		stop, err := startCPUProfile(c.cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}
	return score(ctx, &c, stdout, stderr)
}

// source is one input file with what is known of it.
type source struct {
	ingest.Input
	platform string
	embedded bool
	bytes    int64
	sha      string
	report   ingest.Report
}

// inputs resolves the flags and paths to input files.
func (c *scoreConfig) inputs() ([]*source, error) {
	var srcs []*source
	add := func(path, format string, layer string, platform string) {
		srcs = append(srcs, &source{Input: ingest.Input{Path: path, Format: format, Layer: layer}, platform: platform})
	}
	addManifest := func(path string) error {
		m, err := ingest.LoadManifest(path)
		if err != nil {
			return inputErr(err)
		}
		for _, in := range m.Inputs {
			srcs = append(srcs, &source{Input: in, platform: m.Platform})
		}
		return nil
	}
	if c.dataset != "" {
		p := c.dataset
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			p = filepath.Join(p, "dataset.json")
		}
		if err := addManifest(p); err != nil {
			return nil, err
		}
	}
	for k := range graph.NumKinds {
		for _, p := range c.layers[k] {
			add(p, ingest.FormatEdgeList, k.String(), c.platform)
		}
	}
	for _, p := range c.activity {
		add(p, ingest.FormatHiggsActivity, "", c.platform)
	}
	for _, p := range c.table {
		add(p, "", "", c.platform) // interactions: CSV/TSV or Parquet, told apart by content
	}
	for _, p := range c.paths {
		ss, err := c.pathSources(p, addManifest) // detects formats; see inputs.go
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, ss...)
	}
	if len(srcs) == 0 {
		// The bundled default: the SNAP Higgs activity file, embedded in the binary.
		s := &source{Input: ingest.Input{Path: datasets.HiggsActivityPath, Format: ingest.FormatHiggsActivity},
			platform: "twitter", embedded: true}
		s.Open = func() (io.ReadCloser, error) {
			r, _ := datasets.HiggsActivity()
			return r, nil
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// hashingReader hashes and counts what is read through it. Close first reads what
// the consumer left (a gzip trailer, say), so the checksum covers the whole file.
// Once ctx is done, reads fail, so SIGINT or SIGTERM stops the ingest of a large
// file at the next read rather than at its end.
type hashingReader struct {
	ctx      context.Context
	r        io.ReadCloser
	h        hash.Hash
	n        int64
	p        graph.Progress
	drainErr error
	closed   bool
	partial  bool // Close stopped draining: n and the hash cover a prefix only
}

func (h *hashingReader) Read(b []byte) (int, error) {
	if err := h.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := h.r.Read(b)
	h.h.Write(b[:n])
	h.n += int64(n)
	h.p.Add(int64(n))
	return n, err
}

func (h *hashingReader) Close() error {
	if h.closed {
		return nil
	}
	h.closed = true
	// What a reader leaves is a gzip trailer or trailing blanks, a few bytes. More
	// means it stopped early on an error: the checksum is then left out rather than
	// the rest of a possibly huge input read for nothing.
	var n int64
	n, h.drainErr = io.CopyN(io.Discard, readerOnly{h}, maxDrain+1)
	if h.drainErr == io.EOF {
		h.drainErr = nil
	}
	h.partial = n > maxDrain
	return h.r.Close()
}

// maxDrain is the most hashingReader.Close reads of what its reader left.
const maxDrain = 1 << 20

type readerOnly struct{ io.Reader }

// load reads every input into the interner and the builder.
func (c *scoreConfig) load(ctx context.Context, srcs []*source, pg *progress, sk *ingest.Sink) error {
	for _, s := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := pg.step("read "+filepath.Base(s.Path), true)
		open := s.Open
		if open == nil {
			path := s.Path
			open = func() (io.ReadCloser, error) { return os.Open(path) }
		}
		var hr *hashingReader
		in := s.Input
		in.Open = func() (io.ReadCloser, error) {
			r, err := open()
			if err != nil {
				return nil, err
			}
			if f, ok := r.(*os.File); ok {
				if fi, err := f.Stat(); err == nil {
					b.SetTotal(fi.Size())
				}
			}
			hr = &hashingReader{ctx: ctx, r: r, h: sha256.New(), p: b}
			return hr, nil
		}
		opt := c.ingest
		opt.Platform = s.platform
		rep, err := ingest.ReadInput(in, sk, opt)
		b.done()
		if err != nil {
			return inputErr(err)
		}
		if hr != nil {
			hr.Close()
			if hr.drainErr != nil {
				return inputErr(fmt.Errorf("input: %s: %w", s.Path, hr.drainErr))
			}
			if !hr.partial {
				s.bytes, s.sha = hr.n, hex.EncodeToString(hr.h.Sum(nil))
			}
		}
		s.report = rep
		if rep.Skipped > 0 {
			fmt.Fprintf(c.errw(), "clout: %s: skipped %d bad lines; first: %v\n", s.Path, rep.Skipped, rep.FirstBad)
		}
	}
	return c.finish(sk)
}

func score(ctx context.Context, c *scoreConfig, stdout, stderr io.Writer) error {
	started := time.Now()
	var tm timings
	pg := newProgress(c.progress, stderr)
	sk := ingest.NewSink()
	ids := sk.IDs
	var idm *ingest.IdentityMap
	if c.identity != "" {
		var err error
		if idm, err = ingest.LoadIdentityMap(c.identity); err != nil {
			return inputErr(err)
		}
	}

	// The output folder first: locked for this run, cleaned of a crashed run's
	// leftovers, and an unwritable folder found before the work rather than after it.
	// A --history partition is named by the data's last day, so it is opened once
	// the graph is built.
	var outs *outputs
	openOut := func() error {
		o, err := openOutputs(ctx, c.out, stderr)
		if err != nil {
			return err
		}
		outs, c.outs = o, o
		return nil
	}
	defer func() {
		if outs != nil {
			outs.close()
		}
	}()
	if c.hist.dir == "" {
		if err := openOut(); err != nil {
			return err
		}
	}
	var err error

	// Ingest, from files or from Neo4j.
	t := time.Now()
	var srcs []*source
	if c.from == "neo4j" {
		if len(c.paths) > 0 || c.dataset != "" {
			return usageErr("--from neo4j takes no input files")
		}
		if srcs, err = readNeo4j(ctx, c, pg, sk); err != nil {
			return err
		}
	} else {
		if srcs, err = c.inputs(); err != nil {
			return err
		}
		if err := c.load(ctx, srcs, pg, sk); err != nil {
			return err
		}
	}
	if ids.Len() == 0 {
		return inputErr(errors.New("input: the inputs hold no users (empty files, or every event outside --since/--until)"))
	}
	sk.Graph.Grow(uint64(ids.Len()))
	tm.add("ingest", t)
	if err := ctx.Err(); err != nil {
		return err
	}

	// Build.
	t = time.Now()
	b := pg.step("build", false)
	sk.Graph.Release = debug.FreeOSMemory // see graph.Builder.Release
	// Out-CSRs only: rank.Score builds the in-CSRs after the propagation.
	g, err := sk.Graph.BuildOut(c.params.Workers, b)
	b.done()
	if err != nil {
		return inputErr(err)
	}
	tm.add("build", t)
	if err := c.hist.resolve(c, g); err != nil { // --history: the partition is the output folder
		return err
	}
	if outs == nil {
		if err := openOut(); err != nil {
			return err
		}
	}
	// The builder's buffers are garbage now: hand their pages back to the OS before
	// the propagation allocates its own, so that the two never add up in RSS.
	debug.FreeOSMemory()
	if err := ctx.Err(); err != nil {
		return err
	}

	// Score.
	t = time.Now()
	b = pg.step("propagate", false)
	c.params.Release = debug.FreeOSMemory
	res, err := rank.Score(rank.Inputs{
		Graph:             g,
		Start:             c.ingest.Since,
		End:               c.ingest.Until,
		Authored:          sk.Posts.Authored(g.Nodes()),
		MessagesRetweeted: sk.Posts.Retweeted(g.Nodes()),
		ListCount:         sk.Lists.Counts(g.Nodes()),
		PublicFollowers:   sk.Profiles.Followers(g.Nodes()),
		PublicFollowing:   sk.Profiles.Following(g.Nodes()),
		PublicListed:      sk.Profiles.Listed(g.Nodes()),
		PublicPosts:       sk.Profiles.Posts(g.Nodes()),
	}, c.params, b)
	b.done()
	if err != nil {
		return err
	}
	tm.add("score", t)
	// What is left to do reads the out-lists only: drop the in-CSR, and with it the
	// propagation's arrays, before the edges table is written.
	g = g.OutOnly()
	debug.FreeOSMemory()
	if err := writeMemProfile(c.memprofile, "score"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// Write. The result and the graph are the bulk of the memory, and each file needs
	// one of them: scores.parquet the result, edges.parquet the graph. When the scores
	// can be written batch by batch (no --csv, no write-back to Neo4j, no --history
	// smoothing, which all need the whole table), they go first and the result's
	// arrays are released before the edges; else the edges go first and the graph is
	// released before the whole scores table is laid out. Either way the two never add
	// up with a whole table. run.json, which names the other files' checksums, is
	// last. Every file is staged, and the set is put in place at once by the commit.
	t = time.Now()
	b = pg.step("write", false)
	users := len(res.Order)
	streamed := !c.csv && c.from != "neo4j" && c.hist.dir == ""
	var tbl *sink.Table
	var scoresOut, edgesOut, otherOuts []outputInfo
	writeScoreFiles := func() error {
		scoresPath := filepath.Join(c.out, "scores.parquet")
		if streamed {
			if err := writeScores(scoresPath, res, ids, outs.put); err != nil {
				return outputErr(err)
			}
			tbl = scoreRows(res, ids, 0, min(c.top, users), false)
		} else {
			tbl = scoreTable(res, ids)
			var err error
			if tbl, err = c.hist.apply(tbl); err != nil { // --history: smoothing and deltas
				return err
			}
			if err := sink.WriteParquet(scoresPath, tbl, sink.ParquetOptions{Put: outs.put}); err != nil {
				return outputErr(err)
			}
		}
		scoresOut = []outputInfo{outs.info(scoresPath, users)}
		if c.csv {
			csvPath := filepath.Join(c.out, "scores.csv")
			if err := outs.put(csvPath, 0o644, func(w io.Writer) error { return sink.WriteCSV(w, tbl) }); err != nil {
				return outputErr(err)
			}
			otherOuts = append(otherOuts, outs.info(csvPath, tbl.Rows()))
		}
		if idm != nil {
			po, err := writePersons(c, idm, res, ids) // persons.go
			if err != nil {
				return err
			}
			otherOuts = append(otherOuts, po...)
		}
		return nil
	}
	if streamed {
		if err := writeScoreFiles(); err != nil {
			b.done()
			return err
		}
		releaseValues(res)
		debug.FreeOSMemory()
	}
	if c.edges {
		edgesPath := filepath.Join(c.out, "edges.parquet")
		if err := writeEdges(edgesPath, g, ids, outs.put); err != nil {
			b.done()
			return outputErr(err)
		}
		edgesOut = []outputInfo{outs.info(edgesPath, g.Edges())}
	}
	gi, summary := describeGraph(g), fmt.Sprintf("%d users, %d edges (%s)", g.Nodes(), g.Edges(), layerSummary(g))
	g, sk.Graph = nil, nil
	debug.FreeOSMemory()
	if err := ctx.Err(); err != nil {
		b.done()
		return err
	}
	if !streamed {
		if err := writeScoreFiles(); err != nil {
			b.done()
			return err
		}
	}
	files := append(append(scoresOut, edgesOut...), otherOuts...)
	b.Add(int64(users))
	b.done()
	tm.add("write", t)

	info := newRunInfo(c, srcs, gi, res, files, tm, started)
	if err := outs.put(filepath.Join(c.out, "run.json"), 0o644, sink.JSONTo(info)); err != nil {
		return outputErr(err)
	}
	// The last chance to stop with the previous outputs untouched.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}

	if c.from == "neo4j" {
		if err := writeBackNeo4j(ctx, c, tbl); err != nil {
			return err
		}
	}

	if c.top > 0 {
		if err := printTop(stdout, tbl, c.top, false); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "clout: %s, %d PageRank iterations; ingest %s, build %s, score %s, write %s; wrote %s\n",
		summary, res.PageRank.Iterations,
		tm.get("ingest"), tm.get("build"), tm.get("score"), tm.get("write"), c.out)
	return nil
}

// releaseValues drops the result's per-user arrays, keeping what run.json and the
// summary read (the signals' names and reasons, the PageRank and netting figures,
// the timings).
func releaseValues(res *rank.Result) {
	for i := range res.Signals {
		res.Signals[i].Values = nil
	}
	res.Sub = [rank.NumSubs][]float64{}
	res.Clout, res.Rank, res.Percentile, res.Order, res.PageRank.Rank = nil, nil, nil, nil, nil
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/neo4jstore"
	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/rank"
)

// runLoad is `clout load neo4j`: a run folder (or a fresh run on the default inputs)
// into a Neo4j database over Bolt.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "neo4j" {
		fmt.Fprint(stderr, "Usage: clout load neo4j [flags]\n")
		if len(args) == 0 {
			return usageErr("load: want a target: clout load neo4j [flags]")
		}
		return usageErr("load: unknown target %q (want neo4j)", args[0])
	}
	fs := newFlagSet("load neo4j", "load neo4j [flags]", stderr)
	runDir := fs.String("run", "", "run `folder` written by `clout score --out` (scores.parquet, edges.parquet, run.json); default: score the bundled Higgs data first")
	modeName := fs.String("mode", "replace", "replace: delete the platforms' users first, then create (fast); merge: MERGE users and relationships (idempotent, keeps what the run lacks)")
	database := fs.String("database", envOr("NEO4J_DATABASE", neo4jstore.DefaultDatabase), "Neo4j `database` name")
	pwFile := fs.String("password-file", "", "`file` holding the password (default: NEO4J_PASSWORD, NEO4J_PASSWORD_FILE, then scripts/neo4j.sh's file)")
	batch := fs.Int("batch-size", neo4jstore.DefaultBatchSize, "rows per transaction")
	writers := fs.Int("writers", neo4jstore.DefaultWriters, "concurrent writers of relationships: 1, or 2 (on disjoint sets of users, so that they never wait on each other's locks)")
	retryFor := fs.Duration("retry-for", neo4jstore.DefaultRetryFor, "retry a transaction that fails transiently (the server restarting, a deadlock) for this long, then fail with exit code 5")
	schemaOnly := fs.Bool("schema-only", false, "only create the constraints and indexes (e.g. after `scripts/neo4j.sh import`)")
	var pm progressMode = "auto"
	fs.Var(&pm, "progress", "progress bars on stderr: auto (on a terminal), always or never")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: clout load neo4j [flags]

Loads users (with their scores and signals) and relationships into Neo4j over Bolt.
Connection: NEO4J_URI (default bolt://127.0.0.1:7687), NEO4J_USERNAME (default neo4j),
password from --password-file, NEO4J_PASSWORD or NEO4J_PASSWORD_FILE. See docs/neo4j.md.

Flags:
`)
		fs.PrintDefaults()
	}
	if done, err := parseFlags(fs, args[1:]); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("load neo4j: unexpected argument %q (the run folder goes with --run)", fs.Arg(0))
	}
	mode, err := neo4jstore.ParseMode(*modeName)
	if err != nil {
		return usageErr("--mode: %v", err)
	}
	if *batch <= 0 {
		return usageErr("--batch-size must be > 0, got %d", *batch)
	}
	if *writers != 1 && *writers != 2 {
		return usageErr("--writers must be 1 or 2, got %d", *writers)
	}
	pg := newProgress(pm, stderr)

	// Connect first: a server that is down should fail the command before a scoring run.
	st, err := openStore(ctx, *pwFile, *database, *retryFor)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if *schemaOnly {
		if err := st.EnsureSchema(ctx); err != nil {
			return dbErr(err)
		}
		fmt.Fprintf(stderr, "clout: the constraints and indexes of %s are in place\n", st.Where())
		return nil
	}

	d, cleanup, err := runDataset(ctx, *runDir, pm, stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()

	t := time.Now()
	stats, err := st.Load(ctx, d, neo4jstore.Options{Mode: mode, BatchSize: *batch, Writers: *writers, Progress: storeSteps(pg)})
	if err != nil {
		return dbErr(err)
	}
	el := time.Since(t)
	var parts []string
	for _, s := range stats.Steps {
		rate := ""
		if s.Rows > 0 && s.Name != "clear" {
			rate = fmt.Sprintf(", %.0f/s", float64(s.Rows)/s.Time.Seconds())
		}
		parts = append(parts, fmt.Sprintf("%s %d (%s%s)", s.Name, s.Rows, s.Time.Round(time.Millisecond), rate))
	}
	fmt.Fprintf(stderr, "clout: loaded %d users and %d relationships into %s (%s) in %s: %s\n",
		stats.Users, stats.Total(), st.Where(), mode, el.Round(time.Millisecond), strings.Join(parts, ", "))
	return nil
}

// runExport is `clout export neo4j-import OUTDIR`: the CSV files of an offline
// `neo4j-admin database import full`.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "neo4j-import" {
		fmt.Fprint(stderr, "Usage: clout export neo4j-import [--run DIR] OUTDIR\n")
		if len(args) == 0 {
			return usageErr("export: want a format: clout export neo4j-import [--run DIR] OUTDIR")
		}
		return usageErr("export: unknown format %q (want neo4j-import)", args[0])
	}
	fs := newFlagSet("export neo4j-import", "export neo4j-import [--run DIR] OUTDIR", stderr)
	runDir := fs.String("run", "", "run `folder` written by `clout score --out`; default: score the bundled Higgs data first")
	var pm progressMode = "auto"
	fs.Var(&pm, "progress", "progress bars on stderr: auto (on a terminal), always or never")
	if done, err := parseFlags(fs, args[1:]); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErr("export neo4j-import: want one output folder, got %d arguments", fs.NArg())
	}
	out := fs.Arg(0)
	d, cleanup, err := runDataset(ctx, *runDir, pm, stdout, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	t := time.Now()
	st, err := neo4jstore.WriteImport(out, d)
	if err != nil {
		var pe *neo4jstore.DataError
		if errors.As(err, &pe) {
			return inputErr(err)
		}
		return outputErr(err)
	}
	fmt.Fprintf(stderr, "clout: wrote %d users and %d relationships for neo4j-admin to %s in %s\n",
		st.Users, st.Relationships, out, time.Since(t).Round(time.Millisecond))
	fmt.Fprintf(stderr, "clout: import with: scripts/neo4j.sh stop && scripts/neo4j.sh import %s && scripts/neo4j.sh start && clout load neo4j --schema-only\n", out)
	fmt.Fprintf(stderr, "clout: (scripts/neo4j.sh import passes on the options in %s: %s; with neo4j-admin itself, give them too)\n",
		filepath.Join(out, neo4jstore.ArgsFile), strings.Join(st.Args, " "))
	return nil
}

// defaultScoreConfig is the configuration of a plain `clout score`: the bundled
// inputs and the default parameters.
func defaultScoreConfig() scoreConfig {
	c := scoreConfig{params: rank.DefaultParams(), progress: "auto", out: "out", edges: true,
		from: "files", top: 20, platform: "snap"}
	c.ingest.Since, c.ingest.Until = graph.NoTime, graph.NoTime
	return c
}

// openStore connects to the server named by the environment.
func openStore(ctx context.Context, pwFile, database string, retryFor time.Duration) (*neo4jstore.Store, error) {
	cfg, err := neo4jstore.ConfigFromEnv(pwFile)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	cfg.Database, cfg.RetryFor = database, retryFor
	st, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return nil, dbErr(err)
	}
	return st, nil
}

// dbErr gives an error of neo4jstore its exit code: an interruption stays one, a
// failure of the server is exitDatabase, and a dataset it refused is exitInput.
func dbErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, neo4jstore.ErrUnreachable), errors.Is(err, neo4jstore.ErrAuth), errors.Is(err, neo4jstore.ErrDatabase):
		return &exitError{exitDatabase, err}
	}
	return inputErr(err)
}

// runDataset reads the run folder runDir, or, when it is "", scores the bundled data
// into a temporary folder first (removed by cleanup, which the caller defers once the
// dataset is used).
func runDataset(ctx context.Context, runDir string, pm progressMode, stdout, stderr io.Writer) (d neo4jstore.Dataset, cleanup func(), err error) {
	cleanup = func() {}
	dir := runDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "clout-run-")
		if err != nil {
			return d, cleanup, outputErr(fmt.Errorf("output: %w", err))
		}
		cleanup = func() { os.RemoveAll(tmp) }
		c := defaultScoreConfig()
		c.out, c.progress, c.top = tmp, pm, 0
		if err := score(ctx, &c, stdout, stderr); err != nil {
			cleanup()
			return d, func() {}, err
		}
		dir = tmp
	}
	if d, err = readRunFolder(dir); err != nil {
		cleanup()
		return d, func() {}, err
	}
	return d, cleanup, nil
}

// storeSteps draws neo4jstore's steps as progress bars.
func storeSteps(pg *progress) neo4jstore.Steps {
	return func(name string) (graph.Progress, func()) {
		b := pg.step(name, false)
		return b, b.done
	}
}

// readRunFolder reads the tables of a run folder and the layers its run.json names.
func readRunFolder(dir string) (neo4jstore.Dataset, error) {
	var d neo4jstore.Dataset
	scores, err := sink.ReadParquet(filepath.Join(dir, "scores.parquet"))
	if err != nil {
		return d, inputErr(fmt.Errorf("input: %w", err))
	}
	edgesPath := filepath.Join(dir, "edges.parquet")
	if _, err := os.Stat(edgesPath); err != nil {
		return d, inputErr(fmt.Errorf("input: %s has no edges.parquet: run `clout score --out %s` again (it writes edges.parquet unless --edges=false)", dir, dir))
	}
	edges, err := sink.ReadParquet(edgesPath)
	if err != nil {
		return d, inputErr(fmt.Errorf("input: %w", err))
	}
	d.Scores, d.Edges = scores, edges
	d.Version = scores.Meta["clout.version"]
	if b, err := os.ReadFile(filepath.Join(dir, "run.json")); err == nil {
		var info struct {
			Version string `json:"version"`
			Graph   struct {
				Layers map[string]json.RawMessage `json:"layers"`
			} `json:"graph"`
		}
		if err := json.Unmarshal(b, &info); err != nil {
			return d, inputErr(fmt.Errorf("input: %s: %w", filepath.Join(dir, "run.json"), err))
		}
		d.Layers = []graph.Kind{}
		for k := range graph.NumKinds {
			if _, ok := info.Graph.Layers[k.String()]; ok {
				d.Layers = append(d.Layers, k)
			}
		}
		if info.Version != "" {
			d.Version = info.Version
		}
	}
	return d, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

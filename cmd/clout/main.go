// Command clout computes Klout-style influence scores (1–100) from exported social
// data. See the README for the two commands a newcomer needs.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit codes. main alone maps errors to them; they are documented in `clout --help`
// and the README.
const (
	exitOK          = 0
	exitInternal    = 1 // a bug or an unexpected failure
	exitUsage       = 2 // bad flags or arguments
	exitInput       = 3 // an input is missing, unreadable or malformed
	exitOutput      = 4 // an output could not be written (the previous one is kept)
	exitDatabase    = 5 // the database could not be reached or refused the work
	exitInterrupted = 130
)

// exitError carries the exit code of an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}
func inputErr(err error) error  { return &exitError{exitInput, err} }
func outputErr(err error) error { return &exitError{exitOutput, err} }

const usage = `clout computes Klout-style influence scores (1–100) from exported social data.

Usage:
  clout score [flags] [PATH...]   score a dataset (default: the bundled SNAP Higgs data);
                                  --history DIR --as-of DATE keeps dated partitions with deltas
  clout top [flags] FILE          print the ranked table of a scores.parquet
  clout diff [flags] RUN_A RUN_B  the biggest movers between two runs, and the signals that moved them
  clout explain [flags] USER      a user's scores: what drives them, who raised them, what changed, levers
  clout eval [flags] [PATH...]    hold the score against later engagement (temporal hold-out)
  clout calibrate [flags] [PATH...]  fit the weights on one hold-out, report on the others
  clout gen rmat [flags]          write a synthetic R-MAT edge list for scale tests
  clout load neo4j [flags]        load a run's users, relationships and scores into Neo4j
  clout export neo4j-import DIR   write CSV files for neo4j-admin database import
  clout version                   print the version

Run 'clout COMMAND -h' for a command's flags.

Exit codes:
  0    success
  1    internal error (a bug: please report it)
  2    bad flags or arguments
  3    an input is missing, unreadable or malformed (the message names file, line, column)
  4    an output could not be written (previous outputs are left untouched)
  5    the database could not be reached or refused the work
  130  interrupted (SIGINT/SIGTERM); nothing half-written is left under a final name
`

func main() {
	// Clout's memory is a few large pointer-free arrays (the CSR, rank vectors), which
	// the collector scans for free; collecting at 25 % growth instead of Go's 100 %
	// keeps the peak resident size near the live data at little CPU cost. GOGC in
	// the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := report(ctx, run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
	stop() // cancels ctx: only after report has looked at it
	os.Exit(code)
}

// report prints err and returns the exit code for it.
func report(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "clout: interrupted")
		return exitInterrupted
	}
	fmt.Fprintln(stderr, "clout:", err)
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitInternal
}

// run dispatches a command line; it is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErr("no command given")
	}
	switch args[0] {
	case "score":
		return runScore(ctx, args[1:], stdout, stderr)
	case "top":
		return runTop(args[1:], stdout, stderr)
	case "diff":
		return runDiff(args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "calibrate":
		return runCalibrate(ctx, args[1:], stdout, stderr)
	case "gen":
		return runGen(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "clout", version())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageErr("unknown command %q", args[0])
}

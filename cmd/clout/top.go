package main

import (
	"fmt"
	"io"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

func runTop(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("top", "top [-n N] [--csv] FILE", stderr)
	n := fs.Int("n", 20, "number of users to print")
	asCSV := fs.Bool("csv", false, "print CSV with every column instead of a text table")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErr("top: want one scores.parquet file, got %d arguments", fs.NArg())
	}
	if *n < 0 {
		return usageErr("top: -n must be ≥ 0, got %d", *n)
	}
	t, err := sink.ReadParquet(fs.Arg(0))
	if err != nil {
		return inputErr(err)
	}
	if t.Col("rank") == nil || t.Col("user_id") == nil {
		return inputErr(fmt.Errorf("top: %s is not a Clout scores file (no rank or user_id column)", fs.Arg(0)))
	}
	if err := sortByRank(t); err != nil {
		return inputErr(fmt.Errorf("top: %s: %w", fs.Arg(0), err))
	}
	return printTop(stdout, t, *n, *asCSV)
}

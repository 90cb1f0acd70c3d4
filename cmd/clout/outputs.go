package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

// outputs is the set of files one run writes into its output folder. They are staged
// and put in place together by commit (see sink.Set): a crash or an error at any point
// leaves the previous run's files, all of them, as they were. Each file's size and
// SHA-256 are taken while it is written, for run.json.
type outputs struct {
	ctx  context.Context // a cancelled run stops writing at the next buffer flush
	set  *sink.Set
	sums map[string]outputInfo
}

// openOutputs locks the folder dir and cleans up what a crashed run left in it,
// saying so on stderr.
func openOutputs(ctx context.Context, dir string, stderr io.Writer) (*outputs, error) {
	set, rec, err := sink.OpenSet(dir)
	if err != nil {
		return nil, outputErr(err)
	}
	if len(rec.Replayed) > 0 {
		fmt.Fprintf(stderr, "clout: %s: completed the commit of an interrupted run (%d files)\n", dir, len(rec.Replayed))
	}
	if len(rec.Removed) > 0 {
		fmt.Fprintf(stderr, "clout: %s: removed %d temporary files of an interrupted run\n", dir, len(rec.Removed))
	}
	return &outputs{ctx: ctx, set: set, sums: map[string]outputInfo{}}, nil
}

// put stages the file path; its signature is sink.WriteFileAtomic's.
func (o *outputs) put(path string, perm os.FileMode, write func(io.Writer) error) error {
	h := sha256.New()
	cw := &countingWriter{ctx: o.ctx, h: h}
	err := o.set.WriteFile(path, perm, func(w io.Writer) error {
		return write(io.MultiWriter(cw, w))
	})
	if err != nil {
		return err
	}
	o.sums[path] = outputInfo{Path: path, Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}
	return nil
}

// info describes the staged file path for run.json.
func (o *outputs) info(path string, rows int) outputInfo {
	i := o.sums[path]
	i.Rows = rows
	return i
}

// commit puts every staged file in place; close releases the folder (and, without a
// commit, removes the staged files).
func (o *outputs) commit() error {
	if err := o.set.Commit(); err != nil {
		return outputErr(err)
	}
	return nil
}

func (o *outputs) close() { o.set.Close() }

// countingWriter hashes and counts what is written, and fails once ctx is done, so
// that SIGINT or SIGTERM stops a long Parquet write within one buffer (1 MiB).
type countingWriter struct {
	ctx context.Context
	h   hash.Hash
	n   int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	c.h.Write(p)
	c.n += int64(len(p))
	return len(p), nil
}

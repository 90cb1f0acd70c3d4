package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/datasets/rmat"
)

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rmat" {
		return usageErr("gen: want 'clout gen rmat [flags]'")
	}
	fs := newFlagSet("gen rmat", "gen rmat --scale S --edge-factor F --seed N --out FILE", stderr)
	scale := fs.Int("scale", 16, "2^`S` nodes")
	ef := fs.Int("edge-factor", 16, "edges per node")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output `file` (SNAP edge list; gzip-compressed when it ends in .gz)")
	if done, err := parseFlags(fs, args[1:]); done || err != nil {
		return err
	}
	if *out == "" {
		return usageErr("gen rmat: --out is required")
	}
	if *scale < 1 || *scale > 32 {
		return usageErr("gen rmat: --scale must be in [1, 32], got %d", *scale)
	}
	if *ef < 1 || *ef > 1024 {
		return usageErr("gen rmat: --edge-factor must be in [1, 1024], got %d", *ef)
	}
	err := sink.WriteFileAtomic(*out, 0o644, func(w io.Writer) error {
		if strings.HasSuffix(*out, ".gz") {
			zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
			if err != nil {
				return err
			}
			if err := rmat.WriteEdgeList(zw, *scale, *ef, *seed); err != nil {
				return err
			}
			return zw.Close()
		}
		return rmat.WriteEdgeList(w, *scale, *ef, *seed)
	})
	if err != nil {
		return outputErr(err)
	}
	fmt.Fprintf(stderr, "clout: wrote %s: R-MAT scale %d, edge factor %d, seed %d (%d edges)\n",
		*out, *scale, *ef, *seed, uint64(*ef)<<uint(*scale))
	return nil
}

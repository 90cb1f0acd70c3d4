// Package datasets bundles the small real sample data Clout runs on by default (SNAP
// Higgs Twitter, embedded so that the binary needs no files) and, in its subpackages,
// generators of synthetic graphs.
package datasets

import (
	"bytes"
	_ "embed"
	"io"
)

//go:embed higgs/higgs-activity_time.txt.gz
var higgsActivity []byte

// HiggsActivityPath is the bundled activity file's path in the repository.
const HiggsActivityPath = "datasets/higgs/higgs-activity_time.txt.gz"

// HiggsActivity returns the bundled SNAP Higgs activity file (gzip-compressed, as
// distributed by SNAP) and its size in bytes.
func HiggsActivity() (io.ReadCloser, int64) {
	return io.NopCloser(bytes.NewReader(higgsActivity)), int64(len(higgsActivity))
}

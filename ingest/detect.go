package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// The input formats, as named in manifests and flags.
const (
	FormatEdgeList            = "edgelist"             // SNAP edge list: actor target [weight]
	FormatHiggsActivity       = "higgs-activity"       // SNAP Higgs: userA userB time RT|MT|RE
	FormatInteractions        = "interactions"         // CSV or TSV table with a header
	FormatInteractionsParquet = "interactions-parquet" // the same table as Parquet
)

// Formats lists the formats ReadInput knows.
var Formats = []string{FormatEdgeList, FormatHiggsActivity, FormatInteractions, FormatInteractionsParquet}

// knownFormat reports whether f is one of Formats.
func knownFormat(f string) bool {
	for _, g := range Formats {
		if f == g {
			return true
		}
	}
	return false
}

// errUnknownFormat is what DetectFormat returns when no format fits.
var errUnknownFormat = fmt.Errorf("ingest: %w", ErrUnknownFormat)

// detectLines is how many data lines DetectFormat looks at.
const detectLines = 16

// ErrUnknownFormat is wrapped by the errors of DetectFormat when no format fits.
var ErrUnknownFormat = errors.New("cannot tell the input format from its first lines (want an interactions header naming actor and target, a Higgs activity log \"userA userB time RT|MT|RE\", a numeric edge list \"actor target [weight]\", or Parquet)")

// DetectFormat guesses the format of an input from its first bytes, decompressed (see
// NewReader): the Parquet magic "PAR1" → FormatInteractionsParquet; a first line
// naming the columns actor and target → FormatInteractions; lines of four fields
// "integer integer integer RT|MT|RE" → FormatHiggsActivity; lines of two or three
// numeric fields → FormatEdgeList. Comments and blank lines are passed over, and a
// last line cut by the end of head is ignored unless it is the only one.
func DetectFormat(head []byte) (string, error) {
	if bytes.HasPrefix(head, []byte("PAR1")) {
		return FormatInteractionsParquet, nil
	}
	if len(head) >= 2 && head[0] == gzipMagic[0] && head[1] == gzipMagic[1] {
		return "", errors.New("ingest: cannot tell the format of gzip-compressed bytes: decompress them first (NewReader)")
	}
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // cut, or empty after the last "\n"
	}
	var f [5]span
	format, seen := "", 0
	for _, line := range lines {
		line = bytes.TrimSuffix(line, []byte("\r"))
		n := split(line, f[:])
		if n == 0 || isComment(line, f[0].lo) {
			continue
		}
		if seen == 0 && isInteractionsHeader(line) {
			return FormatInteractions, nil
		}
		var this string
		switch {
		case n == 4 && allDigits(field(line, f[0])) && allDigits(field(line, f[1])) && isInt(field(line, f[2])):
			if _, ok := higgsKind(field(line, f[3])); ok {
				this = FormatHiggsActivity
			}
		case (n == 2 || n == 3) && allDigits(field(line, f[0])) && allDigits(field(line, f[1])):
			if n == 2 {
				this = FormatEdgeList
			} else if _, msg := parseWeight(field(line, f[2])); msg == "" {
				this = FormatEdgeList
			}
		}
		if this == "" || (format != "" && this != format) {
			return "", errUnknownFormat
		}
		format = this
		if seen++; seen == detectLines {
			break
		}
	}
	if format == "" {
		return "", errUnknownFormat
	}
	return format, nil
}

func field(line []byte, s span) []byte { return line[s.lo:s.hi] }

func isInt(b []byte) bool {
	_, ok := parseInt(b)
	return ok
}

// isInteractionsHeader reports whether line is a CSV or TSV header naming the actor
// and target columns.
func isInteractionsHeader(line []byte) bool {
	sep := ","
	if bytes.IndexByte(line, '\t') >= 0 {
		sep = "\t"
	}
	var actor, target bool
	for _, h := range strings.Split(string(line), sep) {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), `"`))
		actor = actor || h == ColActor
		target = target || h == ColTarget
	}
	return actor && target
}

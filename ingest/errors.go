package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseError is a bad line or record, with its position. Like encoding/csv's
// ParseError it wraps the cause, so errors.Is and errors.As see through it.
//
// Text formats set Line (1-based) and, when a single field is at fault, Column (the
// 1-based byte column where the field starts). Record-based formats (JSON, Parquet)
// leave Line at 0 and set Record (1-based) and Offset instead; for JSON the record is
// the line of JSONL or the element of an array, the Offset that of the byte or value
// at fault, and Err's message starts with the path of the field at fault
// (data[3].referenced_tweets[0].type).
type ParseError struct {
	Path   string // the input's name, as given to the reader
	Line   int    // 1-based line number; 0 for record-based formats
	Column int    // 1-based byte column of the bad field; 0 for the whole line
	Offset int64  // byte offset of the line or record (JSON: of the fault) in the decoded stream; -1 if unknown
	Record int    // 1-based data record number (0 if unknown)
	Err    error  // what was wrong
}

// Error formats the error as "path:line:col: message" for text formats (":col" is
// left out when the whole line is at fault), as "path: record N (byte offset X):
// message" for record-based formats, and as "path: byte offset X: message" for an
// error in the structure of a whole JSON document, outside its records.
func (e *ParseError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "ingest: ") // the position says where
		// A stream error names its path itself; say it once.
		var se *StreamError
		if errors.As(e.Err, &se) && se.Path == e.Path {
			msg = se.detail()
		}
	}
	path := e.Path
	if path == "" {
		path = "<input>"
	}
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", path, e.Line, e.Column, msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", path, e.Line, msg)
	case e.Offset >= 0 && e.Record == 0: // the structure of a whole document
		return fmt.Sprintf("%s: byte offset %d: %s", path, e.Offset, msg)
	case e.Offset >= 0:
		return fmt.Sprintf("%s: record %d (byte offset %d): %s", path, e.Record, e.Offset, msg)
	default:
		return fmt.Sprintf("%s: record %d: %s", path, e.Record, msg)
	}
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// BadLinePolicy says what a reader does with a line or record it cannot parse.
type BadLinePolicy uint8

const (
	// Fail stops at the first bad line and returns its *ParseError. It is the default.
	Fail BadLinePolicy = iota
	// Skip counts bad lines in Report.Skipped, keeps the first few errors in
	// Report.FirstBad and goes on. Read errors (a truncated gzip stream, a failing
	// disk) and running out of ids still stop the reader.
	Skip
)

// String returns "fail" or "skip".
func (p BadLinePolicy) String() string {
	switch p {
	case Fail:
		return "fail"
	case Skip:
		return "skip"
	}
	return "BadLinePolicy(" + strconv.Itoa(int(p)) + ")"
}

// ParseBadLinePolicy returns the policy named s ("fail" or "skip"), for flags.
func ParseBadLinePolicy(s string) (BadLinePolicy, error) {
	switch s {
	case "fail":
		return Fail, nil
	case "skip":
		return Skip, nil
	}
	return 0, fmt.Errorf("ingest: unknown bad-line policy %q (want fail or skip)", s)
}

// maxFirstBad is how many skipped errors a Report keeps.
const maxFirstBad = 5

// quote returns b quoted for an error message, cut to a readable length.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "…"
	}
	return strconv.Quote(string(b))
}

package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHostileHugeLine gives every text reader a file whose second record is 1 GiB
// without a newline (NUL bytes: the file is sparse, so it costs no disk), and the
// edge-list reader the same gigabyte as a gzip bomb (a 1 GiB stream of zeros, a
// thousandth of that compressed, repeated 4 times). Each run must fail with exit
// code 3 and a message naming the file and the record, in bounded memory: the peak
// RSS of the child process (getrusage) stays under 100 MiB (400 MiB for the JSON
// readers, whose record limit is 64 MiB), which no reader holding the gigabyte could.
func TestHostileHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("reads several gigabytes")
	}
	bin := cloutBinary(t)
	dir := t.TempDir()
	const gib = 1 << 30
	sparse := func(name, head string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(head), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, int64(len(head))+gib); err != nil {
			t.Fatal(err)
		}
		return p
	}
	twitter, err := os.ReadFile(filepath.Join("..", "..", "ingest", "testdata", "twitter-v2", "search.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	firstLine := string(twitter[:bytes.IndexByte(twitter, '\n')+1])

	const mib = 1 << 10 // Maxrss is in KiB
	cases := []struct {
		name   string
		args   []string
		want   []string // in the message
		maxRSS int64    // KiB
	}{
		{"snap edge list", []string{"--follows", sparse("follows.txt", "1 2\n")},
			[]string{"follows.txt:2:", "line longer than 1048576 bytes"}, 100 * mib},
		{"higgs activity", []string{"--activity", sparse("activity.txt", "1 2 1341100972 RT\n")},
			[]string{"activity.txt:2:", "line longer than 1048576 bytes"}, 100 * mib},
		{"interactions csv", []string{"--interactions", sparse("events.csv", "actor,target,type,time\na,b,RT,1\n")},
			[]string{"events.csv:3:", "expected a record of at most 1048576 bytes"}, 100 * mib},
		// An API v2 page is one line of up to 64 MiB (twarc2 writes 100 tweets
		// with their includes per line), which the reader holds while it parses it.
		{"twitter api v2 jsonl", []string{"--format", "twitter-api-v2", sparse("tweets.jsonl", firstLine)},
			[]string{"tweets.jsonl", "record 2", "longer than 67108864 bytes"}, 400 * mib},
		{"mastodon outbox", []string{"--format", "mastodon-archive", sparse("outbox.json", `{"id": "outbox.json", "type": "OrderedCollection", "orderedItems": [`)},
			[]string{"outbox.json", "byte offset", "a JSON value longer than 67108864 bytes"}, 400 * mib},
		{"gzip bomb", []string{"--follows", gzipBomb(t, dir, "1 2\n", 4)},
			[]string{"bomb.txt.gz:2:", "line longer than 1048576 bytes"}, 100 * mib},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"score", "--out", filepath.Join(dir, "out"), "--top", "0", "--progress", "never"}, tc.args...)
			code, stderr, rss, took := runMeasured(t, bin, args...)
			if code != exitInput {
				t.Fatalf("exit %d, want %d\n%s", code, exitInput, stderr)
			}
			msg := strings.TrimSpace(stderr)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the message lacks %q:\n%s", w, msg)
				}
			}
			if rss > tc.maxRSS {
				t.Errorf("peak RSS %d MiB, want < %d MiB", rss>>10, tc.maxRSS>>10)
			}
			t.Logf("%s: exit 3 in %s, peak RSS %d MiB: %s", tc.name, took.Round(time.Millisecond), rss>>10, msg)
		})
	}
}

// runMeasured runs bin with args under GNU time and returns the exit code, stderr
// (without time's report), the peak RSS in KiB and the wall time. getrusage from Go's
// own wait would not do: a child started by os/exec shares the test process's memory
// until its exec, and Linux counts that memory's high-water mark into the child's.
func runMeasured(t *testing.T, bin string, args ...string) (code int, stderr string, rssKiB int64, took time.Duration) {
	t.Helper()
	gnuTime := "/usr/bin/time"
	if _, err := os.Stat(gnuTime); err != nil {
		t.Fatalf("GNU time (Debian package time) is needed to measure peak RSS: %v", err)
	}
	rssFile := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
	var buf bytes.Buffer
	cmd.Stderr = &buf
	t0 := time.Now()
	err := cmd.Run()
	took = time.Since(t0)
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	b, err := os.ReadFile(rssFile)
	if err != nil {
		t.Fatal(err)
	}
	// time writes "Command exited with non-zero status N" before the format's line.
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	rssKiB, err = strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("GNU time wrote %q", b)
	}
	return code, buf.String(), rssKiB, took
}

// gzipBomb writes head followed by n gzip members that each expand to 1 GiB of zeros
// (the member is compressed once and repeated).
func gzipBomb(t *testing.T, dir, head string, n int) string {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 1 << 10 {
		zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	zw = gzip.NewWriter(&first)
	io.WriteString(zw, head)
	zw.Close()
	p := filepath.Join(dir, "bomb.txt.gz")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(first.Bytes())
	for range n {
		if _, err := f.Write(member.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("gzip bomb: %d bytes expanding to %d GiB", first.Len()+n*member.Len(), n)
	return p
}

// TestHostileIDs: ids that are not printable UTF-8 (an invalid byte, a NUL, an ANSI
// escape) are bad lines, named by file, line and column; skipped with
// --on-bad-line=skip, leaving the good lines scored.
func TestHostileIDs(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "ids.txt", "1 2\n\xff\xfe 3\na\x00b 4\nx \x1b[2Jy\n2 3\n")
	for _, tc := range []struct {
		policy string
		code   int
		want   string
	}{
		{"fail", exitInput, `ids.txt:2:1: expected a user id of printable UTF-8 (no control characters or NUL bytes), got "\xff\xfe"`},
		{"skip", exitOK, "skipped 3 bad lines"},
	} {
		var stdout, stderr bytes.Buffer
		out := filepath.Join(dir, "out-"+tc.policy)
		code := report(t.Context(), run(t.Context(), []string{"score", "--follows", in, "--on-bad-line", tc.policy, "--out", out, "--top", "5", "--progress", "never"}, &stdout, &stderr), &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("--on-bad-line=%s: exit %d, want %d; stderr lacks %q:\n%s", tc.policy, code, tc.code, tc.want, stderr.String())
		}
		if tc.code == exitOK {
			// Lines 1 and 5 remain: users 1, 2, 3 (from "1 2" and "2 3").
			if n := strings.Count(stdout.String(), "\n"); n != 4 {
				t.Errorf("got %d lines of top table, want a header and 3 users:\n%s", n, stdout.String())
			}
		}
	}
}

// TestPrintableCells: a handle carrying terminal control sequences is printed
// escaped by `clout top`, never raw.
func TestPrintableCells(t *testing.T) {
	for in, want := range map[string]string{
		"alice":             "alice",
		"zoë 🙂":             "zoë 🙂",
		"\x1b[2Jevil":       `\x1b[2Jevil`,
		"tab\there":         `tab\there`,
		"bad\xffutf8":       `bad\xffutf8`,
		"right\u202eleft":   `right\u202eleft`,
		"=HYPERLINK(\"x\")": "=HYPERLINK(\"x\")", // neutralised in CSV, harmless on a terminal
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

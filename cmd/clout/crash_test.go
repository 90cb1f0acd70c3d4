package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

// These tests run the real clout binary in a child process and kill it, as a crash
// or an operator would. docs/RELIABILITY.md reports what they observe.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// TestMain removes the binary and the generated inputs these tests leave in the
// temporary folder (they outlive single tests, so t.TempDir cannot hold them).
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	if fixture != nil {
		os.RemoveAll(filepath.Dir(fixture.input))
	}
	os.Exit(code)
}

// cloutBinary builds the clout binary once per test process.
func cloutBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clout-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "clout")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// crashFixture is a generated input, the outputs of a previous run on other data
// (what a crash must not harm), and the outputs of an uninterrupted run on the input
// (what the run after a crash must produce).
type crashFixture struct {
	bin, input string
	old, want  map[string][]byte // file name -> bytes
	wall       time.Duration     // of the uninterrupted run
}

var outputNames = []string{"scores.parquet", "edges.parquet", "run.json"}

var (
	fixtureOnce sync.Once
	fixture     *crashFixture
	fixtureErr  error
)

func crashInputs(t *testing.T) *crashFixture {
	t.Helper()
	bin := cloutBinary(t)
	fixtureOnce.Do(func() {
		fixture, fixtureErr = makeCrashFixture(bin)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func makeCrashFixture(bin string) (*crashFixture, error) {
	dir, err := os.MkdirTemp("", "clout-crash-")
	if err != nil {
		return nil, err
	}
	f := &crashFixture{bin: bin, input: filepath.Join(dir, "a.tsv.gz")}
	other := filepath.Join(dir, "b.tsv.gz")
	// Scale 17: 131,072 nodes and 2,097,152 generated edges, a run of a few seconds
	// here, long enough to be killed in every stage.
	for in, seed := range map[string]string{f.input: "1", other: "2"} {
		if out, err := exec.Command(bin, "gen", "rmat", "--scale", "17", "--seed", seed, "--out", in).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("gen: %v\n%s", err, out)
		}
	}
	oldDir, wantDir := filepath.Join(dir, "old"), filepath.Join(dir, "want")
	if out, err := exec.Command(bin, "score", "--follows", other, "--out", oldDir, "--top", "0").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("score: %v\n%s", err, out)
	}
	t0 := time.Now()
	if out, err := exec.Command(bin, "score", "--follows", f.input, "--out", wantDir, "--top", "0").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("score: %v\n%s", err, out)
	}
	f.wall = time.Since(t0)
	if f.old, err = readOutputs(oldDir); err != nil {
		return nil, err
	}
	if f.want, err = readOutputs(wantDir); err != nil {
		return nil, err
	}
	return f, nil
}

func readOutputs(dir string) (map[string][]byte, error) {
	m := map[string][]byte{}
	for _, n := range outputNames {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		m[n] = b
	}
	return m, nil
}

// seedOutputs copies the previous run's outputs into a fresh folder.
func (f *crashFixture) seedOutputs(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, b := range f.old {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lastStage is the last stage the progress output on stderr named, or "finished"
// once the run's summary line is there.
func lastStage(stderr string) string {
	if strings.Contains(stderr, " PageRank iterations; ingest ") {
		return "finished"
	}
	stage, at := "start", -1
	for _, s := range []string{"read ", "build", "propagate", "write"} {
		if i := strings.LastIndex(stderr, s); i > at {
			stage, at = strings.TrimSpace(s), i
		}
	}
	return stage
}

// startScore starts `clout score` on the fixture's input into dir, with progress
// output on stderr so that the stage it was in can be told.
func (f *crashFixture) startScore(t *testing.T, dir string, stderr *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(f.bin, "score", "--follows", f.input, "--out", dir, "--top", "0", "--progress", "always")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// classify compares each output file in dir with the old and the new bytes:
// "old", "new", "missing" or "torn" (neither: a half-written file under a final name).
func (f *crashFixture) classify(dir string) map[string]string {
	got := map[string]string{}
	for _, n := range outputNames {
		b, err := os.ReadFile(filepath.Join(dir, n))
		switch {
		case err != nil:
			got[n] = "missing"
		case bytes.Equal(b, f.old[n]):
			got[n] = "old"
		case n != "run.json" && bytes.Equal(b, f.want[n]):
			got[n] = "new"
		case n == "run.json" && bytes.Contains(b, []byte(f.input)):
			got[n] = "new" // run.json holds times, so is never byte-equal between runs
		default:
			got[n] = "torn"
		}
	}
	return got
}

// TestCrashSIGKILL kills `clout score` with SIGKILL at evenly spread moments of its
// run (ingest, build, propagation, the Parquet writes, the commit) and checks, after
// each kill, that the previous outputs are byte-identical (or, for a kill during the
// commit's renames, that the journal is there to finish it), that no file under a
// final name is torn, and that the next run cleans up and ends with exactly the
// outputs of an uninterrupted run.
func TestCrashSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary a few dozen times")
	}
	f := crashInputs(t)
	const kills = 10
	stages := map[string]int{}
	for k := 1; k <= kills; k++ {
		// k/kills of the way through an uninterrupted run.
		delay := f.wall * time.Duration(k) / time.Duration(kills)
		t.Run(fmt.Sprintf("at-%dms", delay.Milliseconds()), func(t *testing.T) {
			dir := f.seedOutputs(t)
			var stderr bytes.Buffer
			cmd := f.startScore(t, dir, &stderr)
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			stage := lastStage(stderr.String())
			_, jerr := os.Stat(filepath.Join(dir, sink.CommitJournal))
			inCommit := jerr == nil
			if inCommit {
				stage = "commit"
			}
			stages[stage]++

			// Each file is the old or the new one, and without a journal they are all
			// old (not committed) or all new (committed): never a mix.
			got := f.classify(dir)
			seen := map[string]bool{}
			for n, state := range got {
				seen[state] = true
				if state == "torn" || state == "missing" {
					t.Errorf("killed in %s: %s is %s", stage, n, state)
				}
			}
			if !inCommit && seen["old"] && seen["new"] {
				t.Errorf("killed in %s: old and new files mixed without a journal: %v", stage, got)
			}
			t.Logf("killed after %s in stage %s: %v", delay, stage, got)

			// The next run recovers and produces what an uninterrupted run produces.
			var again bytes.Buffer
			cmd = exec.Command(f.bin, "score", "--follows", f.input, "--out", dir, "--top", "0")
			cmd.Stderr = &again
			if err := cmd.Run(); err != nil {
				t.Fatalf("the run after the kill failed: %v\n%s", err, again.String())
			}
			for n, state := range f.classify(dir) {
				if state != "new" {
					t.Errorf("after the rerun %s is %s, want the uninterrupted run's", n, state)
				}
			}
			assertClean(t, dir)
		})
	}
	t.Logf("kills per stage: %v (uninterrupted run: %s)", stages, f.wall)
	if stages["start"]+stages["finished"] == kills {
		t.Errorf("no kill landed inside the run: %v", stages)
	}
}

// assertClean fails if dir holds anything but final output files: temporary files,
// a journal.
func assertClean(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left in the output folder", e.Name())
		}
	}
}

// TestCrashSIGTERM stops `clout score` with SIGTERM (and SIGINT) in each stage: it
// exits with 130 promptly, the previous outputs are byte-identical and nothing of
// the run is left behind.
func TestCrashSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary a few times")
	}
	f := crashInputs(t)
	stopped := 0
	for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGTERM, syscall.SIGINT, syscall.SIGTERM} {
		delay := f.wall * time.Duration(i+1) / 6
		t.Run(fmt.Sprintf("%s-at-%dms", sig, delay.Milliseconds()), func(t *testing.T) {
			dir := f.seedOutputs(t)
			var stderr bytes.Buffer
			cmd := f.startScore(t, dir, &stderr)
			time.Sleep(delay)
			stage := lastStage(stderr.String())
			t0 := time.Now()
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			took := time.Since(t0)
			var ee *exec.ExitError
			if err == nil {
				// The signal came after the run's last look at it, before the commit
				// or after: the new outputs are then complete, all of them.
				for n, state := range f.classify(dir) {
					if state != "new" {
						t.Errorf("exit 0 after a signal in %s, but %s is %s", stage, n, state)
					}
				}
				t.Logf("%s in stage %s came too late to stop the run: exit 0, outputs committed", sig, stage)
				return
			}
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
				t.Fatalf("signalled in %s: got %v, want exit %d\n%s", stage, err, exitInterrupted, tail(stderr.String()))
			}
			if !strings.Contains(stderr.String(), "clout: interrupted") {
				t.Errorf("no 'interrupted' message:\n%s", tail(stderr.String()))
			}
			for n, state := range f.classify(dir) {
				if state != "old" {
					t.Errorf("signalled in %s: %s is %s, want the previous file", stage, n, state)
				}
			}
			assertClean(t, dir)
			stopped++
			t.Logf("%s in stage %s: exit 130 after %s", sig, stage, took.Round(time.Millisecond))
		})
	}
	if stopped == 0 {
		t.Error("no signal landed inside a run: nothing was tested")
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// TestCrashHistory kills `clout score --history` while it writes a new partition
// (reading the previous one for deltas and smoothing): the previous partition is
// byte-identical after every kill, the new one is absent, empty or complete (never a
// file torn or a mix without a journal), and the rerun's scores equal an
// uninterrupted run's, bytes and all.
func TestCrashHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary a few dozen times")
	}
	f := crashInputs(t)
	base := t.TempDir()
	hist := func(dir, asOf string) *exec.Cmd {
		return exec.Command(f.bin, "score", "--follows", f.input, "--history", dir, "--as-of", asOf, "--top", "0", "--progress", "always")
	}
	// The reference: day 1 and day 2, uninterrupted.
	ref := filepath.Join(base, "ref")
	for _, d := range []string{"2026-01-01", "2026-01-02"} {
		if out, err := hist(ref, d).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	day1, err := os.ReadFile(filepath.Join(ref, "run=2026-01-01", "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref, "run=2026-01-02", "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	const kills = 4
	for k := 1; k <= kills; k++ {
		delay := f.wall * time.Duration(k) / time.Duration(kills)
		t.Run(fmt.Sprintf("at-%dms", delay.Milliseconds()), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "history")
			if out, err := hist(dir, "2026-01-01").CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var stderr bytes.Buffer
			cmd := hist(dir, "2026-01-02")
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			stage := lastStage(stderr.String())

			if b, err := os.ReadFile(filepath.Join(dir, "run=2026-01-01", "scores.parquet")); err != nil || !bytes.Equal(b, day1) {
				t.Errorf("killed in %s: the previous partition changed (%v)", stage, err)
			}
			p2 := filepath.Join(dir, "run=2026-01-02")
			_, jerr := os.Stat(filepath.Join(p2, sink.CommitJournal))
			b, err := os.ReadFile(filepath.Join(p2, "scores.parquet"))
			switch {
			case err != nil: // not committed: fine
			case !bytes.Equal(b, want):
				t.Errorf("killed in %s: the new partition's scores.parquet is torn", stage)
			case jerr != nil:
				if _, err := os.Stat(filepath.Join(p2, "run.json")); err != nil {
					t.Errorf("killed in %s: scores.parquet committed without run.json and no journal", stage)
				}
			}
			t.Logf("killed after %s in stage %s", delay, stage)

			if out, err := hist(dir, "2026-01-02").CombinedOutput(); err != nil {
				t.Fatalf("the rerun failed: %v\n%s", err, out)
			}
			if b, err := os.ReadFile(filepath.Join(p2, "scores.parquet")); err != nil || !bytes.Equal(b, want) {
				t.Errorf("after the rerun the partition differs from an uninterrupted run's (%v)", err)
			}
			assertClean(t, p2)
		})
	}
}

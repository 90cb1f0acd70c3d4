package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The second-reader test reads a file WriteParquet wrote with independent Parquet
// implementations, pyarrow (Arrow C++) and DuckDB, so that a bug shared by our writer
// and arrow-go's reader cannot hide. It needs a Python with both packages:
//
//	python3 -m venv "$HOME/.cache/clout/venv"
//	"$HOME/.cache/clout/venv/bin/pip" install pyarrow duckdb
//	CLOUT_PYTHON="$HOME/.cache/clout/venv/bin/python" go test ./cmd/internal/sink
//
// Without CLOUT_PYTHON, or with one that lacks a package, the test skips, except when
// CI=true: CI is meant to install the venv, so there a missing reader fails the test.

// pyarrowScript prints, as JSON, what pyarrow sees in the file named by argv[1]. The
// checksums are exact: the float bits summed modulo 2^64, and SHA-256 over the ids
// (NUL-separated, \x01 standing for null).
const pyarrowScript = `
import hashlib, json, struct, sys
import pyarrow, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
t = f.read()
s = f.schema_arrow
score = t.column("score").to_pylist()
h = hashlib.sha256()
for v in t.column("id").to_pylist():
    h.update(b"\x01" if v is None else v.encode())
    h.update(b"\x00")
meta = lambda m, k: (m or {}).get(k.encode(), b"").decode()
print(json.dumps({
    "version": pyarrow.__version__,
    "rows": t.num_rows,
    "row_groups": f.metadata.num_row_groups,
    "columns": t.column_names,
    "types": [str(x.type) for x in s],
    "score_bits": sum(struct.unpack("<%dQ" % len(score), struct.pack("<%dd" % len(score), *score))) % 2**64,
    "id_sha256": h.hexdigest(),
    "nulls": {c: t.column(c).null_count for c in t.column_names},
    "score_doc": meta(s.field("score").metadata, "doc"),
    "clout_version": meta(s.metadata, "clout.version"),
    "compression": f.metadata.row_group(0).column(0).compression,
}))
`

// duckdbScript prints, as JSON, aggregates DuckDB computes over the file named by
// argv[1]; sum(BIGINT) is an exact HUGEINT, printed as a string.
const duckdbScript = `
import json, sys
import duckdb
p = "'" + sys.argv[1].replace("'", "''") + "'"
r = duckdb.connect().execute(
    "SELECT count(*), count(id), sum(followers)::VARCHAR, sum(score), count(special), count(missing), "
    "count(DISTINCT handle) FROM read_parquet(" + p + ")").fetchone()
print(json.dumps({"version": duckdb.__version__, "count": r[0], "count_id": r[1], "sum_followers": r[2],
    "sum_score": r[3], "count_special": r[4], "count_missing": r[5], "distinct_handles": r[6]}))
`

func TestSecondReader(t *testing.T) {
	py := os.Getenv("CLOUT_PYTHON")
	if py == "" {
		skipOrFail(t, "CLOUT_PYTHON is not set: set it to a Python with pyarrow and duckdb to check our files with a second reader")
	}
	if out, err := pythonOutput(py, "import pyarrow"); err != nil {
		skipOrFail(t, "CLOUT_PYTHON=%s cannot import pyarrow: %v\n%s", py, err, out)
	}

	tbl := scoreTable(300_000, 7)
	path := filepath.Join(t.TempDir(), "it's scores.parquet") // a quote, to test the SQL quoting
	if err := WriteParquet(path, tbl, ParquetOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := tbl.Rows()
	nulls := func(name string) int {
		c := tbl.Col(name)
		n := 0
		for r := range rows {
			if c.IsNull(r) {
				n++
			}
		}
		return n
	}

	t.Run("pyarrow", func(t *testing.T) {
		out, err := pythonOutput(py, pyarrowScript, path)
		if err != nil {
			t.Fatalf("pyarrow: %v\n%s", err, out)
		}
		var got struct {
			Version      string         `json:"version"`
			Rows         int            `json:"rows"`
			RowGroups    int            `json:"row_groups"`
			Columns      []string       `json:"columns"`
			Types        []string       `json:"types"`
			ScoreBits    uint64         `json:"score_bits"`
			IDSHA256     string         `json:"id_sha256"`
			Nulls        map[string]int `json:"nulls"`
			ScoreDoc     string         `json:"score_doc"`
			CloutVersion string         `json:"clout_version"`
			Compression  string         `json:"compression"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("pyarrow output %q: %v", out, err)
		}
		t.Logf("pyarrow %s", got.Version)

		var names, types []string
		arrowName := map[Type]string{String: "string", Int64: "int64", Float64: "double"} // pyarrow's names
		for _, c := range tbl.Columns {
			names = append(names, c.Name)
			types = append(types, arrowName[c.Type])
		}
		var bits uint64
		for _, v := range tbl.Col("score").Floats {
			bits += math.Float64bits(v) // wraps modulo 2^64, as the script's % 2**64
		}
		h := sha256.New()
		id := tbl.Col("id")
		for r := range rows {
			if id.IsNull(r) {
				h.Write([]byte{1})
			} else {
				h.Write([]byte(id.Strings[r]))
			}
			h.Write([]byte{0})
		}
		wantNulls := make(map[string]int)
		for _, c := range tbl.Columns {
			wantNulls[c.Name] = nulls(c.Name)
		}

		if got.Rows != rows || got.RowGroups != 3 {
			t.Errorf("rows %d in %d row groups, want %d in 3", got.Rows, got.RowGroups, rows)
		}
		if !slices.Equal(got.Columns, names) || !slices.Equal(got.Types, types) {
			t.Errorf("columns %v %v, want %v %v", got.Columns, got.Types, names, types)
		}
		if got.ScoreBits != bits {
			t.Errorf("checksum of score bits %d, want %d", got.ScoreBits, bits)
		}
		if want := hex.EncodeToString(h.Sum(nil)); got.IDSHA256 != want {
			t.Errorf("SHA-256 of ids %s, want %s", got.IDSHA256, want)
		}
		for name, n := range wantNulls {
			if got.Nulls[name] != n {
				t.Errorf("column %q: %d nulls, want %d", name, got.Nulls[name], n)
			}
		}
		if got.ScoreDoc != tbl.Col("score").Doc || got.CloutVersion != tbl.Meta["clout.version"] {
			t.Errorf("doc %q and clout.version %q, want %q and %q", got.ScoreDoc, got.CloutVersion, tbl.Col("score").Doc, tbl.Meta["clout.version"])
		}
		if got.Compression != "ZSTD" {
			t.Errorf("compression %s, want ZSTD", got.Compression)
		}
	})

	t.Run("duckdb", func(t *testing.T) {
		if out, err := pythonOutput(py, "import duckdb"); err != nil {
			skipOrFail(t, "CLOUT_PYTHON=%s cannot import duckdb: %v\n%s", py, err, out)
		}
		out, err := pythonOutput(py, duckdbScript, path)
		if err != nil {
			t.Fatalf("duckdb: %v\n%s", err, out)
		}
		var got struct {
			Version         string  `json:"version"`
			Count           int     `json:"count"`
			CountID         int     `json:"count_id"`
			SumFollowers    string  `json:"sum_followers"`
			SumScore        float64 `json:"sum_score"`
			CountSpecial    int     `json:"count_special"`
			CountMissing    int     `json:"count_missing"`
			DistinctHandles int     `json:"distinct_handles"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("duckdb output %q: %v", out, err)
		}
		t.Logf("duckdb %s", got.Version)

		sumFollowers := new(big.Int)
		for _, v := range tbl.Col("followers").Ints {
			sumFollowers.Add(sumFollowers, big.NewInt(v))
		}
		var sumScore float64
		for _, v := range tbl.Col("score").Floats {
			sumScore += v
		}
		handles := make(map[string]bool)
		for _, s := range tbl.Col("handle").Strings {
			handles[s] = true
		}
		if got.Count != rows || got.CountID != rows-nulls("id") || got.CountSpecial != rows-nulls("special") || got.CountMissing != 0 {
			t.Errorf("counts: all %d, id %d, special %d, missing %d; want %d, %d, %d, 0",
				got.Count, got.CountID, got.CountSpecial, got.CountMissing, rows, rows-nulls("id"), rows-nulls("special"))
		}
		if got.SumFollowers != sumFollowers.String() {
			t.Errorf("sum(followers) = %s, want %s (exact)", got.SumFollowers, sumFollowers)
		}
		// DuckDB sums in its own order; 300000 values in [0, 100) agree to ~1e-12.
		if math.Abs(got.SumScore-sumScore) > 1e-9*sumScore {
			t.Errorf("sum(score) = %v, want %v", got.SumScore, sumScore)
		}
		if got.DistinctHandles != len(handles) {
			t.Errorf("count(DISTINCT handle) = %d, want %d", got.DistinctHandles, len(handles))
		}
	})
}

// pythonOutput runs py -c script args… and returns its standard output, or its
// combined output with the error.
func pythonOutput(py, script string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{"-c", script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return append(out, stderr.String()...), err
	}
	return out, nil
}

// skipOrFail skips the test, or fails it when CI=true, where the second reader is
// required.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+"\n(CI=true: the second reader is required; install it as secondreader_test.go says)", args...)
	}
	t.Skipf(format, args...)
}

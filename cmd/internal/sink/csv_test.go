package sink

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	tbl := &Table{Columns: []Column{
		{Name: "handle", Type: String, Strings: []string{
			`=HYPERLINK("http://x")`, "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd",
			"plain", "com,ma", `quo"te`, "new\nline", "", "null", "a=b", " =sp",
		}, Valid: []bool{true, true, true, true, true, true, true, true, true, true, true, false, true, true}},
		{Name: "score", Type: Float64, Floats: []float64{
			-1, -0.5, 0.1, 1e21, 1e-7, math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(0, -1), 123456789.125,
			2.5, 0, 1.0 / 3, -2,
		}, Valid: []bool{true, true, true, true, true, true, true, true, true, true, true, false, true, true}},
		{Name: "followers", Type: Int64, Ints: []int64{-7, 0, math.MaxInt64, math.MinInt64, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{Name: "missing", Type: Float64, Null: true},
	}}
	// Expected text written by hand from RFC 4180 (encoding/csv also quotes a field
	// with a leading space), OWASP's CSV injection rule (strings only) and strconv's
	// shortest round-trip 'g' format (exponent from 1e6 on, or below 1e-4).
	want := `handle,score,followers,missing
"'=HYPERLINK(""http://x"")",-1,-7,
'+1,-0.5,0,
'-1,0.1,9223372036854775807,
'@SUM(A1),1e+21,-9223372036854775808,
'	cmd,1e-07,1,
"'` + "\r" + `cmd",+Inf,2,
plain,-Inf,3,
"com,ma",NaN,4,
"quo""te",-0,5,
"new
line",1.23456789125e+08,6,
,2.5,7,
,,8,
a=b,0.3333333333333333,9,
" =sp",-2,10,
`
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// The output parses back, with every row of the table.
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+tbl.Rows() {
		t.Errorf("parsed %d records, want %d", len(recs), 1+tbl.Rows())
	}
	if recs[10][0] != "new\nline" || recs[9][0] != `quo"te` {
		t.Errorf("quoting did not round-trip: %q %q", recs[10][0], recs[9][0])
	}
}

func TestWriteCSVOneColumnNulls(t *testing.T) {
	// A lone empty field would be a blank line, which CSV readers skip.
	tbl := &Table{Columns: []Column{{Name: "-x", Type: String, Strings: []string{"a", "", "b"}, Valid: []bool{true, false, true}}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	if want := "'-x\na\n\"\"\nb\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Errorf("parsed %d records (%v), want 4", len(recs), err)
	}
}

func TestWriteCSVInvalid(t *testing.T) {
	tbl := &Table{Columns: []Column{{Name: "a", Type: Int64, Ints: []int64{1}}, {Name: "a", Type: Int64, Ints: []int64{1}}}}
	var buf bytes.Buffer
	err := WriteCSV(&buf, tbl)
	if err == nil || err.Error() != `sink: csv: duplicate column name "a"` || buf.Len() != 0 {
		t.Errorf("got %v and %d bytes", err, buf.Len())
	}
}

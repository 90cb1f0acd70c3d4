package sink

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes t to w as CSV (RFC 4180, by encoding/csv: comma-separated, fields
// with commas, quotes or line breaks quoted, "\n" line ends): a header row of column
// names, then one record per row. Integers are written in decimal, floats in the
// shortest form that reads back to the same float64 (strconv 'g', -1: "0.25",
// "1.5e+06", "1e-07", "NaN", "+Inf"; the exponent form from 1e6 up and below 1e-4),
// and null cells as empty fields, so a null and an empty string look alike.
//
// Text cells, the column names and String values, are neutralised against formula
// injection as OWASP's "CSV Injection" page advises: a cell that starts with '=', '+',
// '-', '@', a tab or a carriage return gets a leading single quote ('), so that a
// spreadsheet shows `'=HYPERLINK(…)` as text instead of running it. A string "-1"
// thus comes out as "'-1"; numeric columns are never altered, so a negative score
// stays a number. Feed the output to a program, not a spreadsheet, and it must strip
// that quote itself; Parquet is the lossless format.
//
// An invalid table is an error, and nothing is written.
func WriteCSV(w io.Writer, t *Table) error {
	if err := t.validate(); err != nil {
		return fmt.Errorf("sink: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	rec := make([]string, len(t.Columns))
	for i := range t.Columns {
		rec[i] = neutralise(t.Columns[i].Name)
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("sink: csv: %w", err)
	}
	var buf []byte // scratch for number formatting
	rows := t.Rows()
	for r := range rows {
		for i := range t.Columns {
			c := &t.Columns[i]
			if c.IsNull(r) {
				rec[i] = ""
				continue
			}
			switch c.Type {
			case String:
				rec[i] = neutralise(c.StringAt(r))
			case Int64:
				buf = strconv.AppendInt(buf[:0], c.Ints[r], 10)
				rec[i] = string(buf)
			case Float64:
				buf = strconv.AppendFloat(buf[:0], c.Floats[r], 'g', -1, 64)
				rec[i] = string(buf)
			}
		}
		if len(rec) == 1 && rec[0] == "" {
			// encoding/csv would write a blank line, which CSV readers skip; write
			// the empty field quoted instead, so the row survives.
			cw.Flush()
			if err := cw.Error(); err != nil {
				return fmt.Errorf("sink: csv: %w", err)
			}
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return fmt.Errorf("sink: csv: %w", err)
			}
			continue
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("sink: csv: row %d: %w", r, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sink: csv: %w", err)
	}
	return nil
}

// neutralise prefixes s with a single quote if a spreadsheet would take it for a
// formula (see WriteCSV).
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

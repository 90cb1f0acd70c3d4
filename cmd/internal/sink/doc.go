// Package sink writes Clout's result tables to disk: Parquet for machines, CSV for
// people and spreadsheets, JSON for run reports, each file replaced atomically.
//
// The data flow is
//
//	rank/… → Table (named, typed, nullable columns) → WriteParquet / WriteCSV
//	                                               → ReadParquet (clout top, tests)
//
// A Table is a plain column store with three value types (String, Int64, Float64);
// it knows nothing of Arrow, so callers never import arrow-go. WriteParquet follows
// the pqarrow recipe (schema → writer properties → pqarrow.NewFileWriter → record
// builders → record batches → Close) and ReadParquet streams record batches back into a
// Table, so any file this package writes, and most flat files other tools write, can
// be read back.
//
// Every file is written through WriteFileAtomic: a temporary file in the target folder
// is written, fsynced, closed and renamed over the final name, and the folder is then
// fsynced (the restic recipe). A reader therefore sees the old file or the new one,
// never a torn one, and a failed write leaves the old file untouched.
package sink

package rank

// Catalogue returns every signal Clout computes, in output column order, with the
// weights the scorer uses and no values: what a reader of a scores table needs to
// tell which sub-scores a column feeds and how much (`clout explain`, `clout diff`).
func Catalogue() []Signal {
	specs := catalogue()
	out := make([]Signal, len(specs))
	for i := range specs {
		out[i] = specs[i].Signal
	}
	return out
}

package graph

// Progress receives coarse progress reports from long-running steps. Implementations
// must be cheap; callers report in batches, never per edge. The zero-cost default is
// NoProgress. Only package cmd knows how to draw a progress bar.
type Progress interface {
	// SetTotal announces the amount of work of the current step (bytes, edges, …);
	// a negative total means unknown.
	SetTotal(total int64)
	// Add reports n more units done.
	Add(n int64)
}

// NoProgress is a Progress that does nothing.
var NoProgress Progress = noProgress{}

type noProgress struct{}

func (noProgress) SetTotal(int64) {}
func (noProgress) Add(int64)      {}

// OrNone returns p, or NoProgress when p is nil.
func OrNone(p Progress) Progress {
	if p == nil {
		return NoProgress
	}
	return p
}

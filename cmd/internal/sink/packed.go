package sink

import (
	"fmt"
	"math"
)

// Packed holds the values of a String column as one byte slice, the layout of an
// Arrow string array: value i is Bytes[Ends[i-1]:Ends[i]], from 0 for i = 0. A
// producer of many short strings (ids formatted from numbers) appends them without
// allocating a string each, and the Parquet writers copy them into Arrow in bulk
// instead of value by value. Ends are int32, as Arrow's offsets: a column holds
// less than 2 GiB of text.
type Packed struct {
	Bytes []byte
	Ends  []int32
}

// Append appends s as the next value.
func (p *Packed) Append(s string) {
	p.Bytes = append(p.Bytes, s...)
	p.End()
}

// End ends the next value at the end of Bytes: a producer appends a value's bytes
// to Bytes itself (strconv.AppendUint, say), then calls End. It panics past 2 GiB.
func (p *Packed) End() {
	if len(p.Bytes) > math.MaxInt32 {
		panic("sink: more than 2 GiB of text in a packed column")
	}
	p.Ends = append(p.Ends, int32(len(p.Bytes)))
}

// Len returns the number of values.
func (p *Packed) Len() int { return len(p.Ends) }

// At returns value i.
func (p *Packed) At(i int) string {
	return string(p.Bytes[p.start(i):p.Ends[i]])
}

// Reset empties p, keeping its capacity.
func (p *Packed) Reset() { p.Bytes, p.Ends = p.Bytes[:0], p.Ends[:0] }

// start returns the offset in Bytes of value i.
func (p *Packed) start(i int) int32 {
	if i == 0 {
		return 0
	}
	return p.Ends[i-1]
}

// check checks that the ends rise from 0 to len(Bytes).
func (p *Packed) check() error {
	prev := int32(0)
	for i, e := range p.Ends {
		if e < prev {
			return fmt.Errorf("packed value %d ends at %d, before its start %d", i, e, prev)
		}
		prev = e
	}
	if int(prev) != len(p.Bytes) {
		return fmt.Errorf("packed values end at %d, not at the end of their %d bytes", prev, len(p.Bytes))
	}
	return nil
}

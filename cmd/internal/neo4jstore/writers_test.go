package neo4jstore

import (
	"fmt"
	"testing"
)

// TestRounds checks the schedule of the two writers: each of the 16 blocks comes
// once, and the two blocks of a round have no part in common, so that their
// transactions never lock the same node.
func TestRounds(t *testing.T) {
	var seen [parts][parts]int
	for i, r := range rounds {
		var used [parts]int
		for _, b := range r {
			seen[b[0]][b[1]]++
			used[b[0]]++
			if b[1] != b[0] {
				used[b[1]]++
			}
		}
		for pt, n := range used {
			if n > 1 {
				t.Errorf("round %d %v: both blocks touch part %d", i, r, pt)
			}
		}
	}
	for a := range parts {
		for b := range parts {
			if seen[a][b] != 1 {
				t.Errorf("block (%d, %d) comes %d times", a, b, seen[a][b])
			}
		}
	}
}

// TestBlocks checks that blocks puts every edge once, in the block of the parts of
// its actor and target.
func TestBlocks(t *testing.T) {
	d := smallDataset("p")
	p, err := prepare(d)
	if err != nil {
		t.Fatal(err)
	}
	ids := nodeIDs{"p": {}}
	for i, id := range p.id.Strings {
		ids["p"][id] = fmt.Sprintf("4:db:%d", i)
	}
	for _, g := range p.groups {
		bl := blocks(p, ids, g)
		n := 0
		for a := range parts {
			for b := range parts {
				for _, i := range bl[a][b] {
					n++
					ea, _ := ids.get("p", p.actor.Strings[i])
					eb, _ := ids.get("p", p.target.Strings[i])
					if part(ea) != uint8(a) || part(eb) != uint8(b) {
						t.Errorf("%v row %d in block (%d, %d), want (%d, %d)", g.kind, i, a, b, part(ea), part(eb))
					}
				}
			}
		}
		if n != len(g.rows) {
			t.Errorf("%v: %d rows in the blocks, want %d", g.kind, n, len(g.rows))
		}
	}
}

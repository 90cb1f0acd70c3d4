package ingest_test

import (
	"fmt"
	"strings"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

func ExampleReadEdgeList() {
	// Who retweeted whom, and how often: SNAP's "actor target weight" lines.
	const data = `# retweet network
alice bob 3
carol bob
bob alice 2.0
`
	s := ingest.NewSink()
	rep, err := ingest.ReadEdgeList("retweets.txt", strings.NewReader(data), graph.Retweets, s, ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.String())
	for u := range s.IDs.Len() {
		fmt.Println(u, s.IDs.ID(uint32(u)))
	}

	// A bad weight is reported with its position.
	_, err = ingest.ReadEdgeList("bad.txt", strings.NewReader("alice bob 1.5\n"), graph.Retweets, ingest.NewSink(), ingest.Options{})
	fmt.Println(err)
	// Output:
	// retweets.txt (edgelist): 3 records, retweets 6
	// 0 alice
	// 1 bob
	// 2 carol
	// bad.txt:1:11: expected an integer weight (an event count), got "1.5"
}

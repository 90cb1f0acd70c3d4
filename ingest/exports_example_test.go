package ingest_test

import (
	"fmt"
	"strings"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

// A twarc2 page: user 1 (@ann) retweets tweet 20 of user 2 (@bo), whose author the
// page's includes name; a second line is not JSON, and is skipped and counted.
func ExampleReadTwitterV2() {
	in := `{"data": [{"id": "30", "author_id": "1", "text": "RT @bo: hi", "referenced_tweets": [{"type": "retweeted", "id": "20"}]}],` +
		` "includes": {"users": [{"id": "1", "username": "ann"}, {"id": "2", "username": "bo", "public_metrics": {"followers_count": 12}}],` +
		` "tweets": [{"id": "20", "author_id": "2", "text": "hi"}]}}` + "\n" +
		`{"data": [` + "\n"
	s := ingest.NewSink()
	rep, err := ingest.ReadTwitterV2("page.jsonl", strings.NewReader(in), s, ingest.Options{OnBadLine: ingest.Skip})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Records, "record,", rep.Events[graph.Retweets], "retweet,", rep.Skipped, "skipped:", rep.FirstBad[0])
	for u := range uint32(s.IDs.Len()) {
		m, _ := s.Profiles.Metrics(u)
		fmt.Printf("%s %s @%s, %d followers\n", s.IDs.PlatformOf(u), s.IDs.ID(u), s.IDs.Handle(u), m.Followers)
	}
	// Output:
	// 1 record, 1 retweet, 1 skipped: page.jsonl: record 2 (byte offset 322): data[0]: unexpected end of the record: expected an object
	// twitter 1 @ann, 0 followers
	// twitter 2 @bo, 12 followers
}

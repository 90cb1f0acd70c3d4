package ingest

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"github.com/clout-dev/clout/graph"
)

// ReadTwitterV2 reads Twitter/X API v2 responses as twarc2 writes them, one JSON
// value per line: response pages ({"data", "includes", "meta", "errors",
// "__twarc"}), flattened tweets (twarc2 flatten: one tweet per line with its author
// and referenced tweets inline), and flattened users. Ids are Twitter's user ids, on
// the platform "twitter"; usernames become handles.
//
// Each tweet of "data" (never of "includes", which only give context) is a post of
// its author_id at its created_at, and:
//
//   - referenced_tweets of type retweeted → RETWEETED the referenced tweet's author
//     (the retweeted-posts signal learns the tweet); quoted → RETWEETED as well (a
//     quote is a repost with a comment); replied_to → REPLIED_TO in_reply_to_user_id,
//     or the replied tweet's author;
//   - entities.mentions → MENTIONED each user, by id or, in older captures, by
//     username through includes.users; a retweet's mentions are the original's
//     ("RT @author: …") and are not the retweeter's.
//
// A referenced tweet's author comes from includes.tweets (the expansion
// referenced_tweets.id.author_id), the flattened tweet, or, failing those, any other
// input: the reaction waits for Sink.Finish (Report.Deferred).
//
// The endpoint, from __twarc.url, says what a page of users or tweets means:
// /2/users/:id/followers and /following give FOLLOWS edges; /2/tweets/:id/liking_users
// LIKED and /retweeted_by RETWEETED edges to the tweet's author (found by
// Sink.Finish); /2/users/:id/liked_tweets LIKED edges from :id; /2/users/:id/tweets
// names the author of tweets fetched without author_id; /2/lists/:id/members and
// /2/users/:id/list_memberships list memberships. Users' public_metrics go to
// s.Profiles, the latest snapshot (by __twarc.retrieved_at) winning: they stand in
// for the follows layer when no input has one. Tweets' public_metrics are never read:
// a retweet carries the original's counts, and Clout counts reactions it sees.
//
// A tweet or a reaction read before, in this input or another, counts once
// (Report.Duplicates). Follower lists have no times; tweets outside the window are
// counted in Report.OutOfWindow. A line that is not JSON, or whose fields do not have
// the types of the API, is a bad record, named by its line number, byte offset and
// field path (data[3].referenced_tweets[0].type).
func ReadTwitterV2(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatTwitterV2}
	if err := s.check(); err != nil {
		return rep, err
	}
	rd := &v2Reader{feeder: newFeeder(name, PlatformTwitter, s, &o, &rep)}
	rd.declarePosts(true)
	d := newJSONDriver(name, r, &rep, &o)
	err = d.lines(rd)
	return rep, err
}

// v2User is a user object: an element of data or includes.users, or one inlined by
// twarc2 flatten.
type v2User struct {
	id, username []byte
	metrics      PublicMetrics
	hasMetrics   bool
	data         bool // an element of data: what the response is about
}

// v2Ref is an element of referenced_tweets.
type v2Ref struct {
	kind   graph.Kind // Retweets or Replies
	rt     bool       // type retweeted (a quote is a Retweets ref with rt unset)
	id     []byte
	author []byte // from a flattened tweet
}

type v2Mention struct{ id, username []byte }

// v2Tweet is a tweet object of data or includes.tweets, or a flattened tweet.
type v2Tweet struct {
	id, author, replyTo []byte
	t                   int64
	refs                []v2Ref
	mentions            []v2Mention
	text, edits         bool
	data                bool
}

func (t *v2Tweet) reset() {
	*t = v2Tweet{refs: t.refs[:0], mentions: t.mentions[:0], t: graph.NoTime}
}

func (t *v2Tweet) isTweet() bool { return t.text || t.edits || t.author != nil || len(t.refs) > 0 }

// v2 endpoints that change what a page means.
const (
	epNone = iota
	epFollowers
	epFollowing
	epLikingUsers
	epRetweetedBy
	epQuoteTweets
	epUserTweets
	epLikedTweets
	epListMembers
	epListMemberships
)

type v2Reader struct {
	*feeder

	tweets []v2Tweet // data and includes.tweets, in order
	flat   v2Tweet   // the record itself, when it is a flattened tweet
	isFlat bool
	users  []v2User // data, includes.users and inlined users
	lists  [][]byte // ids of list objects in data
	url    []byte
	asOf   int64

	byID   map[uint64][]byte // PostKey of a tweet id → author id, for this record
	byName map[uint64][]byte // folded username → user id, for this record
	seenM  map[string]bool
}

// endpoint returns what the page's URL says: an endpoint and its :id.
func (rd *v2Reader) endpoint() (int, []byte) {
	if rd.url == nil {
		return epNone, nil
	}
	u, err := url.Parse(string(rd.url))
	if err != nil {
		return epNone, nil
	}
	path := strings.Trim(u.Path, "/")
	parts := strings.Split(path, "/")
	if len(parts) < 4 || parts[0] != "2" || parts[2] == "" {
		return epNone, nil
	}
	id := []byte(parts[2])
	switch parts[1] + "/" + parts[3] {
	case "users/followers":
		return epFollowers, id
	case "users/following":
		return epFollowing, id
	case "tweets/liking_users":
		return epLikingUsers, id
	case "tweets/retweeted_by":
		return epRetweetedBy, id
	case "tweets/quote_tweets":
		return epQuoteTweets, id
	case "users/tweets":
		return epUserTweets, id
	case "users/liked_tweets":
		return epLikedTweets, id
	case "lists/members":
		return epListMembers, id
	case "users/list_memberships":
		return epListMemberships, id
	}
	return epNone, nil
}

// fed sums the counters that show a record was used.
func (r *Report) fed() int64 {
	return r.TotalEvents() + r.Posts + r.Duplicates + r.Deferred + r.Unresolved + r.OutOfWindow
}

func (rd *v2Reader) apply() error {
	before, users := rd.rep.fed(), rd.s.IDs.Len()
	err := rd.applyRecord()
	if err == nil && rd.rep.fed() == before && rd.s.IDs.Len() == users && !rd.dataUsers() {
		rd.rep.Ignored++ // counts, compliance results, lists followed, …
	}
	return err
}

func (rd *v2Reader) dataUsers() bool {
	for _, u := range rd.users {
		if u.data {
			return true
		}
	}
	return false
}

func (rd *v2Reader) applyRecord() error {
	if rd.isFlat {
		rd.tweets = append(rd.tweets, v2Tweet{})
		rd.tweets[len(rd.tweets)-1], rd.flat = rd.flat, rd.tweets[len(rd.tweets)-1]
	}
	if rd.byID == nil {
		rd.byID = make(map[uint64][]byte)
		rd.byName = make(map[uint64][]byte)
	}
	clear(rd.byID)
	clear(rd.byName)
	for i := range rd.tweets {
		t := &rd.tweets[i]
		if t.author != nil {
			rd.byID[PostKey(t.id)] = t.author
		}
		for _, r := range t.refs {
			if r.author != nil {
				rd.byID[PostKey(r.id)] = r.author
			}
		}
	}
	for _, u := range rd.users {
		if u.username != nil {
			rd.byName[foldKey(u.username)] = u.id
		}
	}
	ep, epID := rd.endpoint()
	for i := range rd.tweets {
		t := &rd.tweets[i]
		if !t.data {
			continue
		}
		var err error
		if ep == epLikedTweets {
			err = rd.liked(epID, t)
		} else {
			err = rd.tweet(t, ep, epID)
		}
		if err != nil {
			return err
		}
	}
	for i := range rd.users {
		if rd.users[i].data {
			if err := rd.dataUser(&rd.users[i], ep, epID); err != nil {
				return err
			}
		}
	}
	if ep == epListMemberships && len(rd.lists) > 0 && rd.s.Lists != nil {
		u, err := rd.user(epID)
		if err != nil {
			return err
		}
		for _, l := range rd.lists {
			rd.s.Lists.Add(u, PostKey(l))
		}
	}
	// Handles and metrics of the users known; authors of the tweets seen.
	for _, u := range rd.users {
		d, ok := rd.s.IDs.Lookup(rd.plat, u.id)
		if !ok {
			continue
		}
		if u.username != nil {
			setHandle(rd.s.IDs, d, u.username)
		}
		if u.hasMetrics && rd.s.Profiles != nil {
			rd.s.Profiles.Set(d, u.metrics, rd.asOf)
		}
	}
	for post, author := range rd.byID {
		if a, ok := canonicalUint(author); ok && rd.s.later.seen.add(authorshipKey(rd.plat, post)) {
			rd.s.knowAuthor(rd.plat, post, a)
		}
	}
	if rd.isFlat { // give the flat slot its arrays back
		n := len(rd.tweets) - 1
		rd.tweets[n], rd.flat = rd.flat, rd.tweets[n]
		rd.tweets = rd.tweets[:n]
	}
	return nil
}

// authorOf returns the author of the tweet with id, if the record names it.
func (rd *v2Reader) authorOf(id []byte) []byte { return rd.byID[PostKey(id)] }

// tweet feeds a data tweet.
func (rd *v2Reader) tweet(t *v2Tweet, ep int, epID []byte) error {
	author := t.author
	if author == nil && ep == epUserTweets {
		author = epID
	}
	if author == nil {
		rd.rep.Unresolved++ // fetched without author_id: nobody to credit
		return nil
	}
	post, ok := rd.newPost(t.id, t.t)
	if !ok {
		return nil
	}
	a, err := rd.user(author)
	if err != nil {
		return err
	}
	rd.authored(a, post)
	if ep == epQuoteTweets && !hasQuote(t) {
		t.refs = append(t.refs, v2Ref{kind: graph.Retweets, id: epID})
	}
	rt := false
	for _, r := range t.refs {
		rt = rt || r.rt
		target := r.author
		if r.kind == graph.Replies && t.replyTo != nil {
			target = t.replyTo
		}
		if target == nil {
			target = rd.authorOf(r.id)
		}
		postRT := PostKey(r.id)
		if r.rt && rd.s.seenReaction(rd.plat, a, graph.Retweets, postRT) {
			rd.rep.Duplicates++
			continue
		}
		if target == nil {
			if err := rd.deferRef(a, r.kind, r.id, t.t, r.kind == graph.Retweets); err != nil {
				return err
			}
			continue
		}
		b, err := rd.user(target)
		if err != nil {
			return err
		}
		if err := rd.edge(r.kind, a, b, t.t); err != nil {
			return err
		}
		if r.kind == graph.Retweets {
			rd.retweeted(b, postRT)
		}
	}
	if rt {
		return nil // the mentions are the original tweet's
	}
	if rd.seenM == nil {
		rd.seenM = make(map[string]bool)
	}
	clear(rd.seenM)
	for _, m := range t.mentions {
		id := m.id
		if id == nil {
			id = rd.byName[foldKey(m.username)]
		}
		if id == nil {
			rd.rep.Unresolved++
			continue
		}
		if rd.seenM[string(id)] {
			continue
		}
		rd.seenM[string(id)] = true
		b, err := rd.user(id)
		if err != nil {
			return err
		}
		if err := rd.edge(graph.Mentions, a, b, t.t); err != nil {
			return err
		}
	}
	return nil
}

func hasQuote(t *v2Tweet) bool {
	for _, r := range t.refs {
		if r.kind == graph.Retweets && !r.rt {
			return true
		}
	}
	return false
}

// deferRef queues a reaction of a to the tweet with id, whose author is unknown.
func (rd *v2Reader) deferRef(a uint32, k graph.Kind, id []byte, t int64, rt bool) error {
	if _, ok := canonicalUint(id); !ok {
		rd.rep.Unresolved++
		return nil
	}
	if err := rd.claimOnly(k); err != nil {
		return err
	}
	rd.rep.Deferred++
	rd.s.deferRef(postRef{post: PostKey(id), t: t, actor: a, plat: rd.plat, k: k, retweet: rt})
	return nil
}

// liked feeds a tweet of /2/users/:id/liked_tweets: :id liked it.
func (rd *v2Reader) liked(liker []byte, t *v2Tweet) error {
	a, err := rd.user(liker)
	if err != nil {
		return err
	}
	post := PostKey(t.id)
	if rd.s.seenReaction(rd.plat, a, graph.Likes, post) {
		rd.rep.Duplicates++
		return nil
	}
	if t.author == nil {
		return rd.deferRef(a, graph.Likes, t.id, graph.NoTime, false)
	}
	b, err := rd.user(t.author)
	if err != nil {
		return err
	}
	return rd.edge(graph.Likes, a, b, graph.NoTime)
}

// dataUser feeds a user of data, by what the endpoint says of it.
func (rd *v2Reader) dataUser(u *v2User, ep int, epID []byte) error {
	a, err := rd.user(u.id)
	if err != nil {
		return err
	}
	switch ep {
	case epFollowers, epFollowing:
		b, err := rd.user(epID)
		if err != nil {
			return err
		}
		if ep == epFollowing {
			a, b = b, a
		}
		return rd.edge(graph.Follows, a, b, graph.NoTime)
	case epLikingUsers, epRetweetedBy:
		k := graph.Likes
		if ep == epRetweetedBy {
			k = graph.Retweets
		}
		if rd.s.seenReaction(rd.plat, a, k, PostKey(epID)) {
			rd.rep.Duplicates++
			return nil
		}
		return rd.deferRef(a, k, epID, graph.NoTime, k == graph.Retweets)
	case epListMembers:
		if rd.s.Lists != nil {
			rd.s.Lists.Add(a, PostKey(epID))
		}
	}
	return nil
}

// isTwitterV2 reports whether a first record looks like an API v2 response or a
// flattened tweet or user: it has one of their distinctive top-level keys.
func isTwitterV2(keys [][]byte) bool {
	for _, k := range keys {
		switch string(k) {
		case "data", "includes", "__twarc", "author_id", "referenced_tweets", "edit_history_tweet_ids", "conversation_id", "matching_rules":
			return true
		}
	}
	return bytes.Equal(firstKey(keys), []byte("id")) && hasKey(keys, "username") && hasKey(keys, "public_metrics")
}

func firstKey(keys [][]byte) []byte {
	if len(keys) == 0 {
		return nil
	}
	return keys[0]
}

func hasKey(keys [][]byte, k string) bool {
	for _, x := range keys {
		if string(x) == k {
			return true
		}
	}
	return false
}

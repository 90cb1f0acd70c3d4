package ingest

import "github.com/clout-dev/clout/graph"

// The parsing half of ReadTwitterV2: reading a record into v2Reader's tweets,
// users and lists, checking every field it reads.

func (rd *v2Reader) newTweet() *v2Tweet {
	if len(rd.tweets) < cap(rd.tweets) {
		rd.tweets = rd.tweets[:len(rd.tweets)+1]
	} else {
		rd.tweets = append(rd.tweets, v2Tweet{})
	}
	t := &rd.tweets[len(rd.tweets)-1]
	t.reset()
	return t
}

func (rd *v2Reader) parse(p *jsonParser) {
	rd.tweets, rd.users, rd.lists = rd.tweets[:0], rd.users[:0], rd.lists[:0]
	rd.url, rd.asOf, rd.isFlat = nil, 0, false
	rd.flat.reset()
	if _, ok := p.object(); !ok {
		return
	}
	var fu v2User
	page := false
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "data":
			page = true
			rd.parseData(p)
		case "includes":
			page = true
			rd.parseIncludes(p)
		case "__twarc":
			rd.parseTwarc(p)
		case "meta", "errors", "matching_rules":
			page = true
			p.skip()
		default:
			// Until the record shows it is a page, it may be a flattened tweet or user.
			rd.member(p, k, &rd.flat, &fu)
		}
	}
	if p.err != nil || page {
		return
	}
	switch {
	case rd.flat.isTweet():
		if rd.flat.id == nil {
			p.shapeAt(0, "a tweet without an id")
			return
		}
		rd.flat.data, rd.isFlat = true, true
	case fu.username != nil && fu.id != nil:
		fu.data = true
		rd.users = append(rd.users, fu)
	}
}

// member reads one member of a tweet or user object.
func (rd *v2Reader) member(p *jsonParser, k []byte, t *v2Tweet, u *v2User) {
	switch string(k) {
	case "id":
		t.id = p.id()
		u.id = t.id
	case "author_id":
		t.author = p.id()
	case "in_reply_to_user_id":
		t.replyTo = p.id()
	case "created_at":
		if ts, ok := p.isoTime(); ok {
			t.t = ts
		}
	case "text":
		t.text = true
		p.skip()
	case "edit_history_tweet_ids":
		t.edits = true
		p.skip()
	case "referenced_tweets":
		rd.parseRefs(p, t)
	case "entities":
		p.only("mentions", func() { rd.parseMentions(p, t) })
	case "username":
		u.username = p.str()
	case "public_metrics":
		rd.parseMetrics(p, u)
	case "author", "in_reply_to_user":
		rd.parseUser(p, false)
	default:
		p.skip()
	}
}

// parseMetrics reads public_metrics: a user's counts, or a tweet's (ignored).
func (rd *v2Reader) parseMetrics(p *jsonParser, u *v2User) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		var dst *int64
		switch string(k) {
		case "followers_count":
			dst = &u.metrics.Followers
		case "following_count":
			dst = &u.metrics.Following
		case "listed_count":
			dst = &u.metrics.Listed
		case "tweet_count":
			dst = &u.metrics.Posts
		default:
			p.skip()
			continue
		}
		if v, ok := p.int(); ok {
			*dst = v
			u.hasMetrics = true
		}
	}
}

// parseUser reads a user object into rd.users.
func (rd *v2Reader) parseUser(p *jsonParser, data bool) {
	p.ws()
	i := p.i
	if !p.obj() {
		return
	}
	var u v2User
	var t v2Tweet
	t.reset()
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "id", "username", "public_metrics":
			rd.member(p, k, &t, &u)
		default:
			p.skip()
		}
	}
	if p.err != nil {
		return
	}
	if u.id == nil {
		p.shapeAt(i, "a user without an id")
		return
	}
	u.data = data
	rd.users = append(rd.users, u)
}

// readObject reads the members of an object entered, a tweet or a user, into a
// new tweet n and u; name reports a member "name" (of a list object).
func (rd *v2Reader) readObject(p *jsonParser, u *v2User) (n int, name bool) {
	n = len(rd.tweets)
	rd.newTweet()
	for k, ok := p.next(); ok; k, ok = p.next() {
		if string(k) == "name" {
			name = true
		}
		rd.member(p, k, &rd.tweets[n], u)
	}
	return n, name
}

// parseDataElem reads an element of data, entered, at offset i: a tweet, a user, a
// list, or something else.
func (rd *v2Reader) parseDataElem(p *jsonParser, i int) {
	var u v2User
	n, name := rd.readObject(p, &u)
	t := &rd.tweets[n]
	if p.err != nil {
		return
	}
	switch {
	case t.isTweet():
		if t.id == nil {
			p.shapeAt(i, "a tweet without an id")
			return
		}
		t.data = true
		return
	case u.username != nil:
		if u.id == nil {
			p.shapeAt(i, "a user without an id")
			return
		}
		u.data = true
		rd.users = append(rd.users, u)
	case name && u.id != nil:
		rd.lists = append(rd.lists, u.id) // a list object
	}
	rd.tweets = rd.tweets[:n] // not a tweet: give the slot back
}

func (rd *v2Reader) parseData(p *jsonParser) {
	elem := func(at int) { rd.parseDataElem(p, at) }
	if p.ws() == '{' { // a lookup of one tweet or user, a stream
		if at, ok := p.object(); ok {
			elem(at)
		}
		return
	}
	p.objects(elem) // an array; null, or a shape error
}

func (rd *v2Reader) parseIncludes(p *jsonParser) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "users":
			if p.arr() {
				for p.elem() {
					rd.parseUser(p, false)
				}
			}
		case "tweets":
			p.objects(func(at int) {
				var u v2User
				n, _ := rd.readObject(p, &u)
				if p.err == nil && rd.tweets[n].id == nil {
					p.shapeAt(at, "a tweet without an id")
				}
			})
		default:
			p.skip()
		}
	}
}

func (rd *v2Reader) parseTwarc(p *jsonParser) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "url":
			rd.url = p.str()
		case "retrieved_at":
			if t, ok := p.isoTime(); ok {
				rd.asOf = t
			}
		default:
			p.skip()
		}
	}
}

func (rd *v2Reader) parseRefs(p *jsonParser, t *v2Tweet) {
	p.objects(func(at int) {
		var r v2Ref
		typed := false
		for k, ok := p.next(); ok; k, ok = p.next() {
			switch string(k) {
			case "type":
				p.ws()
				i := p.i
				typ := p.str()
				typed = true
				switch string(typ) {
				case "retweeted":
					r.kind, r.rt = graph.Retweets, true
				case "quoted":
					r.kind = graph.Retweets
				case "replied_to":
					r.kind = graph.Replies
				default:
					if p.err == nil {
						p.shapeAt(i, "expected retweeted, quoted or replied_to, got %s", p.describe(i))
					}
				}
			case "id":
				r.id = p.id()
			case "author_id":
				r.author = p.id()
			case "author":
				rd.parseUser(p, false)
			default:
				p.skip()
			}
		}
		if p.err != nil {
			return
		}
		if !typed || r.id == nil {
			p.shapeAt(at, "a referenced tweet needs a type and an id")
			return
		}
		t.refs = append(t.refs, r)
	})
}

func (rd *v2Reader) parseMentions(p *jsonParser, t *v2Tweet) {
	p.objects(func(at int) {
		var m v2Mention
		var u v2User
		for k, ok := p.next(); ok; k, ok = p.next() {
			switch string(k) {
			case "id":
				m.id = p.id()
			case "username":
				m.username = p.str()
			case "public_metrics": // inlined by twarc2 flatten
				rd.parseMetrics(p, &u)
			default:
				p.skip()
			}
		}
		if p.err != nil {
			return
		}
		if m.id == nil && m.username == nil {
			p.shapeAt(at, "a mention needs an id or a username")
			return
		}
		t.mentions = append(t.mentions, m)
		if m.id != nil && m.username != nil {
			u.id, u.username = m.id, m.username
			rd.users = append(rd.users, u)
		}
	})
}

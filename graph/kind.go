package graph

import (
	"fmt"
	"strings"
)

// Kind names an interaction layer. Every edge points from the actor to the target:
// "A follows B", "A retweeted B"; credit flows along the edge to the target.
type Kind uint8

// The layers Clout knows. The order is the order of columns, flags and outputs.
const (
	Follows  Kind = iota // A follows B
	Retweets             // A retweeted (reposted, boosted) a post of B
	Mentions             // A mentioned B
	Replies              // A replied to B
	Likes                // A liked a post of B
	NumKinds             // number of layers; not a layer
)

var kindNames = [NumKinds]string{"follows", "retweets", "mentions", "replies", "likes"}

// String returns the layer's lower-case plural name ("follows", "retweets", …).
func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Interaction reports whether k is a reaction to a post (everything but follows).
func (k Kind) Interaction() bool { return k != Follows && k < NumKinds }

// ParseKind returns the layer named s. It accepts the plural names and common
// singular and verb forms ("follow", "retweet", "rt", "mention", "mt", "reply", "re",
// "like", "repost", "boost", "favorite"), case-insensitively.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "follows", "follow", "followed", "following":
		return Follows, nil
	case "retweets", "retweet", "retweeted", "rt", "repost", "reposts", "boost", "boosts", "announce":
		return Retweets, nil
	case "mentions", "mention", "mentioned", "mt":
		return Mentions, nil
	case "replies", "reply", "replied", "replied_to", "re", "comment", "comments":
		return Replies, nil
	case "likes", "like", "liked", "favorite", "favourite", "fav":
		return Likes, nil
	}
	return 0, fmt.Errorf("graph: unknown layer %q (want one of follows, retweets, mentions, replies, likes)", s)
}

// Ready queries for a Clout graph in Neo4j Browser (docs/neo4j.md).
//
// Set the parameters once per Browser session, e.g. for the bundled Higgs data:
//   :param platform => 'twitter'
//   :param id => '88'
//   :param other => '14454'
// Paste one query at a time. Every query has a LIMIT: the graphs hold hundreds of
// thousands of users, and Browser draws a few hundred nodes at most.
// Relationships point from the actor to the target: (a)-[:RETWEETED]->(b) is "a
// retweeted b", and credit flows along it to b.


// 1. Top influencers: the 25 highest Clout Scores, with their sub-scores.
//    The ORDER BY is served by the index on User.clout.
MATCH (u:User)
WHERE u.clout IS NOT NULL AND u.platform = $platform
RETURN u.rank AS rank, u.id AS id, u.handle AS handle,
       round(u.clout, 1) AS clout, round(u.reach, 1) AS reach,
       round(u.amplification, 1) AS amplification, round(u.network, 1) AS network,
       u.percentile AS percentile
ORDER BY u.clout DESC
LIMIT 25;


// 2. The top influencers as a graph, so that their size stands out (with
//    docs/neo4j/style.grass): the 10 highest-ranked users and some of the people
//    who react to them. The big gold nodes are the top 1%.
MATCH (u:User)
WHERE u.rank <= 10 AND u.platform = $platform
MATCH (e:User)-[r]->(u)
RETURN u, r, e
LIMIT 300;


// 3. Who amplifies a user: the users who retweeted, mentioned, replied to or liked
//    $id, by the number of such events, with how.
MATCH (u:User {platform: $platform, id: $id})<-[r:RETWEETED|MENTIONED|REPLIED_TO|LIKED]-(a:User)
WITH a, sum(r.count) AS events, collect(type(r)) AS how, min(r.first) AS since
RETURN a.id AS id, a.handle AS handle, round(a.clout, 1) AS clout, events, how, since
ORDER BY events DESC, clout DESC
LIMIT 25;


// 4. The most influential followers of a user ($id), by Clout Score. Data sets
//    without a follow graph (SNAP Higgs activity) have no FOLLOWS: query 5 then
//    gives the most influential of the people who engage with the user.
MATCH (u:User {platform: $platform, id: $id})<-[:FOLLOWS]-(f:User)
RETURN f.id AS id, f.handle AS handle, round(f.clout, 1) AS clout, f.rank AS rank
ORDER BY f.clout DESC
LIMIT 25;


// 5. The most influential people who engage with a user ($id), in any way.
MATCH (u:User {platform: $platform, id: $id})<-[r]-(e:User)
WITH e, collect(DISTINCT type(r)) AS how
RETURN e.id AS id, e.handle AS handle, round(e.clout, 1) AS clout, e.rank AS rank, how
ORDER BY clout DESC
LIMIT 25;


// 6. An influence path between two users: the shortest chain of interactions
//    from $id to $other (each hop: the first user reacted to the next), at most
//    6 hops long. Credit flows along it towards $other.
MATCH (a:User {platform: $platform, id: $id}), (b:User {platform: $platform, id: $other})
MATCH p = shortestPath((a)-[:FOLLOWS|RETWEETED|MENTIONED|REPLIED_TO|LIKED*..6]->(b))
RETURN p
LIMIT 1;


// 7. All the shortest influence paths between two users, in either direction of
//    the relationships, at most 4 hops: who connects them.
MATCH (a:User {platform: $platform, id: $id}), (b:User {platform: $platform, id: $other})
MATCH p = allShortestPaths((a)-[:FOLLOWS|RETWEETED|MENTIONED|REPLIED_TO|LIKED*..4]-(b))
RETURN p
LIMIT 25;


// 8. Mutual engagement: pairs of users who react to each other, by the number of
//    events both ways, among the 5,000 highest-ranked users (the rank index makes
//    the start cheap; raise the bound to search further).
MATCH (a:User)
WHERE a.rank <= 5000 AND a.platform = $platform
MATCH (a)-[r1]->(b:User)-[r2]->(a)
WHERE a.rank < b.rank
WITH a, b, sum(r1.count) + sum(r2.count) AS events,
     collect(DISTINCT type(r1)) AS a_to_b, collect(DISTINCT type(r2)) AS b_to_a
RETURN a.id AS a, b.id AS b, events, a_to_b, b_to_a,
       round(a.clout, 1) AS clout_a, round(b.clout, 1) AS clout_b
ORDER BY events DESC
LIMIT 25;


// 9. Communities of mutual engagement: triangles of users each pair of which
//    engage each other both ways, among the 5,000 highest-ranked users, drawn as a
//    graph.
MATCH (a:User)
WHERE a.rank <= 5000 AND a.platform = $platform
MATCH (a)-->(b:User)-->(a), (b)-->(c:User)-->(b), (c)-->(a)-->(c)
WHERE a.rank < b.rank AND b.rank < c.rank
MATCH p = (a)-[]-(b)-[]-(c)-[]-(a)
RETURN p
LIMIT 50;


// 10. What was loaded: one CloutDataset node per platform, with the layers the data
//     carried, the signals that are null (not carried) and when it was loaded.
MATCH (d:CloutDataset)
RETURN d.platform AS platform, d.layers AS layers, d.users AS users,
       d.relationships AS relationships, d.missing AS missing_signals,
       d.loaded_at AS loaded_at, d.clout_version AS clout_version
ORDER BY platform
LIMIT 100;


// 11. Accounts that engage everybody (README, anti-gaming): the users whose
//     engager_credit is below 1 because they retweeted, mentioned, replied to or
//     liked more distinct accounts than the engager budget; each counts only
//     engager_credit as an engager of every one of them. Lowest credit first.
MATCH (u:User)
WHERE u.platform = $platform AND u.engager_credit < 1
RETURN u.id AS id, u.handle AS handle, u.engager_credit AS engager_credit,
       u.clout AS clout, u.rank AS rank
ORDER BY engager_credit, rank
LIMIT 25;

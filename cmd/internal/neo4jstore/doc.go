// Package neo4jstore loads Clout's users, relationships and scores into a Neo4j 5
// database over Bolt, reads the graph back for a recomputation, writes recomputed
// scores back onto the users, and writes the CSV files of an offline
// `neo4j-admin database import full`.
//
// The model (docs/neo4j.md) is
//
//	(:User {platform, id, clout, reach, amplification, network, rank, percentile, …signals})
//	(:User)-[:FOLLOWS|RETWEETED|MENTIONED|REPLIED_TO|LIKED {count, first, last}]->(:User)
//	(:CloutDataset {platform, platforms, layers, carried, missing, users, relationships, …})
//
// with a uniqueness constraint on (:User {platform, id}) and range indexes on
// User.clout and User.rank. Every statement is parameterised: data never becomes
// Cypher text, and relationship type names come from a fixed table (RelType).
package neo4jstore

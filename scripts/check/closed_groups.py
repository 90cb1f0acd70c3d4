#!/usr/bin/env python3
"""Counts the closed groups of the SNAP Higgs activity log independently of Clout
(pure Python, Kosaraju's algorithm instead of Clout's Tarjan), for the expected
figures of TestScoreHiggs (cmd/clout/score_test.go) and docs/EVALUATION.md.

A group is a strongly connected component of the interaction graph (actor ->
target over every event, self-loops dropped); it is closed when it has two or more
members, is smaller than the largest component, and fewer distinct accounts outside
it engage its members than it has members, or fewer (outside account, member)
pairs engage its members than (member, member) pairs do (rank/closed.go). Outside
accounts and pairs count by the outside account's engager credit, min(1, B/b) with
b the distinct accounts it engaged and B the engager budget (50, rank's default). Rank
counts b within any week; the Higgs log spans less than one, so here b counts over it all.

    python3 scripts/check/closed_groups.py [datasets/higgs/higgs-activity_time.txt.gz] [budget]
"""
import gzip
import sys
from collections import defaultdict


def main(path, budget):
    adj = defaultdict(set)
    nodes = set()
    with gzip.open(path, "rt") as f:
        for line in f:
            a, b, _t, _kind = line.split()
            nodes.add(a)
            nodes.add(b)
            if a != b:
                adj[a].add(b)
    # Kosaraju: finishing order on the graph, then components on the reverse.
    order, seen = [], set()
    for s in nodes:
        if s in seen:
            continue
        seen.add(s)
        stack = [(s, iter(adj[s]))]
        while stack:
            u, it = stack[-1]
            for v in it:
                if v not in seen:
                    seen.add(v)
                    stack.append((v, iter(adj[v])))
                    break
            else:
                stack.pop()
                order.append(u)
    radj = defaultdict(set)
    for u, vs in adj.items():
        for v in vs:
            radj[v].add(u)
    comp, count = {}, 0
    for s in reversed(order):
        if s in comp:
            continue
        comp[s] = count
        todo = [s]
        while todo:
            u = todo.pop()
            for v in radj[u]:
                if v not in comp:
                    comp[v] = count
                    todo.append(v)
        count += 1
    size = defaultdict(int)
    for c in comp.values():
        size[c] += 1
    largest = max(size.values())
    credit = {u: min(1.0, budget / len(vs)) for u, vs in adj.items() if vs}
    outside = defaultdict(set)
    out_pairs = defaultdict(float)
    in_pairs = defaultdict(int)
    for u, vs in adj.items():
        for v in vs:
            if comp[u] != comp[v]:
                outside[comp[v]].add(u)
                out_pairs[comp[v]] += credit[u]
            else:
                in_pairs[comp[v]] += 1
    groups = members = 0
    discounted = sum(1 for c in credit.values() if c < 1)
    for c, s in size.items():
        if 2 <= s < largest and (sum(credit[u] for u in outside[c]) < s or out_pairs[c] < in_pairs[c]):
            groups += 1
            members += s
    print(f"users {len(nodes)}, components {count}, largest {largest} "
          f"(engaged from outside by {len(outside[max(size, key=size.get)])}), "
          f"closed groups {groups}, members {members}; "
          f"accounts engaging more than {budget:g} (credit < 1): {discounted}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "datasets/higgs/higgs-activity_time.txt.gz",
         float(sys.argv[2]) if len(sys.argv) > 2 else 50.0)

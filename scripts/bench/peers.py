"""PageRank peers for scripts/bench.sh: python-igraph (PRPACK) and NetworKit on the same
edge list Clout scored, with the same damping, dangling rule and tolerance; then checks
that the rankings agree with Clout's.

    peers.py EDGES.tsv[.gz] CLOUT_SCORES.parquet --damping 0.85 --tol 1e-10 [--skip igraph,networkit]

Prints a Markdown table: times, ns per edge per iteration where the peer reports its
iterations, the ratio of each peer's time to Clout's, and the agreement (Spearman over
Clout's top 10,000 and L1 distance of the normalised vectors). Benchmark peers only; never needed to run Clout.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def load_edges(path):
    """Reads a SNAP edge list (tab or space separated, '#' comments) into int64 arrays,
    dropping self-loops and duplicate edges, as Clout does with --count-transform binary."""
    t = time.perf_counter()
    opts = pacsv.ReadOptions(column_names=["src", "dst"], block_size=64 << 20)
    parse = pacsv.ParseOptions(delimiter="\t")
    conv = pacsv.ConvertOptions(column_types={"src": "int64", "dst": "int64"})
    # The generator writes one '#' header line; skip comment lines by skipping rows.
    skip = 0
    import gzip
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#"):
                skip += 1
            else:
                break
    opts.skip_rows = skip
    tbl = pacsv.read_csv(path, read_options=opts, parse_options=parse, convert_options=conv)
    src = tbl.column("src").to_numpy()
    dst = tbl.column("dst").to_numpy()
    del tbl
    # Clout's users are the ids the file names (an id seen only in a self-loop too),
    # numbered densely; so are the peers', in ascending id order.
    ids = np.unique(np.concatenate((src, dst)))
    keep = src != dst
    key = np.unique((src[keep] << 32) | dst[keep])
    src = np.searchsorted(ids, key >> 32)
    dst = np.searchsorted(ids, key & 0xFFFFFFFF)
    return src, dst, ids, time.perf_counter() - t


def clout_vector(path, ids):
    t = pq.read_table(path, columns=["user_id", "pagerank"])
    uid = t.column("user_id").cast("int64").to_numpy()
    pr = t.column("pagerank").to_numpy()
    pos = np.searchsorted(ids, uid)
    if len(uid) != len(ids) or not np.array_equal(ids[pos], uid):
        sys.exit("peers.py: the scores' users are not the edge list's ids")
    v = np.zeros(len(ids))
    v[pos] = pr
    return v


def spearman_top(ref, other, k):
    """Spearman rank correlation of the two vectors over the top k of ref."""
    top = np.argsort(-ref, kind="stable")[:k]
    a, b = ref[top], other[top]
    ra = np.argsort(np.argsort(-a, kind="stable"), kind="stable")
    rb = np.argsort(np.argsort(-b, kind="stable"), kind="stable")
    d = (ra - rb).astype(np.float64)
    return 1 - 6 * np.sum(d * d) / (k * (k * k - 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("scores")
    ap.add_argument("--damping", type=float, default=0.85)
    ap.add_argument("--tol", type=float, default=1e-10)
    ap.add_argument("--skip", default="")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--gonum", help="gonumpr's id<TAB>rank output")
    ap.add_argument("--gonum-json", help="gonumpr's timings")
    ap.add_argument("--gonum-time", help="/usr/bin/time -v output of gonumpr")
    ap.add_argument("--clout-pagerank-s", type=float, required=True)
    ap.add_argument("--clout-build-s", type=float, required=True)
    ap.add_argument("--clout-iters", type=int, required=True)
    ap.add_argument("--clout1-pagerank-s", type=float, help="the same on one thread")
    ap.add_argument("--clout1-build-s", type=float)
    a = ap.parse_args()
    skip = set(a.skip.split(",")) if a.skip else set()

    src, dst, ids, load_s = load_edges(a.edges)
    n = len(ids)
    ref = clout_vector(a.scores, ids)
    ref = ref / ref.sum()
    m = len(src)
    results = []

    if "igraph" not in skip:
        import igraph as ig
        t = time.perf_counter()
        g = ig.Graph(n=n, edges=np.column_stack((src, dst)), directed=True)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        # PRPACK spreads the rank of dangling nodes uniformly, as Clout does.
        v = np.array(g.pagerank(directed=True, damping=a.damping, implementation="prpack"))
        rank_s = time.perf_counter() - t
        results.append(("igraph " + ig.__version__ + " (PRPACK)", build_s, rank_s, v, None))
        del g

    if "networkit" not in skip:
        import networkit as nk
        nk.setNumberOfThreads(a.threads)
        t = time.perf_counter()
        g = nk.GraphFromCoo((np.ones(m, dtype=np.float64), (src.astype(np.uint64), dst.astype(np.uint64))),
                            n=n, directed=True, weighted=False)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        pr = nk.centrality.PageRank(g, damp=a.damping, tol=a.tol,
                                    distributeSinks=nk.centrality.SinkHandling.DistributeSinks)
        pr.run()
        rank_s = time.perf_counter() - t
        v = np.array(pr.scores())
        results.append(("networkit " + nk.__version__, build_s, rank_s, v, pr.numberOfIterations()))
        del g

    if a.gonum:
        gj = json.load(open(a.gonum_json))
        gt = pacsv.read_csv(a.gonum, read_options=pacsv.ReadOptions(column_names=["id", "pr"]),
                            parse_options=pacsv.ParseOptions(delimiter="\t"))
        gid = gt.column("id").to_numpy()
        v = np.zeros(n)
        v[np.searchsorted(ids, gid)] = gt.column("pr").to_numpy()
        rss = ""
        if a.gonum_time:
            for line in open(a.gonum_time):
                if "Maximum resident" in line:
                    rss = int(line.split(":")[1]) * 1024
        results.append(("gonum PageRankSparse", gj["build_s"], gj["rank_s"], v, None, rss))

    cl_rank = a.clout_pagerank_s
    print("| PageRank on the same graph | threads | build s | rank s | iterations | ns/edge/iter | Clout's rank speed-up | build+rank speed-up | Spearman top 10k vs Clout | L1 vs Clout |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| clout | {os.cpu_count()} | {a.clout_build_s:.2f} | {cl_rank:.2f} | {a.clout_iters} | "
          f"{cl_rank * 1e9 / m / a.clout_iters:.2f} | 1 | 1 | 1 | 0 |")
    if a.clout1_pagerank_s:
        print(f"| clout | 1 | {a.clout1_build_s:.2f} | {a.clout1_pagerank_s:.2f} | {a.clout_iters} | "
              f"{a.clout1_pagerank_s * 1e9 / m / a.clout_iters:.2f} | {a.clout1_pagerank_s / cl_rank:.1f}× | "
              f"{(a.clout1_build_s + a.clout1_pagerank_s) / (a.clout_build_s + cl_rank):.1f}× | identical | identical |")
    for r in results:
        name, build_s, rank_s, v, iters = r[:5]
        v = v / v.sum()
        it = iters if iters else "—"
        per = f"{rank_s * 1e9 / m / iters:.2f}" if iters else "—"
        threads = a.threads if name.startswith("networkit") else 1
        print(f"| {name} | {threads} | {build_s:.2f} | {rank_s:.2f} | {it} | {per} | "
              f"{rank_s / cl_rank:.1f}× | {(build_s + rank_s) / (a.clout_build_s + cl_rank):.1f}× | "
              f"{spearman_top(ref, v, min(10000, n)):.6f} | {np.abs(ref - v).sum():.2e} |")
        sys.stdout.flush()

if __name__ == "__main__":
    main()

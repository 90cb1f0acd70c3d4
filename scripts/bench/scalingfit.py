# scalingfit.py TABLE.md [MIN_SCALE]: least-squares lines through (edges in the file,
# wall seconds), (edges, peak RSS bytes) and per-stage times over the rows of
# scripts/scaling.sh output with scale >= MIN_SCALE (default 21), projected to 1.5e9 edges.
import sys
rows = []
for line in open(sys.argv[1]):
    p = [c.strip() for c in line.strip().strip('|').split('|')]
    if not p[0].isdigit(): continue
    s, raw = int(p[0]), int(p[2])
    w = p[4].split(':'); secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    rss = float(p[12]) * 1024 * 1024
    it = p[8].split('(')[0]; pr_iter = float(it); pr_build = float(p[7])
    rows.append((s, raw, secs, rss, pr_build, pr_iter, float(p[11])))
sel = [r for r in rows if r[0] >= int(sys.argv[2] if len(sys.argv) > 2 else 21)]
def fit(xs, ys):
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b
E = 1.5e9
for name, idx, unit in [('wall s', 2, 1), ('peak RSS', 3, 1), ('PR build s', 4, 1), ('PR iterations s', 5, 1), ('write s', 6, 1)]:
    a, b = fit([r[1] for r in sel], [r[idx] for r in sel])
    print(f"{name}: {a:.3g} + {b:.4g} per edge  -> at 1.5e9 edges: {a + b * E:.4g}" + (f" ({(a + b*E)/2**30:.1f} GiB, {b:.2f} B/edge marginal)" if idx == 3 else f" ({(a+b*E)/60:.1f} min)"))

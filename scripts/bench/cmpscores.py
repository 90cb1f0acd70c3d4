# cmpscores.py A.csv B.csv: two `clout top -n N --csv` dumps of scores.parquet have the
# same rows in the same order (platform, user_id, handle, rank), the same nulls, and
# every other column within 1e-9 (absolute below 1, relative above).
import csv, sys
a, b = csv.reader(open(sys.argv[1])), csv.reader(open(sys.argv[2]))
ha, hb = next(a), next(b)
assert ha == hb, "headers differ"
rows = maxd = 0; worst = None; exact = True
for ra, rb in zip(a, b, strict=True):
    rows += 1
    assert ra[:4] == rb[:4], f"row {rows}: {ra[:4]} != {rb[:4]}"
    for i in range(4, len(ra)):
        if ra[i] == rb[i]: continue
        exact = False
        assert ra[i] != '' and rb[i] != '', f"row {rows} {ha[i]}: null mismatch"
        x, y = float(ra[i]), float(rb[i])
        d = abs(x - y) / max(1.0, abs(x))
        if d > maxd: maxd, worst = d, (rows, ha[i], x, y)
print(f"{rows} rows; ranks and ids identical; bit-identical: {exact}; max rel diff {maxd:.3g} {worst}")
assert maxd <= 1e-9

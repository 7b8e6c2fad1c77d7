"""Scale the opinion map's points into an SVG viewBox (pure arithmetic, no drawing library)."""

SIZE = 400
PAD = 20
# Colour-blind-safe palette (Okabe-Ito); group letters and the table carry the same information.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]


def opinion_map(*, points: list[list[float]], groups: list[dict]) -> dict:
    if not points:
        return {"size": SIZE, "points": [], "groups": []}
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = (SIZE - 2 * PAD) / span

    def place(x: float, y: float) -> tuple[float, float]:
        return round(SIZE / 2 + (x - cx) * scale, 1), round(SIZE / 2 - (y - cy) * scale, 1)

    placed = []
    for x, y, label in points:
        px, py = place(x, y)
        index = label % len(COLOURS) if label >= 0 else None
        placed.append(
            {
                "x": px,
                "y": py,
                "colour": COLOURS[index] if index is not None else "#595959",
            }
        )
    legend = []
    for i, group in enumerate(groups):
        gx, gy = place(*group["centre"])
        legend.append(
            {
                "label": group["label"],
                "size": group["size"],
                "x": gx,
                "y": gy,
                "colour": COLOURS[i % len(COLOURS)],
            }
        )
    return {"size": SIZE, "points": placed, "groups": legend}

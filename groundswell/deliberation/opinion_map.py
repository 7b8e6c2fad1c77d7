"""Scale the opinion map's points into an SVG viewBox and write its marks (no drawing library)."""

from django.utils.html import format_html_join

SIZE = 400
PAD = 20
# Colour-blind-safe palette (Okabe-Ito); group letters and the table carry the same information.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
UNGROUPED = "#595959"


def opinion_map(*, points: list[list[float]], groups: list[dict]) -> dict:
    if not points:
        return {"size": SIZE, "points": [], "layers": [], "groups": []}
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
                "colour": COLOURS[index] if index is not None else UNGROUPED,
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
    return {"size": SIZE, "points": placed, "layers": _layers(placed), "groups": legend}


def _layers(placed: list[dict]) -> list[dict]:
    """The marks as one SVG layer per colour, written here rather than by a template loop: a
    real conversation has well over a thousand of them, and each would otherwise repeat its
    colour and cost the template engine a round of lookups."""
    order = [UNGROUPED, *COLOURS]  # people in no group underneath, the groups drawn over them
    by_colour: dict[str, list[tuple[float, float]]] = {}
    for p in placed:
        by_colour.setdefault(p["colour"], []).append((p["x"], p["y"]))
    return [
        {
            "colour": colour,
            "marks": format_html_join("", '<circle cx="{}" cy="{}" r="3"/>', by_colour[colour]),
        }
        for colour in order
        if colour in by_colour
    ]

"""Chart labels (window and reports share the rule): never on a labelled point, never on each other."""

from __future__ import annotations

from advisor.report.chart import LabelRequest, place_labels

BOUNDS = (0.0, 0.0, 400.0, 300.0)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_crowded_labels_take_the_free_side_or_are_left_out() -> None:
    # A pick with a neighbour just up and to its left (the case that printed over the pick).
    requests = [LabelRequest(200, 100, 7, 90, 13), LabelRequest(185, 96, 5, 100, 13),
                LabelRequest(190, 130, 5, 80, 13), LabelRequest(395, 150, 5, 60, 13),
                LabelRequest(200, 101, 5, 90, 13)]
    boxes = place_labels(requests, BOUNDS)
    markers = [(r.x - r.marker, r.y - r.marker, r.x + r.marker, r.y + r.marker) for r in requests]
    placed = [b for b in boxes if b is not None]
    assert boxes[0] is not None
    assert boxes[0][0] > requests[0].x  # the most important label keeps its usual spot
    assert boxes[3] is not None
    assert boxes[3][2] < requests[3].x  # at the right edge, the label goes to the left
    for i, a in enumerate(placed):
        assert BOUNDS[0] <= a[0] <= a[2] <= BOUNDS[2]
        assert BOUNDS[1] <= a[1] <= a[3] <= BOUNDS[3]
        assert not any(overlaps(a, m) for m in markers)
        assert not any(overlaps(a, b) for b in placed[i + 1:])
    # A label with no free spot is left out (its point keeps its tooltip).
    assert place_labels([LabelRequest(200, 150, 5, 500, 13)], BOUNDS) == [None]

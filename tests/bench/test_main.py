"""The benchmark's closing line: how the cost per resource grows with the catalog."""

from bench.__main__ import _growth


def test_growth_compares_the_largest_size_with_the_smallest_beside_the_floor() -> None:
    rows = [(100, 3.0, 2.5), (1000, 3.3, 2.7), (10000, 4.5, 3.0)]

    assert _growth(rows) == (
        "\nCost per resource from 100 to 10,000 keys: gate 1.50x (3.00 to 4.50 ms), floor 1.20x (2.50 to 3.00 ms)"
    )


def test_one_size_has_no_growth_to_show() -> None:
    assert _growth([(1000, 3.3, 2.7)]) == ""

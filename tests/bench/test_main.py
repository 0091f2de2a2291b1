"""The benchmark's closing line: how the cost per resource grows with the catalog."""

from bench.__main__ import PerResource, _growth


def test_growth_compares_the_largest_size_with_the_smallest_beside_the_floor() -> None:
    rows = [
        PerResource(100, 3.0, 2.5, 1.9),
        PerResource(1000, 3.3, 2.7, 2.4),
        PerResource(10000, 4.5, 3.0, 2.5),
    ]

    assert _growth(rows) == (
        "\nCost per resource from 100 to 10,000 keys: gate 1.50x (3.00 to 4.50 ms), floor 1.20x (2.50 to 3.00 ms)"
        "\nThe gate beyond the tuned floor: 1.10, 0.90, 2.00 ms per resource at 100, 1,000, 10,000 keys"
    )


def test_one_size_has_no_growth_to_show() -> None:
    assert _growth([PerResource(1000, 3.3, 2.7, 2.4)]) == ""

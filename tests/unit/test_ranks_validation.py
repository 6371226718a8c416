"""What a tracking job accepts: ASINs, keywords, pasted keyword lists, and the messages for bad ones."""

from __future__ import annotations

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.ranks.models import Frequency
from shelfscope.ranks.validation import (
    keyword_lines,
    normalise_keyword,
    validate_asin,
    validate_competitors,
    validate_delays,
    validate_depth,
    validate_frequency,
    validate_keyword,
    validate_marketplace,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("B0D7KQ3M2X", "B0D7KQ3M2X"),
        ("  b0d7kq3m2x ", "B0D7KQ3M2X"),
        ("3866801920", "3866801920"),  # ISBN-10, check digit 0
        ("080442957X", "080442957X"),  # ISBN-10 whose check digit is X
    ],
)
def test_valid_asins_are_normalised_to_upper_case(given: str, expected: str) -> None:
    assert validate_asin(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("B0D7KQ3M2", "an ASIN has 10 characters; 'B0D7KQ3M2' has 9"),
        ("B0D7KQ3M2XY", "has 11"),
        ("B0D7KQ-M2X", "after B0 come 8 letters or digits"),
        ("3866801921", "not a valid ISBN-10: its check digit is wrong"),
        ("A0D7KQ3M2X", "is not an ASIN: use B0 followed by 8 letters or digits, or a book's ISBN-10"),
        ("", "has 0"),
    ],
)
def test_invalid_asins_say_what_is_wrong(given: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_asin(given)
    assert message in caught.value.message
    assert caught.value.field == "asin"


def test_competitors_are_validated_deduplicated_and_exclude_the_own_asin() -> None:
    assert validate_competitors(
        ["b0cz8vn4tr", "B0CZ8VN4TR", "B0D7KQ3M2X", "B0DF2HX9LP"], own_asin="B0D7KQ3M2X"
    ) == [
        "B0CZ8VN4TR",
        "B0DF2HX9LP",
    ]
    with pytest.raises(InvalidInput) as caught:
        validate_competitors(["B0BAD"], own_asin="B0D7KQ3M2X")
    assert caught.value.field == "competitor_asins"


def test_marketplaces_are_stored_as_amazons_codes() -> None:
    assert validate_marketplace("de") == "DE"
    assert validate_marketplace("GB") == "UK"
    assert validate_marketplace("amazon.co.jp") == "JP"
    with pytest.raises(InvalidInput):
        validate_marketplace("XX")


def test_frequency_depth_and_delays_are_bounded() -> None:
    assert validate_frequency(" 6H ") is Frequency.SIX_HOURS
    assert Frequency.WEEKLY.seconds == 7 * 86400
    with pytest.raises(InvalidInput, match="hourly, 6h, daily, weekly"):
        validate_frequency("monthly")
    assert validate_depth(7) == 7
    for depth in (0, 8):
        with pytest.raises(InvalidInput, match="1 to 7"):
            validate_depth(depth)
    assert validate_delays(20, 30) == (20, 30)
    with pytest.raises(InvalidInput, match="min <= max"):
        validate_delays(30, 20)


def test_keywords_fold_case_and_whitespace_for_duplicates() -> None:
    assert normalise_keyword("  Yoga   MAT ") == "yoga mat"
    assert validate_keyword("  Yoga   MAT ") == ("Yoga MAT", "yoga mat")
    assert normalise_keyword("Trinkflasche EDELSTAHL") == normalise_keyword("trinkflasche edelstahl")


@pytest.mark.parametrize(
    ("keyword", "message"),
    [("   ", "cannot be empty"), ("yoga\x00mat", "control characters"), ("x" * 201, "at most 200")],
)
def test_unusable_keywords_are_refused(keyword: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validate_keyword(keyword)


def test_pasted_lines_skip_blank_lines_and_keep_line_numbers() -> None:
    lines = list(keyword_lines("yoga mat\n\n  Yoga Mat  \nthick, non slip mat\n"))
    assert [(line.line, line.text) for line in lines] == [
        (1, "yoga mat"),
        (3, "  Yoga Mat  "),
        (4, "thick, non slip mat"),
    ]


def test_csv_reads_the_first_column_and_skips_a_header() -> None:
    text = 'keyword,volume\n"thick, non slip mat",100\nyoga mat,50\n\n,7\n'
    assert [(line.line, line.text) for line in keyword_lines(text, csv_format=True)] == [
        (2, "thick, non slip mat"),
        (3, "yoga mat"),
    ]

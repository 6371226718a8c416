"""``shelfscope serp parse``: one JSON object per file, clear exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from shelfscope.cli import app

KEYS = [
    "file",
    "page_type",
    "block_kind",
    "marketplace",
    "query",
    "corrected_query",
    "total_results",
    "results",
    "placements",
]
RESULT_KEYS = [
    "position",
    "asin",
    "sponsored",
    "organic_rank",
    "sponsored_rank",
    "title",
    "brand",
    "price",
    "currency",
    "rating",
    "review_count",
    "badges",
]


def shelfscope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )


def test_json_prints_one_object_per_file_in_the_issue_shape(real_fixtures: Path) -> None:
    serp = real_fixtures / "amazon" / "serp" / "uk_serp_2025_amazonscrap_sweatshirt.html"
    captcha = real_fixtures / "amazon" / "blocked" / "us_captcha-image_2024_bargainhunter.html"
    result = CliRunner().invoke(
        app, ["serp", "parse", str(serp), str(captcha), "--marketplace", "gb", "--json"]
    )
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(o) for o in objects] == [KEYS, KEYS]
    page, blocked = objects
    assert page["file"] == str(serp)
    assert (page["page_type"], page["marketplace"], page["query"], page["total_results"]) == (
        "search",
        "UK",
        "sweatshirt",
        10000,
    )
    assert len(page["results"]) == 60
    first = page["results"][0]
    assert list(first) == RESULT_KEYS
    assert first["asin"] == "B085YWB5TP"
    assert first["sponsored"] is True
    assert (first["price"], first["currency"], first["rating"]) == ("11.00", "GBP", "4.3")
    assert page["placements"][0] == {
        "kind": "sponsored_brand",
        "asins": ["B0CYNBLVWQ", "B0CYY66Y9B", "B096GCZFJQ"],
    }
    assert (blocked["page_type"], blocked["block_kind"], blocked["results"]) == ("blocked", "captcha", [])


def test_an_unknown_marketplace_exits_2_with_one_line(real_fixtures: Path) -> None:
    serp = real_fixtures / "amazon" / "serp" / "us_serp_2024_amzon-crawler_phone.html"
    result = shelfscope("serp", "parse", str(serp), "--marketplace", "XX", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().startswith("error: unknown Amazon marketplace 'XX'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_missing_file_exits_2_before_anything_is_printed(tmp_path: Path) -> None:
    missing = tmp_path / "nope.html"
    result = shelfscope("serp", "parse", str(missing), "--marketplace", "US", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"error: no such file: {missing}"


def test_an_unparseable_search_page_exits_1_naming_the_file(tmp_path: Path) -> None:
    page = tmp_path / "empty-serp.html"
    page.write_text('<html><body><div class="s-main-slot"></div></body></html>', encoding="utf-8")
    result = shelfscope("serp", "parse", str(page), "--marketplace", "DE")
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"error: {page}: search page from amazon.de has no result cards")


def test_without_json_a_table_is_printed(real_fixtures: Path) -> None:
    serp = real_fixtures / "amazon" / "serp" / "us_serp_2025_amazong-with-scrapy_suns-creame.html"
    result = CliRunner().invoke(app, ["serp", "parse", str(serp), "-m", "US"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "48 cards" in result.stdout
    assert "corrected to 'sunscreen'" in result.stdout
    assert "B01MQXX9US" in result.stdout

"""Pure helpers of the dashboard: redirect targets, durations, flash cookies, paging, icons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request
from starlette.responses import Response

from shelfscope.web.flash import FLASH_COOKIE, carry_flashes, flash, take_flashes
from shelfscope.web.icons import ICONS, icon
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import duration, percent, safe_next

SECRET = "unit-test-secret-key"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _request(path: str = "/jobs", query: str = "", cookies: str = "") -> Request:
    headers = [(b"cookie", cookies.encode())] if cookies else []
    return Request(
        {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": headers}
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/jobs?status=failed", "/jobs?status=failed"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("jobs", "/"),
    ],
)
def test_safe_next_only_allows_local_paths(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (42, "42 s"), (60, "1 min"), (61, "1 min 1 s"), (600, "10 min"), (3725, "1 h 2 min")],
)
def test_duration_reads_like_a_person_would_say_it(seconds: int, text: str) -> None:
    assert duration(T0, T0 + timedelta(seconds=seconds)) == text


def test_duration_and_percent_handle_missing_values() -> None:
    assert duration(None, T0) == duration(T0, None) == "\u2013"
    assert percent(3, None) is None and percent(3, 0) is None
    assert (percent(0, 10), percent(3, 10), percent(12, 10)) == (0, 30, 100)


def test_flash_survives_one_redirect_and_rejects_tampering() -> None:
    posting = _request()
    flash(posting, "success", "Run #4 queued again")
    redirect = Response(status_code=303)
    carry_flashes(posting, redirect, secret=SECRET)
    cookie = redirect.headers["set-cookie"].split(";")[0]
    assert cookie.startswith(f"{FLASH_COOKIE}=")
    shown = take_flashes(_request(cookies=cookie), secret=SECRET)
    assert [(f.level, f.text) for f in shown] == [("success", "Run #4 queued again")]
    assert take_flashes(_request(cookies=cookie), secret="another-secret") == []
    value = cookie.split("=", 1)[1]
    forged = f"{FLASH_COOKIE}={value[:-2]}00"
    assert take_flashes(_request(cookies=forged), secret=SECRET) == []


def test_pager_links_keep_filters_and_stop_at_the_ends() -> None:
    request = _request("/jobs", "status=failed&kind=demo.count&offset=25&limit=25")
    pager = Pager.build(request, total=60, limit=25, offset=25)
    assert (pager.first_item, pager.last_item) == (26, 50)
    assert pager.prev_url == "/jobs?status=failed&kind=demo.count&offset=0&limit=25"
    assert pager.next_url == "/jobs?status=failed&kind=demo.count&offset=50&limit=25"
    last = Pager.build(request, total=60, limit=25, offset=50)
    assert last.next_url is None and last.last_item == 60
    assert not Pager.build(request, total=3, limit=25, offset=0).has_pages


def test_page_params_are_clamped() -> None:
    assert page_params(None, None) == (25, 0)
    assert page_params(100_000, -5) == (200, 0)


def test_icons_are_inline_svg_and_labels_are_escaped() -> None:
    assert set(ICONS) >= {"home", "layers", "bell", "sliders", "trend", "box", "store", "cloud", "globe"}
    decorative = icon("bell")
    assert decorative.startswith('<svg class="icon"') and 'aria-hidden="true"' in decorative
    labelled = icon("bell", label='<script>"x"</script>')
    assert "<script>" not in labelled and 'role="img"' in labelled

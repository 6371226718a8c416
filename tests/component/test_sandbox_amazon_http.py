"""The Amazon storefront simulator over real HTTP: pages equal the ground truth, bot defences trigger."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from shelfscope.ranks import classify_amazon_page, parse_serp
from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.amazon import DEMO_ASINS, asin_ranking, configure, ground_truth, served_log

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DAY = date(2026, 3, 2)
BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "accept-language": "en-US,en;q=0.9"}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app(clock=SandboxClock(start=START, speed=0))) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10, headers=BROWSER) as http:
        yield http


def control(client: httpx.Client, **changes: object) -> dict[str, object]:
    response = client.post("/amazon/_control", json=changes)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_served_pages_parse_to_the_ground_truth_endpoint(client: httpx.Client, server: SandboxServer) -> None:
    for marketplace, keyword, page in (("US", "yoga mat", 1), ("DE", "yogamatte", 2), ("UK", "yoga matt", 1)):
        response = client.get(f"/amazon/{marketplace.lower()}/s", params={"k": keyword, "page": page})
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        parsed = parse_serp(response.content, marketplace=marketplace)
        truth = client.get(
            "/amazon/_truth",
            params={"marketplace": marketplace, "keyword": keyword, "page": page, "date": "2026-03-02"},
        ).json()
        assert truth["date"] == "2026-03-02"
        assert [
            {k: r[k] for k in ("position", "asin", "sponsored", "organic_rank", "sponsored_rank", "price", "rating")}
            for r in truth["results"]
        ] == [
            {
                "position": r.position, "asin": r.asin, "sponsored": r.sponsored, "organic_rank": r.organic_rank,
                "sponsored_rank": r.sponsored_rank, "price": None if r.price is None else str(r.price),
                "rating": str(r.rating),
            }
            for r in parsed.results
        ]  # fmt: skip
        assert [
            {"kind": p.kind, "asins": list(p.asins), "sponsored": p.sponsored} for p in parsed.placements
        ] == truth["placements"]
        assert parsed.corrected_query == truth["corrected_query"]
        assert ground_truth(server.context, marketplace, keyword, page=page) == truth["results"]
    assert served_log(server.context).counts() == {"search": 3}


def test_real_host_names_reach_their_marketplace(client: httpx.Client) -> None:
    response = client.get("/s", params={"k": "trinkflasche"}, headers={"Host": "www.amazon.de"})
    assert response.status_code == 200
    parsed = parse_serp(response.content, marketplace="DE")
    assert {r.currency for r in parsed.results if r.price is not None} == {"EUR"}
    assert "Domain=.amazon.de" in response.headers["set-cookie"]
    assert 'href="/s?k=trinkflasche&amp;page=2' in response.text
    path_routed = client.get("/amazon/de/s", params={"k": "trinkflasche"})
    assert 'href="/amazon/de/s?k=trinkflasche&amp;page=2' in path_routed.text
    assert [r.asin for r in parse_serp(path_routed.content, marketplace="DE").results] == [
        r.asin for r in parsed.results
    ]


def test_a_new_visitor_gets_amazon_session_cookies(client: httpx.Client) -> None:
    response = client.get("/amazon/uk/s", params={"k": "kettle"})
    cookies = response.headers.get_list("set-cookie")
    names = [cookie.split("=", 1)[0] for cookie in cookies]
    assert names[:3] == ["session-id", "session-id-time", "i18n-prefs"]
    assert "i18n-prefs=GBP" in response.headers["set-cookie"]
    session = client.cookies["session-id"]
    again = client.get("/amazon/uk/s", params={"k": "kettle"})
    assert "set-cookie" not in again.headers
    assert served_sessions(client) == [session, session]


def served_sessions(client: httpx.Client) -> list[str | None]:
    return [row["session_id"] for row in client.get("/amazon/_served").json()["entries"]]


def test_a_session_over_the_rate_gets_a_captcha_until_it_solves_it(client: httpx.Client) -> None:
    control(client, captcha_after_requests=3, rate_window_seconds=60)
    for _ in range(3):
        assert classify_amazon_page(client.get("/amazon/us/s", params={"k": "mug"}).content) == (
            "search",
            None,
        )
    blocked = client.get("/amazon/us/s", params={"k": "mug"})
    assert blocked.status_code == 200
    assert classify_amazon_page(blocked.content) == ("blocked", "continue_shopping")
    assert classify_amazon_page(client.get("/amazon/us/dp/B0D7KQ3M2X").content)[0] == "blocked"
    fields = [field.split('name="')[1].split('"', 1) for field in blocked.text.split("<input")[1:]]
    form = {name: rest.split('value="')[1].split('"')[0] for name, rest in fields}
    solved = client.get("/amazon/us/errors/validateCaptcha", params=form, follow_redirects=False)
    assert solved.status_code == 302
    assert solved.headers["location"] == "/amazon/us/s?k=mug"
    assert classify_amazon_page(client.get("/amazon/us/s", params={"k": "mug"}).content) == ("search", None)
    counts = client.get("/amazon/_served").json()["counts"]
    assert counts["captcha"] == 2
    assert counts["captcha_solved"] == 1


def test_the_rate_window_follows_the_sandbox_clock(client: httpx.Client, server: SandboxServer) -> None:
    control(client, captcha_after_requests=2, rate_window_seconds=60, captcha_block_seconds=0)
    for _ in range(2):
        assert classify_amazon_page(client.get("/amazon/us/s", params={"k": "mug"}).content)[0] == "search"
    server.context.clock.advance(61)
    assert classify_amazon_page(client.get("/amazon/us/s", params={"k": "mug"}).content)[0] == "search"


def test_a_client_without_cookies_gets_a_captcha_after_its_first_request(server: SandboxServer) -> None:
    configure(server.context, captcha_without_cookies=True)
    with httpx.Client(base_url=server.url, timeout=10, headers=BROWSER) as cookieless:
        first = cookieless.get("/amazon/fr/s", params={"k": "lampe"})
        assert classify_amazon_page(first.content) == ("search", None)
        assert "session-id=" in first.headers["set-cookie"]
        cookieless.cookies.clear()
        second = cookieless.get("/amazon/fr/s", params={"k": "lampe"})
        assert classify_amazon_page(second.content) == ("blocked", "continue_shopping")
        assert "Cliquez sur le bouton ci-dessous" in second.text
    with httpx.Client(base_url=server.url, timeout=10, headers={"user-agent": "Another/1.0"}) as browser:
        for _ in range(3):
            assert (
                classify_amazon_page(browser.get("/amazon/fr/s", params={"k": "lampe"}).content)[0]
                == "search"
            )
    captchas = served_log(server.context).entries(kind="captcha")
    assert [entry.reason for entry in captchas] == ["no_cookies"]


def test_the_image_captcha_can_be_chosen(client: httpx.Client) -> None:
    control(client, captcha_after_requests=1, captcha_style="image")
    client.get("/amazon/in/s", params={"k": "shampoo"})
    blocked = client.get("/amazon/in/s", params={"k": "shampoo"})
    assert classify_amazon_page(blocked.content) == ("blocked", "captcha")
    assert 'id="captchacharacters"' in blocked.text


def test_every_page_is_a_503_at_rate_one(client: httpx.Client) -> None:
    control(client, error_503_rate=1.0)
    for path in ("/amazon/us/s?k=mug", "/amazon/jp/s?k=mug", f"/amazon/us/dp/{DEMO_ASINS[0]}"):
        response = client.get(path)
        assert response.status_code == 503
        assert classify_amazon_page(response.content)[0] == "blocked"
    assert client.get("/amazon/_served").json()["counts"] == {"service_unavailable": 3}
    control(client, error_503_rate=0.0)
    assert client.get("/amazon/us/s?k=mug").status_code == 200


def test_slow_pages_take_the_configured_time(client: httpx.Client) -> None:
    control(client, slow_rate=1.0, slow_seconds=0.3)
    started = time.monotonic()
    assert client.get("/amazon/us/s", params={"k": "mug"}).status_code == 200
    assert time.monotonic() - started >= 0.3
    assert client.get("/amazon/_served").json()["counts"]["slow"] == 1


def test_faults_are_repeatable_under_the_same_seed() -> None:
    def statuses() -> list[int]:
        with (
            SandboxServer(app=create_sandbox_app(clock=SandboxClock(start=START, speed=0))) as running,
            httpx.Client(base_url=running.url, timeout=10) as http,
        ):
            configure(running.context, error_503_rate=0.5)
            return [http.get("/amazon/us/s", params={"k": "mug"}).status_code for _ in range(12)]

    first = statuses()
    assert first == statuses()
    assert {200, 503} == set(first)


def test_big_pages_are_megabytes(client: httpx.Client) -> None:
    response = client.get("/amazon/us/s", params={"k": "mug", "big": "1"})
    assert 1_000_000 <= len(response.content) <= 2_600_000
    assert int(response.headers["content-length"]) < len(response.content) / 2


def test_product_pages_and_their_truth_agree(client: httpx.Client) -> None:
    asin = DEMO_ASINS[2]
    page = client.get(f"/amazon/uk/Lumora-Bands/dp/{asin}/ref=sr_1_3")
    truth = client.get("/amazon/_truth/product", params={"marketplace": "UK", "asin": asin}).json()
    assert page.status_code == 200
    assert truth["title"] in page.text
    assert f'<span class="a-offscreen">£{truth["price"]}</span>' in page.text
    assert f'title="{truth["rating"]} out of 5 stars"' in page.text
    assert f"#{truth['bsr']:,} in " in page.text
    assert client.get("/amazon/uk/dp/NOTANASIN1x").status_code == 404


def test_asin_ranking_reports_where_a_demo_product_ranks(server: SandboxServer) -> None:
    ranking = asin_ranking(server.context, "US", "yoga mat", DEMO_ASINS[1], depth=3)
    assert ranking["found"]
    rows = [row for page in (1, 2, 3) for row in ground_truth(server.context, "US", "yoga mat", page=page)]
    organic = next(row for row in rows if row["asin"] == DEMO_ASINS[1] and not row["sponsored"])
    assert ranking["organic_rank"] == organic["absolute_organic_rank"]
    assert ranking["page"] == organic["page"]


def test_control_rejects_bad_settings(client: httpx.Client) -> None:
    response = client.post("/amazon/_control", json={"error_503_rate": 2})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert client.post("/amazon/_control", json={"reset": True}).json()["served"] == {}

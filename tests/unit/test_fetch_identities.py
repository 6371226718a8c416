"""Browser identities: enough of them, each coherent, and a validator that catches what sites catch."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest
from curl_cffi.requests import BrowserType

from shelfscope.errors import ConfigError, InvalidInput
from shelfscope.fetch import IDENTITIES, Device, Family, Identity, Mode, accept_language
from shelfscope.fetch.coherence import check_identities, coherence_problems
from shelfscope.fetch.identities import IdentitySpec, choose_identity, sec_fetch_site

URL = "https://www.amazon.de/s?k=usb+hub"
BY_ID = {identity.id: identity for identity in IDENTITIES}


def _headers(identity: Identity, **options: object) -> list[tuple[str, str]]:
    language = accept_language("de-DE", identity.family)
    return identity.headers(url=URL, accept_language=language, **options)  # type: ignore[arg-type]


def test_at_least_eleven_identities_cover_desktop_mobile_and_every_family() -> None:
    assert len(IDENTITIES) >= 11
    assert len({identity.id for identity in IDENTITIES}) == len(IDENTITIES)
    families = Counter(identity.family for identity in IDENTITIES)
    assert set(families) == set(Family)
    devices = Counter(identity.device for identity in IDENTITIES)
    assert devices[Device.MOBILE] >= 3
    assert devices[Device.DESKTOP] >= 8
    assert {i.platform for i in IDENTITIES} >= {"Windows", "macOS", "Linux", "Android", "iOS"}


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.id)
def test_every_impersonation_target_exists_in_the_installed_curl_cffi(identity: Identity) -> None:
    assert identity.impersonate in {member.value for member in BrowserType}


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.id)
def test_every_identity_renders_a_coherent_header_set(identity: Identity, mode: Mode) -> None:
    for referer in (None, "https://www.amazon.de/"):
        headers = _headers(identity, mode=mode, referer=referer, cookie="session-id=1")
        assert coherence_problems(identity, headers, mode=mode) == []


def test_the_engine_start_check_passes_for_the_shipped_identities() -> None:
    check_identities(IDENTITIES)


def test_chrome_navigation_headers_are_in_chrome_order_with_cookie_last() -> None:
    headers = _headers(BY_ID["chrome142-windows"], cookie="session-id=1")
    assert [name for name, _ in headers] == [
        "sec-ch-ua",
        "sec-ch-ua-mobile",
        "sec-ch-ua-platform",
        "upgrade-insecure-requests",
        "user-agent",
        "accept",
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-user",
        "sec-fetch-dest",
        "accept-encoding",
        "accept-language",
        "cookie",
    ]
    assert dict(headers)["sec-ch-ua-platform"] == '"Windows"'
    assert dict(headers)["accept-language"] == "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"


def test_firefox_and_safari_send_no_client_hints_and_their_own_order() -> None:
    firefox = _headers(BY_ID["firefox147-windows"], cookie="a=1")
    assert [n for n, _ in firefox][:6] == [
        "user-agent",
        "accept",
        "accept-language",
        "accept-encoding",
        "cookie",
        "upgrade-insecure-requests",
    ]
    assert firefox[-1] == ("te", "trailers")
    assert dict(firefox)["accept-language"] == "de-DE,de;q=0.8,en-US;q=0.5,en;q=0.3"
    safari = _headers(BY_ID["safari260-ios"])
    assert safari[0] == ("sec-fetch-dest", "document")
    assert not any(name.startswith("sec-ch-ua") for name, _ in firefox + safari)
    assert "sec-fetch-user" not in dict(safari)
    assert "upgrade-insecure-requests" not in dict(safari)


def test_mobile_chrome_says_mobile_in_its_client_hints() -> None:
    headers = dict(_headers(BY_ID["chrome131-android"]))
    assert headers["sec-ch-ua-mobile"] == "?1"
    assert headers["sec-ch-ua-platform"] == '"Android"'


def test_script_fetches_use_cors_metadata_and_extra_headers_replace_accept() -> None:
    identity = BY_ID["chrome146-macos"]
    headers = identity.headers(
        url="https://shopee.vn/api/v4/pdp/get_pc",
        accept_language="vi-VN,vi;q=0.9",
        mode=Mode.FETCH,
        referer="https://shopee.vn/product-i.1.2",
        extra=[("accept", "application/json"), ("x-api-source", "pc")],
    )
    sent = dict(headers)
    assert sent["accept"] == "application/json"
    assert (sent["sec-fetch-mode"], sent["sec-fetch-dest"], sent["sec-fetch-site"]) == (
        "cors",
        "empty",
        "same-origin",
    )
    assert "upgrade-insecure-requests" not in sent
    assert "sec-fetch-user" not in sent
    assert headers[-1] == ("x-api-source", "pc")
    assert coherence_problems(identity, headers, mode=Mode.FETCH) == []


def test_curl_cffi_default_android_headers_are_caught_as_incoherent() -> None:
    # What curl_cffi's own chrome131_android target sends: a mobile user agent with ?0.
    identity = BY_ID["chrome131-android"]
    headers = [(n, "?0" if n == "sec-ch-ua-mobile" else v) for n, v in _headers(identity)]
    assert coherence_problems(identity, headers) == ["sec-ch-ua-mobile is ?0 for a mobile identity"]


def test_firefox_with_client_hints_is_caught() -> None:
    identity = BY_ID["firefox147-macos"]
    headers = [("sec-ch-ua", '"Chromium";v="147"'), *_headers(identity)]
    problems = coherence_problems(identity, headers)
    assert problems == ["firefox never sends client hints, but ['sec-ch-ua'] were sent"]


def test_shuffled_fetch_metadata_is_caught() -> None:
    # browserforge's README sample: Sec-Fetch-Site '?1' and Sec-Fetch-User 'document'.
    identity = BY_ID["chrome142-macos"]
    headers = [
        (n, {"sec-fetch-site": "?1", "sec-fetch-user": "document"}.get(n, v)) for n, v in _headers(identity)
    ]
    problems = coherence_problems(identity, headers)
    assert "sec-fetch-site '?1' is not one of ['cross-site', 'none', 'same-origin', 'same-site']" in problems
    assert "sec-fetch-user is 'document', a navigate by chrome sends '?1'" in problems


def test_a_user_agent_from_another_family_or_version_is_caught() -> None:
    chrome = BY_ID["chrome142-windows"]
    wrong_target = dataclasses.replace(chrome, impersonate="firefox147")
    assert "a chrome identity impersonates firefox147" in coherence_problems(
        wrong_target, _headers(wrong_target)
    )
    old_agent = dataclasses.replace(chrome, user_agent=chrome.user_agent.replace("142.", "120."))
    assert "user agent does not claim Chrome/142. like chrome142" in coherence_problems(
        old_agent, _headers(old_agent)
    )
    missing = dataclasses.replace(chrome, impersonate="chrome999")
    assert "curl_cffi has no impersonation target 'chrome999'" in coherence_problems(
        missing, _headers(missing)
    )


def test_a_mobile_user_agent_on_a_desktop_identity_is_caught() -> None:
    iphone = BY_ID["safari260-ios"]
    as_desktop = dataclasses.replace(iphone, device=Device.DESKTOP)
    problems = coherence_problems(as_desktop, _headers(as_desktop))
    assert "device desktop, target safari260_ios and user agent disagree on mobile" in problems


def test_header_order_and_duplicates_are_checked() -> None:
    identity = BY_ID["firefox144-linux"]
    headers = _headers(identity)
    swapped = [headers[1], headers[0], *headers[2:], headers[2]]
    problems = coherence_problems(identity, swapped)
    assert "header accept-language sent twice" in problems
    assert any(problem.startswith("header order") for problem in problems)


def test_check_identities_refuses_to_start_with_an_incoherent_identity() -> None:
    broken = dataclasses.replace(IDENTITIES[0], id="broken", sec_ch_ua='"Chromium";v="99"')
    with pytest.raises(ConfigError, match=r"broken \(navigate\): sec-ch-ua"):
        check_identities([*IDENTITIES, broken])


@pytest.mark.parametrize(
    ("locale", "family", "expected"),
    [
        ("en-US", Family.CHROME, "en-US,en;q=0.9"),
        ("en_GB", Family.FIREFOX, "en-GB,en;q=0.5"),
        ("de-DE", Family.SAFARI, "de-DE,de;q=0.9"),
        ("fr", Family.EDGE, "fr,en-US;q=0.9,en;q=0.8"),
        ("fr", Family.FIREFOX, "fr,en-US;q=0.7,en;q=0.3"),
        ("pt-BR", Family.FIREFOX, "pt-BR,pt;q=0.8,en-US;q=0.5,en;q=0.3"),
    ],
)
def test_accept_language_follows_each_browsers_format(locale: str, family: Family, expected: str) -> None:
    assert accept_language(locale, family) == expected


def test_accept_language_refuses_a_non_locale() -> None:
    with pytest.raises(InvalidInput, match="not a locale"):
        accept_language("12-34", Family.CHROME)


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        (None, "none"),
        ("https://www.amazon.co.uk/", "same-origin"),
        ("https://smile.amazon.co.uk/", "same-site"),
        ("https://www.amazon.com/", "cross-site"),
        ("http://www.amazon.co.uk/", "same-site"),
    ],
)
def test_sec_fetch_site_compares_origins_and_sites(referer: str | None, expected: str) -> None:
    assert sec_fetch_site("https://www.amazon.co.uk/s?k=x", referer) == expected


def test_identity_choice_honours_the_device_and_the_weights() -> None:
    rng = random.Random(7)
    mobile = {choose_identity(IDENTITIES, device=Device.MOBILE, rng=rng).device for _ in range(50)}
    assert mobile == {Device.MOBILE}
    picks = Counter(choose_identity(IDENTITIES, device=None, rng=rng).family for _ in range(2000))
    assert picks[Family.CHROME] > picks[Family.SAFARI] > 0
    spec = IdentitySpec(locale="ja-JP")
    assert spec.language_for(BY_ID["safari184-macos"]) == "ja-JP,ja;q=0.9"
    assert IdentitySpec(accept_language="x-custom").language_for(BY_ID["safari184-macos"]) == "x-custom"

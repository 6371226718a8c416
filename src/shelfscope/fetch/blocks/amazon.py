"""Amazon's block pages, as rules. Real examples: ``shared/fixtures/amazon/blocked`` and ``wrong-page``.

* **captcha**: the classic "Robot Check" (``/errors/validateCaptcha`` form with an image and the
  ``captchacharacters`` input, "Enter the characters you see below"). Served with status 200,
  and from ``opfcaptcha.amazon.com`` whatever the marketplace.
* **continue_shopping**: the newer interstitial with the same form but no image, only a
  "Continue shopping" button. It lacks the "characters" text, so it needs its own row.
* **robot_check**: any other page of the robot-check template (its HTML comment "To discuss
  automated access to Amazon data please contact api-services-support@amazon.com").
* **dogs_503**: the 503 "Sorry! Something went wrong!" page with the dog pictures.
* **wrong_page**: a 200 page of another type in place of the one requested (the home page or a
  Best Sellers list instead of a search): the request's ``expected_page`` markers are missing.

The AWS WAF JavaScript challenge and the Akamai ``bm-verify`` interstitial are vendor pages that
other sites serve too; their rules live in :mod:`.vendors` and apply to every site, Amazon included.
Markers are structural (form actions, input ids) before textual, because the text is localised.

A page may come without its status (an archived body re-parsed later, or
:func:`shelfscope.ranks.classify_amazon_page`). The status-bound rows say what they decide then:
the dogs page is recognised by its markers on a small body, and a page of the wrong type is still
one. This is the only Amazon rule table; the SERP parser's classifier is a view of it.
"""

from __future__ import annotations

from shelfscope.fetch.blocks.rules import (
    All,
    AnyOf,
    BlockRule,
    Contains,
    ExpectedPageMissing,
    Matcher,
    Matches,
    SmallerThan,
    Status,
    StatusUnknown,
    Title,
)

__all__ = ["AMAZON_PAGE_MARKERS", "AMAZON_RULES"]

_CAPTCHA_FORM = Contains(b"/errors/validateCaptcha", case=True)
_ROBOT_CHECK = Contains(b"To discuss automated access to Amazon data please contact", case=True)
#: Walls are small (every one seen is under 10 kB); real search and product pages are hundreds of kB
#: to 2.6 MB. Checked first, it spares a real page a scan of its whole body per rule, and it keeps
#: a marker quoted in a real page's scripts from turning the page into a block.
_SMALL = SmallerThan(200_000)

#: What each page type always carries, across the 2017-2026 layouts in the real fixtures.
AMAZON_PAGE_MARKERS: dict[str, Matcher] = {
    "serp": AnyOf(
        Contains(b'data-component-type="s-search-result"', case=True),
        Contains(b"s-search-result", case=True),  # the same, re-serialised with other quoting
        Contains(b"s-result-list", case=True),
        Contains(b"s-results-list-atf", case=True),  # the legacy result list (li#result_N), to 2019
        Contains(b"s-main-slot", case=True),
        Matches(rb"""pageType["']?\s*:\s*["']Search"""),
    ),
    "product": AnyOf(
        Contains(b'id="productTitle"', case=True),
        Contains(b'id="dp-container"', case=True),
        Matches(rb"""pageType["']?\s*:\s*["']Detail"""),
    ),
}

AMAZON_RULES: tuple[BlockRule, ...] = (
    BlockRule(
        kind="captcha",
        when=All(
            _SMALL,
            _CAPTCHA_FORM,
            AnyOf(
                Contains(b"captchacharacters", case=True),
                Contains(b"/captcha/", case=True),
                Contains(b"Captcha_", case=True),
                Contains(b"Enter the characters you see below"),
            ),
        ),
        why="image CAPTCHA (Robot Check) with the /errors/validateCaptcha form",
    ),
    BlockRule(
        kind="continue_shopping",
        when=All(_SMALL, _CAPTCHA_FORM),
        why='"Click the button below to continue shopping" interstitial (validateCaptcha form, no image)',
    ),
    BlockRule(
        kind="dogs_503",
        when=All(
            AnyOf(Status(frozenset({503})), All(StatusUnknown(), _SMALL)),
            AnyOf(
                _ROBOT_CHECK,
                Title(contains="Sorry! Something went wrong"),
                Contains(b"/error/dogs/"),
                Contains(b"/dogsofamazon"),
                Contains(b"ref=cs_503"),
            ),
        ),
        why='503 "Sorry! Something went wrong!" dogs page',
    ),
    BlockRule(
        kind="robot_check",
        when=All(
            _SMALL,
            AnyOf(_ROBOT_CHECK, Title(equals="Robot Check"), Contains(b"opfcaptcha.amazon", case=True)),
        ),
        why="a page of the robot-check template (automated-access notice)",
    ),
    BlockRule(
        kind="wrong_page",
        when=All(
            AnyOf(Status(frozenset(range(200, 300))), StatusUnknown()),
            ExpectedPageMissing(AMAZON_PAGE_MARKERS),
        ),
        why="a page of another type in place of the one requested",
    ),
)

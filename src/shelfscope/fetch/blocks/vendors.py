"""Bot walls of anti-bot vendors, which any site may put in front of its pages.

These rules apply to every site. Each needs two signals and a small body (checked first: cheap),
because the vendors' scripts also appear on normal pages: a site using the AWS WAF SDK loads
``challenge.js`` everywhere, and Cloudflare injects ``/cdn-cgi/challenge-platform/`` into pages it
lets through. Only the challenge pages set ``window.gokuProps`` or the "Just a moment..." title.

* **aws_waf_challenge**: AWS WAF's JavaScript challenge (``gokuProps`` + ``awswaf.com`` script);
  real example ``fixtures/amazon/blocked/fr_waf-js-challenge_2026_pc-rachat.html``.
* **akamai_bm_verify**: Akamai Bot Manager's ``bm-verify`` interstitial, which posts a token to
  ``/_sec/verify?provider=interstitial`` and refreshes.
* **cloudflare_challenge** / **cloudflare_block**: "Just a moment..." and "Attention Required!".
"""

from __future__ import annotations

from shelfscope.fetch.blocks.rules import All, AnyOf, BlockRule, Contains, SmallerThan, Title

__all__ = ["VENDOR_RULES"]

_INTERSTITIAL = SmallerThan(200_000)

VENDOR_RULES: tuple[BlockRule, ...] = (
    BlockRule(
        kind="aws_waf_challenge",
        when=All(_INTERSTITIAL, Contains(b"gokuProps", case=True), Contains(b"awswaf")),
        why="AWS WAF JavaScript challenge",
    ),
    BlockRule(
        kind="akamai_bm_verify",
        when=All(_INTERSTITIAL, AnyOf(Contains(b"/_sec/verify?provider="), Contains(b"bm-verify"))),
        why="Akamai Bot Manager bm-verify interstitial",
    ),
    BlockRule(
        kind="cloudflare_challenge",
        when=All(_INTERSTITIAL, Title(equals="Just a moment..."), Contains(b"challenge-platform")),
        why='Cloudflare "Just a moment..." challenge',
    ),
    BlockRule(
        kind="cloudflare_block",
        when=All(_INTERSTITIAL, Title(contains="Attention Required! | Cloudflare")),
        why='Cloudflare "Attention Required!" block page',
    ),
)

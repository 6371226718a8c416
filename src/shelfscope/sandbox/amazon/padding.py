"""Inline script and style that make simulated pages as heavy as real ones.

Real search pages weigh 1-2.6 MB, most of it inline JavaScript, JSON state and CSS. A fetch
benchmark against 100 kB pages would flatter every client, so big pages are padded with
generated text of the same kind: minified-looking functions with hashed identifiers, ``a-state``
JSON with opaque tokens, CSS rules with module-hashed class names. The text has the entropy of
real minified code (so gzip shrinks it about as much as a real page, not 100-fold), is the same
for the same page, and never contains a marker that a page classifier looks for.
"""

from __future__ import annotations

import base64
import random
from functools import cache

from markupsafe import Markup

from shelfscope.sandbox.amazon.randomness import digest

__all__ = ["BIG_PAGE_MAX", "BIG_PAGE_MIN", "padding_chunks", "style_block"]

BIG_PAGE_MIN = 1_000_000
BIG_PAGE_MAX = 2_600_000
_POOL_BYTES = 384 * 1024
_CHUNK = 24 * 1024
_WORDS = (
    "when", "execute", "register", "declare", "load", "csa", "ue", "count", "metrics", "widget", "render",
    "impression", "carousel", "popover", "declarative", "feature", "state", "config", "logger", "timing",
    "observer", "viewport", "lazy", "image", "price", "badge", "delivery", "slot", "placement", "events",
)  # fmt: skip


def _identifier(generator: random.Random) -> str:
    # Minifiers reuse a small alphabet of short names; so does this.
    return generator.choice("abcdefghijklmnopqrstuvwxyz") + generator.choice(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    )


def _token(generator: random.Random, size: int) -> str:
    return base64.urlsafe_b64encode(generator.randbytes(size)).decode().rstrip("=")


def _statement(generator: random.Random) -> str:
    kind = generator.randrange(4)
    a, b, c = (_identifier(generator) for _ in range(3))
    word, other = generator.choice(_WORDS), generator.choice(_WORDS)
    if kind == 0:
        return (
            f"P.when('A','{word}-{other}').execute('{word}-{b}',function({a}){{var {b}={a}.$('#{c}');"
            f"{b}.length&&{a}.{other}({b},{{t:{generator.randrange(100)},k:'{word}'}})}});"
        )
    if kind == 1:
        return (
            f'P.declare("{word}\\-{other}\\-{a}",{{"token":"{_token(generator, 12)}","enabled":'
            f'true,"{other}":{generator.randrange(100)},"ref":"{word}_{other}"}});'
        )
    if kind == 2:
        return (
            f"(function({a},{b}){{var {c}={a}.{word}||{{}};{c}.{other}=function(){{return {b}.{word}"
            f"('{other}')}};{a}.{word}={c}}})(window,document);"
        )
    return f"window.ue&&ue.count&&ue.count('{word}:{other}:{a}',{generator.randrange(1000)});"


def _css_rule(generator: random.Random) -> str:
    name = f"_{_token(generator, 4)}_{generator.choice(_WORDS)}_{_token(generator, 3)}"
    return (
        f".{name}{{margin:{generator.randrange(20)}px {generator.randrange(20)}px;"
        f"color:#{generator.randrange(16**6):06x};line-height:{generator.randrange(10, 30)}px}}"
    )


@cache
def _pool() -> str:
    generator = random.Random("shelfscope-amazon-padding")  # noqa: S311 - filler text, not security
    parts: list[str] = []
    size = 0
    while size < _POOL_BYTES:
        part = _statement(generator)
        parts.append(part)
        size += len(part)
    return "".join(parts)


@cache
def style_block(size: int) -> Markup:
    """A block of CSS rules of about ``size`` bytes, the same every time."""
    generator = random.Random(f"shelfscope-amazon-style-{size}")  # noqa: S311
    rules: list[str] = []
    total = 0
    while total < size:
        rule = _css_rule(generator)
        rules.append(rule)
        total += len(rule)
    return Markup("".join(rules))  # noqa: S704 - generated CSS, no user input


def padding_chunks(total: int, *key: object) -> list[Markup]:
    """Script bodies adding up to ``total`` bytes, cut from the pool at an offset fixed by ``key``."""
    pool = _pool()
    offset = digest("padding", *key) % len(pool)
    chunks: list[Markup] = []
    remaining = total
    while remaining > 0:
        size = min(_CHUNK, remaining)
        start = offset % (len(pool) - size)
        chunks.append(Markup(pool[start : start + size]))  # noqa: S704 - generated script, no user input
        offset += size * 7 + 1
        remaining -= size
    return chunks

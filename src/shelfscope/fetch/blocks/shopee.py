"""Shopee's anti-bot answers, as rules. Real examples: ``shared/fixtures/shopee``.

Shopee rarely shows a block *page*; its API answers in JSON that looks like data:

* **anti_bot**: ``{"error": 90309999, …}`` (also in the numeric-key form
  ``{"0": 3, …, "3": 90309999, "error": 90309999}``), with status 200 or 403. Every
  ``/api/v4`` list endpoint answers this to a client without the browser-computed signature
  headers, since 2022.
* **poisoned**: a well-formed item with corrupted values, served to non-browser clients
  (the judyfang ``item/get`` capture: a 27-character image hash, ``ctime`` in 2030,
  ``item_status: "n"``). Stored, it would fire false price alerts, so it is a block.
* **empty_items**: the first page of a keyword search with no items. Real keywords always
  have results; an empty first page is how Shopee degrades a suspected bot.

Poisoning is judged per item on invariants that hold for every real item in the fixtures;
one odd value could be a Shopee quirk, so an item needs two violations to count as poisoned.
Price divisibility by 100000 is *not* used: it fails for currencies with cents (BRL 93.10 is
``9310000`` in the real shop-SEO capture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import timedelta

from shelfscope.fetch.blocks.rules import All, BlockRule, Check, FirstPage, Json, Page, UrlPath

__all__ = ["SHOPEE_RULES", "poisoned_items"]

_IMAGE = re.compile(r"^([0-9a-f]{32}|[a-z]{2}-\d{8}-[0-9a-z]+-[0-9a-z]+)$")
_ITEM_STATUSES = {"normal", "sold_out", "unlisted"}
_MAX_DEPTH = 8


def _items(node: object, depth: int = 0) -> Iterator[Mapping[str, object]]:
    """Every object that looks like an item (an item id and a price), at any depth."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, Mapping):
        if "price" in node and ("itemid" in node or "item_id" in node):
            yield node
        for value in node.values():
            yield from _items(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value, depth + 1)


def _violations(item: Mapping[str, object], *, now_epoch: float) -> int:
    count = 0
    image = item.get("image")
    if isinstance(image, str) and image and not _IMAGE.match(image):
        count += 1
    ctime = item.get("ctime")
    if isinstance(ctime, int) and ctime > now_epoch:
        count += 1
    status = item.get("item_status")
    if isinstance(status, str) and status not in _ITEM_STATUSES:
        count += 1
    item_id = item.get("itemid", item.get("item_id"))
    models = item.get("models")
    if isinstance(models, list) and any(
        isinstance(model, Mapping) and model.get("itemid") not in (None, item_id) for model in models
    ):
        count += 1
    return count


def poisoned_items(page: Page) -> bool:
    """Some item in the JSON body breaks at least two of Shopee's value invariants."""
    if page.json is None:
        return False
    tomorrow = (page.now + timedelta(days=1)).timestamp()
    return any(_violations(item, now_epoch=tomorrow) >= 2 for item in _items(page.json))


SHOPEE_RULES: tuple[BlockRule, ...] = (
    BlockRule(
        kind="anti_bot",
        when=Json(("error",), (90309999,)),
        why="anti-bot answer error 90309999 (missing browser signature)",
    ),
    BlockRule(
        kind="poisoned",
        when=Check("poisoned items", poisoned_items),
        why="plausible-looking items with corrupted values, served to suspected bots",
    ),
    BlockRule(
        kind="empty_items",
        when=All(UrlPath(r"/search/search_items"), FirstPage("newest"), Json(("items",), ([], None))),
        why="the first page of a keyword search came back without items",
    ),
)

"""The sandbox seller's products in each marketplace it sells in.

One catalogue of base products, localised per marketplace: titles in the local language (German
umlauts and French accents for the Windows-1252 downloads, Japanese for the Shift_JIS ones),
dimensions in inches and pounds for the US and centimetres and kilograms elsewhere, prices in
the local currency. ``\\u2013`` is an en dash, byte 0x96 in Windows-1252: a classic decoding
trap. Which SKUs a marketplace lists and which ones are planted with a wrong size tier is drawn
from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shelfscope.marketplaces import amazon_marketplace
from shelfscope.sandbox.spapi.history import fees
from shelfscope.sandbox.spapi.history.model import Product

__all__ = ["REGION_MARKETPLACES", "build_catalog", "money"]

REGION_MARKETPLACES: dict[str, tuple[str, ...]] = {
    "NA": ("US", "CA"),
    "EU": ("UK", "DE", "FR", "IT", "ES"),
    "FE": ("JP",),
}
"""Marketplaces the sandbox seller participates in, per selling region; the first is its home."""

_LANGUAGE = {"US": "en", "CA": "en", "UK": "en", "DE": "de", "FR": "fr", "IT": "it", "ES": "es", "JP": "ja"}
_FX = {"USD": "1", "CAD": "1.35", "GBP": "0.80", "EUR": "0.92", "JPY": "150"}
_LISTED = {"US": 12, "CA": 6, "UK": 8, "DE": 8, "FR": 6, "IT": 4, "ES": 4, "JP": 8}
_PLANTED_FEES = {"US": 2, "UK": 1}


@dataclass(frozen=True)
class _Base:
    key: str
    group: str
    sides_cm: tuple[str, str, str]
    grams: int
    usd: str
    titles: dict[str, str]


def _base(key: str, group: str, sides: str, grams: int, usd: str, *titles: str) -> _Base:
    longest, median, shortest = sides.split("x")
    languages = ("en", "de", "fr", "it", "es", "ja")
    return _Base(
        key, group, (longest, median, shortest), grams, usd, dict(zip(languages, titles, strict=True))
    )


_BASE = (
    _base(
        "BOTTLE", "Kitchen", "27x8x8", 380, "24.99",
        "Insulated Water Bottle 750ml, Stainless Steel", "Isolierte Trinkflasche 750 ml \u2013 Edelstahl",
        "Gourde isotherme 750 ml \u2013 acier inoxydable", "Borraccia termica 750 ml in acciaio",
        "Botella térmica 750 ml \u2013 acero inoxidable", "真空断熱ボトル 750ml ステンレス",
    ),
    _base(
        "TOWEL", "Sports", "25x18x1.5", 150, "14.99",
        "Microfiber Gym Towel, 2-Pack", "Mikrofaser-Sporthandtuch, 2er-Pack",
        "Serviette de sport en microfibre, lot de 2", "Asciugamano sportivo in microfibra, 2 pezzi",
        "Toalla de deporte de microfibra, pack de 2", "マイクロファイバー スポーツタオル 2枚組",
    ),
    _base(
        "CABLE", "Electronics", "18x10x1.8", 60, "9.99",
        "USB-C Charging Cable 2m, Braided", "USB-C-Ladekabel 2 m, geflochten",
        "Câble de charge USB-C 2 m, tressé", "Cavo di ricarica USB-C 2 m, intrecciato",
        "Cable de carga USB-C 2 m, trenzado", "USB-C 充電ケーブル 2m 編み込み",
    ),
    _base(
        "LAMP", "Home", "45x15x10", 900, "39.99",
        "LED Desk Lamp with Dimmer", "LED-Schreibtischlampe mit Dimmer, weiß",
        "Lampe de bureau LED à variateur", "Lampada da scrivania LED dimmerabile",
        "Lámpara de escritorio LED regulable", "LEDデスクライト 調光機能付き",
    ),
    _base(
        "YOGA", "Sports", "62x14x14", 1100, "29.99",
        "Yoga Mat 6mm, Non-Slip", "Yogamatte 6 mm, rutschfest",
        "Tapis de yoga 6 mm, antidérapant", "Tappetino yoga 6 mm antiscivolo",
        "Esterilla de yoga 6 mm antideslizante", "ヨガマット 6mm 滑り止め付き",
    ),
    _base(
        "SPATULA", "Kitchen", "30x9x3", 200, "12.99",
        "Silicone Spatula Set, 3 Pieces", "Silikon-Spatel-Set, 3-teilig, hitzebeständig",
        "Lot de 3 spatules en silicone", "Set di spatole in silicone, 3 pezzi",
        "Juego de espátulas de silicona, 3 uds.", "シリコンスパチュラ 3本セット",
    ),
    _base(
        "NOTEBOOK", "Office", "21.5x15x1.6", 310, "11.99",
        "A5 Dotted Notebook, 160 Pages", "A5-Notizbuch gepunktet, 160 Seiten",
        "Carnet A5 pointillé, 160 pages", "Quaderno A5 puntinato, 160 pagine",
        "Cuaderno A5 punteado, 160 páginas", "A5 ドット方眼ノート 160ページ",
    ),
    _base(
        "SOCKS", "Apparel", "24x12x4", 240, "22.99",
        "Merino Hiking Socks, 3 Pairs", "Merino-Wandersocken, 3 Paar, Größe 39\u201342",
        "Chaussettes de randonnée en mérinos, 3 paires", "Calze da trekking in merino, 3 paia",
        "Calcetines de senderismo de merino, 3 pares", "メリノウール 登山用ソックス 3足組",
    ),
    _base(
        "CASE", "Wireless", "17x9.5x1.5", 45, "15.99",
        "Clear Phone Case with MagSafe", "Transparente Handyhülle mit MagSafe",
        "Coque transparente compatible MagSafe", "Custodia trasparente con MagSafe",
        "Funda transparente con MagSafe", "クリア スマホケース MagSafe対応",
    ),
    _base(
        "KETTLE", "Kitchen", "25x22x17", 1400, "34.99",
        "Electric Kettle 1.7L, Glass", "Wasserkocher 1,7 l aus Glas",
        "Bouilloire électrique 1,7 L en verre", "Bollitore elettrico 1,7 L in vetro",
        "Hervidor eléctrico 1,7 L de cristal", "電気ケトル 1.7L ガラス製",
    ),
    _base(
        "PUZZLE", "Toys", "27x20x5", 650, "19.99",
        "1000-Piece Jigsaw Puzzle \u2013 Alpine Café", "Puzzle 1000 Teile \u2013 Café in den Alpen",
        "Puzzle 1000 pièces \u2013 Café alpin", "Puzzle 1000 pezzi \u2013 Caffè alpino",
        "Puzzle de 1000 piezas \u2013 Café alpino", "ジグソーパズル 1000ピース アルプスの喫茶店",
    ),
    _base(
        "BANDS", "Sports", "16x11x2.5", 180, "13.99",
        "Resistance Bands, Set of 5", "Fitnessbänder 5er-Set mit Tragetasche",
        "Lot de 5 bandes de résistance", "Set di 5 bande elastiche",
        "Set de 5 bandas elásticas", "トレーニングチューブ 5本セット",
    ),
)  # fmt: skip

_ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def money(value: Decimal, currency: str) -> Decimal:
    """``value`` rounded to the currency's minor unit (yen have none)."""
    step = Decimal(1) if currency == "JPY" else Decimal("0.01")
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _code(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choice(_ALPHANUMERIC) for _ in range(length - len(prefix)))


def _price(base: _Base, currency: str) -> Decimal:
    converted = Decimal(base.usd) * Decimal(_FX[currency])
    if currency == "JPY":
        return (converted / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10 - 20
    return money(converted, currency).quantize(Decimal(1)) - Decimal("0.01")


def _dimensions(base: _Base, *, imperial: bool) -> fees.Dimensions:
    sides = [Decimal(side) for side in base.sides_cm]
    grams = Decimal(base.grams)
    weight = (grams / 1000).quantize(Decimal("0.001"))
    if imperial:
        sides = [(side / Decimal("2.54")).quantize(Decimal("0.01")) for side in sides]
        weight = (grams / Decimal("453.592")).quantize(Decimal("0.01"))
    return fees.Dimensions(sides[0], sides[1], sides[2], weight)


def _tier_and_fee(dims: fees.Dimensions, *, code: str, currency: str) -> tuple[str, Decimal]:
    if code == "US":
        tier = fees.us_size_tier(dims)
        return tier, fees.us_fee(tier, dims.weight)
    band = fees.size_band(dims)
    return band, fees.band_fee(band, currency)


def _overcharged_tier(tier: str, *, code: str) -> str:
    """The next larger tier or band: what a mis-measured unit is wrongly classified as."""
    if code == "US":
        return fees.LARGE_STANDARD if tier == fees.SMALL_STANDARD else fees.LARGE_BULKY
    return "Standard parcel"


def _product(rng: random.Random, base: _Base, *, code: str, asin: str, planted: bool) -> Product:
    market = amazon_marketplace(code)
    imperial = code == "US"
    dims = _dimensions(base, imperial=imperial)
    tier, fee = _tier_and_fee(dims, code=code, currency=market.currency)
    reported, charged = tier, fee
    if planted:
        reported = _overcharged_tier(tier, code=code)
        charged = fees.us_fee(reported, dims.weight) if imperial else fees.band_fee(reported, market.currency)
    return Product(
        marketplace=code,
        marketplace_id=market.marketplace_id,
        currency=market.currency,
        sku=f"{code}-{base.key}-{rng.randint(10, 99)}",
        fnsku=_code(rng, "X00", 10),
        asin=asin,
        title=base.titles[_LANGUAGE[code]],
        brand="Northwind Goods",
        product_group=base.group,
        price=_price(base, market.currency),
        referral_rate=Decimal("0.08") if base.group == "Electronics" else Decimal("0.15"),
        longest_side=dims.longest,
        median_side=dims.median,
        shortest_side=dims.shortest,
        dimension_unit="inches" if imperial else "cm",
        weight=dims.weight,
        weight_unit="pounds" if imperial else "kg",
        size_tier=tier,
        reported_tier=reported,
        expected_fee=fee,
        fulfillment_fee=charged,
    )


def _planted_keys(rng: random.Random, listed: list[_Base], *, code: str) -> set[str]:
    """Base products of ``code`` to plant with a wrong tier: only small ones can be overcharged."""
    small = {fees.SMALL_STANDARD, "Small envelope", "Standard envelope", "Large envelope"}
    currency = amazon_marketplace(code).currency
    eligible = [
        base.key
        for base in listed
        if _tier_and_fee(_dimensions(base, imperial=code == "US"), code=code, currency=currency)[0] in small
    ]
    return set(rng.sample(eligible, min(_PLANTED_FEES.get(code, 0), len(eligible))))


def build_catalog(rng: random.Random, region: str) -> dict[str, tuple[Product, ...]]:
    """The products of each marketplace of ``region``, by marketplace code."""
    asins = {base.key: _code(rng, "B0", 10) for base in _BASE}
    catalog: dict[str, tuple[Product, ...]] = {}
    for code in REGION_MARKETPLACES[region]:
        listed = rng.sample(list(_BASE), _LISTED[code])
        planted = _planted_keys(rng, listed, code=code)
        catalog[code] = tuple(
            _product(rng, base, code=code, asin=asins[base.key], planted=base.key in planted)
            for base in listed
        )
    return catalog

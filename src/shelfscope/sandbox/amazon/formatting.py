"""Numbers, prices, dates and the result-count line the way each storefront prints them.

A price is the part of a page that parsers get wrong most: ``12,99 €`` on amazon.de,
``€12.99`` on amazon.ie, ``R$ 49,90`` on amazon.com.br, ``₹1,49,999`` with Indian grouping,
``￥2,980`` without decimals. Each marketplace's style is one row of :data:`PRICE_STYLES`; the
pieces are returned separately too, because cards render them in separate spans
(``a-price-symbol``, ``a-price-whole``, ``a-price-decimal``, ``a-price-fraction``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shelfscope.sandbox.amazon.i18n import UiText

__all__ = [
    "PRICE_STYLES",
    "PriceParts",
    "PriceStyle",
    "format_count",
    "format_date",
    "format_price",
    "format_rating",
    "result_count_text",
]

_NBSP = "\u00a0"
_NNBSP = "\u202f"

# (thousands separator, decimal mark) by UI language.
_NUMBER_STYLES: dict[str, tuple[str, str]] = {
    "en": (",", "."),
    "ja": (",", "."),
    "de": (".", ","),
    "es": (".", ","),
    "it": (".", ","),
    "nl": (".", ","),
    "tr": (".", ","),
    "pt": (".", ","),
    "fr": (_NNBSP, ","),
    "sv": (_NBSP, ","),
    "pl": (_NBSP, ","),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceStyle:
    """How one storefront writes an amount of its currency."""

    symbol: str
    symbol_after: bool
    gap: str
    """Between symbol and number: ``""``, a no-break space."""
    decimals: int
    thousands: str
    decimal_mark: str
    indian_grouping: bool = False


def _style(
    symbol: str, *, after: bool = False, gap: str = "", decimals: int = 2, lang: str = "en"
) -> PriceStyle:
    thousands, mark = _NUMBER_STYLES[lang]
    return PriceStyle(
        symbol=symbol, symbol_after=after, gap=gap, decimals=decimals, thousands=thousands, decimal_mark=mark
    )


PRICE_STYLES: dict[str, PriceStyle] = {
    "US": _style("$"),
    "CA": _style("$"),
    "MX": _style("$"),
    "BR": _style("R$", gap=_NBSP, lang="pt"),
    "UK": _style("£"),
    "DE": _style("€", after=True, gap=_NBSP, lang="de"),
    "FR": _style("€", after=True, gap=_NBSP, lang="fr"),
    "IT": _style("€", after=True, gap=_NBSP, lang="it"),
    "ES": _style("€", after=True, gap=_NBSP, lang="es"),
    "IE": _style("€"),
    "NL": _style("€", gap=_NBSP, lang="nl"),
    "SE": _style("kr", after=True, gap=_NBSP, lang="sv"),
    "PL": _style("zł", after=True, gap=_NBSP, lang="pl"),
    "BE": _style("€", after=True, gap=_NBSP, lang="fr"),
    "TR": _style("TL", after=True, gap=_NBSP, lang="tr"),
    "AE": _style("AED", gap=_NBSP),
    "SA": _style("SAR", gap=_NBSP),
    "EG": _style("EGP", gap=_NBSP),
    "ZA": _style("R"),
    "IN": PriceStyle(
        symbol="₹",
        symbol_after=False,
        gap="",
        decimals=0,
        thousands=",",
        decimal_mark=".",
        indian_grouping=True,
    ),
    "JP": _style("￥", decimals=0),
    "AU": _style("$"),
    "SG": _style("S$"),
}
"""Price style per marketplace code, after what each storefront's cards show."""


def _group(digits: str, separator: str, *, indian: bool = False) -> str:
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if indian else 3
    groups: list[str] = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return separator.join([*groups, tail])


def format_count(count: int, *, lang: str) -> str:
    """``29,529`` / ``29.529`` / ``29 529`` for a language."""
    return _group(str(count), _NUMBER_STYLES.get(lang, _NUMBER_STYLES["en"])[0])


def format_rating(rating: Decimal, *, lang: str) -> str:
    """One decimal, with the language's decimal mark: ``4.3`` / ``4,3``."""
    text = str(rating.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text if lang in {"en", "ja"} else text.replace(".", ",")


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceParts:
    """A price as a card renders it: the screen-reader text and the visible pieces."""

    text: str
    symbol: str
    symbol_after: bool
    whole: str
    decimal_mark: str
    fraction: str


def format_price(amount: Decimal, *, marketplace: str) -> PriceParts:
    """``amount`` in the style of ``marketplace`` (a code such as ``DE``)."""
    style = PRICE_STYLES[marketplace]
    quantum = Decimal(1).scaleb(-style.decimals)
    fixed = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    whole_digits, _, fraction = f"{fixed:f}".partition(".")
    whole = _group(whole_digits, style.thousands, indian=style.indian_grouping)
    number = f"{whole}{style.decimal_mark}{fraction}" if style.decimals else whole
    text = (
        f"{number}{style.gap}{style.symbol}" if style.symbol_after else f"{style.symbol}{style.gap}{number}"
    )
    return PriceParts(
        text=text,
        symbol=style.symbol,
        symbol_after=style.symbol_after,
        whole=whole,
        decimal_mark=style.decimal_mark if style.decimals else "",
        fraction=fraction,
    )


def format_date(day: date, *, text: UiText) -> str:
    """A delivery date: "Wed, Feb 18", "Di., 3. Juni", "2月18日(水)"."""
    return text.date_pattern.format(
        weekday=text.weekdays[day.weekday()], day=day.day, month=text.months[day.month - 1]
    )


def result_count_text(*, text: UiText, first: int, last: int, total: int, over: bool) -> str:
    """The result-info line without the quoted query: "1-48 of over 1,000 results for"."""
    template = text.count_over if over else text.count_exact
    return template.format(first=first, last=last, total=format_count(total, lang=text.lang))

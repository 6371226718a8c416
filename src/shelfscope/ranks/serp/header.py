"""What a search page says about itself: the query, a spelling correction, the result total, paging."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.ranks.serp.numbers import parse_total_results

__all__ = ["PageHeader", "read_header"]

_QUERY_BOX = "#twotabsearchtextbox, input[name='field-keywords']"
# Modern result-info bar (2020-2026) and the legacy result count (2019).
_RESULT_INFO = ".s-breadcrumb, #s-result-count"
_QUOTED_TERM = ".a-color-state"
# "Showing results for <i>sunscreen</i> / Search instead for suns creame" (widgetId
# correction-messages-spell-correction); the corrected term is the emphasised one.
_SPELL_WIDGET = '[class*="spell-correction"]'
_CORRECTED_TERM = ".a-text-italic, .a-text-bold"
_QUOTES = "\"'“”„«»「」"


@dataclass(frozen=True, slots=True, kw_only=True)
class PageHeader:
    query: str | None
    corrected_query: str | None
    total_results: int | None
    total_results_text: str | None
    page: int | None
    has_next_page: bool


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split()).strip(_QUOTES).strip()
    return cleaned or None


def _query(tree: LexborHTMLParser) -> str | None:
    box = tree.css_first(_QUERY_BOX)
    return None if box is None else _clean(box.attributes.get("value"))


def _result_info(tree: LexborHTMLParser) -> tuple[str | None, str | None]:
    """(count text, quoted search term) from the result-info line."""
    info = tree.css_first(_RESULT_INFO)
    if info is None:
        return None, None
    term_node = info.css_first(_QUOTED_TERM)
    term = None if term_node is None else term_node.text(deep=True)
    text = info.text(deep=True)
    if term:
        text = text.replace(term, " ")
    return _clean(text), _clean(term)


def _corrected_query(rows: list[LexborNode], *, query: str | None, searched_term: str | None) -> str | None:
    for row in rows:
        widget = row.css_first(_SPELL_WIDGET)
        if widget is not None:
            emphasised = widget.css_first(_CORRECTED_TERM)
            if emphasised is not None:
                return _clean(emphasised.text(deep=True))
    # Without the widget, the result-info line still names the term Amazon actually searched.
    if query and searched_term and searched_term.casefold() != query.casefold():
        return searched_term
    return None


def _int_text(node: LexborNode | None) -> int | None:
    if node is None:
        return None
    text = node.text(deep=True).strip()
    return int(text) if text.isdigit() else None


def _pagination(tree: LexborHTMLParser) -> tuple[int | None, bool]:
    strip = tree.css_first(".s-pagination-strip, #pagn")
    if strip is None:
        return None, False
    page = _int_text(strip.css_first(".s-pagination-selected, .pagnCur"))
    # An enabled "next" is a link; on the last page it is a disabled span.
    has_next = strip.css_first("a.s-pagination-next, a#pagnNextLink") is not None
    return page, has_next


def read_header(tree: LexborHTMLParser, *, rows: list[LexborNode]) -> PageHeader:
    """The page header; ``rows`` are the result list's non-card rows, where messages live."""
    query = _query(tree)
    total_text, searched_term = _result_info(tree)
    page, has_next = _pagination(tree)
    return PageHeader(
        query=query,
        corrected_query=_corrected_query(rows, query=query, searched_term=searched_term),
        total_results=None if total_text is None else parse_total_results(total_text),
        total_results_text=total_text,
        page=page,
        has_next_page=has_next,
    )

"""Which queries Amazon "corrects": "Showing results for yoga mat — Search instead for yoga matt".

The sandbox treats a query as misspelled when its last word ends in a doubled letter that
English words rarely double at the end (``matt``, ``bagg``, ``cupp``; not ``ball``, ``glass``,
``coffee``), and corrects it by dropping the extra letter. Tests and the control endpoint can
add exact corrections (``{"suns creame": "sunscreen"}``), which win.
"""

from __future__ import annotations

from collections.abc import Mapping

from shelfscope.sandbox.amazon.catalogue import normalise_keyword

__all__ = ["spelling_correction"]

_COMMON_FINAL_DOUBLES = frozenset("lsefoz")
_MIN_WORD = 3


def spelling_correction(query: str, *, overrides: Mapping[str, str] | None = None) -> str | None:
    """The query Amazon would run instead of ``query``, or ``None`` when it is spelled fine."""
    normalised = normalise_keyword(query)
    if overrides:
        corrected = {normalise_keyword(k): v for k, v in overrides.items()}.get(normalised)
        if corrected is not None:
            return normalise_keyword(corrected) or None
    words = normalised.split()
    if not words:
        return None
    last = words[-1]
    if len(last) < _MIN_WORD or last[-1] != last[-2] or not last[-1].isalpha():
        return None
    if last[-1] in _COMMON_FINAL_DOUBLES:
        return None
    return " ".join([*words[:-1], last[:-1]])

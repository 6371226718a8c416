"""Keyword rank tracking: where a product ranks, organically and in ads, for a keyword.

Public surface for other packages: the SERP parser and its page model, the Amazon page
classifier that the fetch engine shares, and the tables. Use cases live in their own modules,
imported where needed so that importing the parser stays cheap:

* :mod:`.jobs` (create/edit/pause/resume/delete, schedule preview), :mod:`.check_runs` (run now),
  :mod:`.keywords` (add one, bulk from text/CSV, remove), :mod:`.history` (keyword table,
  history per keyword), :mod:`.reparse` (observations from the archive);
* :mod:`.runner` executes a ``ranks.check`` run, :mod:`.dispatch` claims due jobs for the
  scheduler, :mod:`.tasks` registers both with the job system;
* :mod:`.checker` (one keyword check over any page source), :mod:`.ranking` (absolute ranks),
  :mod:`.pages` (network and shared page cache), :mod:`.archive` (raw pages).
"""

from __future__ import annotations

from shelfscope.ranks.models import (
    Frequency,
    JobStatus,
    Observation,
    ObservationStatus,
    PageCache,
    PageCacheSavings,
    SerpSnapshot,
    TrackedKeyword,
    TrackingJob,
)
from shelfscope.ranks.serp import (
    Placement,
    SerpPage,
    SerpResult,
    classify_amazon_page,
    detect_amazon_block,
    parse_serp,
    require_search_page,
)

__all__ = [
    "Frequency",
    "JobStatus",
    "Observation",
    "ObservationStatus",
    "PageCache",
    "PageCacheSavings",
    "Placement",
    "SerpPage",
    "SerpResult",
    "SerpSnapshot",
    "TrackedKeyword",
    "TrackingJob",
    "classify_amazon_page",
    "detect_amazon_block",
    "parse_serp",
    "require_search_page",
]

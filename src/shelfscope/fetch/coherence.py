"""Does a header set tell one consistent story about the browser that sent it?

Anti-bot systems score inconsistencies, not single values, and generated header sets get them
wrong in known ways (browserforge's own sample swaps ``Sec-Fetch-*`` values; Firefox without
``sec-fetch-*`` draws Cloudflare 503s; ``Upgrade-Insecure-Requests`` on a script fetch and a
missing ``sec-ch-ua-mobile`` are bot signals; curl_cffi's ``chrome131_android`` target itself
sends ``sec-ch-ua-mobile: ?0``). :func:`coherence_problems` checks one identity against the
headers actually sent, so tests can run it on what a server received; :func:`check_identities`
runs it for a whole identity table when the engine starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from shelfscope.errors import ConfigError
from shelfscope.fetch.identities import Identity, IdentitySpec
from shelfscope.fetch.languages import Family
from shelfscope.fetch.models import Device, Header, Mode

__all__ = ["check_identities", "coherence_problems", "impersonation_targets"]

_TARGET = re.compile(r"^(chrome|edge|firefox|safari)(\d+)[a-z]?(?:_(ios|android))?$")
_UA_PLATFORM = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("Windows NT", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)
_FETCH_SITES = {"none", "same-origin", "same-site", "cross-site"}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?(;q=[01](\.\d{1,3})?)?$")


@cache
def impersonation_targets() -> frozenset[str]:
    """The impersonation targets the installed curl_cffi knows."""
    from curl_cffi.requests import BrowserType

    return frozenset(member.value for member in BrowserType)


def _expected_version(identity: Identity, number: str) -> str:
    if identity.family is Family.SAFARI:  # safari184 → "18.4", safari260 → "26.0"
        return f"{number[:-1]}.{number[-1]}" if len(number) == 3 else f"{number[:2]}.{number[2:]}"
    return number


def _ua_problems(identity: Identity) -> list[str]:
    match = _TARGET.match(identity.impersonate)
    if not match:
        return [f"impersonation target {identity.impersonate!r} is not a browser version"]
    target_family, number, target_os = match.groups()
    agent = identity.user_agent
    problems: list[str] = []
    engine = {"chrome": "chrome", "edge": "chrome", "firefox": "firefox", "safari": "safari"}
    family_engine = {Family.CHROME: "chrome", Family.EDGE: "chrome"}.get(
        identity.family, str(identity.family)
    )
    if engine[target_family] != family_engine:
        problems.append(f"a {identity.family} identity impersonates {identity.impersonate}")
    version = _expected_version(identity, number)
    markers = {
        Family.CHROME: f"Chrome/{version}.",
        Family.EDGE: f"Chrome/{version}.",
        Family.FIREFOX: f"Firefox/{version}.",
        Family.SAFARI: f"Version/{version} ",
    }
    if markers[identity.family] not in agent:
        problems.append(
            f"user agent does not claim {markers[identity.family].strip()} like {identity.impersonate}"
        )
    if identity.family is Family.EDGE and "Edg/" not in agent:
        problems.append("an Edge identity without Edg/ in its user agent")
    if identity.family is not Family.EDGE and "Edg/" in agent:
        problems.append("Edg/ in the user agent of a non-Edge identity")
    if identity.family is Family.SAFARI and "Chrome/" in agent:
        problems.append("a Safari user agent mentioning Chrome/")
    mobile_target = target_os is not None
    mobile_agent = "Mobile" in agent
    if mobile_target != (identity.device is Device.MOBILE) or mobile_agent != mobile_target:
        problems.append(
            f"device {identity.device}, target {identity.impersonate} and user agent disagree on mobile"
        )
    platform = next((name for marker, name in _UA_PLATFORM if marker in agent), None)
    if platform != identity.platform:
        problems.append(f"platform {identity.platform!r} but the user agent says {platform!r}")
    return problems


def _client_hint_problems(identity: Identity, sent: dict[str, str]) -> list[str]:
    hints = sorted(name for name in sent if name.startswith("sec-ch-ua"))
    if not identity.is_chromium:
        return [f"{identity.family} never sends client hints, but {hints} were sent"] if hints else []
    problems: list[str] = []
    for name in ("sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform"):
        if name not in sent:
            problems.append(f"Chromium always sends {name}")
    major = re.search(r"Chrome/(\d+)\.", identity.user_agent)
    brands = sent.get("sec-ch-ua", "")
    if major and f'"Chromium";v="{major.group(1)}"' not in brands:
        problems.append(f"sec-ch-ua {brands!r} does not name Chromium {major.group(1)}")
    brand = '"Microsoft Edge"' if identity.family is Family.EDGE else '"Google Chrome"'
    if brand not in brands:
        problems.append(f"sec-ch-ua {brands!r} lacks {brand}")
    mobile = "?1" if identity.device is Device.MOBILE else "?0"
    if sent.get("sec-ch-ua-mobile", mobile) != mobile:
        problems.append(f"sec-ch-ua-mobile is {sent['sec-ch-ua-mobile']} for a {identity.device} identity")
    platform = sent.get("sec-ch-ua-platform")
    if platform is not None and platform != f'"{identity.platform}"':
        problems.append(f"sec-ch-ua-platform {platform} for a {identity.platform} user agent")
    return problems


def _fetch_metadata_problems(identity: Identity, sent: dict[str, str], mode: Mode) -> list[str]:
    problems: list[str] = []
    site = sent.get("sec-fetch-site")
    if site not in _FETCH_SITES:
        problems.append(f"sec-fetch-site {site!r} is not one of {sorted(_FETCH_SITES)}")
    if (site == "none") != ("referer" not in sent):
        problems.append("sec-fetch-site none goes with no referer, and only then")
    navigate = mode is Mode.NAVIGATE
    wanted = {
        "sec-fetch-mode": "navigate" if navigate else "cors",
        "sec-fetch-dest": "document" if navigate else "empty",
    }
    user_header = navigate and identity.family is not Family.SAFARI
    wanted["sec-fetch-user"] = "?1" if user_header else ""
    wanted["upgrade-insecure-requests"] = "1" if user_header else ""
    for name, value in wanted.items():
        if sent.get(name, "") != value:
            problems.append(
                f"{name} is {sent.get(name)!r}, a {mode} by {identity.family} sends {value or None!r}"
            )
    return problems


def _general_problems(identity: Identity, headers: Sequence[Header]) -> list[str]:
    names = [name for name, _ in headers]
    sent = dict(headers)
    problems = [f"header {name} sent twice" for name in sorted({n for n in names if names.count(n) > 1})]
    problems += [f"header name {name!r} is not lower-case" for name in names if name != name.lower()]
    if sent.get("user-agent") != identity.user_agent:
        problems.append("the user agent sent is not the identity's")
    if sent.get("accept-encoding") != identity.accept_encoding:
        problems.append(
            f"accept-encoding {sent.get('accept-encoding')!r} is not {identity.accept_encoding!r}"
        )
    language = sent.get("accept-language", "")
    if not language or not all(_LANGUAGE.match(part) for part in language.split(",")):
        problems.append(f"accept-language {language!r} is not a language list")
    own = [name for name in names if name in identity.header_order]
    if own != sorted(own, key=identity.header_order.index):
        problems.append(f"header order {own} is not {identity.family}'s")
    return problems


def coherence_problems(
    identity: Identity, headers: Sequence[Header], *, mode: Mode = Mode.NAVIGATE
) -> list[str]:
    """Every inconsistency between ``identity`` and the ``headers`` sent for a ``mode`` request.

    ``headers`` are lower-case (name, value) pairs in the order sent; connection-level headers
    (``host``, ``content-length``…) may be included and are ignored. Empty means coherent.
    """
    problems: list[str] = []
    if identity.impersonate not in impersonation_targets():
        problems.append(f"curl_cffi has no impersonation target {identity.impersonate!r}")
    sent = dict(headers)
    problems += _ua_problems(identity)
    problems += _client_hint_problems(identity, sent)
    problems += _fetch_metadata_problems(identity, sent, mode)
    problems += _general_problems(identity, headers)
    return problems


def check_identities(identities: Iterable[Identity]) -> None:
    """Refuse to start with an incoherent identity (a :class:`ConfigError` naming each problem)."""
    spec = IdentitySpec()
    report: list[str] = []
    for identity in identities:
        for mode in Mode:
            rendered = identity.headers(
                url="https://www.example.com/", accept_language=spec.language_for(identity), mode=mode
            )
            report += [
                f"{identity.id} ({mode}): {problem}"
                for problem in coherence_problems(identity, rendered, mode=mode)
            ]
    if report:
        raise ConfigError("incoherent browser identities: " + "; ".join(report))

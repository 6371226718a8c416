"""Browser identities: a TLS/HTTP2 fingerprint and the exact headers that browser sends with it.

Sites compare what a client *says* it is (user agent, ``sec-ch-ua`` client hints) with what it
*is* (TLS and HTTP/2 fingerprint, header set and header order). A Chrome user agent on a
Firefox handshake, client hints from Firefox, or ``sec-ch-ua-mobile: ?0`` next to an Android user
agent are classic bot signals. So an :class:`Identity` is one coherent unit: a curl_cffi
impersonation target plus the user agent, client hints, ``Accept``/``Accept-Encoding`` and header
order of that browser version. :mod:`shelfscope.fetch.coherence` checks every one of them.

Header values and order follow the browsers (and curl_cffi's own fingerprints for the same
targets): Chromium sends client hints first and cookies last; Firefox sends cookies before
``upgrade-insecure-requests`` and ends with ``te: trailers``; Safari leads with
``sec-fetch-dest`` and sends neither client hints nor ``sec-fetch-user``. ``priority`` is left
out because libcurl-impersonate drops a caller-supplied ``priority`` header (it writes HTTP/2
priority itself).

Edge uses the Chrome target of the same Chromium version: Edge and Chrome share Chromium's
network stack, so the handshake matches; curl_cffi's own Edge targets are years out of date,
and an old browser version is a bot signal in itself.

``Accept-Language`` comes from the marketplace locale, written the way the identity's browser
writes it (:mod:`.languages`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from shelfscope.errors import InvalidInput
from shelfscope.fetch.languages import Family, accept_language
from shelfscope.fetch.models import Device, Header, Mode

__all__ = [
    "HEADER_ORDER",
    "IDENTITIES",
    "Family",
    "Identity",
    "IdentitySpec",
    "choose_identity",
    "sec_fetch_site",
]


CHROMIUM = frozenset({Family.CHROME, Family.EDGE})

_CHROMIUM_ORDER = (
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
    "upgrade-insecure-requests",
    "user-agent",
    "accept",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-user",
    "sec-fetch-dest",
    "referer",
    "accept-encoding",
    "accept-language",
    "cookie",
)
_FIREFOX_ORDER = (
    "user-agent",
    "accept",
    "accept-language",
    "accept-encoding",
    "referer",
    "cookie",
    "upgrade-insecure-requests",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-user",
    "te",
)
_SAFARI_ORDER = (
    "sec-fetch-dest",
    "user-agent",
    "accept",
    "sec-fetch-site",
    "sec-fetch-mode",
    "accept-language",
    "referer",
    "accept-encoding",
    "cookie",
)

#: The order in which each browser family writes the headers it derives itself.
HEADER_ORDER: dict[Family, tuple[str, ...]] = {
    Family.CHROME: _CHROMIUM_ORDER,
    Family.EDGE: _CHROMIUM_ORDER,
    Family.FIREFOX: _FIREFOX_ORDER,
    Family.SAFARI: _SAFARI_ORDER,
}

_CHROME_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
_PLAIN_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_ENCODINGS = "gzip, deflate, br, zstd"

_WIN = "Windows NT 10.0; Win64; x64"
_MAC = "Macintosh; Intel Mac OS X 10_15_7"
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"


@dataclass(frozen=True, kw_only=True)
class Identity:
    """One browser, as a site sees it. ``impersonate`` is a curl_cffi ``BrowserType`` value."""

    id: str
    family: Family
    impersonate: str
    device: Device
    platform: str
    user_agent: str
    sec_ch_ua: str | None = None
    accept: str = _PLAIN_ACCEPT
    accept_encoding: str = _ENCODINGS
    weight: float = 1.0

    @property
    def is_chromium(self) -> bool:
        return self.family in CHROMIUM

    @property
    def header_order(self) -> tuple[str, ...]:
        return HEADER_ORDER[self.family]

    def headers(
        self,
        *,
        url: str,
        accept_language: str,
        mode: Mode = Mode.NAVIGATE,
        referer: str | None = None,
        cookie: str | None = None,
        extra: Sequence[Header] = (),
    ) -> list[Header]:
        """The headers this browser sends for ``url``, in its order; ``extra`` follows.

        ``extra`` may replace ``accept`` (a JSON endpoint, say) in place; other names are
        appended, as a page script's custom headers would be.
        """
        navigate = mode is Mode.NAVIGATE
        values: dict[str, str | None] = {
            "user-agent": self.user_agent,
            "accept": self.accept if navigate else "*/*",
            "sec-fetch-site": sec_fetch_site(url, referer),
            "sec-fetch-mode": "navigate" if navigate else "cors",
            "sec-fetch-dest": "document" if navigate else "empty",
            "sec-fetch-user": "?1" if navigate and self.family is not Family.SAFARI else None,
            "upgrade-insecure-requests": "1" if navigate and self.family is not Family.SAFARI else None,
            "referer": referer,
            "accept-encoding": self.accept_encoding,
            "accept-language": accept_language,
            "cookie": cookie,
            "te": "trailers" if self.family is Family.FIREFOX else None,
        }
        if self.is_chromium:
            values["sec-ch-ua"] = self.sec_ch_ua
            values["sec-ch-ua-mobile"] = "?1" if self.device is Device.MOBILE else "?0"
            values["sec-ch-ua-platform"] = f'"{self.platform}"'
        rendered = [(name, value) for name in self.header_order if (value := values.get(name))]
        for name, value in extra:
            index = next((i for i, (key, _) in enumerate(rendered) if key == name), None)
            if index is None:
                rendered.append((name, value))
            else:
                rendered[index] = (name, value)
        return rendered


def _chrome(
    version: int, *, os_name: str, platform: str, brands: str, family: Family = Family.CHROME
) -> Identity:
    suffix = f" Edg/{version}.0.0.0" if family is Family.EDGE else ""
    return Identity(
        id=f"{family}{version}-{platform.lower()}",
        family=family,
        impersonate=f"chrome{version}",
        device=Device.DESKTOP,
        platform=platform,
        user_agent=f"Mozilla/5.0 ({os_name}) {_WEBKIT} Chrome/{version}.0.0.0 Safari/537.36{suffix}",
        sec_ch_ua=brands,
        accept=_CHROME_ACCEPT,
        weight=3.0 if family is Family.CHROME else 1.0,
    )


def _firefox(version: int, *, os_name: str, platform: str) -> Identity:
    return Identity(
        id=f"firefox{version}-{platform.lower()}",
        family=Family.FIREFOX,
        impersonate=f"firefox{version}",
        device=Device.DESKTOP,
        platform=platform,
        user_agent=f"Mozilla/5.0 ({os_name}; rv:{version}.0) Gecko/20100101 Firefox/{version}.0",
    )


def _safari(target: str, version: str, *, ios: bool, encodings: str = _ENCODINGS) -> Identity:
    if ios:
        os_version = version.replace(".", "_")
        agent = (
            f"Mozilla/5.0 (iPhone; CPU iPhone OS {os_version} like Mac OS X) AppleWebKit/605.1.15 "
            f"(KHTML, like Gecko) Version/{version} Mobile/15E148 Safari/604.1"
        )
    else:
        agent = (
            f"Mozilla/5.0 ({_MAC}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{version} Safari/605.1.15"
        )
    return Identity(
        id=f"safari{version.replace('.', '')}-{'ios' if ios else 'macos'}",
        family=Family.SAFARI,
        impersonate=target,
        device=Device.MOBILE if ios else Device.DESKTOP,
        platform="iOS" if ios else "macOS",
        user_agent=agent,
        accept_encoding=encodings,
    )


_BRANDS_142 = '"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"'
_BRANDS_146 = '"Chromium";v="146", "Not-A.Brand";v="24", "Google Chrome";v="146"'

#: Every identity the engine may present. Weights roughly follow browser market share.
IDENTITIES: tuple[Identity, ...] = (
    _chrome(142, os_name=_WIN, platform="Windows", brands=_BRANDS_142),
    _chrome(142, os_name=_MAC, platform="macOS", brands=_BRANDS_142),
    _chrome(146, os_name=_WIN, platform="Windows", brands=_BRANDS_146),
    _chrome(146, os_name=_MAC, platform="macOS", brands=_BRANDS_146),
    _chrome(
        142,
        os_name=_WIN,
        platform="Windows",
        brands='"Chromium";v="142", "Microsoft Edge";v="142", "Not_A Brand";v="99"',
        family=Family.EDGE,
    ),
    Identity(
        id="chrome131-android",
        family=Family.CHROME,
        impersonate="chrome131_android",
        device=Device.MOBILE,
        platform="Android",
        # Chrome's reduced user agent: Android version and model are frozen to "10; K".
        user_agent=f"Mozilla/5.0 (Linux; Android 10; K) {_WEBKIT} Chrome/131.0.0.0 Mobile Safari/537.36",
        sec_ch_ua='"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
        accept=_CHROME_ACCEPT,
        weight=2.0,
    ),
    _firefox(147, os_name="Windows NT 10.0; Win64; x64", platform="Windows"),
    _firefox(147, os_name="Macintosh; Intel Mac OS X 10.15", platform="macOS"),
    _firefox(144, os_name="X11; Linux x86_64", platform="Linux"),
    _safari("safari260", "26.0", ios=False),
    _safari("safari184", "18.4", ios=False, encodings="gzip, deflate, br"),
    _safari("safari260_ios", "26.0", ios=True),
    _safari("safari184_ios", "18.4", ios=True, encodings="gzip, deflate, br"),
)


@dataclass(frozen=True, kw_only=True)
class IdentitySpec:
    """What a request needs from an identity: a device class, a language, maybe a real Chromium.

    ``accept_language``, when given, is sent verbatim; otherwise it is derived from ``locale``
    in the chosen browser's own format. ``chromium_only`` is set for requests the browser client
    serves: the page is fetched by Chromium, so the identity must be a Chromium one.
    """

    device: Device | None = None
    locale: str = "en-US"
    accept_language: str | None = None
    chromium_only: bool = False

    def language_for(self, identity: Identity) -> str:
        return self.accept_language or accept_language(self.locale, identity.family)


def choose_identity(
    identities: Sequence[Identity], *, device: Device | None, rng: random.Random, chromium_only: bool = False
) -> Identity:
    """A weighted random identity of the wanted device class (any class when None)."""
    candidates = [
        identity
        for identity in identities
        if (device is None or identity.device is device) and (identity.is_chromium or not chromium_only)
    ]
    if not candidates:
        what = f"{'a Chromium ' if chromium_only else ''}identity for device {device or 'any'}"
        raise InvalidInput(f"no {what}", field="device")
    return rng.choices(candidates, weights=[identity.weight for identity in candidates])[0]


def _site_of(host: str) -> str:
    labels = host.split(".")
    # Good enough for marketplaces (amazon.co.uk → "co.uk" is avoided by keeping three labels
    # when the second-level label is short); no public-suffix list is needed for same-site checks.
    if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def sec_fetch_site(url: str, referer: str | None) -> str:
    """``Sec-Fetch-Site`` for a request to ``url`` made from ``referer`` (None: typed in)."""
    if not referer:
        return "none"
    target, source = urlsplit(url), urlsplit(referer)
    if (target.scheme, target.netloc) == (source.scheme, source.netloc):
        return "same-origin"
    if _site_of(target.hostname or "") == _site_of(source.hostname or ""):
        return "same-site"
    return "cross-site"

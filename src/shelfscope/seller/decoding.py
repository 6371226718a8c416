"""Report document bytes into lines of text: GZIP, charset and BOM, streamed.

Amazon's report documents arrive as a presigned download that is GZIP-compressed when
getReportDocument says ``compressionAlgorithm: GZIP``. With ``enableContentEncodingUrlHeader`` an
HTTP client may already have inflated it, so the magic bytes decide, not the flag alone.

The charset is rarely trustworthy: some downloads declare ``charset=Cp1252``, Japanese ledger
files declare nothing usable and are Shift_JIS (cp932), and customer-returns files carry
Windows-1252 text. The order is the Content-Type charset, then strict UTF-8, then cp932 for Japan
or cp1252 elsewhere, then latin-1 (which never fails). The choice is made at the first non-ASCII
byte, from a look-ahead window, so a million-row report is never held in memory.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from shelfscope.errors import ContractChanged, ParseError
from shelfscope.seller.marketplaces import is_japan

__all__ = ["ReportText", "charset_candidates", "decompressed_chunks"]

CHUNK_SIZE = 64 * 1024
# How much text past the first non-ASCII byte must decode before a charset is chosen. Wrong
# charsets fail within a few bytes; 64 KiB leaves no doubt and stays small.
SNIFF_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8

_NON_ASCII = re.compile(rb"[\x80-\xff]")
_CHARSET_PARAMETER = re.compile(r";\s*charset\s*=\s*\"?([^\";\s]+)", re.IGNORECASE)
# Java names Amazon's download service puts in Content-Type, mapped to Python codecs.
_CHARSET_ALIASES = {"windows-31j": "cp932", "ms932": "cp932", "shift_jis": "cp932", "sjis": "cp932"}

Document = bytes | BinaryIO | Iterable[bytes]


def charset_candidates(*, content_type: str | None, marketplace_id: str | None) -> tuple[str, ...]:
    """Codecs to try in order: the declared one, UTF-8, the regional legacy one, latin-1."""
    regional = "cp932" if is_japan(marketplace_id) else "cp1252"
    declared = _declared_charset(content_type)
    ordered = (declared, "utf-8", regional, "latin-1")
    return tuple(dict.fromkeys(name for name in ordered if name))


def _declared_charset(content_type: str | None) -> str | None:
    match = _CHARSET_PARAMETER.search(content_type or "")
    if match is None:
        return None
    name = _CHARSET_ALIASES.get(match.group(1).lower(), match.group(1))
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None  # an unknown label is no information; fall through to detection


def decompressed_chunks(document: Document, *, compression_algorithm: str | None = None) -> Iterator[bytes]:
    """The document's bytes in chunks, inflated when they are GZIP.

    ``compression_algorithm`` is what getReportDocument said; the magic bytes have the last
    word, because a client honouring ``Content-Encoding: gzip`` has already inflated the body.
    A truncated or corrupt GZIP stream raises ``ParseError``.
    """
    _compressed, chunks = _open(document, compression_algorithm=compression_algorithm)
    return chunks


def _open(document: Document, *, compression_algorithm: str | None) -> tuple[bool, Iterator[bytes]]:
    if compression_algorithm not in (None, "GZIP"):
        # The model's enum holds only GZIP; anything else is a contract we have not read.
        raise ContractChanged(f"unknown report compressionAlgorithm {compression_algorithm!r}")
    chunks = _chunks(document)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= len(GZIP_MAGIC):
            break
    stream = _prepend(head, chunks)
    if head.startswith(GZIP_MAGIC):
        return True, _gunzip(stream)
    return False, stream


def _chunks(document: Document) -> Iterator[bytes]:
    if isinstance(document, bytes | bytearray | memoryview):
        view = memoryview(document)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
    elif hasattr(document, "read"):
        reader: BinaryIO = document  # type: ignore[assignment]
        while chunk := reader.read(CHUNK_SIZE):
            yield chunk
    else:
        yield from document


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _gunzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            data = chunk
            while data:
                yield inflater.decompress(data)
                # Concatenated GZIP members are one valid file: start the next member.
                data = inflater.unused_data if inflater.eof else b""
                if data:
                    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        yield inflater.flush()
    except zlib.error as exc:
        raise ParseError(f"report document is not valid GZIP: {exc}") from exc
    if not inflater.eof:
        raise ParseError("report document GZIP stream is truncated")


class ReportText:
    """Lines of a report document (each ending in ``\\n``), decoded lazily while iterated.

    ``charset`` is the codec chosen, known once iteration has passed the first non-ASCII byte
    (an all-ASCII document reports the first candidate). ``compressed`` says whether the bytes
    were GZIP. Iterate once: the bytes are streamed, not kept.
    """

    def __init__(
        self,
        document: Document,
        *,
        compression_algorithm: str | None = None,
        content_type: str | None = None,
        marketplace_id: str | None = None,
    ) -> None:
        self._document = document
        self._compression_algorithm = compression_algorithm
        self.candidates = charset_candidates(content_type=content_type, marketplace_id=marketplace_id)
        self.charset: str | None = None
        self.compressed = False

    def __iter__(self) -> Iterator[str]:
        return _split_lines(self._text_pieces())

    def _text_pieces(self) -> Iterator[str]:
        self.compressed, chunks = _open(self._document, compression_algorithm=self._compression_algorithm)
        pieces = (piece for piece in self._decode(chunks) if piece)
        first = next(pieces, "")
        yield first.removeprefix("\ufeff")  # a byte order mark is not part of the first header
        yield from pieces

    def _decode(self, chunks: Iterator[bytes]) -> Iterator[str]:
        pending = b""
        for chunk in chunks:
            pending += chunk
            position = _first_non_ascii(pending)
            if position is None:
                yield pending.decode("ascii")
                pending = b""
                continue
            yield pending[:position].decode("ascii")
            yield from self._decode_from_non_ascii(pending[position:], chunks)
            return
        self.charset = self.candidates[0]  # all ASCII: every candidate reads it the same

    def _decode_from_non_ascii(self, window: bytes, chunks: Iterator[bytes]) -> Iterator[str]:
        final = False
        while len(window) < SNIFF_BYTES:
            more = next(chunks, None)
            if more is None:
                final = True
                break
            window += more
        decoder, text = self._choose_decoder(window, final=final)
        yield text
        offset = len(window)
        for chunk in chunks:
            yield _decode_strict(decoder, chunk, offset=offset, charset=self.charset)
            offset += len(chunk)
        yield _decode_strict(decoder, b"", offset=offset, charset=self.charset, final=True)

    def _choose_decoder(self, window: bytes, *, final: bool) -> tuple[codecs.IncrementalDecoder, str]:
        # A UTF-8 byte order mark outranks any declared charset: it cannot occur in cp1252 text.
        candidates = ("utf-8", *self.candidates) if window.startswith(UTF8_BOM) else self.candidates
        for name in candidates:
            decoder = codecs.getincrementaldecoder(name)(errors="strict")
            try:
                text = decoder.decode(window, final=final)
            except UnicodeDecodeError:
                continue
            self.charset = name
            return decoder, text
        raise ParseError("report document matches none of the charsets " + ", ".join(candidates))


def _decode_strict(
    decoder: codecs.IncrementalDecoder, chunk: bytes, *, offset: int, charset: str | None, final: bool = False
) -> str:
    try:
        return decoder.decode(chunk, final=final)
    except UnicodeDecodeError as exc:
        # Text already handed out was decoded with this charset; switching now would mix two
        # encodings in one ledger, so a document that changes charset half-way is rejected.
        raise ParseError(
            f"report document is not valid {charset} at byte {offset + exc.start}: {exc.reason}"
        ) from exc


def _first_non_ascii(data: bytes) -> int | None:
    if data.isascii():
        return None
    match = _NON_ASCII.search(data)
    return match.start() if match else None


def _split_lines(pieces: Iterable[str]) -> Iterator[str]:
    """Lines ending in ``\\n`` (``\\r\\n`` folded). Only ``\\n`` ends a line: latin-1 text can
    hold U+0085, which ``str.splitlines`` would wrongly treat as a line break."""
    tail = ""
    for piece in pieces:
        if not piece:
            continue
        lines = (tail + piece).split("\n")
        tail = lines.pop()
        for line in lines:
            yield line.removesuffix("\r") + "\n"
    if tail:
        yield tail.removesuffix("\r") + "\n"

"""Report document bytes into text lines: GZIP, charset fallbacks, BOM, streaming."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from shelfscope.errors import ContractChanged, ParseError
from shelfscope.seller.decoding import SNIFF_BYTES, ReportText, charset_candidates, decompressed_chunks

JP = "A1VC38T7YXB528"
US = "ATVPDKIKX0DER"


@pytest.fixture
def synthetic(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi" / "synthetic"


def _one_byte_chunks(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def test_gzip_document_decodes_to_the_same_lines_as_the_plain_file(synthetic: Path) -> None:
    plain = synthetic / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv"
    packed = synthetic / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz"
    text = ReportText(packed.read_bytes(), compression_algorithm="GZIP")
    lines = list(text)
    assert text.compressed is True
    assert lines == list(ReportText(plain.read_bytes()))
    assert len(lines) == 16  # header + summary + 14 detail lines
    assert lines[1].startswith("17823456781\t2024-03-01 07:12:45 UTC\t")


def test_gzip_magic_bytes_win_over_a_missing_compression_flag(synthetic: Path) -> None:
    packed = (synthetic / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz").read_bytes()
    text = ReportText(packed, compression_algorithm=None)
    assert next(iter(text)).startswith("settlement-id\tsettlement-start-date")
    assert text.compressed is True


def test_flag_gzip_on_already_inflated_bytes_reads_them_as_plain_text() -> None:
    # enableContentEncodingUrlHeader: the HTTP client inflated the body; gunzipping again would fail.
    text = ReportText(b"sku\tasin\nA\tB\n", compression_algorithm="GZIP")
    assert list(text) == ["sku\tasin\n", "A\tB\n"]
    assert text.compressed is False


def test_truncated_gzip_raises_parse_error(synthetic: Path) -> None:
    packed = (synthetic / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz").read_bytes()
    with pytest.raises(ParseError, match="truncated"):
        list(ReportText(packed[: len(packed) // 2], compression_algorithm="GZIP"))


def test_corrupt_gzip_raises_parse_error() -> None:
    corrupt = gzip.compress(b"sku\tasin\n" * 100)
    corrupt = corrupt[:20] + bytes(b ^ 0xFF for b in corrupt[20:40]) + corrupt[40:]
    with pytest.raises(ParseError, match="not valid GZIP"):
        list(decompressed_chunks(corrupt))


def test_unknown_compression_algorithm_is_a_contract_change() -> None:
    with pytest.raises(ContractChanged, match="ZSTD"):
        list(decompressed_chunks(b"x", compression_algorithm="ZSTD"))


def test_concatenated_gzip_members_are_one_document() -> None:
    data = gzip.compress(b"a\tb\n1\t") + gzip.compress(b"2\n")
    assert b"".join(decompressed_chunks(data)) == b"a\tb\n1\t2\n"


def test_japanese_ledger_without_charset_falls_back_to_cp932(synthetic: Path) -> None:
    text = ReportText(
        (synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_JP_cp932.tsv").read_bytes(), marketplace_id=JP
    )
    lines = list(text)
    assert text.charset == "cp932"
    assert lines[1].split("\t")[4] == "テスト商品 ウィジェット"


def test_japanese_bytes_outside_japan_fall_through_to_latin1(synthetic: Path) -> None:
    # Without the JP marketplace the order is UTF-8, cp1252, latin-1: 0x8F is undefined in cp1252.
    text = ReportText(
        (synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_JP_cp932.tsv").read_bytes(), marketplace_id=US
    )
    list(text)
    assert text.charset == "latin-1"


def test_customer_returns_in_windows_1252_decode_dash_and_accent(synthetic: Path) -> None:
    raw = (synthetic / "synthetic_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA_cp1252.tsv").read_bytes()
    text = ReportText(raw, marketplace_id=US)
    lines = list(text)
    assert text.charset == "cp1252"
    assert lines[2].split("\t")[5] == "Blue Widget, 2-pack – Café edition"


def test_declared_charset_is_tried_first() -> None:
    body = "sku\tproduct-name\nA\tCafé\n".encode("cp1252")
    text = ReportText(body, content_type="text/plain; charset=Cp1252")
    assert list(text)[1] == "A\tCafé\n"
    assert text.charset == "cp1252"


def test_wrong_declared_charset_falls_back_to_the_next_candidate() -> None:
    body = "sku\tproduct-name\nA\tテスト\n".encode("cp932")
    text = ReportText(body, content_type="text/plain;charset=UTF-8", marketplace_id=JP)
    assert list(text)[1] == "A\tテスト\n"
    assert text.charset == "cp932"


def test_java_charset_names_from_content_type_map_to_python_codecs() -> None:
    assert (
        charset_candidates(content_type="text/plain; charset=windows-31j", marketplace_id=None)[0] == "cp932"
    )
    assert charset_candidates(content_type="text/plain; charset=x-unknown", marketplace_id=None) == (
        "utf-8",
        "cp1252",
        "latin-1",
    )
    assert charset_candidates(content_type=None, marketplace_id=JP) == ("utf-8", "cp932", "latin-1")


def test_utf8_byte_order_mark_is_stripped_and_outranks_a_declared_charset() -> None:
    body = "\ufeffsku\tproduct-name\nA\tRotes Gerät\n".encode()
    text = ReportText(body, content_type="text/plain; charset=Cp1252")
    assert list(text) == ["sku\tproduct-name\n", "A\tRotes Gerät\n"]
    assert text.charset == "utf-8"


def test_streaming_in_one_byte_chunks_splits_multibyte_characters_safely() -> None:
    body = "sku\tname\r\nA\tテスト商品\r\nB\tRotes Gerät".encode()
    text = ReportText(iter(_one_byte_chunks(body)))
    assert list(text) == ["sku\tname\n", "A\tテスト商品\n", "B\tRotes Gerät\n"]


def test_binary_file_objects_are_read_in_chunks() -> None:
    body = gzip.compress(("sku\tqty\n" + "A\t1\n" * 50_000).encode())
    lines = list(ReportText(io.BytesIO(body)))
    assert len(lines) == 50_001
    assert lines[-1] == "A\t1\n"


def test_charset_that_changes_after_non_ascii_text_is_rejected() -> None:
    # UTF-8 text first, then (past the look-ahead window) a cp1252 byte: mixing is refused.
    body = "sku\tname\nA\tGerät\n".encode() + b"x" * (2 * SNIFF_BYTES) + "\nB\tCaf\xe9\n".encode("latin-1")
    with pytest.raises(ParseError, match="not valid utf-8 at byte"):
        list(ReportText(body))


def test_legacy_bytes_after_a_long_ascii_prefix_switch_charset_cleanly() -> None:
    body = b"sku\tname\n" + b"A\tplain\n" * 20_000 + "B\tCafé\n".encode("cp1252")
    text = ReportText(body)
    assert list(text)[-1] == "B\tCafé\n"
    assert text.charset == "cp1252"


def test_latin1_next_line_character_does_not_split_a_line() -> None:
    body = b"sku\tname\nA\tx\x85y\n"  # 0x85 is U+0085 (NEL) in latin-1 and "…" in cp1252
    assert list(ReportText(body)) == ["sku\tname\n", "A\tx…y\n"]

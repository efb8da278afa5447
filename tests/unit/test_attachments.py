"""Pure helpers for attached files: which files are text, size limits, decoding, the Slack host rule,
and which attachment `import opml` reads."""

from __future__ import annotations

import pytest

from bot.chat.attachments import MAX_ATTACHMENT_BYTES, decode_text, looks_textual, too_big
from bot.chat.matrix import FILE_MEMORY_MS, file_caption, file_still_attached, parse_mxc
from bot.chat.slack import file_url_allowed
from bot.domain import Attachment, AttachmentError
from bot.runtime.opml import opml_attachment, parse_opml


@pytest.mark.parametrize(("name", "mimetype"), [
    ("feeds.opml", ""), ("feeds.OPML", "application/octet-stream"), ("x.xml", ""), ("notes", "text/plain"),
    ("f", "text/x-opml"), ("f", "application/xml; charset=utf-8"), ("f", "application/opml+xml"),
])
def test_opml_xml_and_text_files_are_readable(name: str, mimetype: str) -> None:
    assert looks_textual(name, mimetype)


@pytest.mark.parametrize(("name", "mimetype"), [
    ("photo.png", "image/png"), ("feeds.opml.exe", "application/octet-stream"), ("report.pdf", "application/pdf"),
])
def test_images_binaries_and_documents_are_not(name: str, mimetype: str) -> None:
    assert not looks_textual(name, mimetype)


def test_a_file_over_the_limit_is_refused_with_its_size_and_the_limit() -> None:
    assert too_big("f.opml", MAX_ATTACHMENT_BYTES) is None and too_big("f.opml", None) is None
    sentence = too_big("f.opml", 2_500_000)
    assert sentence is not None and "2,500,000 bytes" in sentence and "1,000,000" in sentence


def test_utf8_with_or_without_bom_and_utf16_decode_while_binary_is_refused() -> None:
    assert decode_text("<opml>é</opml>".encode(), "a") == "<opml>é</opml>"
    assert decode_text(b"\xef\xbb\xbf<opml/>", "a") == "<opml/>"
    assert decode_text("<opml/>".encode("utf-16"), "a") == "<opml/>"
    with pytest.raises(AttachmentError, match="b.opml is not UTF-8"):
        decode_text(b"\x89PNG\r\n\x1a\n\xff\xfe", "b.opml")
    with pytest.raises(AttachmentError, match="not a text file"):
        decode_text(b"abc\x00def", "c.opml")


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://files.slack.com/files-pri/T1-F1/feeds.opml", True),
    ("https://files.slack.com:443/files-pri/T1-F1/download/feeds.opml", True),
    ("http://files.slack.com/files-pri/T1-F1/feeds.opml", False),  # the token never travels in clear
    ("https://files.slack.com.evil.example/f.opml", False),
    ("https://evil.example/files.slack.com/f.opml", False),
    ("https://slack.com/api/../files-pri/x", True),  # the API host itself
    ("http://127.0.0.1:8123/files-pri/T1-F1/f.opml", False),
])
def test_the_bot_token_goes_only_to_slacks_file_host_or_the_api_host(url: str, allowed: bool) -> None:
    assert file_url_allowed(url, "https://slack.com/api/") is allowed


def test_with_a_local_api_url_only_that_host_and_port_are_allowed() -> None:
    api = "http://127.0.0.1:8123/api/"
    assert file_url_allowed("http://127.0.0.1:8123/files-pri/T1-F1/f.opml", api)
    assert not file_url_allowed("http://127.0.0.1:8124/files-pri/T1-F1/f.opml", api)
    assert not file_url_allowed("https://127.0.0.1:8123/files-pri/T1-F1/f.opml", api)


def test_import_reads_the_first_opml_named_attachment_else_the_first() -> None:
    notes, feeds = Attachment("notes.txt", text="x"), Attachment("feeds.opml", text="y")
    assert opml_attachment((notes, feeds)) is feeds
    assert opml_attachment((notes,)) is notes
    assert opml_attachment(()) is None


async def test_an_attachment_reads_its_text_or_fetches_it_or_says_why_it_cannot() -> None:
    assert await Attachment("a.opml", text="<opml/>").read() == "<opml/>"

    async def fetch() -> str:
        return "<opml/>"

    assert await Attachment("b.opml", fetch=fetch).read() == "<opml/>"
    with pytest.raises(AttachmentError, match="too big"):
        await Attachment("c.opml", error="too big", fetch=fetch).read()
    with pytest.raises(AttachmentError, match="d.opml"):
        await Attachment("d.opml").read()


def test_opml_problems_name_the_attached_file_in_one_sentence() -> None:
    what = "The attached file feeds.opml"
    with pytest.raises(ValueError, match=r"^The attached file feeds.opml is not valid OPML \(.*\)\.$"):
        parse_opml("<opml><body>", what)
    with pytest.raises(ValueError, match=r"^The attached file feeds.opml is XML but not OPML .*<rss>"):
        parse_opml("<rss><channel/></rss>", what)
    with pytest.raises(ValueError, match=r"^The attached file feeds.opml has no outlines with an xmlUrl"):
        parse_opml("<opml><body><outline text='x'/></body></opml>", what)


def test_mxc_uris_split_into_server_and_media_id_and_odd_ones_are_refused() -> None:
    assert parse_mxc("mxc://localhost/AbC_12-x") == ("localhost", "AbC_12-x")
    assert parse_mxc("mxc://matrix.example.org:8448/abc") == ("matrix.example.org:8448", "abc")
    for bad in ("https://example.org/abc", "mxc://localhost/../../admin", "mxc://localhost/a/b", "mxc://", ""):
        assert parse_mxc(bad) is None


def test_a_file_body_is_a_caption_only_when_a_different_filename_is_given() -> None:
    assert file_caption({"body": "!news import opml", "filename": "feeds.opml"}) == "!news import opml"
    assert file_caption({"body": "feeds.opml", "filename": "feeds.opml"}) is None
    assert file_caption({"body": "feeds.opml"}) is None  # before captions: body is the file name
    assert file_caption({"body": "  ", "filename": "feeds.opml"}) is None


def test_a_file_goes_with_its_senders_messages_for_ten_minutes_after_it_was_sent() -> None:
    sent = 1_700_000_000_000
    assert file_still_attached(sent, sent + FILE_MEMORY_MS)
    assert not file_still_attached(sent, sent + FILE_MEMORY_MS + 1)
    assert not file_still_attached(sent, sent - 1)  # a message from before the file
    assert file_still_attached(0, sent) and file_still_attached(sent, 0)

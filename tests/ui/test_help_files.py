"""The German help page keeps level with the English one.

help.py picks ``index_de.html`` whenever the console speaks German and scrolls it to a
:class:`Topic` anchor, so a section missing there is a Help button that lands nowhere and a
paragraph left in English is one a German reader cannot use. These tests read the two files
as a reader's browser would see their structure: sections, anchors, blocks of text, commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from app.ui.help import Topic, help_page
from app.ui.resources import resources_dir

ENGLISH = "index.html"
GERMAN = "index_de.html"

# Tags whose text a reader takes in as one piece, and the tags that give a section its shape.
BLOCKS = frozenset({"title", "h1", "h2", "p", "li", "td", "th"})
SHAPE = frozenset({"p", "ul", "ol", "li", "table", "tr", "td", "th"})

# Words that give away an English sentence; none of them is a German word.
ENGLISH_WORDS = frozenset({"the", "and", "you", "your", "with", "when", "which", "is", "are", "of"})


@dataclass
class Block:
    """One paragraph, list item, heading or cell: its whole text and the text outside <code>."""

    text: str = ""
    prose: str = ""

    def tidy(self) -> Block:
        return Block(" ".join(self.text.split()), " ".join(self.prose.split()))


@dataclass
class Section:
    """What follows an <h2> (or the top of the page) up to the next <h2>."""

    id: str
    shape: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


class HelpPage(HTMLParser):
    """The parts of a help page the tests compare."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section("")]
        self.anchors: set[str] = set()
        self.contents: list[str] = []
        self._open: list[tuple[str, Block]] = []
        self._code: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h2":
            self.sections.append(Section(found.get("id") or ""))
        for name in ("id", "name"):
            if found.get(name):
                self.anchors.add(str(found[name]))
        href = found.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.contents.append(href[1:])
        if tag in SHAPE:
            self.sections[-1].shape.append(tag)
        if tag in BLOCKS:
            self._open.append((tag, Block()))
        if tag == "code":
            self._code = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._code is not None:
            self.sections[-1].commands.append(" ".join("".join(self._code).split()))
            self._code = None
        if self._open and self._open[-1][0] == tag:
            self.sections[-1].blocks.append(self._open.pop()[1].tidy())

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)
        if self._open:
            block = self._open[-1][1]
            block.text += data
            if self._code is None:
                block.prose += data


@cache
def page(name: str) -> HelpPage:
    parser = HelpPage()
    parser.feed((resources_dir() / "help" / name).read_text(encoding="utf-8"))
    parser.close()
    return parser


def section_ids(name: str) -> list[str]:
    return [section.id for section in page(name).sections[1:]]


def sections_by_id(name: str) -> dict[str, Section]:
    return {section.id: section for section in page(name).sections}


@pytest.mark.parametrize(
    ("language", "expected"),
    [(QLocale.Language.German, GERMAN), (QLocale.Language.English, ENGLISH)],
)
def test_help_opens_the_page_of_the_chosen_language(
    language: QLocale.Language, expected: str
) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(language))
    try:
        assert Path(help_page().toLocalFile()).name == expected
    finally:
        QLocale.setDefault(before)
    html_lang = 'lang="de"' if expected == GERMAN else 'lang="en"'
    assert html_lang in (resources_dir() / "help" / expected).read_text(encoding="utf-8")


def test_both_pages_have_the_same_sections_in_the_same_order() -> None:
    english = section_ids(ENGLISH)
    assert english, "the English help has no sections"
    assert section_ids(GERMAN) == english
    for name in (ENGLISH, GERMAN):
        # QTextBrowser.scrollToAnchor() goes by <a name>, browsers by id: each section has both.
        assert set(section_ids(name)) <= page(name).anchors


def test_the_contents_link_the_same_sections() -> None:
    assert page(GERMAN).contents == page(ENGLISH).contents
    assert set(page(GERMAN).contents) <= page(GERMAN).anchors


@pytest.mark.parametrize("name", [ENGLISH, GERMAN])
@pytest.mark.parametrize("topic", list(Topic), ids=lambda topic: topic.value)
def test_every_help_button_lands_on_its_section(name: str, topic: Topic) -> None:
    assert topic.value in page(name).anchors
    assert topic.value in section_ids(name)


def test_each_section_has_the_same_paragraphs_lists_and_commands() -> None:
    german = sections_by_id(GERMAN)
    for english in page(ENGLISH).sections:
        translated = german.get(english.id)
        assert translated is not None, f"section {english.id!r} is missing in {GERMAN}"
        assert translated.shape == english.shape, f"section {english.id!r} differs in shape"
        # Commands, options and file names are typed as they are: never translated.
        assert translated.commands == english.commands, f"commands differ in {english.id!r}"


def is_code_only(block: Block) -> bool:
    """A line of commands and punctuation only: the same in every language."""
    return not re.search(r"\w", block.prose)


def test_no_english_paragraph_is_left_in_the_german_page() -> None:
    english = {block.text for section in page(ENGLISH).sections for block in section.blocks}
    german = [block for section in page(GERMAN).sections for block in section.blocks]
    assert german
    left = [block.text for block in german if block.text in english and not is_code_only(block)]
    assert left == []
    words = {
        block.text: found
        for block in german
        if (found := ENGLISH_WORDS & set(re.findall(r"\w+", block.prose.lower())))
    }
    assert words == {}

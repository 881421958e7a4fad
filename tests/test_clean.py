"""Clean on the example articles and on a second, made-up corpus with other furniture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parallax.pipeline import Corpus
from parallax.records import Draft
from parallax.stages.clean import Clean, classify_lines, load_boilerplate_patterns, split_paragraphs
from parallax.stages.metadata import Metadata, parse_dateline

BANNED = (
    "Back to top button",
    "Related Articles",
    "A+ A-",
    "Rudaw moderates all comments",
    "Post a comment",
    "Required",
    "You can share this story on social media:",
    "Tags Iran Iraq",
    "(photo credit:",
    "National News",
)
_CREDIT = re.compile(r"\((?:photo )?credit:", re.I)
_SENTENCE_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+")
_COMMENTS_HEADING = re.compile(r"(?:\d+ )?comments?|leave a (?:reply|comment)", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”’]?$")


def _norm(text: str) -> str:
    return " ".join(text.split())


def reporting_sentences(text: str) -> list[str]:
    """Long, complete sentences of a file, leaving out captions (lines with a credit, or contained in
    one) and the site's comment section (from its heading on)."""
    lines = [_norm(line) for line in text.splitlines() if line.strip()]
    heading = next((i for i, line in enumerate(lines) if _COMMENTS_HEADING.fullmatch(line)), len(lines))
    lines = lines[:heading]
    credited = [line for line in lines if _CREDIT.search(line)]
    out = []
    for line in lines:
        if any(line in c for c in credited):
            continue
        for sentence in _SENTENCE_SPLIT.split(line):
            if len(sentence.split()) >= 8 and _SENTENCE_END.search(sentence):
                out.append(sentence)
    return out


def _kept(sentence: str, text: str) -> bool:
    if sentence in text:
        return True
    dateline = parse_dateline(sentence)  # the dateline prefix moves to Article.dateline
    return dateline is not None and sentence[dateline.end :] in text


def test_boilerplate_phrases_gone_from_every_clean_body(seed_articles):
    assert len(seed_articles) == 5
    for key, art in seed_articles.items():
        for phrase in BANNED:
            assert phrase not in art.text, (key, phrase)


def test_every_reporting_sentence_survives(seed_articles, example_dir):
    checked = 0
    for key, art in seed_articles.items():
        raw = Path(art.source).read_text(encoding="utf-8")
        text = _norm(art.text)
        for sentence in reporting_sentences(raw):
            assert _kept(sentence, text), (key, sentence)
            checked += 1
    assert checked > 60


def test_every_line_is_body_boilerplate_or_metadata(seed_articles):
    """Nothing is dropped silently: each source line is kept, set aside, or became a field."""
    for art in seed_articles.values():
        fields = [f for f in (art.title, art.byline, art.published) if f]
        for line in Path(art.source).read_text(encoding="utf-8").splitlines():
            line = _norm(line)
            if not line or line in art.paragraphs or line in art.boilerplate:
                continue
            dateline = parse_dateline(line)
            if dateline is not None and line[dateline.end :] in art.paragraphs:
                continue
            assert any(f.casefold() in line.casefold() for f in fields) or re.search(r"\d{4}", line), line


def test_captions_go_to_boilerplate_in_order(seed_articles):
    for art in seed_articles.values():
        positions = [art.boilerplate.index(b) for b in art.boilerplate]
        assert positions == sorted(positions)
        credited = [b for b in art.boilerplate if _CREDIT.search(b)]
        for b in credited:
            assert b not in art.text


def test_subheadings_stay_in_the_body(seed_articles):
    # A short line between body paragraphs is a subheading, not furniture.
    for art in seed_articles.values():
        paras = art.paragraphs
        for i in range(1, len(paras) - 1):
            short = len(paras[i].split()) <= 12 and not _SENTENCE_END.search(paras[i])
            if short:
                assert len(paras[i - 1].split()) > 12 and len(paras[i + 1].split()) > 12


# ------------------------------------------------ a second corpus, other furniture

_COURIER_HEAD = (
    "The Meridian Courier — Independent news since 1887\n"
    "Home | World | Politics | Business | Culture | Sport | Weather\n"
)
_COURIER_FOOT = (
    "Independent journalism needs your support. Back the Courier today\n"
    "Photograph: Lena Ortiz/AFP via Getty Images\n"
    "Share on WhatsApp\n"
    "Leave a Reply\n"
    "Your email address will not be published. Required fields are marked *\n"
    "Name *\nEmail *\n"
    "Save my name, email, and website in this browser for the next time I comment.\n"
)
_STORIES = [
    (
        "Harbour workers strike over pay as port traffic grinds to a halt",
        "Jonas Whitfield",
        "12 March 2024",
        [
            "Hundreds of harbour workers walked out on Tuesday after talks over a new pay deal "
            "collapsed late on Monday night.",
            "The port authority declined to comment on the dispute, and a spokesman said photos "
            "shared online were misleading.",
            "What happens next",
            "Union leaders said the strike would continue until the employer returned to the table "
            "with a better offer.",
        ],
    ),
    (
        "City council votes to close three libraries despite protests",
        "Amara Okafor",
        "14 March 2024",
        [
            "Councillors voted by a narrow margin on Wednesday evening to close three branch "
            "libraries to save money.",
            "Residents who packed the public gallery shouted at members as the result of the vote "
            "was announced.",
            "The council leader said the decision was painful but that the budget left no other "
            "responsible choice.",
        ],
    ),
    (
        "Heavy snow closes mountain passes for a second day running",
        "Tomas Lindqvist",
        "15 March 2024",
        [
            "Police closed the two main mountain passes again on Thursday as a further half metre of "
            "snow fell overnight.",
            "Forecasters expect the weather to ease by the weekend, although more avalanches remain "
            "a serious risk.",
            "Drivers were told to avoid all but essential journeys and to carry blankets, food and "
            "water in their cars.",
        ],
    ),
]
_LEDGER = (
    "Skip to main content\n"
    "Ledger Weekend\n"
    "Council approves new tram line despite objections from shop owners\n"
    "By Priya Natarajan and Tom Blake\n"
    "Updated 14:05 GMT, 3 April 2024\n"
    "NORTHGATE — The city council approved a new tram line on Wednesday despite objections from shop "
    "owners along the route.\n"
    "Pictured: The proposed route near the central station. Image: Northgate Council\n"
    "Construction is expected to begin next spring and to last about three years, according to the "
    "transport department.\n"
    "More from the Ledger\n"
    "Buses to be replaced on three routes\n"
    "Mayor unveils budget with cuts to parks\n"
    "Join the conversation\n"
    "12 comments\n"
    "Most recent first\n"
    "greg_77: this is a waste of money, as usual\n"
)


def _second_corpus() -> list[Draft]:
    drafts = []
    for n, (title, author, date, body) in enumerate(_STORIES):
        text = _COURIER_HEAD + f"{title}\n{author}\n{date}\n" + "\n".join(body) + "\n" + _COURIER_FOOT
        drafts.append(Draft(id=f"c{n}", source=f"courier/{n}.txt", format="text", text=text))
    drafts.append(Draft(id="l0", source="ledger/0.txt", format="text", text=_LEDGER))
    return drafts


@pytest.fixture(scope="module")
def second(options):
    corpus = Metadata(options)(Clean(options)(Corpus(drafts=_second_corpus())))
    return {a.id: a for a in corpus.articles}


def test_generalises_to_other_boilerplate(second):
    furniture = (
        "Meridian Courier —",
        "Home | World",
        "Back the Courier",
        "Photograph:",
        "Share on",
        "Leave a Reply",
        "Your email address",
        "Name *",
        "Save my name",
        "Skip to",
        "Ledger Weekend",
        "Pictured:",
        "More from the Ledger",
        "Buses to be replaced",
        "Join the conversation",
        "greg_77",
    )
    for art in second.values():
        for phrase in furniture:
            assert phrase not in art.text, (art.id, phrase)
    for n, (_title, _author, _date, body) in enumerate(_STORIES):
        assert second[f"c{n}"].paragraphs == body  # subheading kept, nothing else added or lost


def test_second_corpus_metadata(second):
    for n, (title, author, date, _body) in enumerate(_STORIES):
        art = second[f"c{n}"]
        assert (art.title, art.byline) == (title, author)
        assert art.published == f"2024-03-{int(date.split()[0]):02d}"
    ledger = second["l0"]
    assert ledger.title == "Council approves new tram line despite objections from shop owners"
    assert ledger.byline == "Priya Natarajan and Tom Blake"
    assert ledger.published == "2024-04-03" and ledger.dateline == "NORTHGATE"
    assert ledger.paragraphs[0].startswith("The city council approved")
    assert len(ledger.paragraphs) == 2


def test_split_paragraphs_normalises_space_but_not_words():
    text = "Title  line\r\n\r\n  First\u00a0paragraph   has\tspaces.\nSecond one.\n\n\n"
    assert split_paragraphs(text) == ["Title line", "First paragraph has spaces.", "Second one."]
    wrapped = "\n".join(
        [
            "The minister said on Tuesday that the government would review",
            "the decision within weeks, after protests in several cities over",
            "the weekend drew tens of thousands of people into the streets of",
            "the capital and other towns, according to police estimates given",
            "to reporters late on Sunday evening in the capital city itself.",
            "",
            "A second paragraph follows here and it is also wrapped at a width",
            "of about seventy characters like the one before it in the file.",
        ]
    )
    paras = split_paragraphs(wrapped)
    assert len(paras) == 2 and paras[0].endswith("capital city itself.")
    assert " ".join(paras).split() == wrapped.split()


def test_lexicon_sections_and_errors(tmp_path):
    lex = load_boilerplate_patterns()
    assert lex.whole.fullmatch("Back to top") and lex.comments.fullmatch("3 Comments")
    assert lex.caption.search("A man walks past. (Photo credit: John Smith/Reuters)")
    bad = tmp_path / "bad.txt"
    bad.write_text("[nonsense]\nfoo\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown section"):
        load_boilerplate_patterns(str(bad))


def test_reporting_sentences_about_comments_and_photos_are_kept():
    paras = [
        "Officials declined to comment on the report, which was published by the ministry on Tuesday "
        "morning.",
        "Photos shared on social media showed crowds gathering outside the building before the "
        "police arrived.",
        "Comments",
        "We moderate comments before they appear. Your comments must follow our house rules.",
    ]
    reasons = classify_lines(paras, load_boilerplate_patterns())
    assert reasons[:2] == [None, None]
    assert all(r is not None for r in reasons[2:])

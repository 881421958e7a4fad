"""A light language identifier: writing script first, then stopword profiles.

Parallax's NLP (spaCy English model, English cue and loaded-term lexicons)
would mis-analyse other languages silently, so non-English articles are
detected and set aside with a message instead. The identifier needs no model:
the most frequent function words of a language make up a third or more of
any running text in it, and they barely overlap between languages. A word
shared by several profiles counts for each of them in proportion, so the
common "a", "de", "in" decide nothing on their own.

Detection is deliberately conservative: a text is called non-English only
when the evidence clearly favours another language, because a wrong call
drops an article from the analysis.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .records import Record

LANGUAGES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
        "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
        "fi": "Finnish", "pl": "Polish", "tr": "Turkish", "ro": "Romanian", "id": "Indonesian",
        "cs": "Czech", "hu": "Hungarian", "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian",
        "el": "Greek", "ar": "Arabic", "fa": "Persian", "he": "Hebrew", "hi": "Hindi",
        "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai",
    }
)

# The most frequent function words of each language written in Latin script
# (and Cyrillic Russian/Ukrainian/Bulgarian, told apart by them as well).
_STOPWORDS: Mapping[str, frozenset[str]] = MappingProxyType({
    code: frozenset(words.split())
    for code, words in {
        "en": "the of and to in a is that for it on was with he as at by this be from are have has not but"
              " had his they were an which she will her its their been would who one said more there can"
              " all also after when about than into up out we you i what our them",
        "fr": "le la les de des du et en un une est que qui dans pour pas sur au aux avec ce cette il elle"
              " ils sont ont été par plus ne se son sa ses mais nous vous leur être comme ou où y a",
        "de": "der die das und ist nicht ein eine einen dem den des zu mit sich auf für im von auch es sie"
              " er wir ich wird werden wurde hat haben bei aus nach noch wie oder aber dass vor zum zur sind"
              " war nur",
        "es": "el la los las de del y en que es un una por con para no se su sus al lo como más pero fue"
              " ha son está este esta también ya hay entre desde sobre cuando muy sin",
        "it": "il lo la gli le di del della dei delle e è un una che per non con sono nel nella ma anche"
              " come più si da dal alla al ha questo questa essere stato ci sul tra",
        "pt": "o a os as de do da dos das e em no na nos um uma que é para com não por se mais foi como"
              " mas ao à seu sua são também pelo pela já está ele ela entre",
        "nl": "de het een en van in is dat op te voor met zijn niet die er aan ook als bij of door maar"
              " om dan nog wordt werd naar uit heeft hebben zich tot was over worden",
        "sv": "och att det som en är på av för med den till har inte om ett de jag var men ska kan från"
              " vi så när eller efter också hade sig detta vid under skulle mot",
        "da": "og at det som en er på af for med den til har ikke om et de jeg var men skal kan fra vi så"
              " når eller efter også havde sig dette ved under blev mod",
        "no": "og at det som en er på av for med den til har ikke om et de jeg var men skal kan fra vi så"
              " når eller etter også hadde seg dette ved under ble mot",
        "fi": "ja on ei se että oli hän ovat mutta kun myös tai joka jotka niin ole sen hänen mukaan vain"
              " kuin olla tämä siitä kanssa voi vuonna",
        "pl": "i w na z się nie do że to jest jak o po a co ale tak przez od dla za jego są już być był"
              " była tylko może oraz przy tym który która które",
        "tr": "ve bir bu da de için ile olarak çok daha ne gibi olan en ama kadar sonra var değil o ki mi"
              " ise her şey ben sen onun şu diye",
        "ro": "și în de la a cu că nu pe un o se este din care mai pentru sunt fost au ca ce acest această"
              " sau dar lui ei",
        "id": "dan yang di ini itu dengan untuk tidak dari dalam akan pada juga ke ada karena oleh bisa"
              " mereka sudah telah saat adalah kata atau",
        "cs": "a je v se na že to s z do o jako ale by pro jsou byl byla bylo není už také jeho který"
              " která které podle při nebo jen",
        "hu": "a az és hogy nem is egy van meg ez el de azt már csak mint volt ki még ha be vagy lesz után"
              " kell szerint",
        "ru": "и в не на что он я с как а то все она так его но да ты к у же вы за бы по только ее мне было"
              " вот от меня еще нет о из ему это также был была были который которые",
        "uk": "і в не на що він я з як а то все вона так його але та ти до у же ви за би по тільки її мені"
              " було від мене ще немає о із йому це також був була були який які",
        "bg": "и в не на че той аз с като а то всички тя така го но да ти към у вие за би по само ѝ ми"
              " беше от още няма о из му това също бил била били който които е са",
    }.items()
})

# Languages told by their script alone, by the first letters of their Unicode names.
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("GREEK", "el"), ("HEBREW", "he"), ("DEVANAGARI", "hi"), ("HANGUL", "ko"),
    ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("CJK", "zh"), ("THAI", "th"), ("ARABIC", "ar"),
)
_PERSIAN_LETTERS = frozenset("پچژگ")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MIN_WORDS = 6
_MIN_SHARE = 0.08  # stopword share of the winner: ordinary prose scores 0.25 and up
_MARGIN = 2.0  # how far a non-English winner must beat English


def _weights() -> dict[str, dict[str, float]]:
    owners = Counter(w for words in _STOPWORDS.values() for w in words)
    return {code: {w: 1.0 / owners[w] for w in words} for code, words in _STOPWORDS.items()}


_WEIGHTS: Mapping[str, Mapping[str, float]] = MappingProxyType(_weights())
# word -> its (language, weight) pairs: one dictionary probe per word instead of one per language.
_BY_WORD: Mapping[str, tuple[tuple[str, float], ...]] = MappingProxyType({
    w: tuple((code, weights[w]) for code, weights in _WEIGHTS.items() if w in weights)
    for w in {w for weights in _WEIGHTS.values() for w in weights}
})
# A couple of thousand words settle the language; scoring a whole book only costs time.
_SAMPLE_WORDS = 3000
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z]")


@dataclass(slots=True, frozen=True)
class LanguageGuess(Record):
    """What :func:`detect_language` decided: ``code`` is None when the text does not tell."""

    code: str | None
    score: float = 0.0
    runner_up: str | None = None
    words: int = 0

    @property
    def name(self) -> str:
        return LANGUAGES.get(self.code or "", self.code or "unknown")


def _script_language(text: str) -> str | None:
    """A language given away by a non-Latin script holding most letters, or None."""
    sample = text[:20_000]
    if sample.isascii():
        return None
    others = _OTHER_LETTER.findall(sample)
    total = len(others) + len(_ASCII_LETTER.findall(sample))
    if not others or len(others) < total / 2:
        return None  # mostly ASCII letters: Latin script, settled by the stopwords
    counts: Counter[str] = Counter({"LATIN": total - len(others)})
    for ch in others:
        name = unicodedata.name(ch, "")
        counts[name.split(" ", 1)[0]] += 1
    kana = counts["HIRAGANA"] + counts["KATAKANA"]
    # Japanese mixes kanji with kana: kana next to kanji means Japanese, not Chinese.
    if kana and counts["CJK"] + kana >= total / 2:
        return "ja"
    script, n = counts.most_common(1)[0]
    if script in ("LATIN", "CYRILLIC") or n < total / 2:
        return None
    code = dict(_SCRIPTS).get(script)
    if code == "ar" and any(ch in _PERSIAN_LETTERS for ch in text[:20_000]):
        return "fa"
    return code


def detect_language(text: str, min_words: int = MIN_WORDS) -> LanguageGuess:
    """The language of ``text`` (ISO 639-1 code), or a guess with ``code=None`` when unsure."""
    by_script = _script_language(text)
    if by_script is not None:
        return LanguageGuess(by_script, 1.0)
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text[:50_000])][:_SAMPLE_WORDS]
    if len(words) < min_words:
        return LanguageGuess(None, 0.0, words=len(words))
    totals = dict.fromkeys(_WEIGHTS, 0.0)
    for w in words:
        for code, weight in _BY_WORD.get(w, ()):
            totals[code] += weight
    scores = {code: total / len(words) for code, total in totals.items()}
    ranked = sorted(scores, key=lambda c: scores[c], reverse=True)
    best, second = ranked[0], ranked[1]
    if scores[best] < _MIN_SHARE:
        return LanguageGuess(None, scores[best], best, len(words))
    if best != "en" and scores[best] < _MARGIN * scores["en"]:
        return LanguageGuess(None, scores[best], best, len(words))  # too close to English to say
    return LanguageGuess(best, round(scores[best], 4), second, len(words))


def normalise_code(tag: str | None) -> str | None:
    """ISO 639-1 code of a declared language tag: ``en-GB`` -> ``en``, ``fra`` -> None."""
    if not tag:
        return None
    primary = re.split(r"[-_\s]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES or re.fullmatch(r"[a-z]{2}", primary) else None


def article_language(text: str, declared: str | None = None) -> str | None:
    """The text's language when it tells, else the language the source declared."""
    return detect_language(text).code or normalise_code(declared)

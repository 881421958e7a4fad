"""Names and the words around them: the one set of titles, role nouns and gender cues.

Every stage that asks "who is this" reads these lists through :mod:`parallax.people`;
nothing else keeps its own list of titles.
"""

from __future__ import annotations

import functools
import re
import unicodedata


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Forms of address, not roles: stripped from names, never a descriptor on their own.
HONORIFICS = wordset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev reverend hon ayatollah sayed sayyid seyed syed "
    "sheikh shaikh sheik imam mullah rabbi hojatoleslam grand st saint"
)
# Role titles that stand before a name ("President Biden", "Texas Gov. Rick Perry").
TITLES = wordset(
    """
    president vice prime minister secretary senator sen rep representative congressman congresswoman
    assemblyman assemblywoman councillor councilor councilman councilwoman alderman governor gov
    mayor judge justice chief general gen colonel col major maj lieutenant lt captain capt sergeant
    sgt admiral adm commander officer constable detective inspector superintendent king queen prince
    princess emperor emir pope cardinal bishop archbishop father chancellor premier ambassador
    commissioner director spokesman spokeswoman spokesperson leader supreme deputy former acting
    interim foreign defence defense interior finance health labor labour education attorney speaker
    chairman chairwoman chair ceo cfo coach founder minority majority house state then-president
    late mp mpp mla pastor coach manager
    """
)
ABBREVIATIONS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "pres": "president",
    "sec": "secretary", "lt": "lieutenant", "col": "colonel", "capt": "captain", "adm": "admiral",
    "sgt": "sergeant", "maj": "major", "supt": "superintendent", "insp": "inspector", "det": "detective",
    "const": "constable", "cllr": "councillor", "atty": "attorney", "dr": "doctor",
}
MALE_WORDS = wordset(
    """
    mr sir lord king prince emperor duke count baron congressman assemblyman councilman alderman
    chairman spokesman businessman sportsman statesman man boy father son brother husband uncle nephew
    grandfather grandson dad widower boyfriend fiance gentleman actor waiter monk priest
    """
)
FEMALE_WORDS = wordset(
    """
    mrs ms miss dame lady queen princess duchess countess baroness congresswoman assemblywoman
    councilwoman alderwoman chairwoman spokeswoman businesswoman sportswoman stateswoman woman girl
    mother daughter sister wife aunt niece grandmother granddaughter mom mum widow girlfriend fiancee
    actress waitress nun
    """
)
# Nouns naming a relation to someone else, not a role of one's own ("his Iraqi counterpart").
RELATIONAL = wordset(
    "counterpart ally friend rival partner successor predecessor host guest envoy son daughter wife "
    "husband brother sister father mother colleague"
)
# Heads of noun phrases that stand for an organisation.
ORG_NOUNS = wordset(
    """
    ministry department agency office company firm corporation business group organisation
    organization association union party government administration council board committee
    commission authority police force army military court tribunal campaign team club league
    university college school hospital bank service services embassy consulate parliament congress
    senate house cabinet regime coalition alliance federation foundation institute network
    """
)
# Things that speak for their author ("the release said", "a statement from the city").
DOCUMENT_NOUNS = wordset(
    """
    statement release report letter findings finding filing complaint lawsuit suit memo memorandum
    ruling decision study survey document documents email e-mail tweet post message note notice
    resolution order indictment affidavit petition bulletin communique communiqué announcement
    website site transcript summary analysis assessment review audit proposal draft motion verdict
    judgment judgement records record paper papers
    """
)
# Verbs whose subject authored their object ("the board issued a release").
AUTHOR_VERBS = wordset("issue release publish send write file post put sign make distribute circulate draft")
# Nouns for unnamed people and groups: a speaker of this kind keeps the description.
GROUP_NOUNS = wordset(
    """
    official officials people residents experts analysts critics sources source witnesses members
    supporters protesters lawmakers legislators leaders officers investigators prosecutors lawyers
    activists voters observers scientists researchers doctors neighbours neighbors parents students
    workers employees staff aides authorities democrats republicans conservatives liberals
    """
)
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f",
                  "hers": "f", "herself": "f"}
PERSON_PRONOUNS = frozenset(PRONOUN_GENDER)
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "themselves"})
PRONOUNS = PERSON_PRONOUNS | PLURAL_PRONOUNS | frozenset({"i", "we", "you", "it", "me", "us", "its"})
_EDGE = frozenset({"the", "a", "an", "'s", "’s", ",", "-", "–", "—"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents ("Calderón" -> "calderon"), for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_title(word: str) -> bool:
    w = word.lower().strip(".,")
    return w in TITLES or w in HONORIFICS


def strip_titles(name: str) -> str:
    """A name without titles or a possessive owner: "Iran's Supreme Leader Ali Khamenei" -> "Ali Khamenei"."""
    text = re.sub(r"[’']s$", "", name.replace("’s ", "'s ").strip()).strip(" .,;:\"“”‘’")
    words = text.split()
    for i, w in enumerate(words[:-1]):
        if w.endswith("'s"):  # the owner belongs to the title: "Iran's Supreme Leader"
            words = words[i + 1 :]
            break
    while words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    # Everything up to the last title before the name: "Texas Gov. Rick Perry", "NAACP President …".
    last = max((i for i, w in enumerate(words[:-1]) if is_title(w)), default=-1)
    if last >= 0 and all(w[:1].isupper() for w in words[last + 1 :]):
        words = words[last + 1 :]
    return " ".join(words).strip(" ,.;:")


clean_name = strip_titles


def name_words(name: str) -> list[str]:
    """The words that identify a person: no initials ("J."), no suffixes ("Jr."), folded."""
    return list(_name_words(name))


@functools.lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    # Names recur across a story's mentions and are compared pairwise: computed once each.
    out = []
    for w in fold(name).replace("’", "'").split():
        w = w.strip(".,")
        if len(w) > 1 and w not in _SUFFIXES:
            out.append(w)
    return tuple(out)


def surname(name: str) -> str:
    words = name_words(name)
    return words[-1] if words else fold(name)


def part_of(short: str, full: str) -> bool:
    """Whether ``short`` can name the person called ``full``: "Rashid", "Latif Rashid", "Donald Trump"
    for "Donald J. Trump"; a one-word name must be the surname."""
    s, f = name_words(short), name_words(full)
    if not s or not f or len(s) > len(f):
        return False
    if len(s) == 1:
        return s[0] == f[-1]
    if s[0] == f[0] and s[-1] == f[-1]:
        return True
    n = len(s)
    return any(f[i : i + n] == s for i in range(len(f) - n + 1))


def title_gender(word: str) -> str | None:
    w = word.lower().strip(".,")
    return "m" if w in MALE_WORDS else "f" if w in FEMALE_WORDS else None


def trim(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _EDGE:
        words = words[1:]
    while words and words[-1].lower() in _EDGE:
        words = words[:-1]
    return " ".join(words)


def role_head(descriptor: str) -> str | None:
    """The role noun a descriptor names ("Iranian Supreme Leader Ayatollah" -> "leader",
    "Texas Gov." -> "governor"); None for a relation ("his Iraqi counterpart")."""
    text = re.split(r"\s(?:of|for|at|with|in|from)\s", descriptor)[0]
    words = [w.strip(",.").lower() for w in text.split()]
    words = [w for w in words if w and w not in HONORIFICS and w not in _EDGE]
    if not words or words[-1] in RELATIONAL or words[-1] in {"his", "her", "their"}:
        return None
    head = ABBREVIATIONS.get(words[-1], words[-1])
    return head if head.isalpha() and len(head) > 2 else None


def nationality_key(word: str) -> str:
    """A crude shared key for a country and its demonym ("Iran", "Iranian" -> "iran")."""
    w = re.sub(r"[’']s$", "", word.lower())
    return w[:4] if len(w) >= 4 else w


def nationality(descriptor: str) -> str | None:
    """The nationality a descriptor starts with ("Iranian Supreme Leader" -> "iran")."""
    for word in descriptor.split():
        if word[:1].isupper() and not is_title(word):
            if word.lower().endswith(("an", "i", "ese", "ish", "’s", "'s")):
                return nationality_key(word)
            return None
    return None


def label_key(text: str) -> str:
    """``name_words`` joined: the key two spellings of one name share."""
    return " ".join(name_words(text))

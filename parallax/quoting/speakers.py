"""Speaker names: noun-phrase extent, title stripping and pronoun/role resolution.

Resolution is deliberately simple and local (no coreference model): a pronoun
or a role noun ("the leader", "the minister") goes to the nearest earlier
person that fits, preferring people who were grammatical subjects or quote
speakers, because reporters name the speaker and then refer back to them.
"He" and "she" pass over a person whose title right before the name says
otherwise ("Mr Brennan", "Ms. Kelly"). Only that title: role words gathered
around a name ("Ms Jowell's deputy, Richard Caborn"), pronouns near it (as
often about the people the person talks about) and earlier attributions
(which spread their mistakes) each made as many errors as fixes on BBC text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records import Record


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = wordset(
    """
    mr mrs ms miss dr prof sir dame lord lady rev reverend father sister brother
    president vice prime minister secretary senator sen rep representative congressman
    congresswoman governor gov mayor judge justice chief general gen colonel col major maj
    lieutenant lt captain capt sergeant sgt admiral adm commander officer
    king queen prince princess emperor sheikh shaikh sheik emir imam ayatollah grand
    hojatoleslam sayed sayyid seyed syed mullah rabbi pope cardinal bishop archbishop
    chancellor premier ambassador commissioner director spokesman spokeswoman spokesperson
    leader supreme deputy former acting interim foreign defence defense interior finance
    state health labor labour education attorney speaker chairman chairwoman chair
    ceo founder minority majority house
    """
)
ABBREVIATIONS = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "pres": "president",
    "sec": "secretary", "lt": "lieutenant", "col": "colonel", "capt": "captain", "adm": "admiral",
}
PRONOUNS = frozenset({"he", "she", "him", "her", "they", "them", "i", "we", "you", "it"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
MALE_TITLES = wordset("mr sir lord king prince emperor duke congressman")
FEMALE_TITLES = wordset("mrs ms miss dame lady queen princess duchess congresswoman")
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


@dataclass(slots=True)
class Mention(Record):
    """A person named in an article, with the role words used around the name."""

    start: int
    end: int
    name: str
    subject: bool = False
    speaker: bool = False
    roles: list[str] = field(default_factory=list)
    gender: str | None = None  # "m" or "f" where the article says so, else unknown


def strip_titles(name: str) -> str:
    """Drop leading titles and possessives: "Ayatollah Sayed Ali Khamenei" -> "Ali Khamenei"."""
    words = name.replace("’s ", "'s ").split()
    # A possessive ("Iran's Supreme Leader ...") belongs to the title, not the name.
    for i, w in enumerate(words):
        if w.endswith(("'s", "’s")):
            words = words[i + 1 :]
            break
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words).strip(" ,.;:")


def noun_phrase(token: Any) -> tuple[int, int]:
    """Token index range of the noun phrase headed by ``token``, without clauses or appositions."""
    left, right = token.i, token.i
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "case", "quantmod"):
            left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "case"):
            right = max(right, child.right_edge.i)
    return left, right


def canonical(name: str, known: list[str]) -> str:
    """The longest known full name that ends with ``name``'s words ("Jackson", "Bill Jackson"), else ``name``.

    Another full name with the same surname is another person (Michael and Katherine Jackson).
    """
    words = name.lower().split()
    best = name
    for full in known:
        if full.lower().split()[-len(words) :] == words and len(full) > len(best):
            best = full
    return best


def collect_mentions(doc: Any) -> list[Mention]:
    """Every PERSON entity in ``doc`` with its role words (titles before it, appositions) and gender."""
    out: list[Mention] = []
    titles: list[str | None] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = strip_titles(ent.text)
        if not name or name.lower() in PRONOUNS:
            continue
        head = ent.root
        lo, _ = noun_phrase(head)
        roles = [t.lemma_.lower() for t in doc[lo : ent.end] if t.pos_ in ("NOUN", "PROPN", "ADJ")]
        # Title words just before the name, whatever the parse made of them ("Supreme Leader Ali …").
        i = ent.start - 1
        while i >= 0 and i >= ent.start - 4 and doc[i].pos_ in ("NOUN", "PROPN", "ADJ"):
            roles.append(doc[i].lemma_.lower())
            i -= 1
        roles += [w.lower().rstrip(".") for w in ent.text.split() if w.lower().rstrip(".") in TITLES]
        roles = [ABBREVIATIONS.get(r.rstrip("."), r.rstrip(".")) for r in roles]
        for child in head.children:
            if child.dep_ == "appos":
                roles += [t.lemma_.lower() for t in child.subtree if t.pos_ == "NOUN"]
        if head.dep_ == "appos":
            roles += [t.lemma_.lower() for t in doc[noun_phrase(head.head)[0] : head.head.i + 1]]
        subject = head.dep_ in ("nsubj", "nsubjpass") or head.head.dep_ in ("nsubj", "nsubjpass")
        out.append(Mention(ent.start_char, ent.end_char, name, subject=subject, roles=roles))
        before = doc[ent.start - 1].text if ent.start > 0 else ""
        titles.append(_title_gender(ent.text.split()[0]) or _title_gender(before))
    names = [m.name for m in out]
    # "Mr Jackson" says nothing of Katherine Jackson when Michael Jackson is in the story too.
    shared = _shared_surnames(names)
    titles = [None if m.name.lower() in shared else g for m, g in zip(out, titles, strict=True)]
    for m in out:
        m.name = canonical(m.name, names)
    genders = _genders([(m.name, g) for m, g in zip(out, titles, strict=True)])
    for m in out:
        m.gender = genders.get(m.name)
    return out


def _shared_surnames(names: list[str]) -> set[str]:
    """Surnames that end more than one distinct full name."""
    firsts: dict[str, set[str]] = {}
    for name in names:
        parts = name.split()
        if len(parts) > 1:
            firsts.setdefault(parts[-1].lower(), set()).add(" ".join(parts[:-1]).lower())
    return {last for last, given in firsts.items() if len(given) > 1}


def pronoun_gender(word: str) -> str | None:
    return _PRONOUN_GENDER.get(word.lower())


def _title_gender(word: str) -> str | None:
    word = word.lower().rstrip(".")
    return "m" if word in MALE_TITLES else "f" if word in FEMALE_TITLES else None


def _genders(titled: list[tuple[str, str | None]]) -> dict[str, str]:
    """Each person's gender where the titles before their name lean one way."""
    votes: dict[str, dict[str, int]] = {}
    for name, gender in titled:
        tally = votes.setdefault(name, {"m": 0, "f": 0})
        if gender is not None:
            tally[gender] += 1
    return {name: "m" if t["m"] > t["f"] else "f" for name, t in votes.items() if t["m"] != t["f"]}


def resolve(
    mentions: list[Mention], pos: int, role: str | None = None, gender: str | None = None
) -> Mention | None:
    """The person a pronoun (``role`` None, ``gender`` its own) or role noun at ``pos`` refers to."""
    earlier = [m for m in mentions if m.end <= pos]
    if role:
        fits = [m for m in earlier if role in m.roles]
        if fits:
            return fits[-1]
        # A headline names the role before the article names the person.
        later = [m for m in mentions if role in m.roles]
        return later[0] if later else None
    for wanted in (lambda m: m.speaker, lambda m: m.subject, lambda m: True):
        # Only look back a few mentions for speakers/subjects: older ones are stale.
        # The window counts every person: a wrong-gender one still makes older ones stale.
        recent = earlier[-4:]
        hits = [m for m in recent if wanted(m) and (gender is None or m.gender in (None, gender))]
        if hits:
            return hits[-1]
    return None

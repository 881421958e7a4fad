"""Speech cues in a spaCy parse: the verb, who it credits, what clause it reports.

Handles ``X said``, ``X told Y that …``, ``X was quoted as saying``,
``M quoted X as saying`` (M becomes the outlet the quote came via) and
``according to X``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..people.names import wordset

SPEECH_VERBS = wordset(
    """
    say tell add state claim argue note explain warn announce insist report write ask
    reply respond declare stress emphasize emphasise underscore acknowledge admit deny
    suggest assert contend maintain predict promise vow pledge recall remark comment
    confirm reveal disclose indicate quote tweet post concede complain caution observe
    reiterate urge read allege continue testify affirm mention estimate conclude charge
    accuse boast joke lament recount shout scream whisper tout retort agree
    believe think hope fear expect acknowledge signal hint predict
    """
)
# Cues that only introduce quotes directly next to them, never a that-clause.
DIRECT_ONLY = frozenset({"read", "continue", "joke", "shout", "scream", "whisper", "post", "tweet"})
# Belief verbs report attributions only with a clausal complement.
CLAUSE_ONLY = frozenset(
    {"believe", "think", "hope", "fear", "expect", "agree", "maintain", "charge", "indicate", "signal",
     "hint", "estimate", "conclude", "post", "continue"}
)
# Outlet-like nouns: a cue whose subject is one of these names a channel, not a speaker.
MEDIA_NOUNS = wordset(
    """
    media medium agency outlet newspaper paper television tv radio channel network report
    website daily broadcaster press wire magazine journal
    """
)
_SUBJ = ("nsubj", "nsubjpass", "csubj")


@dataclass(slots=True)
class Cue:
    """One speech cue: token indices into the doc (``-1`` where absent)."""

    cue: int
    cue_end: int
    speaker: int = -1
    via: int = -1
    clause_start: int = -1
    clause_end: int = -1


def _subject(token: Any) -> Any | None:
    """The subject of ``token``, climbing through conjoined/participial verbs."""
    for _ in range(4):
        for child in token.children:
            if child.dep_ in _SUBJ:
                return child
        if token.dep_ in ("conj", "advcl", "xcomp", "pcomp", "acl") and token.head.i != token.i:
            token = token.head
            if token.dep_ == "prep":
                token = token.head
        else:
            return None
    return None


def _clause(token: Any) -> tuple[int, int]:
    """The reported clause of a cue verb as a token range, else (-1, -1)."""
    right = [c for c in token.rights if c.dep_ == "ccomp" and _finite(c)]
    left = [c for c in token.lefts if c.dep_ == "ccomp"]
    if right:
        end = max(c.right_edge.i for c in right) + 1
        rest = token.doc[end : token.sent.end]
        # The parser often leaves the clause's last words ("is “too much.”") outside it.
        if len(rest) <= 6 and not any(t.lemma_ in SPEECH_VERBS and t.pos_ == "VERB" for t in rest):
            end = token.sent.end
        return min(c.left_edge.i for c in right), end
    if left:
        if _comma_after(token):
            return min(c.left_edge.i for c in left), token.sent.end
        return min(c.left_edge.i for c in left), max(c.right_edge.i for c in left) + 1
    for child in token.children:
        # "told Rashid that …" sometimes attaches the clause to the object.
        if child.dep_ == "dobj":
            for sub in child.rights:
                if sub.dep_ in ("ccomp", "relcl") and _has_mark(sub):
                    return sub.left_edge.i, sub.right_edge.i + 1
    if token.dep_ in ("ccomp", "parataxis") and _after_comma(token):
        # "The US is unreliable, Khamenei told Rashid" / "Acts of protest, Obama said, are …":
        # the parser hangs the cue off the content it reports.
        sent = token.sent
        if _comma_after(token):
            return sent.start, sent.end  # a cue set off by commas inside its content
        if token.head.i < token.i and token.left_edge.i - sent.start > 2:
            return sent.start, token.left_edge.i
    return -1, -1


def _after_comma(token: Any) -> bool:
    """Whether the cue's phrase follows a comma or closing quote ("…, Khamenei told Rashid")."""
    edge = token.left_edge.i
    while edge < token.i and token.doc[edge].is_punct:
        edge += 1
    return edge > 0 and token.doc[edge - 1].text in (",", "”", '"', "’")


def _comma_after(token: Any) -> bool:
    """Whether the sentence goes on after the cue phrase, past a comma ("X said, until …")."""
    doc, right = token.doc, token.right_edge.i
    if doc[right].text != ",":
        right += 1
    return right < token.sent.end - 2 and doc[right].text == ","


def _has_mark(token: Any) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in token.children)


def _finite(token: Any) -> bool:
    """A clause with its own subject or a complementiser, not a participle hanging off the cue."""
    if token.tag_ in ("VBD", "VBZ", "VBP") or _has_mark(token):
        return True
    return any(c.dep_ in (*_SUBJ, "expl") or c.tag_ == "MD" for c in token.children)


def _quoted_as(token: Any) -> tuple[Any, Any] | None:
    """For "M quoted X as saying" / "X was quoted as saying": (speaker, via) tokens."""
    if token.lemma_ != "quote":
        return None
    obj = next((c for c in token.children if c.dep_ == "dobj"), None)
    subj = next((c for c in token.children if c.dep_ in _SUBJ), None)
    if obj is not None:
        return obj, subj
    if subj is not None and subj.dep_ == "nsubjpass":
        return subj, None
    return None


def find_cues(doc: Any) -> list[Cue]:
    """All speech cues in ``doc``, in text order."""
    out: list[Cue] = []
    for tok in doc:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS:
            cue = _verb_cue(tok)
            if cue is not None:
                out.append(cue)
        elif tok.lower_ == "according" and tok.i + 2 <= len(doc) and doc[tok.i + 1].lower_ == "to":
            out.append(_according(doc, tok))
    return out


def _verb_cue(tok: Any) -> Cue | None:
    lemma = tok.lemma_.lower()
    # "as saying" belongs to the "quoted" cue already found.
    if tok.dep_ == "pcomp" and tok.head.lower_ == "as" and tok.head.head.lemma_ == "quote":
        return None
    start, end = _clause(tok)
    if lemma in CLAUSE_ONLY and start < 0:
        return None
    cue = Cue(tok.i, _cue_end(tok), clause_start=start, clause_end=end)
    if lemma in DIRECT_ONLY:
        cue.clause_start = cue.clause_end = -1
    quoted = _quoted_as(tok)
    if quoted is not None:
        cue.speaker = quoted[0].i
        cue.via = quoted[1].i if quoted[1] is not None else -1
        as_tok = next((c for c in tok.children if c.lower_ == "as"), None)
        if as_tok is not None:
            cue.cue_end = as_tok.right_edge.i + 1 if as_tok.right_edge.i < tok.i + 6 else tok.i + 1
        return cue
    subj = _subject(tok)
    if subj is not None and subj.dep_ == "nsubjpass":
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        subj = pobj
    if subj is not None and subj.lower_ in ("it", "there"):
        subj = None
    if subj is not None and subj.ent_type_ != "PERSON":
        # A dateline or role noun with the name in apposition ("ERBIL, ... Ali Khamenei, said").
        subj = next((c for c in subj.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), subj)
    if subj is None:
        subj = _inverted_subject(tok)
    cue.speaker = subj.i if subj is not None else -1
    return cue


def _inverted_subject(tok: Any) -> Any | None:
    """The speaker after the verb in '"…," said James Acton' (often parsed as an object)."""
    for child in tok.rights:
        if child.i - tok.i > 4:
            break
        if child.dep_ in ("dobj", "attr", "npadvmod", "appos", "nsubj", "oprd") and child.pos_ in (
            "PROPN", "NOUN"
        ):
            return child
    return None


def _cue_end(tok: Any) -> int:
    """Include particles and auxiliaries of a phrasal cue ("pointed out")."""
    end = tok.i + 1
    for child in tok.rights:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    return end


def _according(doc: Any, tok: Any) -> Cue:
    to = doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    cue = Cue(tok.i, tok.i + 2, speaker=pobj.i if pobj is not None else -1)
    sent = tok.sent
    phrase_end = max(tok.right_edge.i, to.right_edge.i) + 1
    # The reported content is the rest of the sentence around the "according to" phrase.
    if tok.i - sent.start > 2:
        cue.clause_start, cue.clause_end = sent.start, tok.i
    elif sent.end - phrase_end > 2:
        cue.clause_start, cue.clause_end = phrase_end, sent.end
    return cue


def is_media(token: Any) -> bool:
    """Whether a cue subject names a news channel (IRNA, "state media", "local reports")."""
    words = [token, *(c for c in token.children if c.dep_ in ("compound", "amod"))]
    return token.ent_type_ == "ORG" or any(t.lemma_.lower() in MEDIA_NOUNS for t in words)

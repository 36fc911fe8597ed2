"""The default stance tagger: news cues anchored on the sentences that mention a target.

Only sentences that mention a target are read. In each, every cue (accuse,
invasion, partner, welcome, ...) is attached to the nearest mention of each
target in the sentence and weighed by:
- the actor's role: a *harm* cue hurts the one who does it, not its victim
  ("l'invasion de l'Ukraine par la Russie"); a *blame* cue hurts the one it is
  aimed at ("Zelensky a accusé la Russie"); see ``lexicon.ROLE_EFFECT``;
- distance: cues next to the mention weigh more;
- negation (flips and dampens) and intensifiers.
The article's label needs enough evidence on one side and a clear balance:
neutral is the answer when cues are weak or cancel out; favor needs clear
positive cues.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from sahelcli.stance.gazetteer import (
    SPACE_NON_WORD,
    WORD_MARKS,
    Gazetteer,
    Mention,
    fold_lower,
)
from sahelcli.stance.lexicon import ROLE_EFFECT, WHOLE, Cue, Lexicon, get_lexicon

_WORD = re.compile(r"\w+")
# A sentence ends at . ! ? … (and closing quotes) before a space and a capital, digit or
# opening quote, or at a blank line; the regex starts on the punctuation, so it is fast.
# It opens with one set of characters (the branch is chosen after it, by a look back),
# so ``re`` skips to them in C instead of trying every position.
_SENT_BREAK = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[»”\"')\]]*(?=\s+[«“\"(\[A-ZÀ-ÖØ-Þ0-9])|(?<=\n)[ \t]*\n\s*)"
)
#: What ``_SENT_BREAK`` was, for the tests: same matches.
SENT_BREAK_PLAIN = r"[.!?…]+[»”\"')\]]*(?=\s+[«“\"(\[A-ZÀ-ÖØ-Þ0-9])|\n[ \t]*\n\s*"
_START, _END = itemgetter("start"), itemgetter("end")
#: (All at most 4 letters long: ``quick_sentences`` relies on it.)
_NOT_FINAL = frozenset("m mm mme mmes mlle dr pr mgr st ste mr mrs ms prof gen col cf p".split())


def quick_sentences(text: str) -> list[dict[str, int]]:
    """Sentence spans by punctuation alone: for records not tokenized yet, so the stance
    command does not pay for a full tokenization (it reads only the sentences with mentions)."""
    spans = []
    start = 0
    for m in _SENT_BREAK.finditer(text):
        end = m.end()
        if text[end - 1] == ".":
            # the word before the dot; longer than any abbreviation (4) is enough to know
            word_start = end - 1
            while word_start > start and end - word_start < 7 and text[word_start - 1].isalpha():
                word_start -= 1
            word = text[word_start : end - 1]
            if (len(word) == 1 and word.isupper()) or word.lower() in _NOT_FINAL:
                continue  # "M. Macron", "J. Smith", "Dr. Tedros"
        piece = text[start:end]
        if piece.strip():
            spans.append(_trim(piece, start, end))
        start = end
    piece = text[start:]
    if piece.strip():
        spans.append(_trim(piece, start, len(text)))
    return spans


def _trim(piece: str, start: int, end: int) -> dict[str, int]:
    """The span of ``piece`` (``text[start:end]``, not blank) without its edge whitespace
    (``str.strip`` drops exactly the characters ``isspace`` matches)."""
    return {
        "start": start + len(piece) - len(piece.lstrip()),
        "end": end - len(piece) + len(piece.rstrip()),
    }


#: Title sentences weigh more: they say what the article is about.
TITLE_WEIGHT = 1.5
#: Words after which a cue's pull has halved.
HALF_DISTANCE = 5.0
#: Smoothing in score = (pos - neg) / (pos + neg + SMOOTH): little evidence -> near 0.
SMOOTH = 1.5
#: Thresholds on the score and the evidence on the winning side (one unit = one clear cue
#: next to the mention). Favor asks for more: in news, praise is rarer and often diplomatic.
AGAINST_SCORE, AGAINST_MIN = -0.25, 1.0
FAVOR_SCORE, FAVOR_MIN = 0.5, 2.5


@dataclass
class TargetEvidence:
    """What the tagger gathered about one target in one article."""

    target: str
    mentions: int = 0
    pos: float = 0.0
    neg: float = 0.0
    sentences: list[tuple[float, str]] = field(default_factory=list)

    def score(self) -> float:
        return (self.pos - self.neg) / (self.pos + self.neg + SMOOTH)

    def label(self) -> str:
        score = self.score()
        if score <= AGAINST_SCORE and self.neg >= AGAINST_MIN:
            return "against"
        if score >= FAVOR_SCORE and self.pos >= FAVOR_MIN:
            return "favor"
        return "neutral"

    def as_dict(self, evidence: int = 2) -> dict[str, object]:
        label = self.label()
        if label == "neutral":
            chosen = [s for _, s in self.sentences[:evidence]]
        else:
            sign = 1.0 if label == "favor" else -1.0
            ranked = sorted(self.sentences, key=lambda item: -sign * item[0])
            chosen = [s for v, s in ranked if v * sign > 0][:evidence]
        return {
            "target": self.target,
            "label": label,
            "score": round(self.score(), 3),
            "mentions": self.mentions,
            "evidence": chosen,
        }


_OF = frozenset(("de", "d", "du", "des", "of"))
_ARTICLES = frozenset(("l", "la", "le", "les", "the"))
#: A mention detached from the cue (complement of a harm noun, or the cue is in what the
#: actor *says*) counts for this much of an unknown role.
DETACHED_WEIGHT = 0.25


_NEGATIVE_KINDS = frozenset(("harm", "blame", "blame_weak", "neg"))
_SPEECH_ACT_KINDS = frozenset(("blame", "praise"))

#: A mention inside a sentence: start, end (offsets in the sentence), target, demonym.
Placed = tuple[int, int, str, bool]


def _is_victim_complement(words: list[str], m_lo: int, lex: Lexicon) -> bool:
    """Is the mention the complement of a harm noun ("l'invasion de l'Ukraine")? Then what
    follows in the clause is said of the act, and the mention is its victim."""
    i = m_lo - 1
    if i >= 1 and words[i] in _ARTICLES:
        i -= 1
    if i < 1 or words[i] not in _OF:
        return False
    head = lex.lookup(words[i - 1])
    return head is not None and head.kind == "harm"


def _role(
    words: list[str],
    lex: Lexicon,
    m_lo: int,
    m_hi: int,
    c_lo: int,
    c_hi: int,
    demonym: bool,
    kind: str,
    present: tuple[bool, bool, bool] = (True, True, True),
) -> int:
    """0 agent, 1 patient, 2 unknown, 3 detached: who does the cue's action, as far as
    word order tells. (``not set.isdisjoint(slice)``: "any word of the slice is in the
    set", in C.) ``present`` says whether the sentence has any speech, passive and agent
    marker at all: when not, no slice needs testing."""
    speech, passive, agent = present
    if c_lo >= m_hi:  # cue after the mention
        gap = c_lo - m_hi
        if _is_victim_complement(words, m_lo, lex):
            return 3  # "l'invasion de l'Ukraine a été condamnée": the head noun is the subject
        if speech and not lex.speech.isdisjoint(words[m_hi:c_lo]):
            return 3  # "l'ONU a dit s'inquiéter des violences": the violence is not the UN's
        if passive and not lex.passive.isdisjoint(words[max(m_hi, c_lo - 2) : c_lo]):
            return 1
        if agent and not lex.agent_markers.isdisjoint(words[c_hi : c_hi + 4]):
            return 3  # "ont réagi à l'invasion de l'Ukraine par la Russie": the agent is named
        if kind.startswith("blame") and gap <= 2 and words[c_lo].endswith(("e", "es", "s")):
            return 1  # "la Russie, accusée de ..." (participle)
        if agent and not lex.agent_markers.isdisjoint(words[m_hi:c_lo]):
            return 2
        return 0 if gap <= 8 else 2
    gap = m_lo - c_hi  # cue before the mention
    if agent and gap <= 6 and not lex.agent_markers.isdisjoint(words[c_hi:m_lo]):
        return 0  # "... par la Russie"
    if agent and not lex.agent_markers.isdisjoint(words[c_hi : c_hi + 3]):
        return 3  # "attentats perpétrés par des groupes [...] selon l'ONU": someone else acts
    if demonym and gap <= 1:
        return 0  # "l'invasion russe", "des frappes russes"
    return 1 if gap <= 6 else 2


Layout = tuple[list[str], list[tuple[str, int, int, bool]], list[tuple[int, int, Cue]]]


@dataclass
class WordView:
    """A folded Latin-1 text made once per article and shared by its sentences (a
    sentence is a slice): ``raw`` its Latin-1 bytes, ``spaced`` its ``word_spaced`` form,
    ``line`` the same as str."""

    raw: bytes
    spaced: bytes
    line: str


def word_view(folded: str) -> WordView | None:
    """The ``WordView`` of ``folded``, or None when it is not Latin-1."""
    try:
        raw = folded.encode("latin-1")
    except UnicodeEncodeError:
        return None
    spaced = raw.translate(SPACE_NON_WORD)
    return WordView(raw, spaced, spaced.decode("latin-1"))


def _layout(
    folded: str,
    mentions: list[Placed],
    lex: Lexicon,
    view: WordView | None = None,
    base: int = 0,
) -> Layout | None:
    r"""The sentence's ``\w+`` words, its mentions as word ranges (target, first word, last
    word + 1, demonym) and its cues as word ranges (first, last + 1, cue); None when it
    has no cue (then it adds nothing). ``view`` is the ``WordView`` of the text the
    sentence starts at ``base`` in (default: made here).

    Why it is fast: in Latin-1 text (what ``fold_lower`` gives) the words come from one
    ``split`` of ``word_spaced`` text, the cue regex is tried only at the words where
    ``Lexicon.may_start`` says a cue may start (a regex scan tries every character), and
    an offset's word index is a C-level ``count`` of word starts before it."""
    if view is None:
        view, base = word_view(folded), 0
    if view is None or lex.heads is None:
        return _layout_plain(folded, mentions, lex)
    line = view.line[base : base + len(folded)]
    words = line.split()
    cue_spans = _outside_mentions(_cue_matches(folded, line, words, lex), mentions, lex)
    if not cue_spans or not words:
        return None
    # One "S" per word start (at offset + 1): count(b"S", 0, i + 2) = words starting <= i.
    raw = view.raw[base : base + len(folded)]
    count = (b" " + raw.translate(WORD_MARKS)).replace(b" w", b" S").count
    placed = []  # (max(...) spelled as conditionals: a hot loop)
    for start, end, target, demonym in mentions:
        lo = count(b"S", 0, start + 2) - 1
        lo = lo if lo > 0 else 0
        hi = count(b"S", 0, end + 1)
        placed.append((target, lo, hi if hi > lo else lo + 1, demonym))
    cues = []
    for start, end, cue in cue_spans:
        lo = count(b"S", 0, start + 2) - 1
        lo = lo if lo > 0 else 0
        hi = count(b"S", 0, end + 1)
        cues.append((lo, hi if hi > lo else lo + 1, cue))
    return words, placed, cues


def _cue_matches(
    folded: str, spaced: str, words: list[str], lex: Lexicon
) -> list[tuple[int, int, str]]:
    """(start, end, surface) of what ``lex.regex.finditer(folded)`` finds, trying the
    regex only at the words that may start a cue (not at all where the cue can only be
    the word itself; for a word that starts only cues of several words, only when the
    next word fits): leftmost first, none overlapping. Each flagged word is found in
    ``spaced`` after the previous one: every occurrence of a flagged word is flagged, so
    the next occurrence is the right one."""
    found = []
    padded = " " + spaced + " "
    match = lex.start_regex.match  # tried only where the full regex could start a longer cue
    end = cursor = 0
    indices, flags = lex.may_start(words)
    last = len(words) - 1
    for i in indices:
        word = words[i]
        at = padded.find(" " + word + " ", cursor)  # the word starts at ``at`` in folded
        cursor = at + len(word) + 1
        if at < end:
            continue
        flag = flags[i]
        if flag == WHOLE:
            end = at + len(word)
            found.append((at, end, word))
            continue
        if isinstance(flag, frozenset) and (i == last or words[i + 1] not in flag):
            continue
        m = match(folded, at)
        if m is not None:
            end = m.end()
            found.append((at, end, m.group(0)))
    return found


def _layout_plain(folded: str, mentions: list[Placed], lex: Lexicon) -> Layout | None:
    """``_layout`` by regex scans over the whole sentence (any text)."""
    matches = ((m.start(), m.end(), m.group(0)) for m in lex.regex.finditer(folded))
    cue_spans = _outside_mentions(matches, mentions, lex)
    found = list(_WORD.finditer(folded))
    spans = [w.start() for w in found]
    words = [w.group(0) for w in found]
    if not cue_spans or not words:
        return None
    placed = []
    for start, end, target, demonym in mentions:
        lo = max(bisect_right(spans, start) - 1, 0)
        placed.append((target, lo, max(bisect_right(spans, end - 1), lo + 1), demonym))
    cues = []
    for start, end, cue in cue_spans:
        c_lo = max(bisect_right(spans, start) - 1, 0)
        cues.append((c_lo, max(bisect_right(spans, end - 1), c_lo + 1), cue))
    return words, placed, cues


def _outside_mentions(
    found: Iterable[tuple[int, int, str]], mentions: list[Placed], lex: Lexicon
) -> list[tuple[int, int, Cue]]:
    """Cue spans (start, end, surface) outside the mentions ("Alliance des États du Sahel"
    is a name, not an alliance), with their cue."""
    cues = []
    memo, lookup = lex.memo, lex.lookup
    for start, end, surface in found:
        for s, e, _, _ in mentions:
            if s < end and start < e:
                break
        else:
            cue = memo[surface] if surface in memo else lookup(surface)
            if cue is not None:
                cues.append((start, end, cue))
    return cues


def _sentence(
    folded: str,
    mentions: list[Placed],
    lex: Lexicon,
    weight: float,
    wanted: set[str] | None,
    view: WordView | None = None,
    base: int = 0,
) -> dict[str, float]:
    """Signed contribution of one sentence to each target it mentions."""
    layout = _layout(folded, mentions, lex, view, base)
    if layout is None:
        return {}
    words, placed, cues = layout
    if wanted is not None:
        placed = [p for p in placed if p[0] in wanted]
    # Speech-act cues (condemn, praise...) take what follows as their object.
    verbs = [lo for lo, _, cue in cues if cue.kind in _SPEECH_ACT_KINDS]
    negators, intensifiers = lex.negators, lex.intensifiers
    # Which marker words the sentence has at all (once, in C): most lack some kinds, and
    # then no slice is tested for them.
    has_negator = not negators.isdisjoint(words)
    has_intensifier = not intensifiers.isdisjoint(words)
    present = (
        not lex.speech.isdisjoint(words),
        not lex.passive.isdisjoint(words),
        not lex.agent_markers.isdisjoint(words),
    )
    out: dict[str, float] = {}
    for c_lo, c_hi, cue in cues:
        kind = cue.kind
        mod = 1.0
        if has_negator and not negators.isdisjoint(words[c_lo - 3 if c_lo > 3 else 0 : c_lo]):
            mod = -0.5
        if has_intensifier and not intensifiers.isdisjoint(
            words[c_lo - 2 if c_lo > 2 else 0 : c_lo]
        ):
            mod *= 1.5
        sign = -1.0 if kind in _NEGATIVE_KINDS else 1.0
        nearest: dict[str, tuple[int, int, int, bool]] = {}
        for target, lo, hi, demonym in placed:
            dist = lo - c_hi if lo >= c_hi else (c_lo - hi if c_lo > hi else 0)
            known = nearest.get(target)
            if known is None or dist < known[0]:
                nearest[target] = (dist, lo, hi, demonym)
        effects = ROLE_EFFECT[kind]
        for target, (dist, lo, hi, demonym) in nearest.items():
            role = _role(words, lex, lo, hi, c_lo, c_hi, demonym, kind, present)
            if role == 0 and lo < c_lo and any(hi <= v < c_lo for v in verbs):
                role = 3  # "l'ONU a condamné l'attaque": the attack is not the UN's
            effect = effects[role if role < 2 else 2]
            if role == 3:
                effect *= DETACHED_WEIGHT
            if effect == 0.0:
                continue
            value = sign * abs(effect) * cue.weight * mod * weight / (1.0 + dist / HALF_DISTANCE)
            out[target] = out.get(target, 0.0) + value
    return out


def one_line(text: str) -> str:
    """``" ".join(text.split())``, skipping the split when nothing would change: the only
    printable whitespace is the space (tested on every code point), so printable text
    without a double, leading or trailing space is already one line."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def tag_article(
    text: str,
    sentences: list[dict[str, int]],
    title: str | None,
    lang: str | None,
    gaz: Gazetteer,
    wanted: set[str] | None = None,
) -> list[TargetEvidence]:
    """Evidence for every target mentioned (or only ``wanted`` ones, mentioned or not)."""
    lex = get_lexicon(lang or "fr")
    found: dict[str, TargetEvidence] = {}
    segments: list[tuple[str, str, list[Placed], float, WordView | None, int]] = []
    if title:
        ftitle = fold_lower(title)
        tm = gaz.find(title, wanted, ftitle)
        if tm:
            placed = [(m.start, m.end, m.target, m.demonym) for m in tm]
            segments.append((title, ftitle, placed, TITLE_WEIGHT, None, 0))
    folded = fold_lower(text)
    view = word_view(folded)
    mentions = gaz.find(text, wanted, folded, spaced=view.spaced if view else None)
    if mentions:
        starts = list(map(_START, sentences)) or [0]
        ends = list(map(_END, sentences)) or [len(text)]
        by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            i = max(bisect_right(starts, m.start) - 1, 0)
            by_sentence.setdefault(i, []).append(m)
        for i, group in sorted(by_sentence.items()):
            lo, hi = starts[i], max(ends[i], max(m.end for m in group))
            shifted = [(m.start - lo, m.end - lo, m.target, m.demonym) for m in group]
            segments.append((text[lo:hi], folded[lo:hi], shifted, 1.0, view, lo))
    for original, fsent, ms, weight, in_view, base in segments:
        for _, _, name, _ in ms:
            ev = found.get(name)
            if ev is None:
                ev = found[name] = TargetEvidence(name)
            ev.mentions += 1
        contrib = _sentence(fsent, ms, lex, weight, wanted, in_view, base)
        said = one_line(original)
        for target in {name for _, _, name, _ in ms}:
            value = contrib.get(target, 0.0)
            ev = found[target]
            if value > 0:
                ev.pos += value
            else:
                ev.neg -= value
            ev.sentences.append((value, said))
    if wanted:
        for name in wanted:
            found.setdefault(name, TargetEvidence(name))
    return sorted(found.values(), key=lambda ev: (-ev.mentions, ev.target))

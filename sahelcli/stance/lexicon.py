"""Stance cues and polarity words, compiled once per language into one regex.

Two sources, both shipped as JSON in ``sahelcli/data``:
- ``stance-lexicon-cues.json``: news cues written for this project (accuse,
  condemn, invasion, partner, welcome...), each with a *kind* saying whom it
  hurts or helps (the doer, the one it is aimed at, or anyone near it);
The regex runs on ``fold_lower`` text (folded, lowercased): no IGNORECASE.
- ``stance-lexicon-fr.json`` / ``-en.json``: general polarity words
  (textblob-fr, public domain; VADER, MIT), used with a small weight.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import compress
from typing import Any

from sahelcli.stance.gazetteer import char_trie

#: Most cue surfaces ``Lexicon.lookup`` remembers (it forgets all when full).
LOOKUP_CAP = 8192
#: Most word forms ``Lexicon.may_start`` remembers (news vocabulary is large).
STARTS_CAP = 65536
#: Weight of a general polarity word relative to a news cue.
POLARITY_WEIGHT = 0.35
#: How each kind treats the actor by role: (agent, patient, unknown) multipliers; sign from kind.
ROLE_EFFECT = {
    "harm": (-1.0, 0.0, -0.5),
    "blame": (0.0, -1.0, -0.8),
    "blame_weak": (0.0, -1.0, -0.5),
    "neg": (-1.0, -1.0, -1.0),
    "help": (1.0, 0.5, 0.8),
    "praise": (0.3, 1.0, 0.8),
    "pos": (1.0, 1.0, 1.0),
    "polarity": (1.0, 1.0, 1.0),
    "none": (0.0, 0.0, 0.0),  # phrases that look like cues but are not ("soutient que")
}


@dataclass(frozen=True)
class Cue:
    """One cue entry: its kind (see ``ROLE_EFFECT``) and weight (positive number)."""

    kind: str
    weight: float


#: What ``Lexicon.may_start`` says of a word: ``NO`` cue starts with it; the cue regex
#: must be tried (``REGEX``); the cue is the whole word (``WHOLE``: no regex needed); or
#: the words that must follow it (it only starts cues of several words).
Start = int | frozenset[str]
NO, REGEX, WHOLE = 0, 1, 2


class _Memo(dict[str, Start]):
    """A dict that computes (and keeps) the value of a missing word."""

    def __init__(self, compute: Callable[[str], Start]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> Start:
        value = self[word] = self.compute(word)
        return value


@dataclass
class Lexicon:
    """Everything the tagger needs for one language.

    ``forms`` are every cue form; their regex (``pattern``) costs ~10 ms to write and
    ~40 ms to compile, so both are done only when a full scan needs it (``regex``): every
    command pays its lexicon at start-up. The word-by-word scan of Latin-1 text tries a
    regex only at words that go on into longer cues, and ``start_regex`` holds just the
    cues that can match there (a few hundred, ~4 ms).
    """

    forms: tuple[str, ...]
    exact: dict[str, Cue]
    prefixes: dict[str, Cue]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    passive: frozenset[str]
    agent_markers: frozenset[str]
    speech: frozenset[str] = frozenset()
    #: Words a cue may start with (see ``may_start``); None when a cue starts with a
    #: non-word character (then only a full regex scan finds every cue).
    heads: frozenset[str] | None = None
    #: Prefix cues made of word characters only: a word starting with one may start a cue.
    word_prefixes: frozenset[str] = frozenset()
    #: Heads of cues that go on past their first word ("mise en cause", "cover-up").
    continues: frozenset[str] = frozenset()
    #: Heads that start only cues of several words: the words that may come next.
    follow: dict[str, frozenset[str]] = field(default_factory=dict)
    memo: dict[str, Cue | None] = field(default_factory=dict, repr=False, compare=False)
    _starts: _Memo = field(init=False, repr=False, compare=False)

    @property
    def pattern(self) -> str:
        """The regex source of every cue, as whole words."""
        return _cue_pattern(list(self.forms))

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Every cue: what a full scan of any text uses."""
        return re.compile(self.pattern)

    @cached_property
    def start_regex(self) -> re.Pattern[str]:
        r"""The cues that can match where ``may_start`` asks for a regex (at a word that
        goes on into longer cues): those whose first ``\w`` run is such a word, and the
        prefix cues. At those words it finds what ``regex`` finds: the other cues cannot
        match there, and a trie regex without branches that fail finds the same match."""
        forms = [f for f in self.exact if _first_run(f) in self.continues]
        forms += [p + "*" for p in self.prefixes]
        return re.compile(_cue_pattern(forms))

    def __post_init__(self) -> None:
        self._starts = _Memo(self._may_start)
        # One C-level test for "starts with a prefix cue" (a trie: any shorter form fits)
        prefixes = sorted(self.word_prefixes)
        self._prefixed = re.compile(_trie_regex(prefixes) if prefixes else "(?!x)x").match

    def may_start(self, words: list[str]) -> tuple[list[int], list[Start]]:
        r"""Where in ``words`` a cue may start, and what ``Start`` says of each word. A
        match of the cue regex at a word start covers that whole word (the form's first
        ``\w`` run is followed by a separator, a non-word character or a word end) or, for
        a prefix cue, starts it; the next word is the form's second ``\w`` run. When no
        cue goes on past the word, a match can only be the word itself. Memoized per
        word form (context-free; emptied when full), read in one C-level pass."""
        starts = self._starts
        if len(starts) >= STARTS_CAP:
            starts.clear()
        flags = list(map(starts.__getitem__, words))
        return list(compress(range(len(words)), flags)), flags

    def _may_start(self, word: str) -> Start:
        if self.heads is None:
            return REGEX
        prefixed = self._prefixed(word) is not None
        if word in self.continues:
            return REGEX if prefixed else self.follow.get(word, REGEX)
        if prefixed or word in self.exact:
            return WHOLE
        return NO

    def lookup(self, matched: str) -> Cue | None:
        """The cue a regex match stands for: exact form first, then the longest prefix.
        Memoized per surface (a context-free value; the memo is emptied when full)."""
        memo = self.memo
        if matched in memo:
            return memo[matched]
        if len(memo) >= LOOKUP_CAP:
            memo.clear()
        cue = memo[matched] = self._lookup(matched)
        return cue

    def _lookup(self, matched: str) -> Cue | None:
        key = " ".join(matched.split())
        cue = self.exact.get(key)
        if cue is not None:
            return cue
        for k in range(len(key), 2, -1):
            cue = self.prefixes.get(key[:k])
            if cue is not None:
                return cue
        return None


def _read(name: str) -> Any:
    return json.loads(resources.files("sahelcli.data").joinpath(name).read_text(encoding="utf-8"))


_END = ""  # char_trie's key marking "a form ends here"


def _trie_regex(forms: list[str]) -> str:
    """One regex for many forms, as a character trie (fast in ``re``: no long alternation)."""
    return _node_regex(char_trie(forms))


def _node_regex(node: dict[str, Any]) -> str:
    ends = _END in node
    star = "*" in node
    branches = []
    for ch in sorted(k for k in node if k not in (_END, "*")):
        atom = r"\s+" if ch == " " else re.escape(ch)
        branches.append(atom + _node_regex(node[ch]))
    if star:
        branches.append(r"\w*")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends and not star:
        body = "(?:" + body + ")?"
    return body


@lru_cache(maxsize=4)
def get_lexicon(lang: str) -> Lexicon:
    """The compiled lexicon for ``lang`` (``fr`` for anything but ``en``)."""
    lang = "en" if lang == "en" else "fr"
    cues = _read("stance-lexicon-cues.json")
    exact: dict[str, Cue] = {}
    prefixes: dict[str, Cue] = {}
    for kind, group in cues[lang].items():
        cue = Cue(kind, float(group["w"]))
        for form in group["cues"]:
            if form.endswith("*"):
                prefixes[form[:-1]] = cue
            else:
                exact[" ".join(form.split())] = cue
    forms = list(exact) + [p + "*" for p in prefixes]
    lexicon = Lexicon((), exact, prefixes, frozenset(), frozenset(), frozenset(), frozenset())
    polarity = _read(f"stance-lexicon-{lang}.json")["polarity"]
    for word, value in polarity.items():
        if lexicon._lookup(word) is None:  # a news cue outranks a general polarity word
            exact[word] = Cue("polarity", float(value) * POLARITY_WEIGHT)
            forms.append(word)
    return Lexicon(
        forms=tuple(forms),
        exact=exact,
        prefixes=prefixes,
        negators=frozenset(cues["negators"][lang]),
        intensifiers=frozenset(cues["intensifiers"][lang]),
        passive=frozenset(cues["passive"][lang]),
        agent_markers=frozenset(cues["agent_markers"][lang]),
        speech=frozenset(cues["speech"][lang]),
        heads=_heads([*exact, *(p for p in prefixes if _WORD_RUN.fullmatch(p) is None)]),
        word_prefixes=frozenset(p for p in prefixes if _WORD_RUN.fullmatch(p)),
        follow=_follow(exact, prefixes),
        continues=frozenset(
            head
            for form in [*exact, *prefixes]
            if (head := _first_run(form)) is not None and head != form
        ),
    )


_WORD_RUN = re.compile(r"\w+")


def _cue_pattern(forms: list[str]) -> str:
    """The regex source of ``forms`` as whole words (on ``fold_lower`` text)."""
    return r"(?<![\w])" + _trie_regex(forms) + r"(?![\w])"


def _first_run(form: str) -> str | None:
    r"""The first ``\w`` run of ``form`` when the form starts with it, else None."""
    match = _WORD_RUN.match(form)
    return match.group(0) if match else None


def _heads(forms: list[str]) -> frozenset[str] | None:
    r"""First ``\w`` runs of ``forms``; None if a form does not start with a word character."""
    heads = set()
    for form in forms:
        head = _first_run(form)
        if head is None:
            return None
        heads.add(head)
    return frozenset(heads)


def _follow(exact: Iterable[str], prefixes: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each first word that starts only cues of several words, the second words."""
    second: dict[str, set[str] | None] = {}
    forms = [*((f, False) for f in exact), *((p, True) for p in prefixes)]
    for form, prefix in forms:
        runs = _WORD_RUN.findall(form)
        if not runs:
            continue
        if len(runs) == 1 or (prefix and len(runs) == 2):  # whole alone, or open second word
            second[runs[0]] = None
        elif second.get(runs[0], set()) is not None:
            second.setdefault(runs[0], set()).add(runs[1])  # type: ignore[union-attr]
    return {head: frozenset(words) for head, words in second.items() if words is not None}

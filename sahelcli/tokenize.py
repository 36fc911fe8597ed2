"""Sentence splitting, tokens, normalisation, lemmas and stop words.

French first, following Universal Dependencies (UD French-GSD) conventions so
that figures can be checked against treebanks: elision ``l'`` is its own token,
``-t-il`` is split from the verb, ``1 000``, ``1999-2009``, ``aujourd'hui`` and
``c'est-à-dire`` stay whole, ``du``/``au`` are one token. English second.
Offsets always point into the record's ``text``, which is never altered.

Lemmas come from simplemma (fed our own tokens) plus general rules that a
dictionary lookup cannot know: closed-class UD conventions (``il`` -> ``lui``,
``se`` -> ``soi``), a little context (``le`` pronoun vs determiner, a verb after
a subject clitic or an auxiliary, a noun after a determiner) and casing
(sentence-initial capitals are dropped, proper nouns keep theirs). Stop words
come from stopwords-iso (MIT).

Speed matters (every stage stands on this): the text is cut at whitespace;
plain words (most chunks) go straight to a per-form cache of (norm, lemma,
stop, flags, role, lowercase, neighbour bits), other chunks are split once (a
fast path, else one compiled regex) and their pieces cached; only the tokens
whose flags ask for it are looked at again for sentence ends and context, and
the neighbour bits of the forms around a context role dismiss most of those
with one lookup. Every cache holds context-free values, so results never
depend on what was tokenised before.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import and_, itemgetter
from typing import Any

from unidecode import unidecode

from sahelcli import lemmas
from sahelcli.langid import SUPPORTED, detect_language
from sahelcli.records import Record

Span = dict[str, int]
Token = dict[str, Any]
# norm, lemma, stop, flags, role, lowercase, neighbour bits (N_* below)
Info = tuple[str, str, bool, int, int, str, int]

# --------------------------------------------------------------------------- word lists

_APOS = "'’"

# Words whose apostrophe or hyphen is part of the word (UD French keeps them whole).
_WHOLE_WORDS = frozenset(
    """aujourd'hui quelqu'un quelqu'une presqu'île presqu'îles prud'homme prud'hommes
    prud'homal prud'homale entr'ouvert c'est-à-dire l'on""".split()
)
_ELISIONS = frozenset(
    "jusqu lorsqu puisqu quoiqu quelqu qu l d j n s c m t".split()
)
_CLITICS = frozenset(
    "je tu il elle on nous vous ils elles ce ci moi toi lui leur le la les en y là".split()
)
_CLITIC_KEEP = frozenset(
    "rendez-vous vis-à-vis peut-être c'est-à-dire celui-ci celui-là celle-ci celle-là ceux-ci "
    "ceux-là celles-ci celles-là là-bas là-dessus là-dessous là-haut ci-dessus ci-dessous "
    "ci-joint ci-jointe ci-après ci-contre ci-devant va-et-vient qu'en-dira-t-on "
    "m'as-tu-vu sot-l'y-laisse".split()
)
# Abbreviations whose period belongs to the word (French and English news).
_ABBREV = frozenset(
    """m mm mme mmes mlle mlles dr drs pr me mgr st ste sts av apr bd cf etc no nos p pp
    chap gén cdt lt cne adj sgt prof vs jr sr éd ed coll mr mrs ms inc ltd co corp dept
    approx janv fév févr avr juil oct nov déc feb aug mt ft gov sen rep ca cie éds eds
    resp ibid op cit""".split()
)
# Abbreviations that are also words (le vol, l'art, sept): an abbreviation only when
# a number or a lowercase word follows ("art. 5", "vol. 2", "par ex. le").
_AMBIGUOUS_ABBREV = frozenset(
    "sept art vol fig col tel tél min max ex env hab gal jan dec sep".split()
)
_UNITS = frozenset("km m cm mm kg g mg t l ml cl h s min kw kwh mw w v a ha hab".split())
# Titles before a name: never the end of a sentence.
_TITLES = frozenset(
    "m mm mme mmes mlle mlles dr drs pr me mgr st ste sts mr mrs ms prof gén gal col cdt lt "
    "cne sgt adj sen rep gov mt".split()
)
# Ordinal suffixes kept with their number: 1er, 2e, XXe is a word anyway.
_ORDINAL = re.compile(r"\d+(?:er|re|ère|ers|res|ères|e|es|ème|èmes|eme|emes|è|nd|nde|nds|ndes"
                      r"|st|nd|rd|th|ᵉ|ᵉʳ|ʳᵉ)")
_ALNUM_RUN = re.compile(r"\d+|[^\W\d_]+|_+")

_TLDS = (
    "fr|com|org|net|info|gov|edu|int|io|eu|uk|be|ch|ca|de|es|it|us|ml|bf|ne|sn|ci|tg|bj|mr|td"
    "|dz|ma|tn|cm|ga|cd|cg|gn|africa|news|tv|html?|php|pdf|jpe?g|png"
)

_TOKEN_RE = re.compile(
    rf"""
    (?P<w>[^\W\d_]+)(?![\w'’\-‐‑.@/:&°])
  | (?P<url>(?:https?://|ftp://|www\.)[^\s<>«»"“”]+)
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<tag>(?<!\w)[#@][^\W_][\w-]*)
  | (?P<dom>\w[\w-]*(?:\.[\w-]+)*\.(?:{_TLDS})(?!\w|\.\w))
  | (?P<num>(?:(?<![\w)\].,%])[+\-−](?=\d))?
        (?:\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?!\d)(?:,\d+)?
        | \d+(?:[.,]\d+)+
        | \d+(?:[\-‐‑]\w+)+
        | \d+)
        (?![^\W_]))
  | (?P<alnum>\d+[^\W\d_]\w*)
  | (?P<el>(?<!\w)(?:[lLdDjJnNsScCmMtT]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’]
        (?=[^\W\d_]\.|\d))
  | (?P<ini>[^\W\d_](?:\.-?[^\W\d_])+\.?(?!\w))
  | (?P<no>[nN]°)
  | (?P<cw>\w+(?:['’\-‐‑/&]\w+)*['’]?)
  | (?P<ell>\.{{2,}}|…)
  | (?P<dash>--+)
  | (?P<p>\S)
    """,
    re.VERBOSE,
)
_EN_CONTRACTION = re.compile(r"(?i)(n['’]t|['’](?:s|re|ve|ll|d|m))$")
_TERMINAL_CHARS = frozenset(".!?…")
_CLOSING = frozenset(["»", "”", ")", "]", "’", "›", "'"])
_OPENING = frozenset("«“\"([‘-–—‹")
_HARD_CLOSING = frozenset(["»", "”", ")", "]", "›"])

# --------------------------------------------------------------------------- lemma conventions

# UD French closed-class lemmas (pronouns, determiners, contractions).
_FR_CLOSED = {
    "il": "lui", "elle": "lui", "ils": "eux", "elles": "eux", "lui": "lui", "eux": "eux",
    "se": "soi", "s'": "soi", "soi": "soi", "je": "moi", "j'": "moi", "me": "moi",
    "m'": "moi", "moi": "moi", "tu": "toi", "te": "toi", "t'": "toi", "toi": "toi",
    "nous": "nous", "vous": "vous", "on": "on", "l'on": "on", "y": "y", "en": "en",
    "le": "le", "la": "le", "l'": "le", "les": "le", "un": "un", "une": "un", "des": "un",
    "du": "de+le", "au": "à+le", "aux": "à+le", "auquel": "à+lequel", "auxquels": "à+lequel",
    "auxquelles": "à+lequel", "duquel": "de+lequel", "desquels": "de+lequel",
    "desquelles": "de+lequel",
    "de": "de", "d'": "de", "ce": "ce", "cet": "ce", "cette": "ce", "ces": "ce", "c'": "ce",
    "leur": "son", "leurs": "son", "n'": "ne", "qu'": "que", "jusqu'": "jusque",
    "lorsqu'": "lorsque", "puisqu'": "puisque", "quoiqu'": "quoique", "quelqu'": "quelque",
    "quelques": "quelque", "certains": "certain", "certaines": "certain", "certaine": "certain",
    "aucune": "aucun", "aucuns": "aucun", "aucunes": "aucun", "nul": "nul", "nulle": "nul",
    "tous": "tout", "toute": "tout", "toutes": "tout", "quels": "quel", "quelle": "quel",
    "quelles": "quel", "celle": "celui", "ceux": "celui", "celles": "celui",
    "lequel": "lequel", "laquelle": "lequel", "lesquels": "lequel", "lesquelles": "lequel",
    "aujourd'hui": "aujourd'hui", "c'est-à-dire": "c'est-à-dire",
}  # fmt: skip
_SUBJECT = frozenset(
    "je j' tu il elle on nous vous ils elles ne n' qui -je -tu -il -elle -on -nous -vous -ils "
    "-elles -t-il -t-elle -t-on".split()
)
_AUX_FINITE = frozenset(
    """a ai as avons avez ont avait avais avions aviez avaient aura auras aurons aurez auront
    aurait aurais aurions auriez auraient eut eurent est es sommes êtes sont était étais étions
    étiez étaient sera seras serons serez seront serait seraient fut furent""".split()
)
_AUX_ALL = _AUX_FINITE | frozenset("été avoir être ayant étant eu".split())
_VERB_TRIGGER = frozenset(
    "je j' tu il elle on nous vous ils elles ne n' se s' me m' te t' qui lui".split()
)
_SKIP_ADV = frozenset(
    """pas plus jamais déjà également aussi bien toujours encore souvent ensuite alors enfin
    rien notamment donc ainsi beaucoup peu guère point vite mieux effectivement longtemps
    finalement récemment officiellement désormais très y en""".split()
)
_DETERMINERS = frozenset(
    """un une son sa ses mon ma mes ton ta tes notre nos votre vos leurs cette cet ces du au
    aux des chaque plusieurs quelques""".split()
)
_PLURAL_DETS = frozenset("les des ses mes tes nos vos leurs ces aux plusieurs quelques".split())
# Adjectives that come before the noun: "de nombreux", "d'autres" (lemmas).
_PRENOMINAL = frozenset(
    """nombreux autre nouveau grand petit bon beau vrai véritable multiple important grave fort
    jeune vieux long haut mauvais premier violent sérieux faux gros lourd précieux coûteux
    meilleur excellent différent divers rare simple large immense énorme vaste terrible profond
    léger réel nombreuse""".split()
)
_NEGATION = frozenset("pas jamais guère point".split())
_DE_IDIOMS = frozenset("nouveau même plus moins suite loin près nature sorte façon manière".split())
_NOUN_BEFORE_EST = frozenset("l' le cet un son chaque ce nord sud".split())
_PARTICIPLE_RULES = (
    ("mises", "mettre"), ("mise", "mettre"), ("mis", "mettre"),
    ("prises", "prendre"), ("prise", "prendre"), ("pris", "prendre"),
    ("faites", "faire"), ("faite", "faire"), ("faits", "faire"), ("fait", "faire"),
    ("duites", "duire"), ("duite", "duire"), ("duits", "duire"), ("duit", "duire"),
    ("erte", "rir"), ("ertes", "rir"), ("erts", "rir"), ("ert", "rir"),
    ("einte", "eindre"), ("eintes", "eindre"), ("eints", "eindre"), ("eint", "eindre"),
    ("ainte", "aindre"), ("aints", "aindre"), ("aint", "aindre"),
    ("ites", "ire"), ("ite", "ire"), ("its", "ire"), ("it", "ire"),
    ("ées", "er"), ("ée", "er"), ("és", "er"), ("é", "er"),
    ("ies", "ir"), ("ie", "ir"), ("is", "ir"), ("i", "ir"),
    ("ues", "re"), ("ue", "re"), ("us", "re"), ("u", "re"),
    ("ues", "ir"), ("ue", "ir"), ("us", "ir"), ("u", "ir"),
)  # fmt: skip
_FINITE_RULES = (
    ("ent", "er"), ("es", "er"), ("e", "er"), ("ons", "er"), ("ez", "er"),
    ("ait", "er"), ("aient", "er"), ("a", "er"), ("èrent", "er"),
    ("it", "ire"), ("it", "ir"), ("issent", "ir"), ("is", "ir"),
)  # fmt: skip
_VERB_ENDINGS = ("er", "ir", "re", "oir", "ïr")
_EN_CLOSED = {"n't": "not", "n’t": "not", "'m": "be", "’m": "be", "'re": "be", "’re": "be",
              "'ve": "have", "’ve": "have", "'ll": "will", "’ll": "will", "'d": "would",
              "’d": "would", "'s": "'s", "’s": "'s", "ca": "can", "wo": "will"}  # fmt: skip

# flags in the per-form cache
F_CTX = 1  # lemma depends on neighbours (le/la/de/leur/s'/soit/est...) or triggers a rule
F_CAP = 2  # capitalised: sentence-initial casing rule
F_SENT = 4  # may end a sentence (. ! ? … ; : and abbreviations with a period)
F_PRON = 8  # capitalised subject pronoun: may start a sentence without final punctuation

F_PLURAL = 32  # plural determiner

# neighbour bits in the per-form cache: what the form is as the word before or after
# a context role (see _context_lemmas), so that most roles are dismissed by one lookup
N_LE_PREV = 1  # before le/la/les/leur: a subject or reflexive clitic, may make it a pronoun
N_LE_NEXT = 2  # after le/la/les/leur: may make it a pronoun, or a verb reading to fix
N_VERBISH = 4  # after a determiner: read as a verb (lemma in -er/-ir/-re), maybe a noun
N_DE_PREV = 8  # before de: a negation or a participle
N_DE_NEXT = 16  # after de: a prenominal adjective or an idiom
N_SKIP_ADV = 32  # an adverb _verb_after looks past ("pas", "déjà")
N_NO_VERB_FIX = 64  # _verb_fix gives nothing for it (finite or participle)
N_DE_A = 128  # "de", "à": before "le"/"les" makes a pronoun ("de le faire"), else neutral
N_ODD_CASE = 256  # lowercase first letter, a capital further on ("aVait"): tests differ
N_EST_PREV = 512  # before est/été: may make it a noun ("l'est", "cet été")
N_IL = 1024  # "il", "ils": after s' it is the conjunction si

# context roles
R_DET, R_TRIG, R_AUX, R_LE, R_DE, R_SI, R_SOIT, R_EST, R_PAR, R_ANT = range(1, 11)
_ROLES: dict[str, int] = {
    **{w: R_AUX for w in _AUX_ALL}, **{w: R_TRIG for w in _VERB_TRIGGER},
    **{w: R_DET for w in _DETERMINERS}, "le": R_LE, "la": R_LE, "l'": R_LE, "les": R_LE,
    "leur": R_LE, "de": R_DE, "d'": R_DE, "s'": R_SI, "soit": R_SOIT, "est": R_EST,
    "été": R_EST, "par": R_PAR,
}  # fmt: skip
# Function words that start sentences (accent-folded): after an initial or an abbreviation
# they mean a new sentence ("... Dagobert I. Ils ..."); names and nouns do not.
_STARTERS = frozenset(
    """le la les l' un une des il ils elle elles on je j' nous vous ce c' cette ces cet en dans
    pour par sur mais et selon apres avant depuis lors ainsi alors puis enfin cependant
    toutefois pourtant or donc si quand lorsque au aux du de d' a
    the a an he she it they we i this these those there in on at for but and after before
    when while however so if as his her their its our""".split()
)
_COLON_STARTERS = frozenset("il ils elle elles on ce c' cela ceci cette ces it they he she".split())
_NAME_DETS = frozenset("le la l' l’ les du des au aux".split())
# Words after which a capitalised "Les ..." is a title, not a new sentence.
_TITLE_NOUNS = frozenset(
    """intitulé intitulée intitulés intitulées titre livre film roman ouvrage journal magazine
    quotidien hebdomadaire rapport album chanson série émission pièce essai documentaire
    article""".split()
)
_DET_STARTERS = frozenset("les des l' ces cette chez".split())
_PRON_STARTERS = frozenset("il ils elle elles on je j'".split())


# --------------------------------------------------------------------------- lexicon lookups


def _stopwords_iso(lang: str) -> set[str]:
    """stopwords-iso's list for ``lang``, read from the package's data file without
    importing the package, whose ``__init__`` asks importlib.metadata for its own version
    (~20 ms at every start); through the package itself if its layout ever changes."""
    spec = importlib.util.find_spec("stopwordsiso")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            with open(os.path.join(folder, "stopwords-iso.json"), encoding="utf-8") as handle:
                table = json.load(handle)
        except (OSError, ValueError):
            continue
        if isinstance(table, dict):
            return set(table.get(lang.lower(), ()))
    import stopwordsiso

    return stopwordsiso.stopwords(lang) if stopwordsiso.has_lang(lang) else set()


@lru_cache(maxsize=8)
def stop_words(lang: str) -> frozenset[str]:
    """Accent-folded, lowercased stop words of ``lang`` (stopwords-iso, MIT)."""
    words = _stopwords_iso(lang)
    folded = {unidecode(w).lower() for w in words}
    if lang == "fr":
        folded |= {e + "'" for e in _ELISIONS}
        folded |= {"l'on", "-t-il", "-il", "-elle", "-on", "-ils", "-elles", "-ce", "-je"}
    return frozenset(folded)


@lru_cache(maxsize=8)
def _dictionary(lang: str) -> Callable[[str], str | None]:
    """simplemma's form -> lemma lookup (its mapping's ``get``), or one that finds nothing."""
    try:
        return lemmas.lookup(lang)
    except Exception:  # pragma: no cover - other simplemma layouts
        nothing: dict[str, str] = {}
        return nothing.get


# unidecode of the characters of Latin and French text, for ``_fold``: unidecode works
# character by character, so a translation table gives the same string.
_FOLD_TABLE = {
    code: unidecode(chr(code))
    for code in [*range(0x80, 0x250), *range(0x2000, 0x2070), 0x20AC]
}


def _fold(form: str) -> str:
    """``unidecode(form)``, faster for ASCII and Latin letters (the table above)."""
    if form.isascii():
        return form
    folded = form.translate(_FOLD_TABLE)
    return folded if folded.isascii() else unidecode(form)


def _simplemma(form: str, lang: str) -> str:
    try:
        return lemmas.lemmatize(form, lang)
    except (ValueError, TypeError):
        return form.lower()


def _is_verb_lemma(word: str, lang: str) -> bool:
    """``word`` is an infinitive the dictionary knows as its own lemma."""
    return word.endswith(_VERB_ENDINGS) and _dictionary(lang)(word) == word


def _base_lemma(form: str, lang: str) -> str:
    """Context-free lemma of a lowercase-or-cased surface form."""
    if lang == "fr":
        low = form.lower().replace("’", "'")
        closed = _FR_CLOSED.get(low)
        if closed is not None:
            return closed
        if low[:1] == "-" and len(low) > 1:  # -t-il, -elle, -ce, -moi
            part = low[3:] if low.startswith("-t-") else low[1:]
            return _FR_CLOSED.get(part, part)
        if form[-1] == "." and len(form) > 1:  # M. etc. A.E.S.: UD keeps the abbreviation
            return form
    elif lang == "en":
        closed = _EN_CLOSED.get(form.lower())
        if closed is not None:
            return closed
    lemma = _simplemma(form, lang)
    if lang == "fr" and lemma != form and lemma.endswith("s") and len(lemma) > 3:
        # simplemma sometimes returns a plural (différentes -> différents)
        singular = lemma[:-1]
        if _dictionary(lang)(singular) == singular:
            lemma = singular
    return lemma


def _capital_lemma(form: str, lang: str) -> str:
    """Lemma of a capitalised word inside a sentence: proper nouns keep their capitals."""
    low = form.lower()
    if lang == "fr" and low.replace("’", "'") in _FR_CLOSED:
        return _FR_CLOSED[low.replace("’", "'")]
    if lang == "en" and low == "i":
        return "I"
    known = _dictionary(lang)(form)
    if known is not None:  # Paris -> Paris, Premier -> premier
        return str(known)
    lemma = _simplemma(form, lang)
    return lemma if lemma[:1].isupper() else form


@lru_cache(maxsize=20_000)
def _named_common(form: str, lang: str) -> str:
    """'Conseil' in 'le Conseil de sécurité': a common noun inside a name, UD lowercases it."""
    low = form.lower()
    if form.isupper() or _dictionary(lang)(form) is not None:
        return ""
    return low if _dictionary(lang)(low) == low else ""


@lru_cache(maxsize=20_000)
def _initial_lemma(form: str, lang: str) -> str:
    """Lemma of a capitalised word that starts a sentence: a common word unless unknown."""
    low = form.lower()
    if lang == "fr":
        key = low.replace("’", "'")
        if key in _FR_CLOSED:
            return _FR_CLOSED[key]
        if form == "A":  # unaccented capital À
            return "à"
    dic = _dictionary(lang)
    acronym = form.isupper() and len(form) > 1
    common = dic(low) is not None or _fold(low) in stop_words(lang) or (
        low.endswith("ment") and lang == "fr"
    )
    if acronym or not common:
        if dic(form) is not None or acronym:
            return _capital_lemma(form, lang)
        base = _base_lemma(low, lang)  # simplemma may still know an inflection
        return base if base != low else form
    return _base_lemma(low, lang)


def _analyse(form: str, lang: str) -> Info:
    """(norm, lemma, stop, flags, role, lowercase) for a surface form."""
    lower = form.lower()
    norm = _fold(form)
    norm = norm.lower() if norm else lower  # unidecode drops some symbols (emoji...)
    first = form[0]
    flags = F_SENT if first in _TERMINAL_CHARS or first in ";:" or (
        form[-1] == "." and len(form) > 1
    ) else 0
    low = lower.replace("’", "'")
    if not form.isalpha() and not any(ch.isalpha() for ch in form):
        stop = False if lang == "und" else norm in stop_words(lang)
        return norm, form, stop, flags, 0, low, _neighbour_bits(form, form, low)
    if lang not in SUPPORTED:
        return norm, lower, False, flags, 0, low, _neighbour_bits(form, lower, low)
    if first.isupper():
        flags |= F_CAP
        if low in _PRON_STARTERS or low in _DET_STARTERS:
            flags |= F_PRON
        lemma = _capital_lemma(form, lang)
    else:
        lemma = _base_lemma(form, lang)
    stop = norm in stop_words(lang)
    if lang == "fr":
        role = _ROLES.get(low, 0)
        if not role and low.endswith("ant") and lemma == low and not stop:
            role = R_ANT if _present_participle(low, lang) else 0
        if role:
            flags |= F_CTX
        if low in _PLURAL_DETS:
            flags |= F_PLURAL
    else:
        role = 0
        if low in _PLURAL_DETS:
            flags |= F_PLURAL
    # share equal strings: the caches hold hundreds of thousands of these tuples
    norm = form if norm == form else norm
    low = norm if low == norm else (form if low == form else low)
    lemma = form if lemma == form else (low if lemma == low else lemma)
    return norm, lemma, stop, flags, role, low, _neighbour_bits(form, lemma, low)


def _neighbour_bits(form: str, lemma: str, low: str) -> int:
    """The N_* bits of a form (tests of _context_lemmas on its neighbours, made once).

    The tests against closed word lists are read from two tables (_LOW_BITS,
    _FORM_BITS); the ones on endings and case are made here."""
    bits = _LOW_BITS.get(low, 0) | _FORM_BITS.get(form, 0)
    if lemma != form and lemma.endswith(_VERB_ENDINGS):  # a verb reading
        bits |= N_VERBISH | N_LE_NEXT | N_NO_VERB_FIX
    elif form.endswith(_VERB_ENDINGS):
        bits |= N_LE_NEXT
    if not form.islower():
        bits |= N_NO_VERB_FIX | (N_ODD_CASE if form[:1].islower() else 0)
    elif not form.isalpha():
        bits |= N_NO_VERB_FIX
    if low.endswith(_PARTICIPLE_ENDINGS):
        bits |= N_DE_PREV
    if lemma in _PRENOMINAL:
        bits |= N_DE_NEXT
    return bits


@lru_cache(maxsize=20_000)
def _present_participle(form: str, lang: str) -> str:
    """The verb of a present participle ("concernant" -> concerner, "suivant" -> suivre,
    "finissant" -> finir, "mangeant" -> manger), or ''."""
    if len(form) < 6:
        return ""
    stem = form[:-3]
    candidates = [stem + "er", stem + "re", stem + "ir"]
    if form.endswith("issant"):
        candidates.insert(0, form[:-6] + "ir")
    if form.endswith("eant"):
        candidates.insert(0, form[:-4] + "er")
    if form.endswith("çant"):
        candidates.insert(0, form[:-4] + "cer")
    for verb in candidates:
        if _infinitive(verb, lang):
            return verb
    return ""


_CACHES: dict[str, dict[str, Info]] = {}
_CACHE_LIMIT = 100_000  # entries per cache (~50 MB each at most); 1,000 articles need ~40k


def _cache(lang: str) -> dict[str, Info]:
    """The form -> info cache of ``lang`` (emptied only between documents)."""
    cache = _CACHES.get(lang)
    if cache is None:
        cache = _CACHES[lang] = {}
    return cache


def _context_free_lemma(form: str, lang: str) -> str:
    """The cached context-free lemma of ``form`` (analysed now if the cache lost it)."""
    cache = _cache(lang)
    info = cache.get(form)
    if info is None:
        info = cache[form] = _analyse(form, lang)
    return info[1]


def _trim_caches(lang: str) -> None:
    """Bound memory on endless streams: start afresh when a cache grows too big.
    Called before a document, never during one (lookups rely on earlier inserts)."""
    # Both at once: forms of cached chunk pieces are looked up in the form cache later.
    sizes = len(_CACHES.get(lang, ())), len(_CHUNK_CACHES.get(lang, ()))
    if max(sizes) > _CACHE_LIMIT:
        _CACHES[lang] = {}
        _CHUNK_CACHES[lang] = {}
    if len(_VERB_FIXES) + len(_NOUN_FIXES) > _CACHE_LIMIT:
        _VERB_FIXES.clear()
        _NOUN_FIXES.clear()


# --------------------------------------------------------------------------- tokens


def _split_word(word: str, start: int, lang: str) -> list[tuple[int, int]]:
    """Split a word with ' - / into UD-style tokens (elision, clitics, contractions)."""
    lower = word.lower().replace("’", "'")
    end = start + len(word)
    if lower in _WHOLE_WORDS or lower in _CLITIC_KEEP:
        return [(start, end)]
    if lang == "en":
        m = _EN_CONTRACTION.search(word)
        if m and m.start() > 0:
            return [(start, start + m.start()), (start + m.start(), end)]
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    offset = 0
    # French elision, repeatable: qu'aujourd'hui, jusqu'à, l'Alliance (no re-slicing of
    # the rest: a pathological "l'l'l'l'..." stays linear)
    size = len(lower)
    while True:
        apos = lower.find("'", offset)
        if apos <= offset or apos - offset > 6 or lower[offset:apos] not in _ELISIONS:
            break
        if size - offset <= 24 and lower[offset:] in _WHOLE_WORDS:
            break
        if apos == size - 1 or lower[apos + 1] == "-":  # "l'" alone, "t'-il"
            break
        if apos - offset == 1 and lower[offset] in "nm" and word[apos + 1].isupper():
            break  # N'Djamena, N'Golo, M'Bour: names, not "ne"/"me"
        spans.append((start + offset, start + apos + 1))
        offset = apos + 1
    rest = word[offset:] if offset else word
    if offset and size - offset <= 24 and lower[offset:] in _WHOLE_WORDS:
        spans.append((start + offset, end))
        return spans
    if "-" in rest or "‐" in rest or "‑" in rest:
        spans.extend(_split_clitics(rest, start + offset))
    else:
        spans.append((start + offset, end))
    return spans


_T_CLITIC = re.compile(r"[-‐‑]t[-‐‑](?:il|elle|on|ils|elles)$")
_HYPHEN_SPLIT = re.compile(r"[-‐‑]")


def _split_clitics(word: str, start: int) -> list[tuple[int, int]]:
    """a-t-il -> a | -t-il ; Est-ce -> Est | -ce ; peut-être stays whole."""
    lower = word.lower()
    if lower in _CLITIC_KEEP:
        return [(start, start + len(word))]
    m = _T_CLITIC.search(lower)
    if m and m.start() > 0:
        return [(start, start + m.start()), (start + m.start(), start + len(word))]
    words = _HYPHEN_SPLIT.split(word)
    cut = len(words)
    while cut > 1 and words[cut - 1].lower() in _CLITICS and words[cut - 1][:1].islower():
        cut -= 1
    if cut == len(words) or not words[0][:1].isalpha():
        return [(start, start + len(word))]
    head_len = sum(len(w) for w in words[:cut]) + cut - 1
    spans = [(start, start + head_len)]
    pos = start + head_len
    for part in words[cut:]:
        spans.append((pos, pos + 1 + len(part)))
        pos += 1 + len(part)
    return spans


def _complex_word(text: str, word: str, start: int, lang: str) -> tuple[list[tuple[int, int]], int]:
    """Spans of a word the fast path could not take, and how far it reaches."""
    end = start + len(word)
    if end < len(text) and text[end] == "." and word.isalpha() and (
        word.lower() in _ABBREV or (len(word) == 1 and word.isupper())
    ):
        return [(start, end + 1)], end + 1  # M. Mme. etc. cf. and initials (J. K. Rowling)
    if "/" in word:
        parts = word.split("/")
        units = len(parts) == 2 and all(part.lower() in _UNITS for part in parts)
        if not units and not any(c.isdigit() for c in word):
            # et/ou, son/sa, gauche/droite are split; km/h, 24/7 stay whole
            spans: list[tuple[int, int]] = []
            pos = reach = start
            for k, part in enumerate(parts):
                if k:
                    spans.append((pos, pos + 1))
                    pos += 1
                if part:
                    sub, reach = _complex_word(text, part, pos, lang)
                    spans.extend(sub)
                pos += len(part)
            return spans, max(reach, end)
    last = word[-1]
    if last in _APOS and (lang == "en" or word[:-1].lower() not in _ELISIONS):
        # a trailing apostrophe is a quote mark, not an elision
        head = word[:-1]
        return _split_word(head, start, lang) + [(end - 1, end)], end
    if "'" in word or "’" in word or "-" in word or "‐" in word or "‑" in word:
        return _split_word(word, start, lang), end
    return [(start, end)], end


_NUM_SPACE = re.compile(r"(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:,\d+)?")
_SPACES = frozenset(" \u00a0\u202f")
_TRAILING_ALL = frozenset(",;:!?)»\"”.]")
_WORD_CORE = re.compile(r"[^\W\d_]+(?:['’\-‐‑][^\W\d_]+)*").fullmatch
_LEADING = frozenset("(«\"“[")


def _regex_spans(text: str, a: int, b: int, lang: str) -> list[tuple[int, int]]:
    """Token spans of text[a:b] found by ``_TOKEN_RE`` (the slow, general path)."""
    spans: list[tuple[int, int]] = []
    add = spans.append
    pos = a
    while pos < b:
        for m in _TOKEN_RE.finditer(text, pos, b):
            kind = m.lastgroup
            s, e = m.span()
            if kind == "cw":
                parts, end = _complex_word(text, m.group(), s, lang)
                spans.extend(parts)
                if end > e:  # the abbreviation took its period: go on after it
                    pos = end
                    break
            elif kind == "url":
                trimmed = m.group().rstrip(".,;:!?)]}'’\"»")
                add((s, s + len(trimmed)))
                spans.extend((i, i + 1) for i in range(s + len(trimmed), e))
            elif kind == "alnum":
                form = m.group()
                if _ORDINAL.fullmatch(form):
                    add((s, e))
                else:
                    spans.extend((s + r.start(), s + r.end()) for r in _ALNUM_RUN.finditer(form))
            else:
                add((s, e))
        else:
            pos = b
    return spans


def _chunk_spans(chunk: str, lang: str) -> list[tuple[int, int]]:
    """Token spans of one whitespace-free chunk: a fast path for «Bamako», (AES).
    "dit", l'Alliance a-t-il; the regex for the rest."""
    size = len(chunk)
    if ".." not in chunk:  # not an ellipsis
        # strip one opening mark and the closing punctuation
        i = 1 if chunk[0] in _LEADING else 0
        j = size
        while j > i + 1 and chunk[j - 1] in _TRAILING_ALL:
            j -= 1
        core = chunk[i:j]
        dot = chunk[j : j + 1] == "."
        spans = [(0, 1)] if i else []
        if core.isalpha():
            if dot and (core.lower() in _ABBREV or (len(core) == 1 and core.isupper())):
                spans.append((i, j + 1))  # M. etc. J.
                j += 1
            else:
                spans.append((i, j))
        elif not dot and _WORD_CORE(core):
            spans.extend(_complex_word(chunk, core, i, lang)[0])
        elif chunk.isdecimal():
            return [(0, size)]
        else:
            return _regex_spans(chunk, 0, size, lang)
        spans.extend((x, x + 1) for x in range(j, size))
        return spans
    return _regex_spans(chunk, 0, size, lang)


def _chunk_bounds(text: str, chunks: list[str]) -> tuple[list[int], list[int]]:
    """Start and end offsets of ``chunks`` (``text.split()``) in ``text``.

    Most texts separate their chunks by one whitespace character each: the offsets are
    then running sums of the lengths, made at C level, instead of one ``find`` per
    chunk. Texts with blank lines get the same line by line."""
    bounds = _single_gap_bounds(text, chunks)
    if bounds is not None:
        return bounds
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for line in text.split("\n"):
        words = line.split()
        if words:
            a, b = _single_gap_bounds(line, words, offset) or _found_bounds(line, words, offset)
            starts += a
            ends += b
        offset += len(line) + 1
    return starts, ends


def _single_gap_bounds(
    text: str, chunks: list[str], offset: int = 0
) -> tuple[list[int], list[int]] | None:
    """The offsets (plus ``offset``) of ``chunks`` when ``text`` has no space at either
    end and one whitespace character between chunks (then, and only then, the lengths
    add up)."""
    lengths = list(map(len, chunks))
    n = len(lengths)
    if len(text) != sum(lengths) + n - 1:
        return None
    steps = [1] * (2 * n)
    steps[0] = offset
    steps[1::2] = lengths
    sums = list(accumulate(steps))
    return sums[0::2], sums[1::2]


def _found_bounds(text: str, chunks: list[str], offset: int) -> tuple[list[int], list[int]]:
    """The offsets (plus ``offset``) of ``chunks`` found one after the other."""
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    find = text.find
    for chunk in chunks:
        pos = find(chunk, pos)
        starts.append(pos + offset)
        pos += len(chunk)
        ends.append(pos + offset)
    return starts, ends


def _scan(text: str, lang: str) -> tuple[list[Token], list[str], list[int], list[Info]]:
    """Tokens, their forms, the indices of flagged tokens and their infos.

    Whitespace-separated chunks that are plain words (most of them) go straight
    to the form cache; the others are split once and their pieces cached per
    chunk (news repeats "l'armée", "Bamako,"). Only "1 000" (a number across
    a space) and "vol." / "X." (word or abbreviation, by the next word) look
    beyond their chunk.
    """
    cache = _cache(lang)
    pieces_cache = _chunk_cache(lang)
    cget = cache.get
    pget = pieces_cache.get
    tokens: list[Token] = []
    forms: list[str] = []
    flagged: list[int] = []
    infos: list[Info] = []
    # list.append called as a method (not a bound method in a local): Python 3.11
    # specialises that call

    def emit(spans: list[tuple[int, int]]) -> None:
        for s, e in spans:
            form = text[s:e]
            info = cget(form)
            if info is None:
                info = cache[form] = _analyse(form, lang)
            if info[3]:
                flagged.append(len(forms))
                infos.append(info)
            tokens.append(
                {"start": s, "end": e, "norm": info[0], "lemma": info[1], "stop": info[2]}
            )
            forms.append(form)

    taken = 0
    n = len(text)
    chunks = text.split()
    for chunk, s, e in zip(chunks, *_chunk_bounds(text, chunks), strict=True):
        if s < taken:  # partly taken by a number across a space
            if e > taken:
                emit(_regex_spans(text, taken, e, lang))
            continue
        if chunk.isalpha():
            info = cget(chunk)
            if info is None:
                info = cache[chunk] = _analyse(chunk, lang)
            if info[3]:
                flagged.append(len(forms))
                infos.append(info)
            tokens.append(
                {"start": s, "end": e, "norm": info[0], "lemma": info[1], "stop": info[2]}
            )
            forms.append(chunk)
            continue
        last = chunk[-1]
        if last.isdigit() and e + 4 <= n and text[e] in _SPACES:
            m = _NUM_SPACE.match(text, e)  # "1 000", "20 000 000"
            if m:
                emit(_regex_spans(text, s, m.end(), lang))
                taken = m.end()
                continue
        if last == "." and len(chunk) <= _SHORT_PERIOD and _period_depends_on_next(chunk):
            emit([(s, e)] if _abbreviation_here(chunk, text, e, lang) else [(s, e - 1), (e - 1, e)])
            continue
        pieces = pget(chunk)
        if pieces is None:
            pieces = pieces_cache[chunk] = _chunk_pieces(chunk, lang)
        for a, b, form, info in pieces:
            if info[3]:
                flagged.append(len(forms))
                infos.append(info)
            tokens.append({"start": s + a, "end": s + b, "norm": info[0], "lemma": info[1],
                      "stop": info[2]})
            forms.append(form)
    return tokens, forms, flagged, infos


# "X." and the ambiguous abbreviations with their period: no longer chunk can be one
# (lowercasing never shortens a string), so longer ones skip the call ("armée.")
_SHORT_PERIOD = max(2, *map(len, _AMBIGUOUS_ABBREV)) + 1


def _period_depends_on_next(chunk: str) -> bool:
    """'vol.', 'sept.', 'X.': word or abbreviation depends on what follows."""
    head = chunk[:-1]
    return (len(head) == 1 and head.isupper()) or head.lower() in _AMBIGUOUS_ABBREV


_NEXT_WORD = re.compile(r"\s*(\S)([^\W\d_]*)")


def _abbreviation_here(chunk: str, text: str, end: int, lang: str) -> bool:
    """Does the period after ``chunk[:-1]`` belong to it? "art. 5", "J. K. Rowling" yes;
    "le vol. Les passagers", "Dagobert I. Ils", "ils sont sept. Puis" no."""
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    first = m.group(1)
    head = chunk[:-1]
    if len(head) > 1:  # sept. art. vol. ex.
        return first.isdigit() or first.islower()
    word = (first + m.group(2)).lower()  # an initial, unless a sentence starts after it
    if not first.isupper() or len(word) < 2 or word in ("le", "la", "les", "de", "du", "des"):
        return True
    return _fold(word) not in _STARTERS


Piece = tuple[int, int, str, Info]
_CHUNK_CACHES: dict[str, dict[str, tuple[Piece, ...]]] = {}


def _chunk_cache(lang: str) -> dict[str, tuple[Piece, ...]]:
    cache = _CHUNK_CACHES.get(lang)
    if cache is None:
        cache = _CHUNK_CACHES[lang] = {}
    return cache


def _chunk_pieces(chunk: str, lang: str) -> tuple[Piece, ...]:
    """Tokens of one whitespace-free chunk, as (start, end, form, info) relative to it."""
    cache = _cache(lang)
    pieces = []
    size = len(chunk)
    head = chunk[:-1]
    if chunk[-1] in _TRAILING_ALL and head.isalpha() and (
        chunk[-1] != "." or (head.lower() not in _ABBREV and (size > 2 or not head.isupper()))
    ):  # "Bamako," "armée." (half the new chunks): what _chunk_spans makes of them
        spans: list[tuple[int, int]] = [(0, size - 1), (size - 1, size)]
    elif lang != "en" and _plain_elision(chunk):  # "l'eau", "d'un": a tenth of new chunks
        spans = [(0, 2), (2, size)]
    else:
        spans = _chunk_spans(chunk, lang)
    for s, e in spans:
        form = chunk[s:e]
        info = cache.get(form)
        if info is None:
            info = cache[form] = _analyse(form, lang)
        pieces.append((s, e, form, info))
    return tuple(pieces)


_ELIDED_LETTERS = frozenset("lLdDjJnNsScCmMtT")


def _plain_elision(chunk: str) -> bool:
    """One elided letter, an apostrophe and a word ("l'eau", "D'abord"): _chunk_spans
    would cut it after the apostrophe, unless it is a whole word ("l'on") or a name
    ("N'Djamena")."""
    return (
        len(chunk) > 2 and chunk[1] in _APOS and chunk[0] in _ELIDED_LETTERS
        and chunk[2:].isalpha() and not (chunk[0] in "nNmM" and chunk[2].isupper())
        and chunk.lower().replace("’", "'") not in _WHOLE_WORDS
        and chunk.lower() not in _CLITIC_KEEP
    )


# --------------------------------------------------------------------------- sentences


def _sentence_starts(
    text: str, tokens: list[Token], forms: list[str], flagged: list[int], infos: list[Info],
    lang: str,
) -> list[int]:
    """Indices of the tokens that start a sentence (always begins with 0)."""
    n = len(forms)
    starts = [0]
    stops = stop_words(lang) if lang in SUPPORTED else frozenset()
    last_cut = 0  # index of the first token of the current sentence
    reach = 0  # marks up to here already went with an earlier end ("?!!", "» )")
    # only the few tokens that may end or start a sentence (most flagged ones are for
    # context lemmas), picked at C level
    marks = list(map(and_, map(itemgetter(3), infos), repeat(F_SENT | F_PRON)))
    for i, flags in zip(compress(flagged, marks), filter(None, marks), strict=True):
        if i + 1 >= n or i + 1 <= last_cut or i < reach:
            continue
        if flags & F_SENT:
            j, reach = _end_after(text, tokens, forms, i, n, last_cut, stops)
            if j:
                starts.append(j)
                last_cut = j
        elif flags & F_PRON and i > last_cut and _unpunctuated_start(tokens, forms, i):
            starts.append(i)
            last_cut = i
    if "\n" in text:
        starts = _newline_starts(text, tokens, forms, starts, stops)
    return starts


def _unpunctuated_start(tokens: list[Token], forms: list[str], i: int) -> bool:
    """A sentence starting without a final mark before it: "... la Formula Nippon Il
    était", "... effets vasculaires Des études ont ..." (a heading or title run in)."""
    prev = forms[i - 1]
    if not (prev[-1].isalnum() or prev == ")") or tokens[i - 1]["end"] == tokens[i]["start"]:
        return False
    if tokens[i]["norm"] not in _DET_STARTERS or prev == ")":
        return True  # Il, Elle, On...
    # a determiner before a common noun, after a content word that does not announce a
    # title: not "le parti Les Républicains", not "le livre intitulé Les Misérables"
    nxt = forms[i + 1] if i + 1 < len(forms) else ""
    return (
        nxt[:1].islower() and nxt.isalpha() and prev.islower() and not tokens[i - 1]["stop"]
        and prev not in _TITLE_NOUNS
    )


def _end_after(
    text: str, tokens: list[Token], forms: list[str], i: int, n: int, first: int,
    stops: frozenset[str],
) -> tuple[int, int]:
    """(index of the token starting a new sentence after token ``i`` or 0, index of the
    first token after the marks that go with ``i``: closing quotes, '?!')."""
    tok = forms[i]
    c0 = tok[0]
    j = i + 1
    if c0 in ";:":
        nxt = forms[j]
        gap = tokens[i]["end"] < tokens[j]["start"]
        if not gap or not nxt[0].isupper() or nxt.isupper():
            return 0, j
        norm = tokens[j]["norm"]
        # after ";" a capitalised function word starts a sentence; after ":" only a
        # subject (": Il s'agit..."), since quotes and titles follow colons too
        return (j if (norm in _COLON_STARTERS if c0 == ":" else norm in stops) else 0), j
    abbrev = c0 not in _TERMINAL_CHARS
    if abbrev:  # M. etc. A.E.S.
        if tok[:-1].lower() in _TITLES:
            return 0, j
    # absorb further terminal marks and closing quotes / brackets
    end = tokens[i]["end"]
    while j < n:
        f = forms[j]
        spaced = tokens[j]["start"] > end
        if f in _HARD_CLOSING or (not spaced and (f[0] in _TERMINAL_CHARS or f in _CLOSING)):
            pass
        elif f == '"' and _closes_quote(text, tokens, j, end):
            pass  # closes a quote opened earlier in the paragraph
        else:
            break
        end = tokens[j]["end"]
        j += 1
    if j >= n:
        return 0, j
    nxt = forms[j]
    gap = text[end : tokens[j]["start"]]
    c = nxt[0]
    if "\n" in gap:
        return j, j
    if abbrev:
        if not gap:
            return 0, j
        if tok[:-1].lower() == "etc" and c.isupper():
            return j, j  # "etc." often ends a sentence
        if c.isupper() and not nxt.isupper() and tokens[j]["norm"] in _STARTERS:
            single = len(tok) == 2 or "." in tok[:-1]  # initials: J. A.E.S.
            if not single or tokens[j]["norm"] not in ("le", "la", "les", "de", "du", "des"):
                return j, j
        return 0, j
    if not gap:  # glued paragraphs: "Sahel.Alors que", 'avocat."Les grandes'
        if tok == "." and nxt == '"' and j + 1 < n:
            after = forms[j + 1]
            glued = tokens[j + 1]["start"] == tokens[j]["end"]
            return (j if glued and after[0].isupper() and after[1:2].islower() else 0), j
        return (j if tok == "." and c.isupper() and nxt[1:2].islower() else 0), j
    if c.isupper() or c.isdigit() or c in _OPENING:
        return j, j
    if c.islower() and tok == "." and i > 0:
        prev = forms[i - 1]
        if len(prev) >= 4 and prev.isalpha() and prev.lower() not in _ABBREV:
            return j, j
    return 0, j


def _closes_quote(text: str, tokens: list[Token], j: int, end: int) -> bool:
    """Whether the straight quote ``tokens[j]`` closes a quote rather than opens one.

    Spaced before and glued to the next word (` "Nous`) it opens; otherwise an odd
    number of quotes since the paragraph began means one is open (quotes run over
    several sentences, so the count starts at the paragraph, not the sentence).
    """
    start = tokens[j]["start"]
    spaced_before = start > end
    glued_after = j + 1 < len(tokens) and tokens[j + 1]["start"] == tokens[j]["end"]
    if spaced_before and glued_after:
        return False
    paragraph = max(text.rfind("\n", 0, start) + 1, start - 3000)
    return text.count('"', paragraph, start) % 2 == 1


_START = itemgetter("start")
_BULLETS = frozenset("- – — • * · ▪ ►".split())


def _wrapped(text: str, pos: int) -> bool:
    """The line ending at ``pos`` is long: hard-wrapped prose, not a heading."""
    return pos - text.rfind("\n", 0, pos) > 60


def _newline_starts(
    text: str, tokens: list[Token], forms: list[str], starts: list[int], stops: frozenset[str]
) -> list[int]:
    """Add sentence starts at line breaks: blank lines and bullets always; a single break
    before a capital after a short line with no trailing comma or function word
    (a heading), not inside hard-wrapped prose."""
    extra = []
    pos = text.find("\n")
    while pos >= 0:
        j = bisect_right(tokens, pos, key=_START)  # a few probes, not a list of all starts
        if not 0 < j < len(tokens):
            break
        gap = text[tokens[j - 1]["end"] : tokens[j]["start"]]
        prev = forms[j - 1]
        nxt = forms[j]
        if gap.count("\n") >= 2 or nxt in _BULLETS:
            extra.append(j)
        elif not nxt[0].islower() and prev not in (",", "(", "«", "-", "–", "—") and (
            prev[-1] in _TERMINAL_CHARS
            or (tokens[j - 1]["norm"] not in stops and not _wrapped(text, pos))
        ):
            extra.append(j)
        pos = text.find("\n", tokens[j]["start"])
    if not extra:
        return starts
    return sorted(set(starts) | set(extra))


# --------------------------------------------------------------------------- context lemmas


def _context_lemmas(
    tokens: list[Token], forms: list[str], flagged: list[int], infos: list[Info],
    initial: set[int], lang: str,
) -> None:
    """Fix lemmas that depend on neighbours or on the token starting a sentence.

    In token order (a fix may read a lemma an earlier one set). Most roles come to
    nothing ("la" before a noun, "de" between nouns): the neighbour bits of the forms
    around them (made once per form) dismiss those with one lookup each.
    """
    last = len(forms) - 1
    cache = _cache(lang)
    for i, info in zip(flagged, infos, strict=True):
        if info[3] & F_CAP:
            if i in initial:
                tokens[i]["lemma"] = _initial_lemma(forms[i], lang)
            elif i and forms[i - 1] in _NAME_DETS:
                common = _named_common(forms[i], lang)
                if common:
                    tokens[i]["lemma"] = common
        role = info[4]
        if not role or i == last:
            continue
        if role == R_LE:
            # most "le/la/les" are articles before a noun: skip unless a rule could apply;
            # after "de"/"à" only "le"/"les" can be pronouns ("de le faire") that the
            # next form alone would not make one ("de la Russie": no rule applies)
            prev = cache[forms[i - 1]][6] if i else 0
            nxt = cache[forms[i + 1]][6]
            if prev & N_LE_PREV or nxt & N_LE_NEXT or (
                prev & N_DE_A and (info[5] == "le" or info[5] == "les" or nxt & N_ODD_CASE)
            ):
                _closed_in_context(tokens, forms, i, info, role, lang)
        elif role == R_DET:
            if i and info[5] == "des":
                _des_after_noun(tokens, forms, i, lang)
            if cache[forms[i + 1]][6] & N_VERBISH:  # else surely no verb reading
                _noun_after(tokens, forms, i + 1, lang, info[3] & F_PLURAL)
        elif role == R_DE:
            if (i and cache[forms[i - 1]][6] & N_DE_PREV) or cache[forms[i + 1]][6] & N_DE_NEXT:
                _closed_in_context(tokens, forms, i, info, role, lang)
        elif role == R_TRIG or role == R_AUX:
            bits = cache[forms[i + 1]][6]
            if bits & N_SKIP_ADV or not bits & N_NO_VERB_FIX:  # else "il a", "est allé"
                _verb_after(tokens, forms, i, lang, role == R_TRIG)
        elif role == R_EST or role == R_SI:
            # "est" after "l'"/"cet" (a noun), "s'" before "il" (si); else a verb after
            # them, which the next form's bits may rule out as for an auxiliary
            bits = cache[forms[i + 1]][6]
            if bits & N_SKIP_ADV or not bits & N_NO_VERB_FIX or (
                bits & N_IL if role == R_SI else i and cache[forms[i - 1]][6] & N_EST_PREV
            ):
                _closed_in_context(tokens, forms, i, info, role, lang)
        elif role == R_PAR:
            if i and cache[forms[i - 1]][6] & N_DE_PREV:  # "blessés par": a participle
                _closed_in_context(tokens, forms, i, info, role, lang)
        else:
            _closed_in_context(tokens, forms, i, info, role, lang)


_PARTICIPLE_ENDINGS = ("é", "ée", "és", "ées")


def _des_after_noun(tokens: list[Token], forms: list[str], i: int, lang: str) -> None:
    """"des" after a noun or a name is "de les" (UD lemmas: de+le), elsewhere the article "un"."""
    prev = tokens[i - 1]
    form = forms[i - 1]
    if not form.isalpha() or prev["stop"]:
        return
    lemma = prev["lemma"]
    if form[0].isupper() or not _infinitive(lemma, lang):  # not after a verb
        tokens[i]["lemma"] = "de+le"


def _closed_in_context(
    tokens: list[Token], forms: list[str], i: int, info: Info, role: int, lang: str
) -> None:
    """le/la/les/leur pronoun or determiner, partitive de, s'il, soit, l'est/l'été."""
    low = info[5]
    prev = forms[i - 1].lower().replace("’", "'") if i else ""
    nxt = forms[i + 1].lower().replace("’", "'")
    tok = tokens[i]
    if role == R_LE:
        if prev in _SUBJECT or _object_pronoun(tokens, forms, i, low, prev, nxt, lang):
            tok["lemma"] = "eux" if low in ("les", "leur") else "lui"
            _verb_after(tokens, forms, i, lang, True)
        elif low != "leur":
            _noun_after(tokens, forms, i + 1, lang, info[3] & F_PLURAL)
    elif role == R_DE or role == R_PAR:
        if role == R_DE and _partitive(tokens, forms, i, prev, nxt, lang):
            tok["lemma"] = "un"
        elif i > 1 and prev.endswith(_PARTICIPLE_ENDINGS) and (
            forms[i - 2].lower() not in _DETERMINERS and forms[i - 2].lower() not in _NAME_DETS
        ):  # "un régiment composé de", "blessés par": participles
            _verb_after(tokens, forms, i - 2, lang, False)
    elif role == R_SI:
        if nxt in ("il", "ils"):
            tok["lemma"] = "si"
        else:
            _verb_after(tokens, forms, i, lang, True)
    elif role == R_SOIT:
        # "soit 20 %", ", soit ... soit": the conjunction; "que la paix soit": the verb
        if not prev[:1].isalpha() or prev in ("ou", "et") or nxt[:1].isdigit():
            tok["lemma"] = "soit"
    elif role == R_EST:
        if prev in _NOUN_BEFORE_EST and (i < 2 or forms[i - 2].lower() not in _SUBJECT):
            tok["lemma"] = low  # l'est, l'été: nouns
        else:
            _verb_after(tokens, forms, i, lang, False)
    elif role == R_ANT:
        # "en concernant", "suivant les cas": a verb; "un habitant", "le commandant": a noun
        if prev == "en" or (nxt in _OBJECT_START and prev not in _DETERMINERS
                            and prev not in _NAME_DETS):
            tok["lemma"] = _present_participle(low, lang)


def _object_pronoun(
    tokens: list[Token], forms: list[str], i: int, low: str, prev: str, nxt: str, lang: str
) -> bool:
    """le/la/l'/les/leur before a verb is the object pronoun: "pour le garder", "l'a vu",
    "les obligeant", "leur permet" (the subject-clitic case is handled by the caller)."""
    nxt_form = forms[i + 1]
    if not nxt_form[:1].islower():
        return False
    if nxt in _AUX_FINITE:
        return nxt not in ("est", "été") or low != "l'"  # "à l'est", "l'été dernier"
    if prev in ("de", "à") and low in ("le", "les"):
        return True  # "de le faire": as articles they would be "du", "au"
    if prev in _REFLEXIVE or nxt in ("en", "y"):
        return True  # "se l'approprie", "l'en charger"
    next_lemma = tokens[i + 1]["lemma"]
    if low == "leur":
        return _is_verb_lemma(next_lemma, lang)
    if _infinitive(nxt, lang):
        return True
    return (
        nxt.endswith(("ent", "aient", "ait", "èrent", "ant"))
        and next_lemma != nxt
        and _is_verb_lemma(next_lemma, lang)
    )


# Neighbours that can make "le/la/les/leur" a pronoun (see _object_pronoun); the neighbour
# bits split the words before: N_LE_PREV (subject, reflexive), N_DE_A (de, à: le/les only)
_LE_PREV = _SUBJECT | frozenset("de à se s' me m' te t'".split())
_LE_NEXT = _AUX_FINITE | frozenset(["en", "y"])
# Words that open a verb's object: "concernant la", "en utilisant des"
_OBJECT_START = frozenset(
    "le la l' les un une des du au aux son sa ses leur leurs ce cet cette ces".split()
)
_REFLEXIVE = frozenset("se s' me m' te t'".split())


def _bit_table(groups: list[tuple[frozenset[str], int]]) -> dict[str, int]:
    table: dict[str, int] = {}
    for words, bit in groups:
        for word in words:
            table[word] = table.get(word, 0) | bit
    return table


# Neighbour bits from closed lists (see _neighbour_bits): by lowercase form, by form.
_LOW_BITS = _bit_table([
    (_SUBJECT | _REFLEXIVE, N_LE_PREV), (frozenset(["de", "à"]), N_DE_A),
    (_NOUN_BEFORE_EST, N_EST_PREV), (frozenset(["il", "ils"]), N_IL), (_NEGATION, N_DE_PREV),
])
# the tests _verb_fix makes before it looks at the form's ending ("sommes", "suis": être)
_FORM_BITS = _bit_table([
    (_LE_NEXT, N_LE_NEXT), (_DE_IDIOMS, N_DE_NEXT), (_SKIP_ADV, N_SKIP_ADV),
    ((_AUX_ALL | frozenset(_FR_CLOSED)) - {"sommes", "suis"}, N_NO_VERB_FIX),
])
# Infinitives also used as nouns: "le pouvoir", "le devoir", "l'être".
_NOMINAL_INFINITIVES = frozenset(
    """pouvoir devoir savoir être avoir rire sourire souvenir dîner déjeuner coucher lever
    manger boire vivre devenir avenir loisir plaisir désir soir espoir miroir couloir trottoir
    terroir comptoir mouchoir réservoir pouvoirs vouloir parler goûter baiser""".split()
)
_IRREGULAR_INFINITIVES = frozenset(
    """faire dire voir prendre mettre aller venir tenir savoir vouloir écrire lire suivre
    croire connaître naître paraître mourir ouvrir offrir courir recevoir conduire produire
    permettre promettre comprendre apprendre reprendre obtenir maintenir soutenir devenir
    revenir prévenir détruire construire réduire introduire traduire rendre défendre
    entendre attendre répondre perdre vendre battre combattre abattre convaincre vaincre
    craindre atteindre éteindre peindre joindre rejoindre résoudre accueillir cueillir fuir
    servir sortir partir sentir dormir mentir voir revoir prévoir pourvoir asseoir""".split()
)


@lru_cache(maxsize=20_000)
def _infinitive(word: str, lang: str) -> bool:
    """``word`` is a verb infinitive (its imperfect exists in the dictionary): "garder",
    "vendre", "finir"; not a noun in -er such as "mer" or a nominal infinitive."""
    if len(word) < 4 or word in _NOMINAL_INFINITIVES or not _is_verb_lemma(word, lang):
        return False
    if word in _IRREGULAR_INFINITIVES:
        return True
    dic = _dictionary(lang)
    stem = word[:-2]
    return any(dic(stem + ending) == word for ending in ("ait", "issait", "ions"))


def _partitive(
    tokens: list[Token], forms: list[str], i: int, prev: str, nxt: str, lang: str
) -> bool:
    """de/d' as the plural indefinite or partitive article (UD lemma 'un'):
    "pas de problème", "utilisent de coûteuses armures", "et de lourdes portes"."""
    if nxt in _DE_IDIOMS:
        return False
    next_lemma = tokens[i + 1]["lemma"]
    if prev in _NEGATION:
        return not _is_verb_lemma(nxt, lang)
    if next_lemma in _PRENOMINAL and nxt[-1:] in ("s", "x"):
        if not i or not prev.isalpha() or tokens[i - 1]["stop"]:
            return True
        prev_lemma = tokens[i - 1]["lemma"]
        # after a noun it is the preposition: "le développement de nouveaux matériaux"
        return prev_lemma.endswith(_VERB_ENDINGS) and prev_lemma != prev
    return False


_VERB_FIXES: dict[tuple[str, str, bool], str] = {}
_NOUN_FIXES: dict[tuple[str, str, int], str] = {}


def _verb_after(tokens: list[Token], forms: list[str], i: int, lang: str, finite: bool) -> None:
    """After a subject clitic (finite) or an auxiliary (participle), prefer a verb lemma."""
    j = i + 1
    n = len(forms)
    if j < n and forms[j] in _SKIP_ADV:
        j += 1
        if j < n and forms[j] in _SKIP_ADV:
            j += 1
    if j >= n:
        return
    key = (forms[j], lang, finite)
    fix = _VERB_FIXES.get(key)
    if fix is None:  # from the context-free lemma, so that the cache never depends on order
        lemma = _context_free_lemma(forms[j], lang)
        fix = _VERB_FIXES[key] = _verb_fix(forms[j], lemma, lang, finite)
    if fix:
        tokens[j]["lemma"] = fix


def _verb_fix(form: str, lemma: str, lang: str, finite: bool) -> str:
    """The verb lemma of ``form`` when simplemma gave a non-verb, else ''."""
    if not form.isalpha() or not form.islower():
        return ""
    if lemma.endswith(_VERB_ENDINGS) and lemma != form:
        return ""
    if finite and form in ("sommes", "suis"):
        return "être"  # nous sommes, je suis (not "somme", "suivre")
    if form in _AUX_ALL or form in _FR_CLOSED:
        return ""
    for suffix, ending in _FINITE_RULES if finite else _PARTICIPLE_RULES:
        if form.endswith(suffix) and len(form) > len(suffix) + 1:
            candidate = form[: -len(suffix)] + ending
            if _is_verb_lemma(candidate, lang):
                return candidate
    if not finite:
        return _IRREGULAR_PARTICIPLES.get(form, "")
    return ""


_IRREGULAR_PARTICIPLES = {
    "né": "naître", "née": "naître", "nés": "naître", "nées": "naître", "mort": "mourir",
    "morte": "mourir", "morts": "mourir", "mortes": "mourir",
}  # fmt: skip


def _noun_after(tokens: list[Token], forms: list[str], j: int, lang: str, plural: int) -> None:
    """After a determiner, a form simplemma read as a verb is a noun: l'arrivée, la visite."""
    key = (forms[j], lang, plural)
    fix = _NOUN_FIXES.get(key)
    if fix is None:
        lemma = _context_free_lemma(forms[j], lang)
        fix = _NOUN_FIXES[key] = _noun_fix(forms[j], lemma, lang, plural)
    if fix:
        tokens[j]["lemma"] = fix


def _noun_fix(form: str, lemma: str, lang: str, plural: int) -> str:
    """The noun lemma of ``form`` when simplemma read it as a verb, else ''."""
    if not form.isalpha() or not form.islower() or lemma == form or form in _FR_CLOSED:
        return ""
    if not lemma.endswith(_VERB_ENDINGS) or form.endswith(_VERB_ENDINGS):
        return ""
    if form.endswith(("ant", "ants", "ante", "antes")):
        return ""  # present participles after a determiner are rare and ambiguous
    noun = form[:-1] if plural and form.endswith("s") else form
    return noun if _dictionary(lang)(noun) is not None else ""


# --------------------------------------------------------------------------- public API


def resolve_language(text: str, lang: str | None) -> str | None:
    """The language to analyse ``text`` in: the given one, else detected."""
    return lang if lang else detect_language(text)


def tokenize_text(text: str, lang: str | None = None) -> tuple[str | None, list[Span], list[Token]]:
    """Tokenise ``text``: (language, sentences, tokens), offsets into ``text``."""
    lang = resolve_language(text, lang)
    lexicon_lang = lang if lang in SUPPORTED else "und"
    _trim_caches(lexicon_lang)
    tokens, forms, flagged, infos = _scan(text, lexicon_lang)
    if not tokens:
        return lang, [], []
    _remember_forms(text, tokens, forms)
    starts = _sentence_starts(text, tokens, forms, flagged, infos, lexicon_lang)
    ends = starts[1:] + [len(tokens)]
    sentences = [
        {"start": tokens[a]["start"], "end": tokens[b - 1]["end"]}
        for a, b in zip(starts, ends, strict=True)
    ]
    if lexicon_lang in SUPPORTED:
        initial = set(starts)
        for a in starts:  # « Le ..., - Il ...: the word after an opening mark
            if forms[a] in _OPENING or forms[a] in ("«", "—", "–", "-"):
                initial.add(a + 1)
        _context_lemmas(tokens, forms, flagged, infos, initial, lexicon_lang)
    return lang, sentences, tokens


#: (text, tokens, forms) of the last token lists ``tokenize_text`` made, held with them so
#: identity checks are sound: ``token_forms`` then need not slice every token again.
_RECENT_FORMS: list[tuple[str, list[Token], list[str]]] = []


def _remember_forms(text: str, tokens: list[Token], forms: list[str]) -> None:
    if len(_RECENT_FORMS) >= 2:  # a title and a body
        del _RECENT_FORMS[0]
    _RECENT_FORMS.append((text, tokens, forms))


def token_forms(text: str, tokens: list[Token]) -> list[str]:
    """``text[start:end]`` of every token: already known when ``tokens`` is a list
    ``tokenize_text`` just made for ``text`` (a later stage of the same record)."""
    for seen_text, seen_tokens, forms in _RECENT_FORMS:
        if seen_tokens is tokens and seen_text is text and len(forms) == len(tokens):
            return forms
    return [text[tok["start"] : tok["end"]] for tok in tokens]


def tokenize_record(record: Record, lang: str | None = None, force: bool = False) -> Record:
    """Add ``lang``, ``sentences`` and ``tokens`` to a record (skipped when present)."""
    if not force and "tokens" in record and "sentences" in record:
        return record
    text = record.get("text") or ""
    given = lang or record.get("lang")
    detected, sentences, tokens = tokenize_text(text, given)
    record["lang"] = detected
    record["sentences"] = sentences
    record["tokens"] = tokens
    return record

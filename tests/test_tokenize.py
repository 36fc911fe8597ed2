"""Tokenisation: table-driven French and English cases, properties, the CLI command."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahelcli.cli.app import app
from sahelcli.langid import detect_language
from sahelcli.tokenize import stop_words, tokenize_record, tokenize_text
from tests.conftest import FIXTURES, json_lines


def surfaces(text: str, lang: str | None = "fr") -> list[str]:
    _, _, tokens = tokenize_text(text, lang)
    return [text[t["start"] : t["end"]] for t in tokens]


def sentences(text: str, lang: str | None = "fr") -> list[str]:
    _, sents, _ = tokenize_text(text, lang)
    return [text[s["start"] : s["end"]] for s in sents]


def lemmas(text: str, lang: str | None = "fr") -> dict[str, str]:
    _, _, tokens = tokenize_text(text, lang)
    return {text[t["start"] : t["end"]]: t["lemma"] for t in tokens}


def contains(seq: list[str], sub: list[str]) -> bool:
    return any(seq[i : i + len(sub)] == sub for i in range(len(seq) - len(sub) + 1))


# --------------------------------------------------------------------------- tokens

FRENCH_TOKENS = [
    # (text, a run of tokens that must appear)
    ("l'Alliance des États du Sahel", ["l'", "Alliance", "des", "États", "du", "Sahel"]),
    ("l’Alliance des États", ["l’", "Alliance"]),
    ("d'un pays qu'il juge", ["d'", "un", "pays", "qu'", "il", "juge"]),
    ("jusqu'à Gao lorsqu'il part puisqu'elle reste", ["jusqu'", "à", "Gao", "lorsqu'", "il"]),
    ("puisqu’elle reste, j'ai dit, n'est-ce pas", ["j'", "ai", "dit", ",", "n'", "est", "-ce"]),
    ("s'est c'est m'a t'a", ["s'", "est", "c'", "est", "m'", "a", "t'", "a"]),
    ("aujourd'hui et aujourd’hui", ["aujourd'hui", "et", "aujourd’hui"]),
    ("qu'aujourd'hui", ["qu'", "aujourd'hui"]),
    ("quelqu'un, presqu'île", ["quelqu'un", ",", "presqu'île"]),
    ("c’est-à-dire la fin", ["c’est-à-dire", "la", "fin"]),
    ("c'est-à-dire qu'il", ["c'est-à-dire", "qu'", "il"]),
    ("que l'on sait", ["que", "l'on", "sait"]),
    ("à N’Djamena et n’est", ["à", "N’Djamena", "et", "n’", "est"]),
    ("« Non », dit-il", ["«", "Non", "»", ",", "dit", "-il"]),
    ("a-t-il dit ; viendra-t-elle", ["a", "-t-il", "dit", ";", "viendra", "-t-elle"]),
    ("Est-ce vrai ? Peut-on partir", ["Est", "-ce", "vrai", "?", "Peut", "-on", "partir"]),
    ("peut-être Rhône-Alpes vis-à-vis", ["peut-être", "Rhône-Alpes", "vis-à-vis"]),
    ("donne-le-moi", ["donne", "-le", "-moi"]),
    ("1 000 soldats", ["1 000", "soldats"]),
    ("20\u00a0000 habitants", ["20\u00a0000", "habitants"]),
    ("3,5 % du budget", ["3,5", "%", "du", "budget"]),
    ("le 1er mars, la 2e et la 3ème", ["1er", "mars", ",", "la", "2e", "et", "la", "3ème"]),
    ("de 1999-2009 à -1,5", ["1999-2009", "à", "-1,5"]),
    ("à 20h30 pour 160km", ["20", "h", "30", "pour", "160", "km"]),
    ("M. Traoré et Mme Diallo", ["M.", "Traoré", "et", "Mme", "Diallo"]),
    ("cf. p. 12, av. J.-C.", ["cf.", "p.", "12", ",", "av.", "J.-C."]),
    ("l'A.E.S. et J.-P. Sartre", ["l'", "A.E.S.", "et", "J.-P.", "Sartre"]),
    ("d'1,5 million", ["d'", "1,5", "million"]),
    ("Voir https://www.x.org/a?b=1. Fin", ["https://www.x.org/a?b=1", ".", "Fin"]),
    ("écrire à info@aes.ml ou sur aes.gov.ml", ["info@aes.ml", "ou", "sur", "aes.gov.ml"]),
    ("#Sahel et @Mali_Gouv", ["#Sahel", "et", "@Mali_Gouv"]),
    ("le n° 5 à 300 km/h", ["n°", "5", "à", "300", "km/h"]),
    ("Tunes--Live", ["Tunes", "--", "Live"]),
    ("et/ou son/sa", ["et", "/", "ou", "son", "/", "sa"]),
    ("à 300 km/h, 5 m/s", ["300", "km/h", ",", "5", "m/s"]),
    ("selon art. 5 du texte", ["art.", "5"]),
    ("Ils sont sept. Puis ils partent", ["sept", ".", "Puis"]),
    ("le vol. Les passagers", ["vol", ".", "Les"]),
    ("Dagobert I. Ils partent", ["Dagobert", "I", ".", "Ils"]),
    ("J. K. Rowling", ["J.", "K.", "Rowling"]),
]


@pytest.mark.parametrize(("text", "expected"), FRENCH_TOKENS)
def test_french_tokens(text: str, expected: list[str]) -> None:
    assert contains(surfaces(text), expected), surfaces(text)


ENGLISH_TOKENS = [
    ("They didn't go", ["They", "did", "n't", "go"]),
    ("It's done, we'll see, I'm here", ["It", "'s", "done", ",", "we", "'ll", "see"]),
    ("I'm here", ["I", "'m", "here"]),
    ("the students' union", ["students", "'", "union"]),
    ("Mr. Smith and Dr. Jones", ["Mr.", "Smith", "and", "Dr.", "Jones"]),
    ("the U.S. and e.g. France", ["U.S.", "and", "e.g.", "France"]),
    ("1,000 troops and 3.5 percent", ["1,000", "troops", "and", "3.5", "percent"]),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH_TOKENS)
def test_english_tokens(text: str, expected: list[str]) -> None:
    assert contains(surfaces(text, "en"), expected), surfaces(text, "en")


# --------------------------------------------------------------------------- sentences

SENTENCES = [
    ("fr", "M. Traoré est arrivé. Il a parlé.", ["M. Traoré est arrivé.", "Il a parlé."]),
    ("fr", "Mme Diallo et le Dr Koné sont là. Fin.", ["Mme Diallo et le Dr Koné sont là.", "Fin."]),
    ("fr", "Voir cf. p. 12 pour les chiffres. Ensuite on part.",
     ["Voir cf. p. 12 pour les chiffres.", "Ensuite on part."]),
    ("fr", "Né en 52 av. J.-C. à Rome. Il meurt jeune.",
     ["Né en 52 av. J.-C. à Rome.", "Il meurt jeune."]),
    ("fr", "L'A.E.S. a réagi. Le Mali aussi.", ["L'A.E.S. a réagi.", "Le Mali aussi."]),
    ("fr", "J.-P. Martin a signé. Il part.", ["J.-P. Martin a signé.", "Il part."]),
    ("fr", "Bamako, Gao, etc. Le reste suit.", ["Bamako, Gao, etc.", "Le reste suit."]),
    ("fr", "La crise au Sahel.Alors que tout change.",
     ["La crise au Sahel.", "Alors que tout change."]),
    ("fr", "Sécurité au Sahel\n\nLes ministres se réunissent.",
     ["Sécurité au Sahel", "Les ministres se réunissent."]),
    ("fr", "Sécurité au Sahel\nLes ministres se réunissent.",
     ["Sécurité au Sahel", "Les ministres se réunissent."]),
    ("fr", "Les ministres du Mali, du Burkina Faso et du Niger se rendront en visite officielle\n"
     "Moscou les attend. Fin.",
     ["Les ministres du Mali, du Burkina Faso et du Niger se rendront en visite officielle\n"
      "Moscou les attend.", "Fin."]),
    ("fr", "Parmi les mesures annoncées par le communiqué commun des trois pays du Sahel :\n"
     "- un passeport ;\n- une force.",
     ["Parmi les mesures annoncées par le communiqué commun des trois pays du Sahel :",
      "- un passeport ;", "- une force."]),
    ("fr", "Effets indésirables graves Des études ont montré un risque.",
     ["Effets indésirables graves", "Des études ont montré un risque."]),
    ("fr", "Le parti Les Républicains et le livre intitulé Les misérables.",
     ["Le parti Les Républicains et le livre intitulé Les misérables."]),
    ("fr", "Sur le site officiel de la Formula Nippon Il était membre.",
     ["Sur le site officiel de la Formula Nippon", "Il était membre."]),
    ("fr", "« Nous partirons. » Le ministre a conclu.",
     ["« Nous partirons. »", "Le ministre a conclu."]),
    ("fr", "Pourquoi ? Parce que. Vraiment !", ["Pourquoi ?", "Parce que.", "Vraiment !"]),
    ("fr", "Les frontières restent fermées ; Les commerçants protestent.",
     ["Les frontières restent fermées ;", "Les commerçants protestent."]),
    ("fr", "Le ministre a déclaré : Nous resterons.", ["Le ministre a déclaré : Nous resterons."]),
    ("fr", "Le bilan est lourd : Il faudra du temps.",
     ["Le bilan est lourd :", "Il faudra du temps."]),
    ("fr", "Il a dit : « non ». C'est tout...", ["Il a dit : « non ».", "C'est tout..."]),
    ("fr", "Les prix montent de 3,5 % à 1 000 francs. Rien de plus.",
     ["Les prix montent de 3,5 % à 1 000 francs.", "Rien de plus."]),
    ("en", "Mr. Smith left the U.S. on Monday. He came back.",
     ["Mr. Smith left the U.S. on Monday.", "He came back."]),
    ("en", "Prices rose 3.5 percent, e.g. in Gao. Dr. Jones agreed.",
     ["Prices rose 3.5 percent, e.g. in Gao.", "Dr. Jones agreed."]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SENTENCES)
def test_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert sentences(text, lang) == expected


# --------------------------------------------------------------------------- lemmas, norm, stop

LEMMAS = [
    ("fr", "Ils ont vu les soldats.",
     {"Ils": "eux", "ont": "avoir", "vu": "voir", "soldats": "soldat"}),
    ("fr", "Elle se présente et il s'en va.",
     {"Elle": "lui", "se": "soi", "il": "lui", "s'": "soi"}),
    ("fr", "Il le dit, elle la voit.", {"le": "lui", "la": "lui"}),
    ("fr", "Le pays et la ville.", {"Le": "le", "la": "le"}),
    ("fr", "Les armées sont arrivées.", {"Les": "le", "armées": "armée", "arrivées": "arriver"}),
    ("fr", "Il n'y a pas de problème.", {"de": "un"}),
    ("fr", "Il y a de nombreux morts.", {"de": "un"}),
    ("fr", "l'arrivée du convoi", {"l'": "le", "arrivée": "arrivée", "du": "de+le"}),
    ("fr", "Pour la paix, l'AES agit.", {"Pour": "pour", "AES": "AES"}),
    ("fr", "Le Mali et la France.", {"Mali": "Mali", "France": "France"}),
    ("fr", "Selon le Conseil de sécurité.", {"Selon": "selon", "Conseil": "conseil"}),
    ("fr", "A Gao, rien.", {"A": "à"}),
    ("fr", "Les ministres des pays voisins ont envoyé des soldats.",
     {"ministres": "ministre", "soldats": "soldat"}),
    ("fr", "Les ministres des pays voisins", {"des": "de+le"}),
    ("fr", "Ils ont envoyé des soldats", {"des": "un"}),
    ("fr", "s'il vient, c'est-à-dire demain", {"s'": "si", "c'est-à-dire": "c'est-à-dire"}),
    ("en", "The soldiers were leaving.", {"The": "the", "soldiers": "soldier", "were": "be"}),
    ("en", "They didn't go.", {"n't": "not"}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), LEMMAS)
def test_lemmas(lang: str, text: str, expected: dict[str, str]) -> None:
    got = lemmas(text, lang)
    assert {k: got.get(k) for k in expected} == expected


def test_norm_folds_case_and_accents_but_text_is_untouched() -> None:
    text = "Les États-Unis Élus À Ségou"
    _, _, tokens = tokenize_text(text, "fr")
    assert [t["norm"] for t in tokens] == ["les", "etats-unis", "elus", "a", "segou"]
    assert text == "Les États-Unis Élus À Ségou"


def test_stop_words() -> None:
    _, _, tokens = tokenize_text("Le président et les ministres", "fr")
    assert [t["stop"] for t in tokens] == [True, False, True, True, False]
    assert "le" in stop_words("fr") and "the" in stop_words("en")
    assert stop_words("xx") == frozenset()


def test_typographic_and_straight_apostrophes_agree() -> None:
    straight = "L'armée qu'il dirige n'a pas d'ennemi aujourd'hui."
    curly = straight.replace("'", "’")
    a, b = tokenize_text(straight, "fr"), tokenize_text(curly, "fr")
    assert a[1] == b[1]
    assert [(t["start"], t["end"], t["lemma"]) for t in a[2]] == [
        (t["start"], t["end"], t["lemma"]) for t in b[2]
    ]


# --------------------------------------------------------------------------- language

LANGUAGES = [
    ("Les ministres de l'AES se sont réunis à Niamey pour discuter de la sécurité.", "fr"),
    ("The ministers of the AES met in Niamey to discuss security in the region.", "en"),
    ("Mali : la junte suspend les partis", "fr"),
    ("Mali junta suspends political parties", "en"),
    ("Attaque à Djibo", "fr"),
    ("Attack in Djibo kills soldiers", "en"),
    ("Coup d’État au Niger", "fr"),
    ("RT @user: Huge protest in Bamako today #Mali", "en"),
    ("El gobierno de Malí suspende los partidos políticos", "es"),
    ("Die Regierung von Mali hat die Parteien verboten", "de"),
    ("", None),
    ("12345 !!!", None),
]


@pytest.mark.parametrize(("text", "expected"), LANGUAGES)
def test_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_other_language_is_unknown_but_tokenised() -> None:
    lang, sents, tokens = tokenize_text("Die Regierung von Mali hat die Parteien verboten.")
    assert lang == "de"
    assert len(sents) == 1 and len(tokens) == 9
    assert all(t["stop"] is False for t in tokens)


def test_lang_override() -> None:
    assert tokenize_text("Mali junta suspends parties", "fr")[0] == "fr"


# --------------------------------------------------------------------------- properties


def check_invariants(text: str, sents: list[dict], tokens: list[dict]) -> None:
    prev_end = 0
    for t in tokens:
        assert 0 <= prev_end <= t["start"] < t["end"] <= len(text)
        assert text[t["start"] : t["end"]].strip() == text[t["start"] : t["end"]]
        assert set(t) == {"start", "end", "norm", "lemma", "stop"}
        assert isinstance(t["norm"], str) and isinstance(t["lemma"], str)
        assert isinstance(t["stop"], bool)
        prev_end = t["end"]
    prev_end = 0
    for s in sents:
        assert prev_end <= s["start"] < s["end"] <= len(text)
        prev_end = s["end"]
    # every token lies in exactly one sentence, every sentence holds a token
    covered = 0
    for s in sents:
        inside = [t for t in tokens if s["start"] <= t["start"] and t["end"] <= s["end"]]
        assert inside and inside[0]["start"] == s["start"] and inside[-1]["end"] == s["end"]
        covered += len(inside)
    assert covered == len(tokens)
    # nothing but whitespace is left out of the tokens
    rest = list(text)
    for t in tokens:
        rest[t["start"] : t["end"]] = [" "] * (t["end"] - t["start"])
    assert "".join(rest).strip() == ""


FRENCHISH = st.text(
    alphabet=st.sampled_from(list("aàeéèlLdDqQuM. ,;:!?'’-«»\"()\n 0123456789hkmAES#@/…")),
    max_size=120,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), FRENCHISH), st.sampled_from(["fr", "en", None]))
def test_any_text_gives_valid_spans(text: str, lang: str | None) -> None:
    _, sents, tokens = tokenize_text(text, lang)
    check_invariants(text, sents, tokens)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=200), FRENCHISH))
def test_tokenize_record_twice_changes_nothing(text: str) -> None:
    record = {"id": "x", "text": text, "extra": [1, 2]}
    once = json.loads(json.dumps(tokenize_record(dict(record))))
    twice = tokenize_record(json.loads(json.dumps(once)))
    assert twice == once
    forced = tokenize_record(json.loads(json.dumps(once)), force=True)
    assert forced == once
    assert once["extra"] == [1, 2]


def test_fixture_invariants() -> None:
    for path in sorted(FIXTURES.glob("tok_*.txt")):
        text = path.read_text(encoding="utf-8")
        lang, sents, tokens = tokenize_text(text)
        check_invariants(text, sents, tokens)
        assert lang == ("en" if "_en_" in path.name else "fr")


# --------------------------------------------------------------------------- CLI


def test_cli_tokenize_piped_gives_only_json_lines(runner) -> None:  # type: ignore[no-untyped-def]
    path = FIXTURES / "tok_fr_edge.txt"
    result = runner.invoke(app, ["tokenize", str(path)])
    assert result.exit_code == 0, result.output
    records = json_lines(result.stdout)
    assert len(records) == 1
    rec = records[0]
    assert rec["lang"] == "fr"
    text = rec["text"]
    words = [text[t["start"] : t["end"]] for t in rec["tokens"]]
    assert contains(words, ["c’est-à-dire"]) and contains(words, ["a", "-t-elle"])
    assert all(set(s) == {"start", "end"} for s in rec["sentences"])


def test_cli_tokenize_stdin_and_lang(runner) -> None:  # type: ignore[no-untyped-def]
    text = (FIXTURES / "tok_en_edge.txt").read_text(encoding="utf-8")
    result = runner.invoke(app, ["tokenize", "-"], input=text)
    assert result.exit_code == 0, result.output
    (rec,) = json_lines(result.stdout)
    assert rec["lang"] == "en"
    result = runner.invoke(app, ["tokenize", "--lang", "fr", "-"], input=text)
    (rec,) = json_lines(result.stdout)
    assert rec["lang"] == "fr"


def test_results_do_not_depend_on_cache_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches are trimmed between documents; the output never depends on what came before."""
    import sahelcli.tokenize as tok

    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("tok_*.txt"))]
    texts.append("Il le donne. La donne change. Nous sommes là ; Les sommes dues.")
    first = [tokenize_text(t) for t in texts]
    monkeypatch.setattr(tok, "_CACHE_LIMIT", 5)
    tok._CACHES.clear()
    tok._CHUNK_CACHES.clear()
    again = [tokenize_text(t) for t in reversed(texts)]
    assert again[::-1] == first


@pytest.mark.parametrize("unit", ["?!", '."', "a/", "etc. ", "l'", "1 000 ", "«\u00a0"])
def test_long_repetitive_input_is_handled(unit: str) -> None:
    """Long runs of marks (a scraped page gone wrong) stay valid (and linear, not quadratic)."""
    text = unit * 5000
    _, sents, tokens = tokenize_text(text, "fr")
    assert tokens and sents
    assert tokens[-1]["end"] <= len(text) and sents[-1]["end"] == tokens[-1]["end"]


def test_cache_trimming_between_documents_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the form cache was emptied while the chunk cache still held pieces
    whose forms it had to look up (KeyError on a long stream)."""
    import sahelcli.tokenize as tok

    texts = [
        "Il a vu l'artiste à Bombay, puis il a dit qu'il partirait.",
        "L'artiste dit qu'il a vu Bombay. Elle l'a rencontré à l'aéroport.",
        "Ils ont dit qu'elles avaient quitté l'aéroport de Bombay.",
    ] * 3
    expected = [tokenize_text(t, "fr") for t in texts]
    monkeypatch.setattr(tok, "_CACHE_LIMIT", 5)
    assert [tokenize_text(t, "fr") for t in texts] == expected

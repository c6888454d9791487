#!/usr/bin/env python3
"""Independent reference values for the ROUGE scorers of vitest-rubric.

Writes fixtures/scorers/rouge-pairs.json (candidate/reference pairs with the expected precision, recall and
F-measure of ROUGE-1, ROUGE-2 and ROUGE-L, without and with stemming) and fixtures/scorers/porter-vocabulary.json
(words and their stems), which test/rouge.test.ts checks the TypeScript implementation against.

This script is written from the definitions, not from the TypeScript code:

- Lin, C.-Y. (2004). ROUGE: A Package for Automatic Evaluation of Summaries. Sections 2 (ROUGE-N) and 3.1
  (ROUGE-L, sentence level): ROUGE-N recall is the clipped n-gram overlap divided by the reference's n-gram
  count, precision the same overlap divided by the candidate's; ROUGE-L takes LCS(X, Y) / m and LCS(X, Y) / n.
- The conventions of Google's rouge-score package (what its documentation and results show): lower case, every
  run of characters other than a-z and 0-9 separates tokens, no stemming unless asked, and when asked only tokens
  longer than three characters are stemmed with NLTK's PorterStemmer in its default mode; a text without
  n-grams has precision/recall 0 (division by max(count, 1)); ROUGE-L is 0 when either side has no tokens;
  F = 2PR / (P + R), or 0 when P + R = 0.

Arithmetic is exact (fractions.Fraction) and only the final values are turned into floats, so the fixture does
not inherit any floating-point order of operations from either implementation.

The stemmer is NLTK's, so the stemmed values are independent of the TypeScript Porter stemmer. On Debian:
    apt-get install -y python3-nltk wamerican
    /usr/bin/python3 scripts/rouge_reference.py
(/usr/bin/python3 because Debian's python3-nltk is installed for the system Python.)
"""

import json
import os
import re
import sys
from collections import Counter
from fractions import Fraction

from nltk.stem.porter import PorterStemmer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "fixtures", "scorers")

STEMMER = PorterStemmer()  # NLTK_EXTENSIONS mode, the default, as rouge-score uses it


def words(text, stem):
    lowered = text.lower()
    pieces = re.split(r"[^a-z0-9]+", lowered)
    result = []
    for piece in pieces:
        if not piece:
            continue
        if stem and len(piece) > 3:
            piece = STEMMER.stem(piece)
        result.append(piece)
    return result


def grams(tokens, n):
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def f_score(p, r):
    if p + r == 0:
        return Fraction(0)
    return 2 * p * r / (p + r)


def rouge_n(cand, ref, n):
    c, r = grams(cand, n), grams(ref, n)
    hits = sum((c & r).values())  # Counter intersection keeps the minimum count of each n-gram
    precision = Fraction(hits, max(sum(c.values()), 1))
    recall = Fraction(hits, max(sum(r.values()), 1))
    return precision, recall, f_score(precision, recall)


def longest_common_subsequence(x, y):
    # table[i][j] = LCS length of x[:i] and y[:j]
    table = [[0] * (len(y) + 1) for _ in range(len(x) + 1)]
    for i, xi in enumerate(x, start=1):
        for j, yj in enumerate(y, start=1):
            if xi == yj:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[len(x)][len(y)]


def rouge_l(cand, ref):
    if not cand or not ref:
        zero = Fraction(0)
        return zero, zero, zero
    lcs = longest_common_subsequence(cand, ref)
    precision = Fraction(lcs, len(cand))
    recall = Fraction(lcs, len(ref))
    return precision, recall, f_score(precision, recall)


def as_json(score):
    p, r, f = score
    return {"precision": float(p), "recall": float(r), "fMeasure": float(f)}


# (id, candidate, reference, what it exercises)
PAIRS = [
    ("identical", "The cat sat on the mat.", "The cat sat on the mat.", "all scores 1"),
    ("disjoint", "Quantum chromodynamics", "A recipe for banana bread", "no overlap, all 0"),
    ("lin-2004-kill", "police kill the gunman", "police killed the gunman", "Lin's example: kill/killed differ unless stemmed"),
    ("lin-2004-reordered", "the gunman kill police", "police killed the gunman", "Lin's example: same unigrams, different order"),
    ("lin-2004-police-killed", "the gunman police killed", "police killed the gunman", "Lin's example: LCS of 2"),
    ("case-and-punctuation", "HELLO, World!!! (hello)", "hello world hello", "lower case, punctuation separates"),
    ("repeated-clipping", "the the the the the the the", "the cat is on the mat", "clipped counts: 2 of 7"),
    ("repeated-bigrams", "a b a b a b", "a b a b", "bigram counts with multiplicity"),
    ("empty-candidate", "", "The reference has tokens.", "empty side gives 0"),
    ("empty-reference", "The candidate has tokens.", "", "empty side gives 0"),
    ("both-empty", "", "", "both empty gives 0, not 1"),
    ("punctuation-only", "?!... --- ***", "Something to say", "no tokens after tokenizing"),
    ("single-token", "Paris", "Paris", "no bigrams: ROUGE-2 is 0 although the texts are equal"),
    ("single-vs-phrase", "Paris", "The capital of France is Paris.", "one token, recall 1/6"),
    ("contractions", "I don't know, it's unclear.", "I do not know; it is not clear.", "apostrophes split tokens"),
    ("numbers-and-units", "The total is 3.14 kg at 12:30 on 2024-05-01.", "Total: 3 kg, 14 g at 12:30, May 1 2024", "digits are tokens"),
    ("non-ascii", "Café naïve résumé in İstanbul", "cafe naive resume in istanbul", "letters outside a-z separate tokens"),
    ("hyphens-and-underscores", "state-of-the-art snake_case e-mail", "state of the art snake case email", "hyphens and underscores separate"),
    ("stemming-verbs", "The runners were running and jumped over hurdles", "A runner runs and jumps over the hurdle", "stemming changes every score"),
    ("stemming-nouns", "generalizations about universities and their policies", "a generalization about university policy", "-ations, -ies"),
    ("stemming-irregular", "The skies were dying; news of innings lying", "sky die news inning lie", "NLTK irregular forms"),
    ("stemming-short-words", "was has its bus gas", "wa ha it bu ga", "tokens of three characters or fewer are never stemmed"),
    ("llm-answer-faithful", "Photosynthesis converts light energy into chemical energy stored in glucose, releasing oxygen as a by-product.", "Photosynthesis is the process by which plants convert light energy into chemical energy in the form of glucose, and oxygen is released.", "paraphrase"),
    ("llm-answer-partial", "You can reset your password from the account settings page.", "To reset your password, open Settings, choose Account, click 'Reset password' and follow the emailed link.", "partial coverage"),
    ("llm-answer-refusal", "I'm sorry, but I can't help with that request.", "The capital of Australia is Canberra.", "unrelated"),
    ("long-shuffled", "one two three four five six seven eight nine ten eleven twelve", "twelve one eleven two ten three nine four eight five seven six", "same tokens, LCS far below 1"),
    ("subsequence", "alpha gamma epsilon", "alpha beta gamma delta epsilon", "candidate is a subsequence: precision 1"),
    ("multiline", "First line.\nSecond line\twith tab.\r\nThird.", "first line second line third", "whitespace of all kinds"),
]


def vocabulary():
    """Words for checking the Porter stemmer: a spread of the system dictionary plus hand-picked cases."""
    picked = [
        "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring", "sing",
        "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing",
        "happy", "sky", "relational", "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli",
        "radicalli", "differentli", "vileli", "analogousli", "vietnamization", "predication", "operator",
        "feudalism", "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti",
        "triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival",
        "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement",
        "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti", "homologous",
        "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "dying", "lying", "tying",
        "skies", "news", "innings", "outings", "cannings", "howe", "proceed", "exceed", "succeed", "dies", "flies",
        "died", "spied", "tried", "enjoy", "spy", "fly", "try", "generously", "fully", "geology", "theology",
        "archaeology", "syzygy", "toy", "yelling", "yyy", "ay", "is", "agreement", "generalizations", "universities",
        "running", "runs", "ran", "oxen", "abate", "ionization", "constructor", "prototype", "hasownproperty",
        "2024s", "mp3s", "covid19", "x86", "aaaaaa", "eed", "ied", "ies", "bring", "string", "sled", "bed",
    ]
    dictionary = []
    path = "/usr/share/dict/words"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            dictionary = sorted({w.strip() for w in handle if re.fullmatch(r"[a-z]+", w.strip())})
    spread = dictionary[::25]  # every 25th word: about 2,500 words over the whole alphabet
    words_ = list(dict.fromkeys(picked + spread))
    return [[word, STEMMER.stem(word)] for word in words_]


def main():
    pairs = []
    for pair_id, candidate, reference, note in PAIRS:
        entry = {"id": pair_id, "note": note, "candidate": candidate, "reference": reference}
        for label, stem in (("plain", False), ("stemmed", True)):
            cand, ref = words(candidate, stem), words(reference, stem)
            entry[label] = {
                "candidateTokens": " ".join(cand),
                "referenceTokens": " ".join(ref),
                "rouge1": as_json(rouge_n(cand, ref, 1)),
                "rouge2": as_json(rouge_n(cand, ref, 2)),
                "rougeL": as_json(rouge_l(cand, ref)),
            }
        pairs.append(entry)

    os.makedirs(OUT_DIR, exist_ok=True)
    header = {
        "generatedBy": "scripts/rouge_reference.py",
        "stemmer": "nltk.stem.porter.PorterStemmer (NLTK_EXTENSIONS) from nltk " + __import__("nltk").__version__,
        "python": sys.version.split()[0],
    }
    with open(os.path.join(OUT_DIR, "rouge-pairs.json"), "w", encoding="utf-8") as handle:
        json.dump({**header, "pairs": pairs}, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    with open(os.path.join(OUT_DIR, "porter-vocabulary.json"), "w", encoding="utf-8") as handle:
        # One [word, stem] pair a line keeps the file short and its diffs readable.
        lines = ",\n".join("    " + json.dumps(pair) for pair in vocabulary())
        meta = json.dumps(header, indent=2)[:-2]
        handle.write(meta + ',\n  "words": [\n' + lines + "\n  ]\n}\n")
    print(f"wrote {len(pairs)} pairs and the Porter vocabulary to {os.path.relpath(OUT_DIR, ROOT)}")


if __name__ == "__main__":
    main()

"""What each flag code of the rules signal means, for SARIF rule help and HTML tooltips.

An editor reading a report sees the code and its one-line message; this is the longer "why and
what to do". ``tests/signals/test_flag_help.py`` reads every code the detectors can emit from
their source and fails when one has no entry here (or in another signal's spec).
"""

from __future__ import annotations

FLAG_HELP: dict[str, tuple[str, str]] = {
    "dangling-preposition": (
        "A preposition or article with nothing after it",
        "A preposition or article stands right before a comma or the end of a clause (\"a report by, "
        "there …\"): a word, often a name, was lost in translation. Restore it from the source.",
    ),
    "verbless-clause": (
        "A clause has lost its verb",
        "A whether/if/that clause is headed by a noun, or two subjects share one verb: the verb of a "
        "clause was lost and its meaning with it. Rewrite the clause from the source.",
    ),
    "demonstrative-person": (
        "'this'/'that' standing for a person",
        "German 'dieser'/'diese' (this one = he/she) was translated literally: \"However, this has "
        "not yet responded.\" Name the person or use he/she.",
    ),
    "untranslated": (
        "A word left untranslated",
        "The word is far more frequent in German (or another European language) than in English and "
        "is no name the article gives away; or English words are run together as a German compound "
        "(\"Fakenews\"). Translate it.",
    ),
    "foreign-script": (
        "Words in a non-Latin script",
        "Part of the sentence is in another script (CJK, Cyrillic, …): code-mixed machine "
        "translation left it untranslated.",
    ),
    "mojibake": (
        "Garbled characters from a wrong encoding",
        "UTF-8 text was decoded with the wrong code page (\"donâ€™t\", \"Ã¼\", \"├╝\"). The suggestion "
        "is the repaired text; `mtqa strip --fix-encoding` repairs a whole file.",
    ),
    "control-character": (
        "Invisible control character",
        "A zero-width, bidirectional or C0 control character is in the text; it can hide or reorder "
        "words. Delete it.",
    ),
    "german-quote": (
        "German quotation marks",
        "„ … “ are German quotation marks; English uses “ … ” (or straight quotes).",
    ),
    "german-number": (
        "Number in German format",
        "German writes 1.000,5 and \"3,5 percent\"; English writes 1,000.5 and 3.5 percent. The "
        "suggestion is the English form.",
    ),
    "german-date": (
        "Date in German format",
        "24.11.2020 is a German date; write it out in English (November 24, 2020).",
    ),
    "german-abbreviation": (
        "German abbreviation",
        "Mio., Mrd., ca., z.B., bzw., usw. are German abbreviations left in the English text; the "
        "suggestion is the English word.",
    ),
    "german-currency": (
        "Currency sign after the amount",
        "German writes \"5,00 €\"; English puts the sign first: €5.00.",
    ),
    "spacing": (
        "Space before punctuation",
        "A space before , . ; : ! ? or inside brackets is tokenizer output left in the copy. Delete it.",
    ),
    "lowercase-start": (
        "Sentence starts in lower case",
        "The sentence starts with a lowercase common word: a sentence break or the start of the "
        "sentence may be wrong.",
    ),
    "repeated-words": (
        "Words repeated",
        "A word or phrase appears twice in a row (\"the the\", \"in the in the\"). Keep one copy.",
    ),
    "no-verb": (
        "Sentence without a verb",
        "A body sentence of six words or more has no finite verb, its main clause is a bare noun, or "
        "an infinitive phrase stands as a sentence: a verb was lost or the sentence was cut.",
    ),
    "no-subject": (
        "Verb without a subject",
        "A finite main verb (\"Was arrested in …\") or a that-clause has no subject: the subject was "
        "lost in translation.",
    ),
    "pronoun-case": (
        "Object pronoun used as subject",
        "An object pronoun is the subject (\"Me don't know\"); use the subject form.",
    ),
    "missing-object": (
        "A verb without its object",
        "A verb that needs an object (announce, reveal, provide, contain, …) stands without one: "
        "\"agencies announced to the President in March\". What was announced is missing.",
    ),
    "truncated": (
        "Sentence breaks off",
        "The body sentence ends on an article, preposition, conjunction or comma without final "
        "punctuation: the rest of it is missing.",
    ),
    "unbalanced-bracket": (
        "Bracket without partner",
        "An opening or closing bracket has no partner in the sentence: text may be missing.",
    ),
    "unbalanced-quote": (
        "Quotation mark without partner",
        "A quotation mark has no partner in this sentence. Quotations often span sentences, so this "
        "is information only.",
    ),
    "pronoun-person": (
        "First or second person in reported prose",
        "\"we\", \"us\", \"you\" or \"I\" outside any quotation in reported news prose: German "
        "\"man\", \"Sie\" or \"sie\" was mistranslated. Use he/she/they or \"one\".",
    ),
    "pronoun-gender": (
        "Pronoun disagrees with the person named",
        "he/she does not agree with the only person named in this or the previous sentence (or the "
        "article's main person): German \"sie\"/\"er\" was mistranslated, or the wrong person is meant.",
    ),
    "fused-words": (
        "Words run together",
        "A lost space or page markup glued words together (\"launchesThe\", \"bInterior\" from a drop "
        "cap, \"assuredthat\", a verb inside a hyphenated name). The suggestion splits them.",
    ),
    "lost-preposition": (
        "The audience as object of 'say'",
        "\"said the newspaper that …\" or \"said Anna Berg, the news agency\": 'say' cannot take the "
        "audience as its object; 'told the newspaper' was meant.",
    ),
    "foreign-punctuation": (
        "Foreign punctuation",
        "CJK punctuation (· 、 。 ，) inside Latin text: left over from the source language.",
    ),
    "casing": (
        "Function word capitalised mid-sentence",
        "A function word is capitalised inside the sentence (\"it is Hardly possible\"): a sign of "
        "broken segmentation or of words dropped around it. The suggestion is the lower case.",
    ),
    "intransitive-passive": (
        "Passive of a verb that takes no object",
        "\"four officers were collapsed\": the verb has no passive in English; German \"sind "
        "zusammengebrochen\" was read as a passive. Use the active (have collapsed).",
    ),
}

"""Mojibake is repaired before parsing, and clean text is left exactly as it is."""

from parley import code
from parley.nlp.repair import repaired

CLEAN = "Turkish police arrested two journalists in Istanbul, President Recep Tayyip Erdoğan’s office said."
SPOILT = CLEAN.encode("utf-8").decode("cp1252", errors="replace")  # UTF-8 read as Windows-1252


def test_mojibake_is_decoded_and_clean_text_untouched():
    assert "Ä" in SPOILT and repaired(SPOILT) == CLEAN
    clean = "Smart “quotes” – dashes, ﬁ ligatures and\r\nline breaks stay as written."
    assert repaired(clean) is clean


def test_a_spoilt_article_is_coded_as_the_clean_one(pipeline):
    def coded(text):
        return [
            (e.event_type, e.sentence, [a.text for a in e.actors], [a.text for a in e.recipients])
            for e in code(text, date="2018-03-01", pipeline=pipeline)
        ]

    spoilt = coded(SPOILT)
    assert ("COERCE", CLEAN, ["Turkish police"], ["two journalists"]) in spoilt
    assert spoilt == coded(CLEAN)

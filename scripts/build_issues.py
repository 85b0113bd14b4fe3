"""Derive parley's issue table (parley/nlp/vocab/data/issues.tsv) from PETRARCH-2's Phoenix.IssueCoding.txt.

Run once when the reference data changes; the output is committed. Usage:

    python scripts/build_issues.py [--shared ../shared/data]

Phoenix writes one phrase a line, `phrase [CODE]`, inside <ISSUE CATEGORY="..."> sections.
`n:word` stands for the noun and its plural, `v:word` for the regular verb forms, `a+b` for
"a b" and "a-b"; `~phrase` is a phrase in which the issue's words mean something else, and
`~~phrase` one whose presence anywhere in a story rules the issue out. A line without a code
belongs to the code above it in its section (to the section's name where there is none), and
so do the `~` and `~~` lines.
"""

from __future__ import annotations

import argparse
import re
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "parley" / "nlp" / "vocab" / "data" / "issues.tsv"
CONTEXTS = ROOT / "parley" / "nlp" / "ontology" / "data" / "plover_contexts.csv"

# Phoenix issues that name who acts (organisations, armed groups, occupations) rather than
# what is at stake: parley codes those as actors.
ACTOR_ISSUES = {
    "EUROPEAN_UNION",
    "INT_FINANCIAL_INST",
    "NAMED_TERROR_GROUP",
    "SECURITY_SERVICES",
    "CIVIL_SOCIETY",
    "ACTIVISM",
    "TEACHERS",
    "STUDENTS",
}

# one name per issue: the ID_ prefix goes, near-duplicates and opaque names are renamed
RENAME = {
    "DRUG_CARTELS": "DRUG_CARTEL",
    "SELF_IDENTIFIED_ENVIRON_DISASTER": "ENVIRONMENTAL_DISASTER",
    "COUP_DISCUSSION": "COUP",
    "SOUTH-TO-SOUTH": "SOUTH_SOUTH_COOPERATION",
}

# words that in political news mostly mean something else ("striking targets", "train troops",
# "radical changes"): left out of the phrases
AMBIGUOUS = {"striking", "train", "trains", "radical"}

# PLOVER contexts of each Phoenix issue (after renaming); issues not named here have none
ISSUE_CONTEXTS = {
    "tourism": "economic",
    "oil": "natural_resource|economic",
    "coal": "natural_resource|economic",
    "natural_gas": "natural_resource|economic",
    "nuclear_energy": "natural_resource|technology",
    "renewable_energy": "environment|natural_resource",
    "south_south_cooperation": "economic|diplomatic",
    "foreign_aid": "economic",
    "atrocity": "human_rights",
    "drug_cartel": "illegal_drugs",
    "drugs": "illegal_drugs",
    "drug_trade": "illegal_drugs|trafficking",
    "organized_crime": "crime",
    "common_robbery": "crime",
    "shortage": "human_security",
    "electricity_outage": "human_security",
    "food_security": "human_security",
    "water_security": "human_security",
    "agriculture": "economic",
    "proliferation": "cbrn",
    "arms_deal": "military",
    "violent_unrest": "repression",
    "landmine": "military",
    "ied": "terrorism",
    "peacekeepers": "peacekeeping",
    "new_construction": "economic",
    "drone": "military",
    "airstrike": "military",
    "democracy": "pro_democracy",
    "immigration": "migration",
    "smuggling": "trafficking",
    "slums": "inequality|human_security",
    "national_movement": "territory",
    "economic_movement": "economic",
    "religious_movement": "religion_ethnicity",
    "womens_movement": "gender",
    "environmental_movement": "environment",
    "gender_violence": "gender",
    "rape": "gender|crime",
    "lgbt": "lgbt",
    "human_rights": "human_rights",
    "torture": "human_rights|repression",
    "political_prisoner": "rights_freedoms|repression",
    "discrimination": "religion_ethnicity|inequality",
    "human_trafficking": "trafficking",
    "sanctions": "economic",
    "wmd": "cbrn",
    "nuclear_weapons": "cbrn",
    "radiological_weapons": "cbrn",
    "biological_weapons": "cbrn",
    "chemical_weapons": "cbrn",
    "refugees": "migration",
    "internet_censorship": "rights_freedoms|technology",
    "media_censorship": "rights_freedoms",
    "kidnap": "crime",
    "coup": "political_institutions",
    "election": "election",
    "election_fraud": "election",
    "malware": "cyber",
    "cyber_security": "cyber",
    "humanitarian_crisis": "human_security",
    "corruption": "corruption",
    "climate_change": "environment",
    "environmental_disaster": "environment|disasters",
    "natural_disaster": "disasters",
    "subsidies": "economic",
    "privatization": "economic",
    "currency_reserves": "economic",
    "exchange_rate": "economic",
    "trade_dispute": "economic",
    "monopoly": "economic",
    "black_market": "economic|crime",
    "deregulation": "economic",
    "nationalize": "economic",
    "interest_rates": "economic",
    "housing_prices": "economic",
    "property_rights": "human_security",
    "poverty": "inequality",
    "unemployment": "economic",
    "labor_strike": "economic",
    "austerity": "economic",
    "labor_unions": "economic",
    "bankruptcy": "economic",
    "bailout": "economic",
    "vaccination": "health",
    "pandemic": "health",
    "sextrans_disease": "health",
    "disease": "health",
    "jihad": "terrorism",
    "terror": "terrorism",
    "suicide_attack": "terrorism",
}

LINE = re.compile(r"^(?P<phrase>[^\[]+?)\s*(?:\[(?P<code>[^\]]*)\].*)?$")
WORD = re.compile(r"[a-z0-9][a-z0-9 .'&/,-]*")


def issue_id(code: str) -> str:
    """'ID_ATROCITY' -> 'atrocity': a stable lower-case snake_case name."""
    code = RENAME.get(code, code)
    return code.removeprefix("ID_").lower().replace("-", "_")


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def verb_forms(word: str) -> list[str]:
    if word.endswith(("ed", "ing")):  # Phoenix marks some inflected forms too ("v:arrested")
        return [word]
    if word.endswith("e"):
        return [word, word + "s", word + "d", word[:-1] + "ing"]
    return [word, word + "s", word + "ed", word + "ing"]


def word_forms(part: str) -> list[str]:
    """'n:crime' -> crime, crimes; 'v:purge' -> purge, purges, purged, purging; 'oil' -> oil."""
    kind, _, word = part.rpartition(":")
    if kind in {"n", "m"}:  # m: occurs once, on a noun
        return [word, plural(word)]
    return verb_forms(word) if kind == "v" else [word]


def expand(phrase: str) -> list[str]:
    """Surface forms of a Phoenix phrase: n:/v: inflections, '+' joins as space and hyphen."""
    options = []
    for token in phrase.lower().replace("_", "+").replace("\u2020", " ").split():
        parts = [word_forms(p) for p in token.split("+")]
        seps = " -" if len(parts) > 1 else " "
        options.append([sep.join(words) for words in product(*parts) for sep in seps])
    return [" ".join(p) for p in product(*options)]


def read_phoenix(path: Path) -> dict[str, dict]:
    """Issue id -> {category, phrases, exclude, unless}, in the file's order."""
    issues: dict[str, dict] = {}
    category, last = "", None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("</ISSUE"):
            continue
        m = re.match(r'<ISSUE CATEGORY="([^"]+)"', line)
        if m:
            category, last = m.group(1), None
            continue
        marker = "~~" if line.startswith("~~") else "~" if line.startswith("~") else ""
        m = LINE.match(line[len(marker) :].strip())
        if not m:
            continue
        code = (m.group("code") or "").strip()
        if not marker and code:
            last = code
        if (last or category) in ACTOR_ISSUES:
            continue
        entry = issues.setdefault(
            issue_id(last or category), {"category": issue_id(category), "phrases": {}, "exclude": {}, "unless": {}}
        )
        field = {"": "phrases", "~": "exclude", "~~": "unless"}[marker]
        for form in expand(m.group("phrase")):
            form = " ".join(form.split())
            if WORD.fullmatch(form) and form not in AMBIGUOUS:
                entry[field][form] = None
    return issues


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    known = {line.split(",", 1)[0] for line in CONTEXTS.read_text(encoding="utf-8").splitlines()[1:]}
    issues = read_phoenix(args.shared / "petrarch2" / "Phoenix.IssueCoding.txt")
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(
            "# Derived from PETRARCH-2's Phoenix.IssueCoding.txt (MIT, Open Event Data Alliance) by\n"
            "# scripts/build_issues.py; parley's own issues are in issues_own.tsv.\n"
            "# issue: stable id. category: a group of issues. contexts: PLOVER contexts the issue implies.\n"
            "# phrases: lower-case surface forms (plurals and verb forms spelled out), matched whole-word.\n"
            "# exclude: phrases in which a match means something else (the match is dropped).\n"
            "# requires: words one of which the document must contain for the row's phrases to count (none here).\n"
            "# unless: phrases whose presence anywhere in the document rules the issue out.\n"
            "# Lists are '|'-separated; a later row with the same issue adds to it.\n"
        )
        f.write("issue\tcategory\tcontexts\tphrases\texclude\trequires\tunless\n")
        for issue, e in issues.items():
            if not e["phrases"]:
                continue
            contexts = ISSUE_CONTEXTS.get(issue, "")
            unknown = set(contexts.split("|")) - known - {""}
            if unknown:
                raise SystemExit(f"{issue}: unknown PLOVER contexts {sorted(unknown)}")
            f.write(
                "\t".join(
                    [
                        issue,
                        e["category"],
                        contexts,
                        "|".join(e["phrases"]),
                        "|".join(e["exclude"]),
                        "",
                        "|".join(e["unless"]),
                    ]
                )
                + "\n"
            )
    print(
        f"issues.tsv: {sum(1 for e in issues.values() if e['phrases'])} issues, "
        f"{sum(len(e['phrases']) for e in issues.values())} phrases"
    )


if __name__ == "__main__":
    main()

"""Derive parley's shipped tables from the reference data in ../shared/data.

Run once when the reference data changes; the outputs are committed, so neither
parley nor its tests need ../shared at run time. Usage:

    python scripts/build_vocab.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "parley" / "nlp" / "ontology" / "data"
VOCAB = ROOT / "parley" / "nlp" / "vocab" / "data"

# PLOVER has no statement type and CAMEO2PLOVER-2021 has no 01/02 rows: appeals (02)
# are requests in PLOVER's sense; statements (01) stay unmapped and are not emitted.
ROOT_FALLBACK = {"02": ("REQUEST", "", "")}


def quad_class(root: str) -> int:
    """GDELT's QuadClass: 01-05 verbal coop, 06-09 material coop, 10-14 verbal conflict, 15-20 material conflict."""
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4


def read_plover_map(path: Path) -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER type, mode, contexts ';'-joined)."""
    out: dict[str, tuple[str, str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        code, rest = m.groups()
        parts = [p.strip() for p in rest.split(",")]
        etype = parts[0]
        mode = parts[1] if len(parts) > 1 else ""
        contexts = parts[2] if len(parts) > 2 else ""
        contexts = ";".join(c.strip() for c in contexts.split(";") if c.strip())
        out.setdefault(code, (etype, mode, contexts))
    return out


def build_cameo(shared: Path) -> None:
    """cameo_codes.csv: every CAMEO code with root, Goldstein, quad class and PLOVER mapping."""
    plover = read_plover_map(shared / "CAMEO2PLOVER-2021.txt")
    rows = []
    seen = set()
    with open(shared / "cameo_codes.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["code"].strip()
            if code in seen:
                continue
            seen.add(code)
            root = r["root_code"].strip()
            mapped = None
            for k in range(len(code), 1, -1):  # most specific mapped ancestor
                if code[:k] in plover:
                    mapped = plover[code[:k]]
                    break
            if mapped is None:
                mapped = ROOT_FALLBACK.get(root, ("", "", ""))
            rows.append(
                {
                    "code": code,
                    "name": r["name"].strip(),
                    "root": root,
                    "goldstein": float(r["goldstein"]),
                    "quad_class": quad_class(root),
                    "plover_type": mapped[0],
                    "plover_mode": mapped[1],
                    "plover_contexts": mapped[2],
                }
            )
    with open(ONTOLOGY / "cameo_codes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"cameo_codes.csv: {len(rows)} codes")


# ---- PETRARCH-2 verb dictionary -------------------------------------------------

CODE_RE = re.compile(r"\[([^\]]*)\]")


def _clean_word(word: str) -> str:
    return word.strip().lower()


def _pattern_tokens(text: str) -> list[str]:
    """Flatten a PETRARCH pattern side into word items, keeping &SYNSET names."""
    text = re.sub(r"[{}()]", " ", text)
    items = []
    for tok in text.split():
        if tok in {"$", "+", "^", "%", "|"}:
            continue  # role and skip markers carry no word to match
        items.append(_clean_word(tok))
    return items


def _parse_code(raw: str) -> tuple[str, bool] | None:
    """'[042:043]' -> ('042', False); '[:173]' -> ('173', True); '[---]' -> None."""
    raw = raw.strip()
    if not raw or raw.startswith("---"):
        return None
    first, _, second = raw.partition(":")
    first, second = first.strip(), second.strip()
    if first and first.isdigit():
        return first, False
    if second and second.isdigit():
        return second, True
    return None


def build_verbs(shared: Path) -> None:
    """verbs.tsv (verb -> block), verb_patterns.tsv (block patterns), verb_synsets.tsv from CAMEO.2.0.txt.

    PETRARCH applies every pattern of a block to every verb of the block, so the
    patterns are stored once per block rather than once per verb.
    """
    lines = (shared / "petrarch2" / "CAMEO.2.0.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    synsets: dict[str, list[str]] = {}
    verbs: list[tuple[str, str, str, str]] = []
    patterns: list[tuple[str, str, str, str, str]] = []
    current_syn = None
    in_verbs = False
    block = ""
    block_code: tuple[str, bool] | None = None

    def fmt(code: tuple[str, bool] | None) -> tuple[str, str]:
        return (code[0], "BA" if code[1] else "AB") if code else ("", "")

    for line in lines:
        if line.startswith("####### VERB PATTERNS"):
            in_verbs = True
            continue
        body = line.split("#", 1)[0].rstrip()
        if not in_verbs:
            if body.startswith("&"):
                current_syn = body[1:].strip().lower()
                synsets[current_syn] = []
            elif body.startswith("+") and current_syn:
                synsets[current_syn].append(body[1:].strip().lower())
            continue
        if not body.strip():
            continue
        if body.startswith("---"):
            m = CODE_RE.search(body)
            block = body.strip("- ").split()[0].lower()
            block_code = _parse_code(m.group(1)) if m else None
            patterns.append((block, "", "", *fmt(block_code)))
            continue
        if body.startswith("-"):
            m = CODE_RE.search(body)
            code = _parse_code(m.group(1)) if m else None
            pat = body[1 : m.start()].strip() if m else ""
            if code and "*" in pat:
                before, after = pat.split("*", 1)
                patterns.append(
                    (block, " ".join(_pattern_tokens(before)), " ".join(_pattern_tokens(after)), *fmt(code))
                )
            continue
        # a verb line: VERB {IRREGULAR FORMS} [code]
        m = CODE_RE.search(body)
        code = _parse_code(m.group(1)) if m else None
        # an explicit [---] on the verb means "no event without a pattern", not "block default"
        explicit_none = bool(m) and code is None
        words = re.sub(r"\{[^}]*\}", " ", CODE_RE.sub(" ", body)).split()
        if words:
            row = fmt(code) if not explicit_none else ("---", "")
            verbs.append((words[0].lstrip("+").strip("_").lower(), block, *row))

    header = "# Derived from PETRARCH-2 CAMEO.2.0.txt (MIT, Open Event Data Alliance) by scripts/build_vocab.py\n"
    with open(VOCAB / "verbs.tsv", "w", encoding="utf-8") as f:
        f.write(header + "verb\tblock\tcameo\troles\n")
        for row in dict.fromkeys(verbs):
            f.write("\t".join(row) + "\n")
    with open(VOCAB / "verb_patterns.tsv", "w", encoding="utf-8") as f:
        f.write(header + "block\tbefore\tafter\tcameo\troles\n")
        for row in dict.fromkeys(patterns):
            f.write("\t".join(row) + "\n")
    with open(VOCAB / "verb_synsets.tsv", "w", encoding="utf-8") as f:
        f.write(header + "synset\tmembers\n")
        for name, members in synsets.items():
            f.write(f"{name}\t{'|'.join(m.strip('_') for m in members)}\n")
    print(f"verbs.tsv: {len(verbs)} verbs; verb_patterns.tsv: {len(patterns)} patterns; {len(synsets)} synsets")


def build_agents(shared: Path) -> None:
    """agents.tsv: agent phrase -> role code, from PETRARCH-2's Phoenix.agents.txt."""
    subs: dict[str, list[str]] = {}
    rows: set[tuple[str, str, str]] = set()
    for line in (
        (shared / "petrarch2" / "Phoenix.agents.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    ):
        body = line.split("#", 1)[0].strip()
        m = re.match(r"^!(\w+)!\s*=\s*(.*)$", body)
        if m:
            subs[m.group(1)] = [w.strip().lower() for w in m.group(2).split(",")]
            continue
        m = re.match(r"^([^\[]+?)\s*(\{[^}]*\})?\s*\[~?([A-Z~]+)\]", body)
        if not m:
            continue
        phrase, code = m.group(1).strip(), m.group(3).replace("~", "")
        if not code or len(code) < 3:
            continue
        variants = [phrase.lower()]
        for name, words in subs.items():
            token = f"!{name.lower()}!"
            variants = [v.replace(token, w) for v in variants for w in (words if token in v else [""])]
        for v in variants:
            exact = v.endswith("_")
            words = v.strip("_").replace("_", " ").split()
            if words:
                rows.add((" ".join(words), "word" if exact else "stem", code))
    with open(VOCAB / "agents.tsv", "w", encoding="utf-8") as f:
        f.write(
            "# Derived from PETRARCH-2 Phoenix.agents.txt (MIT, Open Event Data Alliance) by scripts/build_vocab.py\n"
        )
        f.write("phrase\tmatch\tcode\n")
        for row in sorted(rows):
            f.write("\t".join(row) + "\n")
    print(f"agents.tsv: {len(rows)} agent phrases")


def _phoenix_date(raw: str) -> str:
    """PETRARCH's YYMMDD or YYYYMMDD -> ISO date; two-digit years above 30 are 19xx."""
    if len(raw) == 6:
        raw = ("19" if int(raw[:2]) > 30 else "20") + raw
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}" if len(raw) == 8 else ""


def _phoenix_period(body: str) -> str | None:
    """'[RUSGOV 991231-080507]' -> 'RUSGOV 1999-12-31/2008-05-07' ('>' and '<' leave one side open)."""
    m = re.fullmatch(r"\[~?([A-Z]{3,})\s*(?:([<>])(\d{6,8})|(\d{6,8})-(\d{6,8}))?\s*\]", body)
    if not m:
        return None
    code, side, one, start, end = m.groups()
    if side:
        start, end = (one, "") if side == ">" else ("", one)
    start, end = _phoenix_date(start or ""), _phoenix_date(end or "")
    return f"{code} {start}/{end}" if start or end else code


def _person_form(raw: str) -> str:
    """'BAN_KI-MOON_' -> 'Ban Ki-Moon' (acronyms too become capitalised words: matching ignores case)."""

    def word(w: str) -> str:
        return "-".join(p.capitalize() if p.isalpha() else p for p in w.split("-"))

    return " ".join(word(w) for w in raw.strip("_+ ").replace("_", " ").split())


def _phoenix_entries(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(name, aliases, codes) per entry of a PETRARCH .actors file: a name line, '+' alias
    lines, and '[CODE dates]' lines or brackets on the name line."""
    entries: list[tuple[str, list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        if body.startswith("+"):
            if entries:
                entries[-1][1].append(_person_form(body))
            continue
        name, _, brackets = body.partition("[")
        if name.strip():
            entries.append((_person_form(name), [], []))
        for raw in re.findall(r"\[[^\]]*\]", "[" + brackets if brackets else ""):
            period = _phoenix_period(raw)
            if period and entries:
                entries[-1][2].append(period)
    return [e for e in entries if e[0] and e[2]]


def build_people(shared: Path) -> None:
    """people.tsv (named people with dated codes) and named_actors.tsv (organisations and
    armed groups with one code) from PETRARCH-2's Phoenix .actors files. An entry of the
    country file is a person where PETRARCH marks it as one (CountryInfo); in the other
    files, where any of its codes is dated."""
    people, named = [], []
    for line_marker, name in (
        (True, "Phoenix.Countries.actors.txt"),
        (False, "Phoenix.International.actors.txt"),
        (False, "Phoenix.MilNonState.actors.txt"),
    ):
        path = shared / "petrarch2" / name
        marked = {
            _person_form(line.split("#", 1)[0])
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if "CountryInfo.txt" in line and not line.startswith(("+", "\t", " "))
        }
        for entry in _phoenix_entries(path):
            dated = any(" " in code for code in entry[2])
            if (entry[0] in marked) if line_marker else dated:
                people.append(entry)
            elif not line_marker and len(entry[2]) == 1:
                named.append(entry)
    rows = [(n, "|".join(dict.fromkeys(a for a in aliases if a != n)), "|".join(codes)) for n, aliases, codes in people]
    with open(VOCAB / "people.tsv", "w", encoding="utf-8") as f:
        f.write(
            "# Derived from PETRARCH-2's Phoenix .actors files (MIT, Open Event Data Alliance) by\n"
            "# scripts/build_vocab.py. codes: CODE START/END with ISO dates (either side open), or a\n"
            "# bare CODE for the rest of the person's life. Stale after 2014: leaders.tsv adds newer.\n"
        )
        f.write("name\taliases\tcodes\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    with open(VOCAB / "named_actors.tsv", "w", encoding="utf-8") as f:
        f.write(
            "# Derived from PETRARCH-2's Phoenix.International.actors.txt and Phoenix.MilNonState.actors.txt\n"
            "# (MIT, Open Event Data Alliance) by scripts/build_vocab.py: organisations and armed groups.\n"
        )
        f.write("name\taliases\tcode\n")
        for n, aliases, codes in named:
            f.write(f"{n}\t{'|'.join(dict.fromkeys(a for a in aliases if a != n))}\t{codes[0]}\n")
    print(f"people.tsv: {len(rows)} people; named_actors.tsv: {len(named)} organisations and groups")


# PETRARCH discards whole stories about disasters, epidemics, elections and history; a
# sentence about them can still report a political event ("Japan sent aid after the
# typhoon", "the WHO urged ... to contain Ebola"), so these stay codeable in parley.
CODEABLE = {
    "typhoon",
    "tsunami",
    "tropical storm",
    "tropical depression",
    "landslide",
    "mudslide",
    "widespread flood",
    "blizzard",
    "pollution",
    "polio",
    "ebola",
    "bird flu",
    "avian flu",
    "avian influenza",
    "dengue fever",
    "rift valley fever",
    "west nile fever",
    "west nile virus",
    "bacteria epidemic",
    "contracted cholera",
    "years ago",
    "weeks ago",
    "months ago",
    "years later",
    "weeks later",
    "months later",
    "fifty years ago",
    "second world war",
    "world war i",
    "world war ii",
    "world war one",
    "world war two",
    "napoleonic wars",
    "post world war ii",
    "attack on pearl harbor",
    "world trade center",
    "presidential debate",
    "presidential vote recount",
    "poll published",
    "osaka district court",
    "initial public offering",
    "medical tests",
    "routine medical check up",
    "storm warning center",
    "millennium",
    "champion",
    "champions",
    "championship",
    "national team",
    "british empire",
    "anita hill",
    "oliver north",
    "rick lazio",
}


def build_discards(shared: Path) -> None:
    """discards.tsv: phrases that mark a sentence as sport, entertainment or the like."""
    phrases = set()
    for line in (
        (shared / "petrarch2" / "Phoenix.discards.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    ):
        body = line.split("#", 1)[0].split(";", 1)[0].strip().lstrip("+").strip()
        phrase = " ".join(body.lower().split())
        if phrase and re.fullmatch(r"[a-z][a-z .'&-]*", phrase) and phrase not in CODEABLE:
            phrases.add(phrase)
    with open(VOCAB / "discards.tsv", "w", encoding="utf-8") as f:
        f.write(
            "# Derived from PETRARCH-2 Phoenix.discards.txt (MIT, Open Event Data Alliance) by scripts/build_vocab.py\n"
        )
        f.write("phrase\n")
        f.writelines(p + "\n" for p in sorted(phrases))
    print(f"discards.tsv: {len(phrases)} phrases")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    ONTOLOGY.mkdir(parents=True, exist_ok=True)
    VOCAB.mkdir(parents=True, exist_ok=True)
    build_cameo(args.shared)
    build_verbs(args.shared)
    build_agents(args.shared)
    build_discards(args.shared)
    build_people(args.shared)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Organisations for the search benchmark, from real names: Party Facts' 6,854 parties
(../shared/data/partyfacts, MIT) crossed with the names of ISO 3166-2 subdivisions (iso-codes),
so the index holds real words in many languages and scripts, not generated syllables.

Row i is party i mod P: the first P rows are the parties as they are; the others are the party
with a subdivision's name after a dash ("Partido Comunista de Cuba – Matanzas"), like the
provincial branches an organisation keeps. Each row: name, acronym, names {"en": English name,
"und": names in native script}, description, country (ISO alpha-2), kind political_party.

Also writes QUERIES.txt: typeahead queries as users type them (1,000, seeded), each a URL-encoded
q value: the first one to three words of a random row's name or English name, the last word cut
to 1..its length letters, half of them without diacritics (as typed on a keyboard without
Vietnamese or German input).

Usage: gen_search_1m.py OUT.jsonl QUERIES.txt [ROWS] [PARTYFACTS_CSV]
"""
import csv
import json
import random
import sys
import unicodedata
import urllib.parse


def fold(s):
    s = unicodedata.normalize("NFKD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c))


def main():
    out, queries_out = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    source = sys.argv[4] if len(sys.argv) > 4 else "../shared/data/partyfacts/partyfacts-core-parties.csv"
    alpha2 = {c["alpha_3"]: c["alpha_2"] for c in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]}
    parties = [p for p in csv.DictReader(open(source, encoding="utf-8")) if p["name"].strip()]
    places = [s["name"] for s in json.load(open("/usr/share/iso-codes/json/iso_3166-2.json"))["3166-2"]]
    random.seed(42)
    names = []
    with open(out, "w", encoding="utf-8") as f:
        for i in range(rows):
            p = parties[i % len(parties)]
            name = " ".join(p["name"].split())[:400]
            if i >= len(parties):
                name = f"{name} – {places[(i * 7919) % len(places)]}"
            rec = {"name": name, "kind": "political_party"}
            if p["name_short"].strip():
                rec["acronym"] = p["name_short"].strip()[:50]
            other = {}
            if p["name_english"].strip():
                other["en"] = " ".join(p["name_english"].split())[:500]
            if p["name_other"].strip():
                other["und"] = " ".join(p["name_other"].split())[:500]
            if other:
                rec["names"] = other
            if p["description"].strip():
                rec["description"] = p["description"].strip()[:20000]
            c = alpha2.get(p["country"])
            if c:
                rec["country"] = c
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if i < 200_000:
                names.append(name)
                if "en" in other:
                    names.append(other["en"])
    with open(queries_out, "w", encoding="utf-8") as f:
        for _ in range(1000):
            words = random.choice(names).split()
            words = [w for w in words if any(ch.isalnum() for ch in w)] or ["party"]
            n = random.randint(1, min(3, len(words)))
            taken = words[:n]
            last = taken[-1]
            taken[-1] = last[: random.randint(1, len(last))]
            q = " ".join(taken)
            if random.random() < 0.5:
                q = fold(q)
            f.write(urllib.parse.quote(q) + "\n")


if __name__ == "__main__":
    main()

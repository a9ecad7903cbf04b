#!/usr/bin/env python3
"""Partners for the 1M-organisation benchmark: gen_partners.py (shared/peers) with more rows.

Same columns (id,name,country,type,founded), same seed, same choices in the same order, so the
first 100,000 rows are byte for byte what gen_partners.py writes and the distribution (100
countries uniformly, 6 types uniformly, founding dates uniform over 1900-01-01 + 0..45000 days)
is the same at any size.

Usage: gen_partners_1m.py OUT.csv [ROWS]   (ROWS defaults to 1,000,000)
"""
import csv
import datetime
import random
import sys

countries = ["VN","US","FR","DE","GB","JP","CN","IN","BR","ZA","KE","NG","EG","MX","AR","CA","AU","ID","TH","PH",
 "MY","SG","KR","PK","BD","LK","NP","MM","KH","LA","MN","KZ","UZ","TR","IR","IQ","SA","AE","IL","JO",
 "MA","DZ","TN","ET","GH","SN","CI","CM","UG","TZ","RW","ZM","ZW","MZ","AO","CD","SD","CL","PE","CO",
 "VE","EC","BO","PY","UY","CU","HT","DO","GT","HN","NI","CR","PA","SV","JM","NZ","FJ","PG","IT","ES",
 "PT","NL","BE","CH","AT","SE","NO","DK","FI","PL","CZ","HU","RO","BG","GR","UA","RU","BY","RS","HR"]
types = ["ngo","government","multilateral","private","academic","foundation"]
syl = ["an","bo","ca","de","el","fa","gi","ho","in","ju","ka","lo","mi","no","pa","qu","ri","sa","to","vi"]
words = ["Institute","Agency","Foundation","Council","Partners","Trust","Ministry","Network"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "partners-1m.csv"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    random.seed(42)
    start = datetime.date(1900, 1, 1)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "country", "type", "founded"])
        for i in range(1, rows + 1):
            name = "".join(random.choice(syl) for _ in range(random.randint(2, 4))).capitalize() + \
                " " + random.choice(words) + f" {i}"
            c = random.choice(countries)
            t = random.choice(types)
            d = start + datetime.timedelta(days=random.randint(0, 45000))
            w.writerow([i, name, c, t, d.isoformat()])


if __name__ == "__main__":
    main()

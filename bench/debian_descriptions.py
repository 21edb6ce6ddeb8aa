#!/usr/bin/env python3
"""English routing data from this machine's Debian package lists, for `routing_eval`.

Every Debian package has a one-line English description written by its maintainer ("Real-time
strategy game of ancient warfare") and a section naming the team of packages it belongs to
(`games`). Descriptions routed to sections are short English texts with an organisation's own
labels, the way a complaint's summary is routed to a department: real text no one here wrote, to
check that nothing in the classifier is specific to Chinese or to one label set.

    python3 bench/debian_descriptions.py OUT_DIR
    cargo run --release -p cloop-bench --bin routing_eval -- \
        --train OUT_DIR/debian.train.jsonl --test OUT_DIR/debian.test.jsonl --scale 0

Reads the `*_Packages*` lists under /var/lib/apt/lists (run `apt-get update` first on a machine
without them), through apt-helper, which undoes whatever compression apt chose. Exactly repeated
descriptions are kept once (a package's -dbg, -doc and -data variants often share one), and a
description given under two sections is dropped as ambiguous. Sections with fewer than
MIN_PER_LABEL descriptions are left out. A fifth of the descriptions, chosen by a hash of the
text, is the test split, so the split does not depend on the order of the lists.
"""

import collections
import glob
import hashlib
import json
import os
import subprocess
import sys

MIN_PER_LABEL = 100
LISTS = "/var/lib/apt/lists"


def stanzas(path):
    """The (description, section) of every package of one list."""
    text = subprocess.run(
        ["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True
    ).stdout.decode("utf-8", "replace")
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Description") and fields.get("Section"):
            # "contrib/games" and "non-free/games" are the same team as "games".
            yield fields["Description"], fields["Section"].split("/")[-1]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    paths = sorted(p for p in glob.glob(f"{LISTS}/*_Packages*") if not p.endswith(".diff_Index"))
    if not paths:
        sys.exit(f"no package lists under {LISTS}: run apt-get update")
    sections = collections.defaultdict(set)
    for path in paths:
        for description, section in stanzas(path):
            sections[description].add(section)
    unique = {d: next(iter(s)) for d, s in sections.items() if len(s) == 1}
    counts = collections.Counter(unique.values())
    kept = {d: s for d, s in unique.items() if counts[s] >= MIN_PER_LABEL}
    os.makedirs(out, exist_ok=True)
    splits = {"train": [], "test": []}
    for description, section in sorted(kept.items()):
        digest = hashlib.sha256(description.encode()).digest()
        splits["test" if digest[0] % 5 == 0 else "train"].append({"text": description, "label": section})
    for name, rows in splits.items():
        with open(f"{out}/debian.{name}.jsonl", "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    labels = collections.Counter(s for s in kept.values())
    print(
        f"{len(paths)} lists, {len(sections)} distinct descriptions, {len(unique)} under one section; "
        f"{len(kept)} in {len(labels)} sections of {MIN_PER_LABEL}+: "
        f"train {len(splits['train'])}, test {len(splits['test'])}"
    )
    print(" ".join(f"{s}:{n}" for s, n in labels.most_common()))


if __name__ == "__main__":
    main()

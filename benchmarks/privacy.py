"""Privacy guard: recall and precision on the corpora in tests/data, overall and by language,
with every miss and false alarm listed. The guard was tuned on the first two; the last,
privacy_holdout2.toml, was never used to tune it.

    python -m benchmarks.privacy
"""

from __future__ import annotations

from bot.privacy.guard import find_identifiers, marked
from tests.support.privacy_corpus import CORPUS, FIRST_HOLDOUT, HOLDOUT, Corpus, load, score

RECALL_TARGET, PRECISION_TARGET = 0.9, 0.8


def main() -> None:
    for path in (CORPUS, FIRST_HOLDOUT, HOLDOUT):
        print(f"== {path.name}")
        report(load(path))


def report(corpus: Corpus) -> None:
    for language in ("en", "ru", "uk", "es"):
        part = score(corpus, language)
        print(f"{language}: {part.identifiable} identifiable, {part.clean} clean; "
              f"recall {part.recall:.3f}, precision {part.precision:.3f}")
    total = score(corpus)
    ok = total.recall >= RECALL_TARGET and total.precision >= PRECISION_TARGET
    print(f"all: {total.identifiable} identifiable, {total.clean} clean; recall "
          f"{total.recall:.3f} (target ≥ {RECALL_TARGET}), precision {total.precision:.3f} "
          f"(target ≥ {PRECISION_TARGET}) {'OK' if ok else 'MISSED'}")
    for entry in total.missed:
        print(f"  missed {entry['kind']} ({entry['language']}): {entry['must_flag']!r} in "
              f"{marked(entry['text'], find_identifiers(entry['text']))}")
    for text in total.flagged_clean:
        print(f"  false alarm: {marked(text, find_identifiers(text))}")


if __name__ == "__main__":
    main()

"""PAN's text-alignment output: one XML document per pair, one detection per passage group.

The PAN plagiarism-detection shared tasks (text alignment, 2012-2015) score a system by the
detections it writes for each suspicious/source pair:

    <document reference="suspicious-document00001.txt">
    <feature name="detected-plagiarism" this_offset="5" this_length="1000"
             source_reference="source-document00001.txt" source_offset="100"
             source_length="1000"/>
    </document>

Offsets and lengths are characters of the two texts. A detection is a group of a record's
passages (verbatim, swapped, inserted, deleted stretches) with little unaligned text between
them on either side, so one spun paragraph is one detection, not a hundred.
"""

from __future__ import annotations

from pathlib import PurePath
from xml.sax.saxutils import quoteattr

from detector.display import shown
from detector.results import DERIVED

MAX_GAP = 200  # characters of unaligned text a detection may bridge on either side
MIN_LENGTH = 50  # characters of suspect text a detection must cover (no stray matches)


def detections(passages: list[dict], *, max_gap: int = MAX_GAP, min_length: int = MIN_LENGTH
               ) -> list[tuple[int, int, int, int]]:
    """(this_offset, this_length, source_offset, source_length) of each passage group."""
    groups: list[list[int]] = []  # [suspect start, suspect end, original start, original end]
    for p in passages:
        (s1, s2), (o1, o2) = p["suspect"], p["original"]
        last = groups[-1] if groups else None
        if last and 0 <= s1 - last[1] <= max_gap and 0 <= o1 - last[3] <= max_gap:
            last[1], last[3] = max(last[1], s2), max(last[3], o2)
        else:
            groups.append([s1, s2, o1, o2])
    return [(s1, s2 - s1, o1, o2 - o1) for s1, s2, o1, o2 in groups
            if s2 - s1 >= min_length]


def pan_xml(record: dict) -> str:
    """The PAN XML document of one `pairs` record: its detections when the suspect derives
    from the original (copy, spun...), none otherwise."""
    suspect = shown(PurePath(record["suspect"]).name)
    source = quoteattr(shown(PurePath(record["original"]).name))
    found = (detections(record.get("evidence", {}).get("passages", []))
             if record.get("verdict") in DERIVED else [])
    lines = [f"<document reference={quoteattr(suspect)}>"]
    lines += [f'<feature name="detected-plagiarism" this_offset="{s}" this_length="{n}" '
              f'source_reference={source} source_offset="{o}" source_length="{m}"/>'
              for s, n, o, m in found]
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def pan_name(record: dict, taken: set[str] | None = None) -> str:
    """PAN's file name for a pair: `suspect-stem-original-stem.xml`; with `taken`, the names
    this run already wrote, a pair whose files are named as another's (in other folders)
    gets `-2`, `-3`... before `.xml`, so no pair's file replaces another's. Adds it to `taken`."""
    stem = f"{PurePath(record['suspect']).stem}-{PurePath(record['original']).stem}"
    stem = shown(stem).replace("\\", "_")  # escapes stay readable, never a path
    name, k = f"{stem}.xml", 1
    while taken is not None and name in taken:
        k += 1
        name = f"{stem}-{k}.xml"
    if taken is not None:
        taken.add(name)
    return name

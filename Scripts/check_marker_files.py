#!/usr/bin/env python3
"""Reads TakeSense's marker files back with the editing world's own readers and checks that every verdict
span is a marker at its exact source timecode and duration (Tests/ReportsTests/MarkerReadBackTests).

    python3 Scripts/check_marker_files.py DIR STEM...

DIR holds, per STEM, the analysis `STEM.json` (the expectation: `source_timecode` and `verdict.spans[]` with
`start_timecode` / `end_timecode`) and the marker files `STEM.retakes.{edl,xml,fcpxml,otio,txt,srt,vtt,csv}`.
Readers: OpenTimelineIO 0.18 (otio_json, and the cmx_3600, fcp_xml and fcpx_xml adapters), pycmx, srt,
webvtt-py; the Avid marker text and the marker CSV have no reader package and are split by their columns.

Prints `ok FORMAT STEM: ...` per file checked and `FAIL FORMAT STEM: ...` per mismatch; exits 1 on any failure.
"""
import csv
import datetime
import html
import json
import os
import re
import sys
from fractions import Fraction
from xml.etree import ElementTree

import opentimelineio as otio
import pycmx
import srt
import webvtt

failures = []


def fail(fmt, stem, message):
    failures.append(f"FAIL {fmt} {stem}: {message}")
    print(failures[-1])


class Expectation:
    """What one take's markers must say, from its JSON."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            take = json.load(f)
        tc = take["source_timecode"]
        n, d = (int(x) for x in tc["frame_rate"].split("/"))
        self.rate = n / d
        self.drop = bool(tc["drop_frame"])
        self.start_tc = tc["start"]
        self.start = self.frames(self.start_tc)
        self.decision = take["verdict"]["decision"]
        self.kind = "RETAKE" if self.decision == "retake" else "CHECK"
        self.duration = take["duration"]
        spans = sorted(take["verdict"]["spans"], key=lambda s: s["start"])
        self.spans = []
        for i, s in enumerate(spans):
            a, b = self.frames(s["start_timecode"]), self.frames(s["end_timecode"])
            self.spans.append({
                "name": f"{self.kind} {i + 1}", "reason": s["reason"], "start": s["start"], "end": s["end"],
                "tc": s["start_timecode"], "frame": a, "duration": max(1, b - a),
            })

    def frames(self, timecode):
        """Frames since 00:00:00:00 (OpenTimelineIO decides drop-frame from the ';')."""
        return round(otio.opentime.from_timecode(timecode, self.rate).value)

    def tc(self, frames):
        return otio.opentime.to_timecode(otio.opentime.RationalTime(frames, self.rate), self.rate, self.drop)


def frames_at(t, rate):
    """A RationalTime as a whole frame count at `rate`."""
    return round(t.rescaled_to(rate).value)


def one_clip(obj):
    clips = list(obj.find_clips())
    if len(clips) != 1:
        raise AssertionError(f"{len(clips)} clips, expected the take alone")
    return clips[0]


def check_markers(fmt, stem, exp, found, colours=None):
    """`found`: [(source frame, duration frames or None, name, colour or None)] in time order."""
    if len(found) != len(exp.spans):
        fail(fmt, stem, f"{len(found)} markers, expected {len(exp.spans)}")
        return False
    ok = True
    for s, (frame, duration, name, colour) in zip(exp.spans, found):
        if frame != s["frame"]:
            fail(fmt, stem, f"{s['name']} at {exp.tc(frame)}, expected {s['tc']}")
            ok = False
        if duration is not None and duration != s["duration"]:
            fail(fmt, stem, f"{s['name']} lasts {duration} frames, expected {s['duration']}")
            ok = False
        if name is not None and not name.startswith(s["name"]):
            fail(fmt, stem, f"marker named {name!r}, expected {s['name']!r}")
            ok = False
        if colours is not None and colour != colours[exp.kind]:
            fail(fmt, stem, f"{s['name']} colour {colour}, expected {colours[exp.kind]}")
            ok = False
    return ok


def check_clip_start(fmt, stem, exp, clip):
    start = frames_at(clip.source_range.start_time, exp.rate)
    if start != exp.start:
        fail(fmt, stem, f"clip starts at {exp.tc(start)}, expected the take's {exp.start_tc}")
        return False
    return True


def check_otio(path, stem, exp):
    tl = otio.adapters.read_from_file(path)
    clip = one_clip(tl)
    ok = check_clip_start("otio", stem, exp, clip)
    found = [(frames_at(m.marked_range.start_time, exp.rate), frames_at(m.marked_range.duration, exp.rate), m.name, m.color)
             for m in sorted(clip.markers, key=lambda m: m.marked_range.start_time)]
    ok &= check_markers("otio", stem, exp, found, {"RETAKE": "RED", "CHECK": "YELLOW"})
    for s, m in zip(exp.spans, sorted(clip.markers, key=lambda m: m.marked_range.start_time)):
        meta = m.metadata.get("takesense", {})
        if meta.get("verdict") != exp.decision or meta.get("start_timecode") != s["tc"] or m.comment != s["reason"]:
            fail("otio", stem, f"{s['name']} metadata/comment {dict(meta)!r} / {m.comment!r}")
            ok = False
        scores = meta.get("scores", {})
        if "congruence" not in scores.keys() or "segments" not in scores.keys() or len(list(meta.get("reasons", []))) == 0:
            fail("otio", stem, f"{s['name']} metadata lacks scores or reasons")
            ok = False
    return ok, f"{len(found)} markers, clip from {exp.start_tc}"


def check_edl(path, stem, exp):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # OpenTimelineIO's CMX 3600 reader: the take is one clip on its source timecode, locators become markers.
    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=exp.rate)
    clip = one_clip(tl)
    ok = check_clip_start("edl", stem, exp, clip)
    if frames_at(clip.source_range.duration, exp.rate) != round(otio.opentime.from_seconds(exp.duration, exp.rate).value):
        fail("edl", stem, f"clip lasts {clip.source_range.duration.value} frames for a {exp.duration} s take")
        ok = False
    # Resolve's marker comments carry the durations (`|D:` frames) that a locator cannot.
    comments = clip.metadata.get("cmx_3600", {}).get("comments", [])
    durations = [int(m.group(1)) for m in (re.search(r"\|D:(\d+)$", c) for c in comments) if m]
    names = [m.group(1) for m in (re.search(r"\|M:([^|]*) \|D:", c) for c in comments) if m]
    markers = sorted(clip.markers, key=lambda m: m.marked_range.start_time)
    if exp.drop:
        # The adapter's locator pattern is HH:MM:SS:FF only, so it skips drop-frame (';') locators: read
        # them from pycmx's statements below instead, and say so.
        if markers:
            fail("edl", stem, "OpenTimelineIO read drop-frame locators it was expected to skip")
            ok = False
        note = "OTIO clip ok; drop-frame LOC read via pycmx"
    else:
        found = [(frames_at(m.marked_range.start_time, exp.rate), d, m.name, m.color)
                 for m, d in zip(markers, durations + [None] * len(markers))]
        ok &= check_markers("edl", stem, exp, found, {"RETAKE": "RED", "CHECK": "YELLOW"})
        note = f"{len(found)} OTIO markers"

    # pycmx: one event, the take's source in/out, and its locator statements.
    edl = pycmx.parse_cmx3600(open(path, encoding="utf-8"))
    events = list(edl.events)
    if len(events) != 1 or len(events[0].edits) != 1:
        fail("edl", stem, f"pycmx: {len(events)} events, expected one for the take")
        return False, note
    edit = events[0].edits[0]
    if edit.source_in != exp.start_tc or edit.clip_name != os.path.basename(json_take(stem)):
        fail("edl", stem, f"pycmx: source in {edit.source_in} clip {edit.clip_name!r}")
        ok = False
    # pycmx has no locator type: `* LOC:` lines are its remarks.
    remarks = [s.text for s in events[0].statements if type(s).__name__ == "StmtRemark"]
    locs = [m for m in (re.match(r"LOC: (\d\d:\d\d:\d\d[:;]\d\d) +(\w+) +(.*)$", r) for r in remarks) if m]
    found = [(exp.frames(m.group(1)), d, m.group(3), m.group(2)) for m, d in zip(locs, durations + [None] * len(locs))]
    ok &= check_markers("edl", stem, exp, found, {"RETAKE": "RED", "CHECK": "YELLOW"})
    if edl.format != "3600" or any(type(s).__name__ == "StmtFCM" and s.drop != exp.drop for s in events[0].statements):
        fail("edl", stem, "pycmx: not CMX 3600, or FCM drop-frame flag wrong")
        ok = False
    if len(durations) != len(exp.spans):
        fail("edl", stem, f"{len(durations)} Resolve marker comments, expected {len(exp.spans)}")
        ok = False
    return ok, f"{note}; pycmx event {edit.source_in}-{edit.source_out}, {len(found)} locators"


def check_fcp7(path, stem, exp):
    tl = otio.adapters.read_from_file(path, adapter_name="fcp_xml")
    clip = one_clip(tl)
    ok = check_clip_start("xml", stem, exp, clip)
    # The adapter keeps FCP 7's clip-marker times: frames from the clip's first frame (its `in` is 0).
    offset = frames_at(clip.source_range.start_time, exp.rate)
    found = [(offset + frames_at(m.marked_range.start_time, exp.rate), frames_at(m.marked_range.duration, exp.rate), m.name, None)
             for m in sorted(clip.markers, key=lambda m: m.marked_range.start_time)]
    ok &= check_markers("xml", stem, exp, found)
    return ok, f"{len(found)} markers, clip from {exp.tc(offset)}"


def check_fcpx(path, stem, exp):
    collection = otio.adapters.read_from_file(path, adapter_name="fcpx_xml")
    clip = one_clip(collection)
    markers = sorted(clip.markers, key=lambda m: m.marked_range.start_time)
    colours = {"RETAKE": "RED", "CHECK": "PURPLE"}  # a to-do marker (red) to retake, a standard one (OTIO: PURPLE) to check
    if exp.rate == round(exp.rate):
        ok = check_clip_start("fcpxml", stem, exp, clip)
        found = [(frames_at(m.marked_range.start_time, exp.rate), frames_at(m.marked_range.duration, exp.rate), m.name, m.color)
                 for m in markers]
        ok &= check_markers("fcpxml", stem, exp, found, colours)
        return ok, f"{len(found)} OTIO markers, clip from {exp.start_tc}"
    # At NTSC rates the adapter counts int(seconds x int(fps)) (29 for 29.97) and so lands up to a frame early:
    # OTIO gives the clip, names and colours (and times within a frame); the exact rational times FCP reads
    # are checked from the XML itself.
    ok = abs(frames_at(clip.source_range.start_time, exp.rate) - exp.start) <= 1
    found = [(exp.spans[i]["frame"] if i < len(exp.spans) and abs(frames_at(m.marked_range.start_time, exp.rate) - exp.spans[i]["frame"]) <= 1
              else frames_at(m.marked_range.start_time, exp.rate), None, m.name, m.color) for i, m in enumerate(markers)]
    ok &= check_markers("fcpxml", stem, exp, found, colours)
    root = ElementTree.parse(path).getroot()
    n, d = (Fraction(x) for x in _fraction(root.find("./resources/format").get("frameDuration")))
    frame = n / d  # seconds per frame
    asset_clip = root.find(".//asset-clip")
    exact = []
    for element in [asset_clip] + asset_clip.findall("./marker"):
        start, duration = _seconds(element.get("start")) / frame, _seconds(element.get("duration")) / frame
        if start.denominator != 1 or duration.denominator != 1:
            fail("fcpxml", stem, f"{element.tag} {element.get('start')} is not on a frame boundary")
            ok = False
        exact.append((int(start), int(duration), element.get("value"), "RED" if element.get("completed") == "0" else "PURPLE"))
    if exact[0][0] != exp.start:
        fail("fcpxml", stem, f"asset-clip starts at {exp.tc(exact[0][0])}, expected {exp.start_tc}")
        ok = False
    ok &= check_markers("fcpxml", stem, exp, exact[1:], colours)
    return ok, f"{len(found)} OTIO markers (within a frame), exact rational times at their source timecodes"


def _fraction(text):
    parts = text.rstrip("s").split("/")
    return (parts[0], parts[1] if len(parts) > 1 else "1")


def _seconds(text):
    n, d = _fraction(text)
    return Fraction(int(n), int(d))


def check_srt(path, stem, exp):
    with open(path, encoding="utf-8") as f:
        cues = list(srt.parse(f.read()))
    ok = len(cues) == len(exp.spans)
    for s, c in zip(exp.spans, cues):
        if c.start != datetime.timedelta(milliseconds=round(s["start"] * 1000)) or \
                c.end != datetime.timedelta(milliseconds=round(s["end"] * 1000)) or s["reason"] not in c.content:
            fail("srt", stem, f"cue {c.index} {c.start}-{c.end} {c.content!r}")
            ok = False
    if len(cues) != len(exp.spans):
        fail("srt", stem, f"{len(cues)} cues, expected {len(exp.spans)}")
    return ok, f"{len(cues)} cues (player time)"


def check_vtt(path, stem, exp):
    captions = list(webvtt.read(path))
    ok = len(captions) == len(exp.spans)
    if not ok:
        fail("vtt", stem, f"{len(captions)} cues, expected {len(exp.spans)}")
    for s, c in zip(exp.spans, captions):
        expected_text = f"{exp.kind}: {s['reason']}"
        text = html.unescape(c.text)  # WebVTT cue text escapes & < > as character references
        start = _vtt_seconds(c.start)
        if abs(start - round(s["start"], 3)) > 1e-6 or text != expected_text:
            fail("vtt", stem, f"cue {c.start} {c.text!r}, expected {s['start']} {expected_text!r}")
            ok = False
    return ok, f"{len(captions)} cues (player time)"


def _vtt_seconds(text):
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def check_csv(path, stem, exp):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    found = []
    for r in rows:
        a, b = exp.frames(r["In"]), exp.frames(r["Out"])
        hh, mm, ss, ff = (int(x) for x in re.split("[:;]", r["Duration"]))
        duration = ((hh * 60 + mm) * 60 + ss) * round(exp.rate) + ff
        if b - a != duration:
            fail("csv", stem, f"{r['Marker Name']}: In {r['In']} Out {r['Out']} but Duration {r['Duration']}")
        found.append((a, duration, r["Marker Name"], r["Color"]))
    ok = check_markers("csv", stem, exp, found, {"RETAKE": "Red", "CHECK": "Yellow"})
    return ok, f"{len(found)} rows on source timecode"


def check_avid(path, stem, exp):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    bad = [cols for cols in lines if len(cols) != 6]
    if bad:
        fail("avid", stem, f"lines without the six columns user/timecode/track/colour/comment/duration: {bad}")
        return False, ""
    found = [(exp.frames(tc), int(duration), comment, colour) for _user, tc, _track, colour, comment, duration in lines]
    ok = check_markers("avid", stem, exp, found, {"RETAKE": "red", "CHECK": "yellow"})
    return ok, f"{len(found)} markers on source timecode"


CHECKS = [("edl", "edl", check_edl), ("xml", "xml", check_fcp7), ("fcpxml", "fcpxml", check_fcpx),
          ("otio", "otio", check_otio), ("avid", "txt", check_avid), ("srt", "srt", check_srt),
          ("vtt", "vtt", check_vtt), ("csv", "csv", check_csv)]

_takes = {}


def json_take(stem):
    return _takes[stem]


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    folder, stems = sys.argv[1], sys.argv[2:]
    passed = 0
    for stem in stems:
        with open(os.path.join(folder, f"{stem}.json"), encoding="utf-8") as f:
            _takes[stem] = json.load(f)["take"]
        exp = Expectation(os.path.join(folder, f"{stem}.json"))
        for fmt, ext, check in CHECKS:
            path = os.path.join(folder, f"{stem}.retakes.{ext}")
            try:
                ok, note = check(path, stem, exp)
            except Exception as e:  # a reader refusing the file is a failure, not a crash of the check
                fail(fmt, stem, f"{type(e).__name__}: {e}")
                ok, note = False, ""
            if ok:
                passed += 1
                print(f"ok {fmt} {stem}: {note}")
    print(f"marker files: {passed} read back, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

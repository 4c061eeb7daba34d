import Director
import Foundation
import Reports
import Testing
import TakeSenseTestSupport

/// Every marker format read back by the editing world's own readers (OpenTimelineIO 0.18 with its CMX 3600,
/// FCP 7 XML and FCPXML adapters, pycmx, srt, webvtt-py; `Scripts/check_marker_files.py`): for takes whose
/// own timecode starts at 01:02:03:04 (25 and 23.976 fps) or on drop-frame clocks (29.97 and 59.94 DF, spans
/// crossing a minute where drop-frame skips labels), each span must be a marker at its exact source
/// timecode and duration. Skipped with a message when Python or those packages are missing
/// (`./setup.sh test` installs them).
@Suite(
    .enabled(
        if: MarkerReaders.available,
        """
        python3 with opentimelineio 0.18, otio-cmx3600/fcp/fcpx-xml adapters, pycmx, srt, webvtt-py is missing \
        (./setup.sh test installs them): skipping the marker read-back
        """
    ))
struct MarkerReadBackTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// (file name, source timecode, rate, decision: retake or keep with spans to check, spans)
    static let takes: [(String, String, FrameRate, Verdict.Decision, [(Double, Double)])] = [
        ("/shoot/day1/A001_C003.mov", "01:02:03:04", FrameRate(numerator: 25), .retake, [(0.52, 1.2), (12.4, 18.0), (19.0, 19.96)]),
        ("/shoot/day1/A001_C004 (23.976).mov", "01:02:03:04", FrameRate(numerator: 24000, denominator: 1001), .keep, [(3.3, 4.1), (15.02, 19.5)]),
        // 29.97 DF from 01:02:59;20: the second span starts before 01:03:00;02 (no ;00 or ;01 in minute 3) and ends after it.
        (
            "/shoot/day2/B002_C001_DF.mov", "01:02:59;20", FrameRate(numerator: 30000, denominator: 1001, dropFrame: true), .retake,
            [(0.1, 0.2), (0.3, 2.75), (12.4, 18.0)]
        ),
        (
            "/shoot/day2/B002_C002_5994DF.mxf", "10:59:55;10", FrameRate(numerator: 60000, denominator: 1001, dropFrame: true), .retake,
            [(4.0, 6.5), (9.99, 10.01)]
        ),
    ]

    static func take(_ i: Int) throws -> TakeAnalysis {
        let (name, tc, rate, decision, spans) = takes[i]
        var t = decision == .retake ? Fixtures.retakeTake(name: name) : Fixtures.keepTake(name: name)
        t.duration = 20
        t.frameRate = rate.fps
        t.verdict.decision = decision
        t.verdict.spans = spans.enumerated().map { k, s in
            VerdictSpan(
                start: s.0, end: s.1,
                reason: k == 1 ? "the face reads happy (0.71) while the voice reads \"sad\" (0.64) | <b> & more" : "span \(k + 1) of \(name)")
        }
        return t.withSpanTimecodes(SourceTimecode(start: try SMPTETimecode(tc, rate: rate), origin: .file))
    }

    @Test("OpenTimelineIO, pycmx, srt and webvtt-py find every span at its source timecode and duration in every format")
    func everyFormatReadsBack() throws {
        let dir = try Fixtures.temporaryDirectory()
        let takes = try (0..<Self.takes.count).map(Self.take)
        let comparison = TakeComparison(ranking: takes)
        var stems: [String] = []
        for (take, stem) in zip(takes, TakeStems.stems(of: takes.map(\.take))) {
            // The expectation: the analysis as JSON (spans with start_timecode / end_timecode).
            try JSONReportWriter().write(take, to: dir.appendingPathComponent("\(stem).json"))
            stems.append(stem)
        }
        let written = try ReportOutputs.write(comparison, markers: MarkerFormat.allCases, markersDir: dir.path)
        #expect(written.count == MarkerFormat.allCases.count * takes.count)
        #expect(takes[0].verdict.spans[1].startTimecode == "01:02:15:14")

        let result = try Tool.run("/usr/bin/env", ["python3", Self.repository.appendingPathComponent("Scripts/check_marker_files.py").path, dir.path] + stems,
                                      timeout: 300)
        #expect(result.status == 0, "\(result.output)\n(files kept in \(dir.path))")
        // Every format of every take was checked, none skipped.
        for stem in stems {
            for format in MarkerFormat.allCases {
                #expect(result.output.contains("ok \(format.rawValue) \(stem):"), "no check of \(format.rawValue) for \(stem)")
            }
        }
        if result.status == 0 { try? FileManager.default.removeItem(at: dir) }
    }

    @Test("The check catches markers one frame off the source timecode")
    func oneFrameOffIsCaught() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let take = try Self.take(0)
        try JSONReportWriter().write(take, to: dir.appendingPathComponent("A001_C003.json"))
        // The markers written for a clock one frame later than the JSON says.
        let shifted = take.withSpanTimecodes(SourceTimecode(start: try SMPTETimecode("01:02:03:05", rate: FrameRate(numerator: 25)), origin: .file))
        try ReportOutputs.write(TakeComparison(single: shifted), markers: MarkerFormat.allCases, markersDir: dir.path)
        let result = try Tool.run(
            "/usr/bin/env", ["python3", Self.repository.appendingPathComponent("Scripts/check_marker_files.py").path, dir.path, "A001_C003"],
                                  timeout: 300)
        #expect(result.status == 1)
        for format in ["edl", "xml", "fcpxml", "otio", "avid", "csv"] {
            #expect(result.output.contains("FAIL \(format) A001_C003: RETAKE 1 at 01:02:03:18, expected 01:02:03:17")
                    || result.output.contains("FAIL \(format) A001_C003: clip starts at 01:02:03:05"), "\(format) not caught:\n\(result.output)")
        }
        // Subtitles count player time from the take's start: unaffected.
        #expect(result.output.contains("ok srt A001_C003:") && result.output.contains("ok vtt A001_C003:"))
    }
}

enum MarkerReaders {
    static let available: Bool = {
        guard let result = try? Tool.run("/usr/bin/env", ["python3", "-c",
                    "import opentimelineio, otio_cmx3600_adapter, otio_fcp_adapter, otio_fcpx_xml_adapter, pycmx, srt, webvtt; assert "
                        + "opentimelineio.__version__.startswith('0.18')",
                ],
            timeout: 60) else { return false }
        return result.status == 0
    }()
}

import Foundation
import Testing

@testable import Director

/// SMPTE timecode arithmetic (drop-frame included) against OpenTimelineIO's opentime, through the fixture
/// `TimecodeReference.swift` made by `Scripts/make_timecode_fixture.py`.
@Suite struct TimecodeTests {
    @Test("Frames → timecode → frames matches OpenTimelineIO at 23.976, 24, 25, 29.97 DF/NDF, 30, 50, 59.94 DF/NDF, 60")
    func framesAgainstOTIO() throws {
        #expect(otioFrameCases.count > 300)
        var checked = 0
        for (n, d, drop, frames, expected) in otioFrameCases {
            let rate = FrameRate(numerator: n, denominator: d, dropFrame: drop)
            let tc = SMPTETimecode(frames: frames, rate: rate)
            #expect(tc.description == expected, "\(rate) frame \(frames)")
            let parsed = try SMPTETimecode(expected, rate: FrameRate(numerator: n, denominator: d))
            #expect(parsed.frames == frames && parsed.rate.dropFrame == drop, "\(rate) \(expected)")
            checked += 1
        }
        #expect(checked == otioFrameCases.count)
    }

    @Test("Seconds into a take starting at a timecode → timecode, as OpenTimelineIO counts it")
    func secondsAgainstOTIO() throws {
        for (n, d, drop, start, seconds, expected) in otioSecondsCases {
            let rate = FrameRate(numerator: n, denominator: d, dropFrame: drop)
            let source = SourceTimecode(start: try SMPTETimecode(start, rate: rate), origin: .file)
            #expect(source.timecode(atSeconds: seconds).description == expected, "\(rate) \(start) + \(seconds) s")
        }
    }

    @Test("Standard rates from measured ones, with their names")
    func standardRates() {
        #expect(FrameRate.standard(23.976).fraction == "24000/1001")
        #expect(FrameRate.standard(23.976023976).description == "23.976")
        #expect(FrameRate.standard(29.97, dropFrame: true).description == "29.97 DF")
        #expect(FrameRate.standard(59.94).description == "59.94 NDF")
        #expect(FrameRate.standard(25).description == "25")
        #expect(FrameRate.standard(24, dropFrame: true).dropFrame == false)  // no drop-frame at 24
        #expect(FrameRate.standard(29.5).fraction == "29500/1000")
        #expect(FrameRate.standard(.nan) == .fps25)
    }

    @Test("Malformed timecodes are refused with one line")
    func malformed() {
        let rate = FrameRate(numerator: 25)
        for bad in [
            "", "1:02:03:04", "01:02:03", "01:02:03:04:05", "aa:bb:cc:dd", "01-02-03-04", "01:60:00:00", "24:00:00:00", "01:02:03:25", "-1:02:03:04",
            "01:02:03:+4",
        ] {
            #expect(throws: TimecodeError.self, "\(bad)") { _ = try SMPTETimecode(bad, rate: rate) }
        }
        let error = #expect(throws: TimecodeError.self) { _ = try SMPTETimecode("00:01:00;01", rate: FrameRate(numerator: 30000, denominator: 1001)) }
        #expect(error?.description.contains("drop-frame timecode skips frames 00–01") == true)
        #expect(error.map { !$0.description.contains("\n") } == true)
        // Minute ten keeps its frames 00 and 01.
        #expect((try? SMPTETimecode("00:10:00;00", rate: FrameRate(numerator: 30000, denominator: 1001)))?.frames == 17982)
        // ";" at a rate without drop-frame counts non-drop.
        #expect((try? SMPTETimecode("01:00:00;00", rate: rate))?.frames == 90000)
    }

    @Test("Span timecodes fill in on the take's source clock, and survive JSON")
    func spanTimecodes() throws {
        let rate = FrameRate(numerator: 30000, denominator: 1001, dropFrame: true)
        let source = SourceTimecode(start: try SMPTETimecode("01:02:03;04", rate: rate), origin: .file)
        var take = TakeAnalysis(take: "t.mov", duration: 70, frameRate: 29.97, labels: ["happy", "sad"],
                                face: FaceAnalysis(coverage: 1, emotion: nil, probabilities: [:], frames: [], sampledFrames: 0, otherFaces: 0),
                                voice: VoiceAnalysis(coverage: 0, speechSeconds: 0, emotion: nil, probabilities: [:], segments: []),
                                congruence: Congruence(agree: nil, score: nil, jsDivergence: nil, segments: [], intended: nil),
                                verdict: Verdict(decision: .retake, reasons: [], spans: [VerdictSpan(start: 10, end: 60.5, reason: "r")]),
            settings: AnalysisSettings(faceModel: "f", voiceModel: "v", detector: "d", faceFPS: 5, speech: "s", intended: nil, policy: .init()))
        // Without a source timecode: 00:00:00:00 at the file's rate (29.97 non-drop).
        let plain = take.withSpanTimecodes()
        #expect(plain.verdict.spans[0].startTimecode == "00:00:10:00")  // frame 300 (10 s × 29.97 = 299.7)
        take = take.withSpanTimecodes(source)
        #expect(take.sourceTimecode == source)
        // 01:02:03;04 is frame 111_582; +300 (10 s) = 01:02:13;04; +1813 (60.5 s) = 113_395 = 01:03:03;19 (minute 3 skips ;00 and ;01), as OTIO counts.
        #expect(take.verdict.spans[0].startTimecode == "01:02:13;04")
        #expect(take.verdict.spans[0].endTimecode == "01:03:03;19")
        let json = try JSONEncoder().encode(take)
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        let tc = try #require(object["source_timecode"] as? [String: Any])
        #expect(tc["start"] as? String == "01:02:03;04" && tc["frame_rate"] as? String == "30000/1001" && tc["drop_frame"] as? Bool == true)
        let span = try #require(((object["verdict"] as? [String: Any])?["spans"] as? [[String: Any]])?.first)
        #expect(span["start_timecode"] as? String == "01:02:13;04" && span["end_timecode"] as? String == "01:03:03;19")
        #expect(try JSONDecoder().decode(TakeAnalysis.self, from: json) == take)
    }

    @Test("From what probe reports of `ffmpeg -timecode` files (MediaTests/TimecodeProbeTests) to the take's clock")
    func fromProbe() throws {
        let df = SourceTimecode(probedTimecode: "01:02:03;04", frameRateFraction: "30000/1001", frameRate: 29.97002997)
        #expect(df.origin == .file && df.rate == FrameRate(numerator: 30000, denominator: 1001, dropFrame: true) && df.start.frames == 111_582)
        let df60 = SourceTimecode(probedTimecode: "10:59:59;59", frameRateFraction: "60000/1001", frameRate: nil)
        #expect(df60.rate.dropFrame && df60.rate.description == "59.94 DF" && df60.start.description == "10:59:59;59")
        let film = SourceTimecode(probedTimecode: "01:02:03:04", frameRateFraction: "24000/1001", frameRate: 23.976)
        #expect(film.rate.fraction == "24000/1001" && !film.rate.dropFrame && film.start.frames == (3723 * 24 + 4))
        // A phone clip's average rate counts as the standard rate it stands for.
        #expect(SourceTimecode(probedTimecode: nil, frameRateFraction: "2997/100", frameRate: nil).rate.fraction == "30000/1001")
        // No tag, or one that is not a timecode at that rate: 00:00:00:00, origin none.
        let none = SourceTimecode(probedTimecode: nil, frameRateFraction: "25/1", frameRate: 25)
        #expect(none.origin == .none && none.start.frames == 0 && none.rate == .fps25)
        #expect(SourceTimecode(probedTimecode: "01:02:03:29", frameRateFraction: "25/1", frameRate: 25).origin == .none)
        #expect(SourceTimecode(probedTimecode: "garbage", frameRateFraction: nil, frameRate: nil).rate == .fps25)
    }
}

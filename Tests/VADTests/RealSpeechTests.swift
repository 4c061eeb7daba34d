import Foundation
import Media
import Testing
#if canImport(VAD)
@testable import VAD  // the scratch package that builds VoiceActivity.swift on its own
#else
@testable import VoiceActivity
#endif

/// The 60 RAVDESS clips of the fixture (three per actor), read with `AudioReader`, or nil when the
/// shared data is absent.
enum RAVDESSClips {
    struct Clip: Sendable {
        var name: String
        var samples: [Float]
        /// Reference sentence span in the clip, seconds.
        var span: ClosedRange<Double>
        var webrtcvad2: ClosedRange<Double>?
        var webrtcvad3: ClosedRange<Double>?
    }

    static let fixtureURL = Bundle.module.url(forResource: "ravdess_speech", withExtension: "json", subdirectory: "Fixtures")

    static let all: [Clip]? = {
        guard let root = VADRealData.ravdess, let url = fixtureURL, let fixture = try? VADFixture.load(url) else { return nil }
        var clips: [Clip] = []
        for c in fixture.clips {
            guard let samples = try? AudioReader.readAll(url: URL(fileURLWithPath: root + "/" + c.file)) else { return nil }
            clips.append(Clip(name: c.file, samples: samples, span: c.start...c.end,
                              webrtcvad2: c.webrtcvad2.map { $0[0]...$0[1] }, webrtcvad3: c.webrtcvad3.map { $0[0]...$0[1] }))
        }
        return clips
    }()

    static var available: Bool { VADRealData.ravdess != nil }

    static func track(speechLevel: Double?, gap: SpeechTrack.Gap) throws -> SpeechTrack {
        let clips = try #require(all, "RAVDESS clips could not be read")
        return SpeechTrack.build(clips.map { ($0.samples, $0.span, $0.name) }, speechLevel: speechLevel, gap: gap)
    }
}

/// One test condition: the 60 sentences strung together with 0.8–2.5 s gaps (seeded), and what the
/// detector must reach there. The bars sit a little below what was measured (noted for each).
struct RealCondition: Sendable, CustomTestStringConvertible {
    var speechLevel: Double?
    var gap: SpeechTrack.Gap
    /// Frame-level F1 against the reference, default settings (0.1 s padding).
    var minimumF1: Double
    /// Clips found as exactly one segment (of 60).
    var minimumSingle: Int
    /// Share of sentence starts and ends within ±0.25 s of the reference.
    var minimumWithin250: Double
    /// Most segments any one clip may be found as.
    var maximumPerClip = 2

    var testDescription: String { "\(speechLevel.map { "levelled to \(Int($0)) dBFS" } ?? "RAVDESS levels"), \(gap)" }

    // Measured with the defaults (0.1 s padding), in the comments: frame F1; clips found as one
    // segment; sentence starts and ends within ±0.25 s / ±0.15 s of the reference. Speech in the gaps:
    // none in any condition. Without padding the F1s are 0.942, 0.792, 0.953, 0.951, 0.955 (in this
    // order); starts then sit on the reference (median -0.03 to +0.02 s) and ends come 0.07–0.15 s
    // early: the reference's ends carry the decay of the last syllable.
    static let all: [RealCondition] = [
        // F1 0.934; 58/60; 94.8 % / 83.6 %. RAVDESS levels as recorded, digital silence between the
        // clips: only the clips' own near-silence (-85 to -120 dBFS) around the sentences. One calm
        // clip (Actor_09, speech mostly at -60 to -80 dBFS) stays under the -65 dBFS absolute floor.
        RealCondition(speechLevel: nil, gap: .silence, minimumF1: 0.91, minimumSingle: 56, minimumWithin250: 0.90),
        // F1 0.827; 46/60; 91.3 % / 88.0 %. RAVDESS levels under white noise at -50 dBFS: the quiet
        // (calm, neutral) clips' speech, at -45 to -75 dBFS, is at or under the noise, and 14 of them
        // are missed or found in part (one in three pieces) — what stays audible is found, nothing in the gaps.
        RealCondition(speechLevel: nil, gap: .noiseLevel(.white, dBFS: -50), minimumF1: 0.80, minimumSingle: 44, minimumWithin250: 0.87,
                      maximumPerClip: 3),
        // F1 0.954; 59/60; 98.3 % / 88.1 %. Each clip levelled to -26 dBFS mean speech power (as
        // dialogue is in a mix), white noise at -50 dBFS (24 dB SNR).
        RealCondition(speechLevel: -26, gap: .noiseLevel(.white, dBFS: -50), minimumF1: 0.93, minimumSingle: 57, minimumWithin250: 0.95),
        // F1 0.955; 59/60; 98.3 % / 91.5 %. Pink noise 20 dB under the speech.
        RealCondition(speechLevel: -26, gap: .noiseSNR(.pink, snr: 20), minimumF1: 0.93, minimumSingle: 57, minimumWithin250: 0.95),
        // F1 0.940; 59/60; 94.9 % / 78.0 %. Brown noise 20 dB under the speech. It puts little energy
        // in the speech band, so the band floor is low and quiet breaths before the sentences come
        // above it: starts are earlier (median -0.13 s with the padding).
        RealCondition(speechLevel: -26, gap: .noiseSNR(.brown, snr: 20), minimumF1: 0.92, minimumSingle: 57, minimumWithin250: 0.92),
    ]
}

@Suite("Voice activity detector: RAVDESS sentences with pauses (shared/data)")
struct VADRealSpeechTests {
    static let skipReason: Comment =
        "shared/data/ravdess not found (set TAKESENSE_SHARED_DATA to the shared/data folder); skipping the VAD checks on real speech"

    @Test(.enabled(if: RAVDESSClips.available, skipReason))
    func fixtureMatchesTheFiles() throws {
        let url = try #require(RAVDESSClips.fixtureURL)
        let fixture = try VADFixture.load(url)
        let clips = try #require(RAVDESSClips.all)
        #expect(clips.count == 60)
        #expect(Set(clips.map { $0.name.prefix(8) }).count == 20)  // Actor_01 ... Actor_20
        for (clip, entry) in zip(clips, fixture.clips) {
            #expect(clip.samples.count == entry.samples, "\(clip.name): AudioReader gives \(clip.samples.count) samples, the fixture \(entry.samples)")
            #expect(clip.span.lowerBound > 0.3 && clip.span.upperBound < Double(entry.samples) / 16_000 - 0.3, "\(clip.name)")
        }
    }

    @Test(.enabled(if: RAVDESSClips.available, skipReason), arguments: RealCondition.all)
    func sentencesWithPauses(_ condition: RealCondition) throws {
        let track = try RAVDESSClips.track(speechLevel: condition.speechLevel, gap: condition.gap)
        let found = VoiceActivityDetector().segments(samples: track.samples)
        checkInvariants(found, count: track.samples.count)
        let score = VADScore(segments: found.map { ($0.start, $0.end) }, track: track)
        var bare = VoiceActivityDetector.Configuration()
        bare.padding = 0
        let unpadded = VADScore(segments: VoiceActivityDetector(configuration: bare).segments(samples: track.samples).map { ($0.start, $0.end) }, track: track)
        print("VAD on \(condition.testDescription): \(found.count) segments; \(score); without padding: \(unpadded)")

        #expect(score.f1 >= condition.minimumF1, "frame F1 \(score.f1)")
        // Nothing in the inserted gaps (0.8–2.5 s, plus the clips' own lead-in and tail of 0.5–1 s).
        #expect(score.gapSpeech == 0, "\(score.gapSpeech) s of speech found in the gaps")
        // One segment per sentence: the gaps are far longer than the 0.3 s bridging.
        #expect(score.segmentsPerClip.filter { $0 == 1 }.count >= condition.minimumSingle, "\(score.segmentsPerClip)")
        #expect(score.segmentsPerClip.filter { $0 > condition.maximumPerClip }.isEmpty, "\(score.segmentsPerClip)")
        #expect(score.withinTolerance(0.25) >= condition.minimumWithin250, "\(score.withinTolerance(0.25))")
        // Padding (0.1 s) puts starts a little early and ends on the reference, whose ends carry ~0.1 s of decay.
        #expect(abs(VADScore.percentile(score.startErrors, 50) + 0.1) <= 0.08, "\(score.startErrors)")
        #expect(abs(VADScore.percentile(score.endErrors, 50)) <= 0.08, "\(score.endErrors)")
    }

    @Test(.enabled(if: RAVDESSClips.available, skipReason))
    func realSpeechThroughout() throws {
        // The 60 reference spans back to back (about 100 s of speech without a pause over 0.3 s
        // between sentences), levelled to -26 dBFS, over pink noise at 20 dB SNR.
        let clips = try #require(RAVDESSClips.all)
        let spans = clips.map { clip -> (samples: [Float], span: ClosedRange<Double>, name: String) in
            let lo = Int(clip.span.lowerBound * 16_000), hi = min(clip.samples.count, Int(clip.span.upperBound * 16_000))
            let cut = Array(clip.samples[lo..<hi])
            return (cut, 0...(Double(cut.count) / 16_000), clip.name)
        }
        let track = SpeechTrack.build(spans, gapRange: 0...0, speechLevel: -26, gap: .noiseSNR(.pink, snr: 20))
        let seconds = Double(track.samples.count) / 16_000
        for (config, maximum) in [(VoiceActivityDetector.Configuration.standard, 10.0), (.longSegments, 30.0)] {
            let found = VoiceActivityDetector(configuration: config).segments(samples: track.samples)
            checkInvariants(found, count: track.samples.count, maximum: maximum)
            let covered = found.reduce(0) { $0 + $1.duration }
            print(
                String(
                    format: "VAD on %.1f s of speech throughout, max %.0f s: %d segments, %.1f %% covered, durations %@", seconds, maximum, found.count,
                    covered / seconds * 100,
                         found.map { String(format: "%.1f", $0.duration) }.joined(separator: " ")))
            #expect(covered / seconds >= 0.97, "covered \(covered) of \(seconds) s")
            #expect(found.count >= Int((seconds / maximum).rounded(.up)))
        }
    }

    @Test(.enabled(if: RAVDESSClips.available, skipReason))
    func webrtcvadForComparison() throws {
        // Not a check of the detector: how webrtcvad (spans stored in the fixture) scores against the same
        // reference, to put the detector's numbers in context. Measured: aggressiveness 2 F1 0.927,
        // aggressiveness 3 F1 0.903 (misses quiet speech: ends 0.5 s early at the 90th percentile).
        let track = try RAVDESSClips.track(speechLevel: nil, gap: .silence)
        let clips = try #require(RAVDESSClips.all)
        for mode in [2, 3] {
            let spans: [(start: Double, end: Double)] = zip(clips, track.clips).compactMap { clip, placed in
                guard let s = mode == 2 ? clip.webrtcvad2 : clip.webrtcvad3 else { return nil }
                return (placed.lowerBound + s.lowerBound, placed.lowerBound + s.upperBound)
            }
            let score = VADScore(segments: spans, track: track)
            print("webrtcvad aggressiveness \(mode) vs the reference: \(score)")
            #expect(score.f1 > 0.85)
        }
    }
}

import Director
import Foundation
import Media
import Reports

/// Realistic analyses built the way `takesense analyze` builds them: hand-made face frames and voice
/// segments through `TakeAssembler`.
enum Fixtures {
    static let labels = ["angry", "happy", "neutral", "sad"]

    static let settings = AnalysisSettings(faceModel: "fernet-fer2013 (e20)", voiceModel: "voice-cnn-ravdess", detector: "haar + track",
                                           faceFPS: 2, speech: "energy VAD (-35 dBFS, 0.3 s)", intended: nil, policy: VerdictPolicy())

    /// Face probabilities reading `top` with a little movement over time.
    static func face(_ top: String, t: Double) -> EmotionProbabilities {
        let wobble = 0.04 * sin(t * 1.3)
        var p: EmotionProbabilities = ["angry": 0.05, "happy": 0.09, "neutral": 0.15 - wobble, "sad": 0.09]
        p[top] = 0.71 + wobble
        return p
    }

    static func frames(_ times: [Double], _ top: (Double) -> String) -> [FaceFrame] {
        times.map { t in FaceFrame(t: t, box: [412.5, 180, 220, 220], probabilities: face(top(t), t: t)) }
    }

    static func stride(_ from: Double, _ to: Double, _ by: Double) -> [Double] {
        Array(Swift.stride(from: from, through: to + 1e-9, by: by)).map { ($0 * 1000).rounded() / 1000 }
    }

    /// A small synthetic face: an oval with eyes and a mouth, shaded, `size`×`size`.
    static func facePixels(size: Int, smile: Bool) -> [UInt8] {
        var px = [UInt8](repeating: 40, count: size * size)
        let c = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let dx = (Double(x) - c) / (c * 0.78), dy = (Double(y) - c) / (c * 0.95)
                var v = 40.0
                if dx * dx + dy * dy < 1 { v = 200 - 60 * (dx * dx + dy * dy) }
                let ex = abs(Double(x) - c) - c * 0.33, ey = Double(y) - c * 0.8
                if ex * ex + ey * ey < c * c * 0.012 { v = 30 }
                let my = Double(y) - c * (smile ? 1.25 : 1.35) - (smile ? -0.012 : 0.012) * pow(Double(x) - c, 2)
                if abs(Double(x) - c) < c * 0.4, abs(my) < c * 0.05 { v = 60 }
                px[y * size + x] = UInt8(max(0, min(255, v)))
            }
        }
        return px
    }

    static func thumbnails(_ times: [Double], smile: Bool = true) -> [Thumbnail] {
        let png = PNGEncoder.encodeGray(width: 48, height: 48, pixels: facePixels(size: 48, smile: smile)).base64EncodedString()
        return times.map { Thumbnail(t: $0, width: 48, height: 48, png: png) }
    }

    static let happyVoice: EmotionProbabilities = ["angry": 0.05, "happy": 0.70, "neutral": 0.15, "sad": 0.10]
    static let sadVoice: EmotionProbabilities = ["angry": 0.04, "happy": 0.03, "neutral": 0.08, "sad": 0.85]

    /// A 20 s take: the face reads happy throughout; the voice is happy 0–10 s and sad 12.4–18 s,
    /// so 12.4–18 is a retake span and the take a retake.
    static func retakeTake(name: String = "/shoot/day2/scene4_take1.mov") -> TakeAnalysis {
        let times = stride(0, 20, 0.5)
        return TakeAssembler(labels: labels).assemble(
            take: name, duration: 20, faceFrames: frames(times) { _ in "happy" }, sampledTimes: times, otherFaces: 1,
            thumbnails: thumbnails([2, 8, 14]),
            voiceSegments: [VoiceEmotionSegment(start: 0, end: 10, emotion: "", probabilities: happyVoice),
                            VoiceEmotionSegment(start: 12.4, end: 18, emotion: "", probabilities: sadVoice)],
            settings: settings)
    }

    /// A 16 s take where face and voice both read happy, with a gap in the face (lost 6–8 s).
    static func keepTake(name: String = "/shoot/day2/scene4_take2.mov") -> TakeAnalysis {
        let sampled = stride(0, 16, 0.5)
        let seen = sampled.filter { $0 < 6 || $0 > 8 }
        return TakeAssembler(labels: labels).assemble(
            take: name, duration: 16, faceFrames: frames(seen) { _ in "happy" }, sampledTimes: sampled, otherFaces: 0,
            thumbnails: thumbnails([3, 11]),
            voiceSegments: [VoiceEmotionSegment(start: 0.8, end: 7.5, emotion: "", probabilities: happyVoice),
                            VoiceEmotionSegment(start: 9, end: 15.2, emotion: "", probabilities: ["angry": 0.04, "happy": 0.78, "neutral": 0.12, "sad": 0.06])],
            settings: settings)
    }

    /// A take with no face found: unsure. Its name holds characters that need escaping everywhere.
    static func unsureTake(name: String = "a<b>&\"c\".mov") -> TakeAnalysis {
        let sampled = stride(0, 10, 0.5)
        return TakeAssembler(labels: labels).assemble(
            take: name, duration: 10, faceFrames: [], sampledTimes: sampled, otherFaces: 0,
            voiceSegments: [VoiceEmotionSegment(start: 1, end: 6, emotion: "", probabilities: sadVoice)],
            settings: settings)
    }

    static func comparison() -> TakeComparison {
        TakeComparison(ranking: [retakeTake(), keepTake(), unsureTake()])
    }

    /// A fresh folder under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reports-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}


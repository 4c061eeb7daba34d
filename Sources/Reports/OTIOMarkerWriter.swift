import Director
import Foundation

/// OpenTimelineIO JSON (`.otio`, the ASWF interchange format; schema of OpenTimelineIO 0.15–0.18): a timeline
/// with one video track holding the take as a clip on its source range, and one marker per span on that clip.
///
/// - Times are `RationalTime`s at the take's exact rate (`rate` 29.97002997…, values in frames counted from
///   00:00:00:00), so the clip's `source_range` starts at the take's source timecode and each marker's
///   `marked_range` is the span on that same clock (OpenTimelineIO places clip markers in the clip's source time).
/// - Marker `color` RED for RETAKE, YELLOW for CHECK; `comment` the reason; `metadata.takesense` the verdict,
///   its reasons, the span's timecodes and the scores (take congruence, face and voice over the speech
///   segments the span covers).
/// - The timeline starts at 01:00:00:00 (`global_start_time`); its metadata holds the take's source timecode.
public struct OTIOMarkerWriter: MarkerWriting {
    public var fileExtension: String { "otio" }

    public init() {}

    public func render(_ take: TakeAnalysis) throws -> String {
        let take = take.withSpanTimecodes()
        let clock = SourceFrames(take)
        let fps = clock.rate.fps
        func time(_ frames: Int) -> OTIO.Time { OTIO.Time(rate: fps, value: Double(frames)) }
        func range(_ start: Int, _ duration: Int) -> OTIO.Range { OTIO.Range(duration: time(duration), start_time: time(start)) }

        let spans = take.verdict.spans.filter { $0.start.isFinite && $0.end.isFinite }.sorted { $0.start < $1.start }
        let markers = zip(Marker.markers(for: take), spans).map { m, span -> OTIO.MarkerObject in
            let (start, duration) = clock.offsets(m)
            let segments = take.congruence.segments.filter { $0.start < span.end && $0.end > span.start }.map { s -> JSONValue in
                .object(["start": .number(s.start), "end": .number(s.end), "score": s.score.map(JSONValue.number) ?? .null,
                         "face_emotion": s.faceEmotion.map(JSONValue.string) ?? .null, "voice_emotion": .string(s.voiceEmotion),
                         "face": s.face.map(JSONValue.probabilities) ?? .null, "voice": .probabilities(s.voice)])
            }
            let meta: JSONValue = .object([
                "takesense": .object([
                    "kind": .string(m.kind.rawValue),
                    "verdict": .string(take.verdict.decision.rawValue),
                    "reasons": .array(take.verdict.reasons.map(JSONValue.string)),
                    "reason": .string(m.reason),
                    "start": .number(m.start), "end": .number(m.end),
                    "start_timecode": .string(clock.timecode(clock.first + start)),
                    "end_timecode": .string(span.endTimecode ?? clock.timecode(clock.first + start + duration)),
                    "duration_frames": .number(Double(duration)),
                    "scores": .object([
                        "congruence": take.congruence.score.map(JSONValue.number) ?? .null,
                        "face_emotion": take.face.emotion.map(JSONValue.string) ?? .null,
                        "voice_emotion": take.voice.emotion.map(JSONValue.string) ?? .null,
                        "segments": .array(segments),
                    ]),
                ]),
            ])
            return OTIO.MarkerObject(metadata: meta, name: m.name, color: m.kind == .retake ? "RED" : "YELLOW",
                                     marked_range: range(clock.first + start, duration), comment: m.reason)
        }
        let source = range(clock.first, clock.length)
        let clip = OTIO.Clip(
            metadata: .object(["takesense": .object(["verdict": .string(take.verdict.decision.rawValue),
                                                     "reasons": .array(take.verdict.reasons.map(JSONValue.string))])]),
            name: EDLMarkerWriter.title(take.take), source_range: source, markers: markers,
            media_references: ["DEFAULT_MEDIA": OTIO.ExternalReference(available_range: source, target_url: FCP7XMLMarkerWriter.fileURL(take.take))])
        let sequenceStart = (try? SMPTETimecode(clock.rate.dropFrame ? "01:00:00;00" : "01:00:00:00", rate: clock.rate).frames) ?? 0
        let timeline = OTIO.Timeline(
            metadata: .object(["takesense": .object([
                "take": .string(take.take),
                "source_timecode": .string(clock.startTimecode),
                "frame_rate": .string(clock.rate.fraction),
                "drop_frame": .bool(clock.rate.dropFrame),
                "timecode_origin": .string(clock.source.origin.rawValue),
            ])]),
            name: "\(TakeStems.stem(of: take.take)) retakes", global_start_time: time(sequenceStart),
            tracks: OTIO.Stack(children: [OTIO.Track(name: "V1", children: [clip])]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(timeline), as: UTF8.self) + "\n"
    }
}

/// The OpenTimelineIO schema objects TakeSense writes, with OTIO's own key names.
enum OTIO {
    struct Time: Encodable {
        var OTIO_SCHEMA = "RationalTime.1"
        var rate: Double
        var value: Double
    }

    struct Range: Encodable {
        var OTIO_SCHEMA = "TimeRange.1"
        var duration: Time
        var start_time: Time
    }

    struct Timeline: Encodable {
        var OTIO_SCHEMA = "Timeline.1"
        var metadata: JSONValue
        var name: String
        var global_start_time: Time
        var tracks: Stack
    }

    struct Stack: Encodable {
        var OTIO_SCHEMA = "Stack.1"
        var metadata: JSONValue = .object([:])
        var name = "tracks"
        var source_range = JSONValue.null
        var effects: [JSONValue] = []
        var markers: [MarkerObject] = []
        var enabled = true
        var color = JSONValue.null
        var children: [Track]
    }

    struct Track: Encodable {
        var OTIO_SCHEMA = "Track.1"
        var metadata: JSONValue = .object([:])
        var name: String
        var source_range = JSONValue.null
        var effects: [JSONValue] = []
        var markers: [MarkerObject] = []
        var enabled = true
        var color = JSONValue.null
        var children: [Clip]
        var kind = "Video"
    }

    struct Clip: Encodable {
        var OTIO_SCHEMA = "Clip.2"
        var metadata: JSONValue
        var name: String
        var source_range: Range
        var effects: [JSONValue] = []
        var markers: [MarkerObject]
        var enabled = true
        var color = JSONValue.null
        var media_references: [String: ExternalReference]
        var active_media_reference_key = "DEFAULT_MEDIA"
    }

    struct ExternalReference: Encodable {
        var OTIO_SCHEMA = "ExternalReference.1"
        var metadata: JSONValue = .object([:])
        var name = ""
        var available_range: Range
        var available_image_bounds = JSONValue.null
        var target_url: String
    }

    struct MarkerObject: Encodable {
        var OTIO_SCHEMA = "Marker.2"
        var metadata: JSONValue
        var name: String
        var color: String
        var marked_range: Range
        var comment: String
    }
}

/// A JSON value of any shape (OTIO metadata dictionaries).
enum JSONValue: Encodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    static func probabilities(_ p: EmotionProbabilities) -> JSONValue { .object(p.mapValues(JSONValue.number)) }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let x): if x.isFinite { try c.encode(x) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

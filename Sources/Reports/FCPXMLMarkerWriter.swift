import Director
import Foundation
import XMLCoder

/// FCPXML 1.9 (`.fcpxml`), which Final Cut Pro imports: a library event with a project whose sequence holds
/// the take as an `asset-clip` on its source timecode, with one marker per span.
///
///     <fcpxml version="1.9"><resources>
///       <format id="r1" frameDuration="1/25s"/>
///       <asset id="r2" name="scene4_take3" start="93079/25s" duration="375/25s" hasVideo="1" hasAudio="1" format="r1">
///         <media-rep kind="original-media" src="file:///shoot/scene4_take3.mov"/></asset>
///     </resources><library><event name="TakeSense"><project name="scene4_take3 retakes">
///       <sequence format="r1" duration="375/25s" tcStart="0s" tcFormat="NDF"><spine>
///         <asset-clip ref="r2" name="scene4_take3.mov" offset="0s" start="93079/25s" duration="375/25s" tcFormat="NDF">
///           <marker start="93389/25s" duration="140/25s" value="RETAKE 1" note="RETAKE: the face reads …" completed="0"/>
///
/// Times are exact rational seconds (frames × 1001/30000 s at 29.97). Marker `start` is in the clip's own
/// time, which for an asset-clip is the source timecode. Final Cut Pro's markers have no free colour: a
/// RETAKE is a to-do marker (`completed="0"`, red), a CHECK a standard marker. Encoded with XMLCoder.
public struct FCPXMLMarkerWriter: MarkerWriting {
    public var fileExtension: String { "fcpxml" }

    public init() {}

    public func render(_ take: TakeAnalysis) throws -> String {
        let clock = SourceFrames(take)
        let rate = clock.rate
        func time(_ frames: Int) -> String { Self.seconds(frames: frames, rate: rate) }
        let tcFormat = rate.dropFrame ? "DF" : "NDF"
        let stem = TakeStems.stem(of: take.take)
        let hasVideo = take.frameRate != nil
        let markers = Marker.markers(for: take).map { m -> FCPXML.MarkerElement in
            let (start, duration) = clock.offsets(m)
            return FCPXML.MarkerElement(start: time(clock.first + start), duration: time(duration), value: m.name, note: m.text,
                                        completed: m.kind == .retake ? "0" : nil)
        }
        let clip = FCPXML.AssetClip(ref: "r2", name: EDLMarkerWriter.title(take.take), offset: "0s", start: time(clock.first),
                                    duration: time(clock.length), format: "r1", tcFormat: tcFormat, marker: markers)
        let document = FCPXML(
            version: "1.9",
            resources: .init(
                format: .init(id: "r1", frameDuration: Self.seconds(frames: 1, rate: rate)),
                asset: .init(id: "r2", name: stem, start: time(clock.first), duration: time(clock.length),
                             hasVideo: hasVideo ? "1" : "0", hasAudio: "1", format: "r1",
                             mediaRep: .init(kind: "original-media", src: FCP7XMLMarkerWriter.fileURL(take.take)))),
            library: .init(event: .init(name: "TakeSense", project: .init(
                name: "\(stem) retakes",
                sequence: .init(format: "r1", duration: time(clock.length), tcStart: "0s", tcFormat: tcFormat,
                                spine: .init(assetClip: clip))))))
        let encoder = XMLEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        encoder.prettyPrintIndentation = .spaces(2)
        let data = try encoder.encode(document, withRootKey: "fcpxml", header: XMLHeader(version: 1.0, encoding: "UTF-8"))
        return XMLDoctype.insert("<!DOCTYPE fcpxml>", into: String(decoding: data, as: UTF8.self))
    }

    /// "N/Ds" exact seconds of `frames` frames (reduced), "0s" for none.
    static func seconds(frames: Int, rate: FrameRate) -> String {
        guard frames != 0 else { return "0s" }
        var n = frames * rate.denominator, d = rate.numerator
        let g = gcd(abs(n), d)
        n /= g
        d /= g
        return d == 1 ? "\(n)s" : "\(n)/\(d)s"
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(1, a) : gcd(b, a % b) }
}

/// The FCPXML 1.9 elements TakeSense writes.
struct FCPXML: Encodable, DynamicNodeEncoding {
    var version: String
    var resources: Resources
    var library: Library

    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "version" ? .attribute : .element }

    struct Resources: Encodable {
        var format: Format
        var asset: Asset
    }

    struct Format: Encodable, DynamicNodeEncoding {
        var id: String
        var frameDuration: String
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }

    struct Asset: Encodable, DynamicNodeEncoding {
        var id: String
        var name: String
        var start: String
        var duration: String
        var hasVideo: String
        var hasAudio: String
        var format: String
        var mediaRep: MediaRep
        enum CodingKeys: String, CodingKey {
            case id, name, start, duration, hasVideo, hasAudio, format
            case mediaRep = "media-rep"
        }
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "media-rep" ? .element : .attribute }
    }

    struct MediaRep: Encodable, DynamicNodeEncoding {
        var kind: String
        var src: String
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }

    struct Library: Encodable { var event: Event }

    struct Event: Encodable, DynamicNodeEncoding {
        var name: String
        var project: Project
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "name" ? .attribute : .element }
    }

    struct Project: Encodable, DynamicNodeEncoding {
        var name: String
        var sequence: Sequence
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "name" ? .attribute : .element }
    }

    struct Sequence: Encodable, DynamicNodeEncoding {
        var format: String
        var duration: String
        var tcStart: String
        var tcFormat: String
        var spine: Spine
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "spine" ? .element : .attribute }
    }

    struct Spine: Encodable {
        var assetClip: AssetClip
        enum CodingKeys: String, CodingKey { case assetClip = "asset-clip" }
    }

    struct AssetClip: Encodable, DynamicNodeEncoding {
        var ref: String
        var name: String
        var offset: String
        var start: String
        var duration: String
        var format: String
        var tcFormat: String
        var marker: [MarkerElement]
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "marker" ? .element : .attribute }
    }

    struct MarkerElement: Encodable, DynamicNodeEncoding {
        var start: String
        var duration: String
        var value: String
        var note: String
        var completed: String?
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
}

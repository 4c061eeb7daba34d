import Director
import Foundation
import XMLCoder

/// Final Cut Pro 7 XML (`.xml`, xmeml version 4), which Adobe Premiere Pro and DaVinci Resolve import: a
/// sequence holding the take as one clip on its source timecode, with one clip marker per span.
///
///     <xmeml version="4"><sequence id="sequence-1"> ... <clipitem id="clipitem-1">
///       <name>scene4_take3.mov</name> <in>0</in> <out>375</out> ...
///       <file id="file-1"> <pathurl>file:///shoot/scene4_take3.mov</pathurl>
///         <timecode><rate>…</rate><string>01:02:03:04</string><frame>93079</frame><displayformat>NDF</displayformat></timecode> …
///       <marker><name>RETAKE 1</name><comment>RETAKE: the face reads …</comment><in>310</in><out>450</out></marker>
///
/// Marker `in`/`out` count frames from the clip's first frame (as FCP 7 places clip markers); the file's
/// `<timecode>` puts that first frame on the source timecode (`frame` counted from 00:00:00:00, `DF`/`NDF`).
/// xmeml markers have no colour: the kind is in the name (RETAKE / CHECK). Encoded with XMLCoder.
public struct FCP7XMLMarkerWriter: MarkerWriting {
    public var fileExtension: String { "xml" }

    public init() {}

    public func render(_ take: TakeAnalysis) throws -> String {
        let clock = SourceFrames(take)
        let rate = XMEML.Rate(clock.rate)
        let name = EDLMarkerWriter.title(take.take)
        let sequenceStart = (try? SMPTETimecode(clock.rate.dropFrame ? "01:00:00;00" : "01:00:00:00", rate: clock.rate).frames) ?? 0
        let markers = Marker.markers(for: take).map { m -> XMEML.MarkerElement in
            let (start, duration) = clock.offsets(m)
            return XMEML.MarkerElement(name: m.name, comment: m.text, in: start, out: start + duration)
        }
        let file = XMEML.File(id: "file-1", name: name, pathurl: Self.fileURL(take.take), rate: rate, duration: clock.length,
                              timecode: XMEML.Timecode(rate: rate, string: clock.startTimecode, frame: clock.first,
                                                       displayformat: clock.rate.dropFrame ? "DF" : "NDF"),
                              media: .init(video: .init()))
        let clip = XMEML.ClipItem(id: "clipitem-1", name: name, duration: clock.length, rate: rate, start: 0, end: clock.length,
                                  in: 0, out: clock.length, file: file, marker: markers)
        let sequence = XMEML.Sequence(
            id: "sequence-1", name: "\(TakeStems.stem(of: take.take)) retakes", duration: clock.length, rate: rate,
            timecode: XMEML.Timecode(rate: rate, string: SMPTETimecode(frames: sequenceStart, rate: clock.rate).description,
                                     frame: sequenceStart, displayformat: clock.rate.dropFrame ? "DF" : "NDF"),
            media: .init(video: .init(track: .init(clipitem: clip))))
        let encoder = XMLEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        encoder.prettyPrintIndentation = .spaces(2)
        let data = try encoder.encode(XMEML(version: "4", sequence: sequence), withRootKey: "xmeml",
                                      header: XMLHeader(version: 1.0, encoding: "UTF-8"))
        // XMLCoder writes only PUBLIC/SYSTEM doctypes; FCP 7 writes the bare `<!DOCTYPE xmeml>`.
        return XMLDoctype.insert("<!DOCTYPE xmeml>", into: String(decoding: data, as: UTF8.self))
    }

    /// `file://` URL of the take (relative paths resolved against the current folder).
    static func fileURL(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.absoluteString }
}

/// The xmeml elements TakeSense writes (a subset of Final Cut Pro 7's XML interchange format).
struct XMEML: Encodable, DynamicNodeEncoding {
    var version: String
    var sequence: Sequence

    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "version" ? .attribute : .element }

    struct Rate: Encodable {
        var timebase: Int
        var ntsc: String
        init(_ r: FrameRate) {
            timebase = r.nominal
            ntsc = r.isNTSC ? "TRUE" : "FALSE"
        }
    }

    struct Timecode: Encodable {
        var rate: Rate
        var string: String
        var frame: Int
        var displayformat: String
    }

    struct Sequence: Encodable, DynamicNodeEncoding {
        var id: String
        var name: String
        var duration: Int
        var rate: Rate
        var timecode: Timecode
        var media: Media
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "id" ? .attribute : .element }
    }

    struct Media: Encodable { var video: Video }
    struct Video: Encodable { var track: Track }
    struct Track: Encodable { var clipitem: ClipItem }

    struct ClipItem: Encodable, DynamicNodeEncoding {
        var id: String
        var name: String
        var duration: Int
        var rate: Rate
        var start: Int
        var end: Int
        var `in`: Int
        var out: Int
        var file: File
        var marker: [MarkerElement]
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "id" ? .attribute : .element }
    }

    struct File: Encodable, DynamicNodeEncoding {
        var id: String
        var name: String
        var pathurl: String
        var rate: Rate
        var duration: Int
        var timecode: Timecode
        var media: FileMedia
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "id" ? .attribute : .element }
    }

    struct FileMedia: Encodable { var video: Empty }
    struct Empty: Encodable {}

    struct MarkerElement: Encodable {
        var name: String
        var comment: String
        var `in`: Int
        var out: Int
    }
}

enum XMLDoctype {
    /// Puts `doctype` on the line after the XML declaration.
    static func insert(_ doctype: String, into xml: String) -> String {
        guard xml.hasPrefix("<?xml"), let end = xml.range(of: "?>") else { return doctype + "\n" + xml }
        var rest = xml[end.upperBound...]
        while rest.first == "\n" { rest.removeFirst() }
        return xml[..<end.upperBound] + "\n" + doctype + "\n" + rest
    }
}

import ArgumentParser
import Foundation
import Media

/// `takesense probe FILE [--json]`: what FFmpeg sees in a take (container, streams, codecs, frame rate,
/// size, rotation, audio format), as text or JSON.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show the container and streams of a media file (duration, codecs, frame rate, size, rotation, audio).")

    @Argument(help: "The media file to inspect.", completion: .file())
    var file: String

    @Flag(name: .long, help: "Print the result as JSON instead of text.")
    var json = false

    func run() throws {
        let info: MediaInfo
        do {
            info = try probe(URL(fileURLWithPath: file))
        } catch let error as MediaError {
            // One readable line naming the file and the reason; exit status 1.
            throw ValidationOrRuntimeError(message: error.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(info)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(info.text)
        }
    }
}

/// An error whose description is printed as-is by ArgumentParser ("Error: <message>").
struct ValidationOrRuntimeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

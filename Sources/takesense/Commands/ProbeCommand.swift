import ArgumentParser
import Foundation
import Media

/// `takesense probe FILE [--json]`: what FFmpeg sees in a take (container, streams, codecs, frame rate,
/// size, rotation, audio format), as text or JSON. Unreadable files fail with exit status 1 and one
/// line naming the file and the reason (`MediaError.description`).
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show the container and streams of a media file (duration, codecs, frame rate, size, rotation, audio).")

    @Argument(help: "The media file to inspect.", completion: .file())
    var file: String

    @Flag(name: .long, help: "Print the result as JSON instead of text.")
    var json = false

    func run() throws {
        let info = try probe(URL(fileURLWithPath: file))
        if json {
            try printJSON(info, escapingSlashes: false)
        } else {
            print(info.text)
        }
    }
}

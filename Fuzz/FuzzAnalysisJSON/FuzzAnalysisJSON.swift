// libFuzzer target: built only with TAKESENSE_FUZZ=1 and -sanitize=fuzzer,address (see Scripts/fuzz.sh).
import Foundation
import Director
import Reports

/// One input: every error must be a thrown Swift error, never a trap, an out-of-bounds access or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    if let document = try? AnalysisReader.decode(data, path: "fuzz.json") {
        let comparison = TakeComparison(ranking: document.takes)
        _ = TextSummary.comparison(comparison)
        _ = try? JSONReportWriter().encode(comparison)
        _ = try? CSVReportWriter().takesCSV(comparison)
        for take in document.takes {
            _ = try? CSVReportWriter().framesCSV(take)
            _ = try? CSVReportWriter().segmentsCSV(take)
            for format in MarkerFormat.allCases { _ = try? format.writer.render(take) }
        }
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM renames an executable's entry point to <module>_main (and aliases main to it): hand over to libFuzzer.
@_cdecl("FuzzAnalysisJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}

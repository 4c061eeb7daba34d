import ArgumentParser
import Foundation
import TakeSenseKit
import Torch

typealias Engine = Torch

/// `takesense doctor`: what the engine runs on, which system packages the main job needs (missing: exit 1)
/// and which tools only the tests and benchmarks use (missing: reported, exit 0).
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check libtorch, threads, BLAS, the system packages TakeSense needs and the tools the tests use.",
        discussion: "Exit status 1 only when something `takesense analyze` needs is missing; "
            + "tools used only by the tests and benchmarks are reported as optional."
    )

    @OptionGroup var engine: EngineOptions

    func run() throws {
        try engine.apply()
        let report = try SystemCheck.run()
        print(report.text)
        if let problem = report.problem { throw Failure(problem) }
    }
}

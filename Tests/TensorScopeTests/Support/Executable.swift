import Foundation
import Testing

/// The package's executables as the tests run them: found beside the test bundle (`swift test`
/// builds every product into that folder), run with arguments, their output collected.
enum Executable {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Where `swift test` put the executable `name`.
    static func url(_ name: String) -> URL {
        var folder = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path),
              folder.pathComponents.count > 2 {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent(name)
    }

    /// Runs `executable` with `arguments` (and `environment` added to the test's) to its end.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "not built at \(executable.path)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

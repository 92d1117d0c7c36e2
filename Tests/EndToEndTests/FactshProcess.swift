import Foundation

/// Runs the built `factsh` binary, as a user would, for end-to-end tests.
enum FactshProcess {
    /// The package root (two levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `factsh` executable next to the test bundle, else in `.build/debug`.
    static let binary: URL = {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let arg0 = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: arg0).deletingLastPathComponent()
            // The bundle may be a directory (…/factshPackageTests.xctest/…).
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("factsh"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/factsh"))
        for c in candidates where fm.isExecutableFile(atPath: c.path) { return c }
        return packageRoot.appendingPathComponent(".build/debug/factsh")
    }()

    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs `factsh` with arguments, optional standard input, in `directory`.
    static func run(_ arguments: [String], stdin: String? = nil, directory: URL? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["HOME"] = NSTemporaryDirectory()
        env.removeValue(forKey: "XDG_CONFIG_HOME")
        for (k, v) in extra { env[k] = v }
        p.environment = env
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Result(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), status: p.terminationStatus)
    }
}

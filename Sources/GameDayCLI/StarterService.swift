import Foundation
import GameDayCore
import GameDayRuntime

/// `gameday init`: asks the system, renders the starter files, writes them (never over existing
/// ones unless forced) and says what it found and what to do next.
struct StarterService {
    var settings: StarterSettings
    var directory: String
    var force: Bool
    var transport: any HTTPTransport = CurlHTTPClient()

    static let targetFile = "target.yaml"
    static let drillFile = "drill.yaml"

    /// The lines to print; throws before asking anything when a file would be replaced.
    func run() async throws(StarterError) -> [String] {
        let targetPath = Self.join(directory, Self.targetFile)
        let drillPath = Self.join(directory, Self.drillFile)
        let existing = [targetPath, drillPath].filter { FileManager.default.fileExists(atPath: $0) }
        if !force, !existing.isEmpty { throw .wouldOverwrite(existing) }

        let findings = await SystemSurvey(settings: settings, transport: transport).run()
        let files = try StarterFiles(settings: settings, findings: findings)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: directory, reason: error.localizedDescription)
        }
        for (path, text) in [(targetPath, files.target), (drillPath, files.drill)] {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw .unwritable(path: path, reason: error.localizedDescription)
            }
        }
        return files.report(targetPath: targetPath, drillPath: drillPath)
    }

    /// `target.yaml` in the working directory, `DIR/target.yaml` elsewhere.
    private static func join(_ directory: String, _ file: String) -> String {
        directory == "." || directory.isEmpty
            ? file : (directory.hasSuffix("/") ? directory + file : "\(directory)/\(file)")
    }
}

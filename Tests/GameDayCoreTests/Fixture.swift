import Foundation
import GameDayCore
import Testing

/// Swift Testing has a `SourceLocation` too; in these tests the name means the drill file's.
typealias SourceLocation = GameDayCore.SourceLocation

/// Files under `Tests/GameDayCoreTests/Fixtures`, copied into the test bundle.
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The bundled `Fixtures` directory.
    static func directory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw Missing(description: "the test bundle has no Fixtures directory")
        }
        return url
    }

    /// The absolute path of `relative` (such as `valid/drill.yaml`).
    static func path(_ relative: String) throws -> String {
        try directory().appendingPathComponent(relative).path
    }

    /// The text of `relative`.
    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The names of the `.yaml` files in `folder`, sorted; read when the test is declared.
    static func names(in folder: String) -> [String] {
        guard let directory = try? directory().appendingPathComponent(folder),
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }
}

import Foundation
import GameDayRuntime
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// A file a person names that cannot be read is said in words, with what to do; never as
/// Foundation's `NSCocoaErrorDomain Code=260`.
@Suite struct FileProblemTests {
    /// A fresh directory, removed by `defer` in each test.
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("file-problem-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Reads the token as the runner does.
    static func token(at path: String) throws(SecretError) -> String {
        try SecretSource.file(path).read(
            environment: { _ in nil }, files: LocalFileSystem())
    }

    @Test func aMissingTokenFileSaysSoAndWhatToDo() {
        let error = #expect(throws: SecretError.self) { try Self.token(at: "/nonexistent/token") }
        #expect(
            error?.message
                == "the control plane token file /nonexistent/token does not exist: write the token to it, "
                + "or point 'control_plane.token.file' in the target at the file that holds it")
    }

    @Test func aDirectoryAsTheTokenFileSaysSo() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: SecretError.self) { try Self.token(at: directory.path) }
        #expect(
            error?.message
                == "the control plane token file \(directory.path) is a directory: point "
                + "'control_plane.token.file' in the target at the file in it that holds the token")
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file, so no permission is ever denied"))
    func anUnreadableTokenFileSaysPermissionDenied() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data("secret".utf8), attributes: [.posixPermissions: 0o200]))
        let error = #expect(throws: SecretError.self) { try Self.token(at: path) }
        #expect(
            error?.message
                == "the control plane token file \(path) cannot be read: permission denied: "
                + "run gameday as a user who may read it, or change its mode")
    }

    /// The words of a file that may not be read, whoever runs the tests (root reads every file on disk).
    @Test func aFileThatMayNotBeReadSaysPermissionDeniedAndWhatToDo() throws {
        let path = "/etc/gameday/secret"
        let files = MemoryFileSystem([path: "s3cret"], unreadable: [path])
        let token = #expect(throws: SecretError.self) {
            try SecretSource.file(path).read(environment: { _ in nil }, files: files)
        }
        #expect(
            token?.message
                == "the control plane token file \(path) cannot be read: permission denied: "
                + "run gameday as a user who may read it, or change its mode")
        let drill = #expect(throws: DiagnosticsError.self) { try DrillLoader.loadDrill(path: path, from: files) }
        #expect(
            drill?.description
                == "\(path):1:1: error: the file cannot be read: permission denied; "
                + "run gameday as a user who may read it, or change its mode")
    }

    @Test func anEmptyTokenFileSaysSo() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("\n".utf8)))
        let error = #expect(throws: SecretError.self) { try Self.token(at: path) }
        #expect(error?.message == "the control plane token file \(path) is empty: write the token to it")
    }

    @Test func aDirectoryAsADrillFileSaysSo() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.loadDrill(path: directory.path) }
        #expect(error?.description == "\(directory.path):1:1: error: this is a directory; name a drill or target file")
    }

    @Test func aDrillFileThatIsNotUTF8SaysSo() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("drill.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x64, 0xFF, 0xFE])))
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.loadDrill(path: path) }
        #expect(error?.description == "\(path):1:1: error: the file is not UTF-8 text; save it as UTF-8")
    }
}

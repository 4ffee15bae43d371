import Foundation
import GameDayTestSupport
import Testing

/// The fake cluster's python programs are files of their own (`GameDayTestSupport/Resources`):
/// each must compile, which a test of the cluster itself finds out only as root.
@Suite(.enabled(if: FakeCluster.python != nil, "python3 is missing: apt-get install -y python3"))
struct FakeClusterScriptTests {
    @Test func everyResourceScriptCompiles() async throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: FakeCluster.resources.path)
            .filter { $0.hasSuffix(".py") }.sorted()
        #expect(scripts == FakeCluster.scripts.sorted())
        // Bytecode into a directory of the test's own, not beside the scripts in the bundle.
        let cache = FileManager.default.temporaryDirectory.appending(path: "gdk-pycache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        for script in scripts {
            let path = FakeCluster.resources.appending(path: script).path
            let output = try await ChildProcess.run(
                [try #require(FakeCluster.python), "-m", "py_compile", path],
                environment: ["PYTHONPYCACHEPREFIX": cache.path], timeout: .seconds(30))
            #expect(output.exitCode == 0, "\(script) does not compile: \(output.transcript)")
        }
    }
}

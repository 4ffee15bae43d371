import Foundation

extension FakeCluster {
    /// The cluster's python programs, kept as files in this target's `Resources/` and copied to the
    /// cluster's root at start: `kubelet.py` (API server, ReplicaSet controller and kubelet in one
    /// daemon), `fakeruntime.py` (its pods and containers, imported from beside it) and `kubectl.py`
    /// (the stand-in kubectl, which finds `state.json` and `kubelet.sock` beside it). Python, because
    /// the kubelet must outlive a test process that crashes, poll and reap its children and serve a
    /// unix socket. They take what they need as arguments (`kubelet.py ROOT OWNER_PID NETNS_PREFIX
    /// LINK_PREFIX`) or from where they lie; nothing is written into their text.
    public static let scripts = ["kubelet.py", "fakeruntime.py", "kubectl.py"]

    /// The folder of the test-support target's resources, where `scripts` are.
    public static var resources: URL {
        guard let url = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            fatalError("the test-support bundle has no Resources folder: rebuild with swift build")
        }
        return url
    }

    /// Writes each of `scripts` to `root`, as read from the bundle.
    static func writeScripts(to root: String) throws {
        for script in scripts {
            let source = try String(contentsOf: resources.appending(path: script), encoding: .utf8)
            try source.write(toFile: root + "/" + script, atomically: true, encoding: .utf8)
        }
    }
}

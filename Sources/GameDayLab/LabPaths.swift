import Foundation

/// Where a lab keeps its files inside its run directory.
///
/// ```
/// D/lab.json  D/target.yaml  D/token  D/control-plane.jsonl  D/services.jsonl
/// D/<service>.pid  D/logs/<service>.log  D/<unit>/orders.db
/// ```
public struct LabPaths: Sendable, Hashable {
    /// The run directory, absolute and without a trailing slash.
    public let root: String

    /// Resolves `runDirectory` against the current directory; the lab only ever stores absolute
    /// paths so that a target file works from anywhere.
    public init(runDirectory: String) {
        let absolute =
            runDirectory.hasPrefix("/")
            ? runDirectory : FileManager.default.currentDirectoryPath + "/" + runDirectory
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    public var manifest: String { root + "/lab.json" }
    public var target: String { root + "/target.yaml" }
    public var token: String { root + "/token" }
    public var groundTruthLog: String { root + "/control-plane.jsonl" }
    /// Every service's starts, stops and exits, as their supervisors saw them (`ServiceEventLog`).
    public var serviceEventLog: String { root + "/services.jsonl" }
    public var logs: String { root + "/logs" }

    public func pidFile(_ service: String) -> String { root + "/\(service).pid" }
    /// A unit's order database: the unit's storage, which outlives its order service.
    public func orderDatabase(unit: String) -> String { root + "/\(unit)/orders.db" }
    public func logFile(_ service: String) -> String { logs + "/\(service).log" }
}

import Foundation
import GameDayCore
import GameDayLab
import GameDayTestSupport
import Testing

/// The lab tests start real processes; they run one at a time so that 2-core CI machines are not
/// swamped by several labs at once.
@Suite("Lab (real processes)", .serialized, .tags(.lab))
struct LabIntegration {}

/// A JSON object body.
func json(_ response: HTTPResponse, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String: Any] {
    try #require(
        JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
        "not a JSON object: \(response.bodyText)", sourceLocation: sourceLocation)
}

/// Polls `GET /v1/cutovers/{id}` until it is done or failed.
func waitForCutover(_ id: String, in lab: TestLab, timeout: Duration = .seconds(15)) async throws -> [String: Any] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let cutover = try json(try await lab.controlPlane("GET", "/v1/cutovers/\(id)"))
        let state = cutover["state"] as? String
        if state == "done" || state == "failed" || ContinuousClock.now > deadline { return cutover }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Waits until `condition` holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// SIGKILLs a lab service, as a kill fault does, and waits until it is really gone.
func killService(_ name: String, in lab: TestLab) async throws -> Int32 {
    let pid = try #require(try lab.pid(of: name), "no pid file for \(name)")
    kill(pid, SIGKILL)
    #expect(await eventually { !LabProcessTable.isAlive(pid) }, "\(name) (pid \(pid)) survived SIGKILL")
    return pid
}

/// The parent of `pid` (field 4 of `/proc/PID/stat`): a lab server's supervisor.
func parentPid(of pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? Int32(fields[1]) : nil
}

/// Every live process whose command line mentions `text`, as `pgrep -f` would list them (a zombie
/// has no command line).
func processes(mentioning text: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        pid != getpid() && LabProcessTable.isAlive(pid)
            && (LabProcessTable.arguments(of: pid)?.joined(separator: " ").contains(text) ?? false)
    }
}

/// Milliseconds with three decimals, for printed measurements.
func milliseconds(_ value: Double) -> String { String(format: "%.3f ms", value) }

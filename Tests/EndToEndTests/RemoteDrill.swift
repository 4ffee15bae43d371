import Foundation
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Drills whose fault hits `beijing/product` away from the lab (on SSH hosts, in pods), the lab
/// serving as gateway and control plane: user 6000 is probed and must not be hurt, since the
/// product the lab serves from is not the one hit.
enum RemoteDrill {
    /// Writes `drill.yaml` in `directory`: `fault` (the keys after name, unit and service) applied,
    /// observed for `observe`, reverted.
    static func write(name: String, fault: String, observe: String, in directory: String) throws -> String {
        let yaml = """
            drill: \(name)
            probe:
              interval: 100ms
              unit_header: X-Unit
              request: { url: "{{gateway.url}}/storefront?userId={{user.id}}" }
            users:
              - { id: 6000, home: beijing, impact: none }
            steady_state: { duration: 500ms }
            faults:
              - { name: product-down, unit: beijing, service: product, \(fault) }
            observe: { duration: \(observe) }
            """
        let path = "\(directory)/drill.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The runner started in the background, and its pid once it runs (found by its `--output`).
    static func start(_ arguments: [String], binary: String, output: String) async throws -> (
        Int32, Task<ChildProcess.Output, any Error>
    ) {
        let run = Task { try await ChildProcess.run([binary] + arguments, timeout: .seconds(180)) }
        var pid: Int32?
        for _ in 0..<200 where pid == nil {
            try await Task.sleep(for: .milliseconds(50))
            pid = try? ProcessTable().find(.commandLine("--output \(output)")).first
        }
        return (try #require(pid), run)
    }
}

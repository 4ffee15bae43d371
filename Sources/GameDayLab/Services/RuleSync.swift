import Foundation

/// Keeps the gateway's rule in step with the control plane: loads it at start (retrying until the
/// control plane answers), then polls `GET /v1/rules` every second as a fallback for missed pushes.
struct RuleSync: Sendable {
    let controlPlaneURL: String
    let token: String
    let table: RoutingTable
    var pollInterval: Duration = .seconds(1)
    var retryInterval: Duration = .milliseconds(200)

    func run() async {
        var reported = false
        while !Task.isCancelled {
            let loaded = await table.document != nil
            switch await fetch() {
            case .success(let document):
                await table.apply(document)
                reported = false
            case .failure(.message(let message)):
                // Say it once per outage, not once per poll.
                if !reported { LabLog.line("cannot load rules from the control plane: \(message); retrying") }
                reported = true
            }
            try? await Task.sleep(for: loaded ? pollInterval : retryInterval)
        }
    }

    private enum Failure: Error { case message(String) }

    private func fetch() async -> Result<RuleDocument, Failure> {
        let reply = await Upstream.send(
            url: controlPlaneURL + "/v1/rules", headers: [("Authorization", "Bearer \(token)")],
            timeout: .seconds(1))
        switch reply {
        case .failure(let error):
            return .failure(.message(error.message))
        case .success(let reply) where reply.status != 200:
            return .failure(.message("HTTP \(reply.status)"))
        case .success(let reply):
            do {
                return .success(try JSONDecoder().decode(RuleDocument.self, from: Data(reply.body)))
            } catch {
                return .failure(.message("unreadable rules: \(error)"))
            }
        }
    }
}

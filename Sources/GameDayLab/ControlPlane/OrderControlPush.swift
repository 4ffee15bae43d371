import Foundation

/// Pushes the rule and the write blocks (`ControlSnapshot`) to every unit's order service, at once
/// when they change and again every `interval`, so an order service that was down when a block was
/// set or lifted (killed by a drill, restarted later) is put right by the next push. An order
/// service answers `/health` only once it has had one, so a restarted one never serves a write
/// without knowing the blocks.
///
/// Pushing rather than having the order services poll also works with `--isolation netns`, where a
/// unit's namespace reaches the peer unit but not the control plane on the host's loopback.
struct OrderControlPush: Sendable {
    let state: ControlPlaneState
    /// Unit → its order service's base URL.
    let orders: [String: String]
    let token: String
    var interval: Duration = .milliseconds(250)

    /// Re-pushes until cancelled.
    func run() async {
        while !Task.isCancelled {
            _ = await push()
            try? await Task.sleep(for: interval)
        }
    }

    /// Pushes the current snapshot to every order service at once; returns unit → why it was not
    /// applied (absent when it was).
    @discardableResult
    func push() async -> [String: String] {
        let snapshot = await state.snapshot
        guard let body = try? JSONEncoder().encode(snapshot) else { return [:] }
        return await withTaskGroup(of: (String, String?).self) { group in
            for (unit, url) in orders {
                group.addTask { (unit, await send(Array(body), to: url)) }
            }
            var problems: [String: String] = [:]
            for await (unit, problem) in group {
                if let problem { problems[unit] = problem }
            }
            return problems
        }
    }

    private func send(_ body: [UInt8], to url: String) async -> String? {
        let reply = await Upstream.send(
            method: "PUT", url: url + "/internal/control",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: body,
            timeout: .milliseconds(500))
        switch reply {
        case .success(let reply) where reply.status == 200: return nil
        case .success(let reply): return "HTTP \(reply.status)"
        case .failure(let error): return error.message
        }
    }
}

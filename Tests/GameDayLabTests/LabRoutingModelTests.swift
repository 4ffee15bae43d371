import Foundation
import GameDayCore
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// `lab up --routing`, for real: the gateway routes every part of each model's rule where
    /// gameday's own reading of the lab's `target.yaml` says, by every key source.
    @Suite("Lab routing models")
    struct RoutingModels {
        @Test(arguments: ["hash", "geo", "regex"])
        func theGatewayRoutesEveryCellWhereTheTargetsRuleSays(model: String) async throws {
            let units = ["beijing", "hangzhou", "shenzhen"]
            try await TestLab.withLab(units: units, routing: model) { lab in
                let status = try await lab.lab(["status"])
                #expect(status.stdout.contains("routing: \(model)"), "\(status.transcript)")
                let target = try DrillLoader.loadTarget(path: lab.targetPath)
                let rule = target.routing
                #expect(rule == LabRouting.baseline(units: units, model: LabRoutingModel(rawValue: model)!))
                #expect(Set(rule.units) == Set(units), "every unit serves some keys")
                let name = rule.key
                var checked = 0
                for cell in rule.cells {
                    for key in rule.keys(in: cell, count: 2) {
                        let expected = try #require(rule.unit(for: key), "\(key)")
                        let escaped = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                        let byQuery = try await lab.gateway("/storefront?\(name)=\(escaped)")
                        #expect(byQuery.header("X-Unit") == expected, "\(model) \(key): \(byQuery.bodyText)")
                        #expect(byQuery.status == 200, "\(model) \(key): \(byQuery.bodyText)")
                        let byHeader = try await lab.gateway("/storefront", headers: [("X-User-Id", key)])
                        #expect(byHeader.header("X-Unit") == expected, "\(model) \(key) by header")
                        checked += 1
                    }
                }
                #expect(checked >= 2 * units.count)

                // A shard moved by the control plane takes its keys with it.
                guard let shard = rule.shards(of: "shenzhen").first,
                    let cell = rule.cells.first(where: { $0.destination?.shard == shard }),
                    let key = rule.keys(in: cell, count: 1).first
                else { return }
                let escaped = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let move = try await lab.controlPlane(
                    "POST", "/v1/cutovers", body: #"{"from":"shenzhen","shards":{"\#(shard)":"beijing"}}"#)
                #expect(move.status == 202, "\(move.bodyText)")
                var served: String?
                for _ in 0..<200 {
                    served = try await lab.gateway("/storefront?\(name)=\(escaped)").header("X-Unit")
                    if served == "beijing" { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
                #expect(served == "beijing", "\(model): shard \(shard) with key \(key)")
            }
        }
    }
}

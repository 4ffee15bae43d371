import GameDayLab

/// Renders lab services as an aligned table for the terminal; NETNS names the network namespace a
/// unit service runs in (`lab up --isolation netns`), `-` for the root namespace.
enum LabStatusTable {
    /// `isolation: netns (beijing gameday-1a2b3c4d-beijing 10.233.1.2, ...)`, or loopback and why.
    static func isolationLine(_ report: LabStatusReport) -> String {
        switch report.isolation {
        case .netns:
            let units = report.namespaces.map { "\($0.unit) \($0.name) \($0.namespaceAddress)" }
            return "isolation: netns (\(units.joined(separator: ", ")))"
        case .loopback:
            return "isolation: loopback" + (report.isolationFallback.map { " (netns not possible: \($0))" } ?? "")
        }
    }

    /// `units: beijing, hangzhou, shenzhen (unit named in: both)`.
    static func unitsLine(_ report: LabStatusReport) -> String {
        "units: \(report.units.joined(separator: ", ")) (unit named in: \(report.unitIn.rawValue); routing: "
            + "\(report.routing.rawValue))"
    }

    /// `prometheus: http://127.0.0.1:41234 (ready)` and the Pushgateway's line; none without them.
    static func prometheusLines(_ report: LabStatusReport) -> [String] {
        guard let prometheus = report.prometheus else { return [] }
        return [
            "prometheus: \(prometheus.url) (\(prometheus.ready ? "ready" : "not ready"))",
            "pushgateway: \(prometheus.pushgatewayURL) (\(prometheus.pushgatewayReady ? "ready" : "not ready"))",
        ]
    }

    static func render(_ services: [LabServiceStatus]) -> String {
        let header = ["SERVICE", "UNIT", "PID", "PORT", "NETNS", "HEALTH"]
        let rows = services.map { service in
            [
                service.name, service.unit ?? "-", service.pid.map(String.init) ?? "-", String(service.port),
                service.namespace ?? "-", service.health.rawValue,
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2)
            }.joined()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

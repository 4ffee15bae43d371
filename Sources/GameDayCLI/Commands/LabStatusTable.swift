import GameDayLab

/// Renders lab services as an aligned table for the terminal.
enum LabStatusTable {
    static func render(_ services: [LabServiceStatus]) -> String {
        let header = ["SERVICE", "UNIT", "PID", "PORT", "HEALTH"]
        let rows = services.map { service in
            [
                service.name, service.unit ?? "-", service.pid.map(String.init) ?? "-", String(service.port),
                service.health.rawValue,
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

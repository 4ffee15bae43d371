import Foundation

/// The lab's Prometheus and Pushgateway (`lab up --prometheus`): Debian's programs on free loopback
/// ports, run by companions (`LabCompanion`), with their files in `D/prometheus/`. Prometheus
/// scrapes every lab service's `/metrics` and the Pushgateway (`honor_labels`) every second.
public struct LabPrometheus: Sendable, Hashable, Codable {
    /// Debian's `prometheus` package.
    public static let prometheusProgram = "/usr/bin/prometheus"
    /// Debian's `prometheus-pushgateway` package.
    public static let pushgatewayProgram = "/usr/bin/prometheus-pushgateway"
    /// The companions' names, for their pid files and logs.
    public static let prometheusName = "prometheus"
    public static let pushgatewayName = "pushgateway"
    /// The job of the lab's services in Prometheus; `lab_service` names each target's service.
    public static let labJob = "lab"
    public static let pushgatewayJob = "pushgateway"

    public var url: String
    public var pushgatewayURL: String
    public var configFile: String
    public var dataDirectory: String

    enum CodingKeys: String, CodingKey {
        case url
        case pushgatewayURL = "pushgateway_url"
        case configFile = "config_file"
        case dataDirectory = "data_dir"
    }

    /// Where the files of the lab in `paths` go, with Prometheus on `port` and the Pushgateway on
    /// `pushgatewayPort`.
    init(paths: LabPaths, port: Int, pushgatewayPort: Int) {
        url = "http://127.0.0.1:\(port)"
        pushgatewayURL = "http://127.0.0.1:\(pushgatewayPort)"
        configFile = Self.directory(paths) + "/prometheus.yml"
        dataDirectory = Self.directory(paths) + "/data"
    }

    /// `D/prometheus`: every file of both programs is under it, which is how `lab down` tells the
    /// lab's from any other Prometheus.
    static func directory(_ paths: LabPaths) -> String { paths.root + "/prometheus" }

    /// `host:port` of a URL of ours (`http://host:port`).
    static func address(of url: String) -> String { String(url.dropFirst("http://".count)) }

    /// Prometheus's argv.
    var prometheusArguments: [String] {
        [
            Self.prometheusProgram, "--config.file=\(configFile)", "--storage.tsdb.path=\(dataDirectory)",
            "--web.listen-address=\(Self.address(of: url))", "--storage.tsdb.retention.time=1d",
        ]
    }

    /// The Pushgateway's argv; its state file keeps it findable by the run directory.
    var pushgatewayArguments: [String] {
        [
            Self.pushgatewayProgram, "--web.listen-address=\(Self.address(of: pushgatewayURL))",
            "--persistence.file=\((configFile as NSString).deletingLastPathComponent)/pushgateway.state",
        ]
    }

    /// The generated `prometheus.yml`: one `lab` job with every service's address (as the host
    /// reaches it, a namespace's address under `--isolation netns`), labelled `lab_service`, and the
    /// Pushgateway's job with `honor_labels`, so pushed `job` and `instance` labels stay.
    func config(services: [LabManifest.Service]) -> String {
        var lines = [
            "# Written by 'gameday lab up --prometheus'; rewritten at every start.",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "  evaluation_interval: 1s",
            "scrape_configs:",
            "  - job_name: \(Self.labJob)",
            "    metrics_path: /metrics",
            "    static_configs:",
        ]
        for service in services {
            lines.append("      - targets: ['\(Self.address(of: Self.baseURL(ofHealthURL: service.healthURL)))']")
            lines.append("        labels: { lab_service: '\(service.name)' }")
        }
        lines += [
            "  - job_name: \(Self.pushgatewayJob)",
            "    honor_labels: true",
            "    static_configs:",
            "      - targets: ['\(Self.address(of: pushgatewayURL))']",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every address Prometheus must report `up == 1` for: the services and the Pushgateway.
    func targets(services: [LabManifest.Service]) -> Set<String> {
        Set(
            services.map { Self.address(of: Self.baseURL(ofHealthURL: $0.healthURL)) } + [
                Self.address(of: pushgatewayURL)
            ])
    }

    static func baseURL(ofHealthURL url: String) -> String {
        url.hasSuffix("/health") ? String(url.dropLast("/health".count)) : url
    }
}

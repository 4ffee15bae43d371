import Foundation
import GameDayCore
import GameDayRuntime

/// A real lab started for one test: `gameday lab up` on free ports in a temporary run directory,
/// tied to the test process, and always taken down again.
///
/// ```swift
/// try await TestLab.withLab { lab in
///     let response = try await lab.gateway("/storefront?userId=6000")
///     #expect(response.header("X-Unit") == "beijing")
/// }
/// ```
public struct TestLab: Sendable {
    /// One service as `lab.json` lists it.
    public struct Service: Sendable, Hashable, Decodable {
        public var name: String
        public var role: String
        public var unit: String?
        public var port: Int
        /// The pid `lab up` started; `pid(of:)` reads the current one.
        public var pid: Int32
        public var pidFile: String
        public var logFile: String
        public var healthURL: String

        enum CodingKeys: String, CodingKey {
            case name, role, unit, port, pid
            case pidFile = "pid_file"
            case logFile = "log_file"
            case healthURL = "health_url"
        }
    }

    /// How `lab up` keeps the units apart (`--isolation`).
    public enum Isolation: String, Sendable, Hashable {
        case loopback, netns
    }

    /// One unit's network namespace as `lab.json` lists it.
    public struct Namespace: Sendable, Hashable, Decodable {
        public var unit: String
        public var name: String
        public var hostInterface: String
        public var namespaceInterface: String
        public var namespaceAddress: String

        enum CodingKeys: String, CodingKey {
            case unit, name
            case hostInterface = "host_interface"
            case namespaceInterface = "namespace_interface"
            case namespaceAddress = "namespace_address"
        }
    }

    public let runDirectory: String
    public let targetPath: String
    public let tokenPath: String
    public let token: String
    public let gatewayURL: String
    public let controlPlaneURL: String
    public let groundTruthPath: String
    /// `D/services.jsonl`, read with `serviceEvents()`.
    public let serviceEventsPath: String
    public let services: [Service]
    /// The `gameday` executable the lab runs.
    public let binary: String
    /// What the lab really runs with: `netns` may have fallen back to loopback.
    public let isolation: Isolation
    /// Each unit's namespace, empty on loopback.
    public let namespaces: [Namespace]
    /// The lab's units, in port order, as lab.json records them.
    public var units: [String] = ["beijing", "hangzhou"]
    /// The lab's Prometheus (`withLab(prometheus: true)`, `lab up --prometheus`); nil without it.
    public var prometheusURL: String? = nil
    /// The lab's Pushgateway, beside its Prometheus; nil without it.
    public var pushgatewayURL: String? = nil

    /// Unit `unit`'s namespace.
    public func namespace(of unit: String) throws -> Namespace {
        guard let namespace = namespaces.first(where: { $0.unit == unit }) else {
            throw TestLabError.unknownService("namespace of \(unit)", known: namespaces.map(\.unit))
        }
        return namespace
    }

    /// The service called `name` (`gateway`, `control-plane`, `beijing-product`, ...).
    public func service(_ name: String) throws -> Service {
        guard let service = services.first(where: { $0.name == name }) else {
            throw TestLabError.unknownService(name, known: services.map(\.name))
        }
        return service
    }

    public func port(of name: String) throws -> Int { try service(name).port }

    /// The pid in the service's pid file now (it changes after `restart-service`), or nil.
    public func pid(of name: String) throws -> Int32? {
        let text = try? String(contentsOfFile: try service(name).pidFile, encoding: .utf8)
        return text.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Every line of the control plane's ground-truth log so far.
    public func groundTruth() throws -> [GroundTruthEntry] {
        guard let text = try? String(contentsOfFile: groundTruthPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            try JSONDecoder().decode(GroundTruthEntry.self, from: Data($0.utf8))
        }
    }

    /// Runs `gameday lab <arguments> --run-dir D`.
    public func lab(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> ChildProcess.Output {
        try await ChildProcess.run([binary, "lab"] + arguments + ["--run-dir", runDirectory], timeout: timeout)
    }

    // MARK: - HTTP

    /// `GET` (or another method) through the gateway.
    public func gateway(
        _ pathAndQuery: String, method: String = "GET", headers: [(name: String, value: String)] = [],
        body: String? = nil
    ) async throws -> HTTPResponse {
        try await CurlHTTPClient().send(
            HTTPRequest(
                method: method, url: gatewayURL + pathAndQuery, headers: headers, body: body.map { Array($0.utf8) }))
    }

    /// What a control plane request presents as its bearer token.
    public enum Credentials: Sendable, Hashable {
        /// The lab's own token.
        case labToken
        /// No `Authorization` header at all.
        case none
        /// This token instead (to test rejection).
        case token(String)
    }

    /// A control plane request, by default with the lab's token.
    public func controlPlane(
        _ method: String, _ path: String, body: String? = nil, credentials: Credentials = .labToken
    ) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        switch credentials {
        case .labToken: headers.append(("Authorization", "Bearer \(token)"))
        case .token(let other): headers.append(("Authorization", "Bearer \(other)"))
        case .none: break
        }
        return try await CurlHTTPClient().send(
            HTTPRequest(
                method: method, url: controlPlaneURL + path, headers: headers, body: body.map { Array($0.utf8) }))
    }
}

/// One line of `D/control-plane.jsonl`.
public struct GroundTruthEntry: Sendable, Hashable, Decodable {
    public var cutover: String
    public var phase: String
    /// RFC 3339 UTC with milliseconds.
    public var at: String
    public var unixMilliseconds: Double

    enum CodingKeys: String, CodingKey {
        case cutover, phase, at
        case unixMilliseconds = "unix_ms"
    }
}

/// Why a `TestLab` could not be set up or taken down.
public enum TestLabError: Error, CustomStringConvertible {
    case upFailed(ChildProcess.Output)
    case downFailed(ChildProcess.Output)
    case unreadableManifest(path: String, reason: String)
    case unknownService(String, known: [String])

    public var description: String {
        switch self {
        case .upFailed(let output): "gameday lab up failed: \(output.transcript)"
        case .downFailed(let output): "gameday lab down failed: \(output.transcript)"
        case .unreadableManifest(let path, let reason): "cannot read \(path): \(reason)"
        case .unknownService(let name, let known): "no lab service '\(name)' (have \(known.joined(separator: ", ")))"
        }
    }
}

/// What a plain `GET` of an endpoint got: an HTTP answer of any status, or none at all.
public enum EndpointAnswer: Sendable, Hashable, CustomStringConvertible {
    /// The status and the start of the body, on one line.
    case answered(status: Int, excerpt: String)
    /// Why no HTTP answer came (`connection refused`, a timeout).
    case unreachable(String)

    public var status: Int? {
        if case .answered(let status, _) = self { return status }
        return nil
    }

    /// `answered 404 ({"error":"no such endpoint: /"})`, `did not answer: connection refused`.
    public var description: String {
        switch self {
        case .answered(let status, let excerpt): "answered \(status)" + (excerpt.isEmpty ? "" : " (\(excerpt))")
        case .unreachable(let reason): "did not answer: \(reason)"
        }
    }

    init(_ result: Result<HTTPResponse, HTTPTransportError>) {
        switch result {
        case .success(let response): self = .answered(status: response.status, excerpt: Self.excerpt(response))
        case .failure(let error): self = .unreachable(error.message)
        }
    }

    /// The body's first line, at most 80 characters: enough to recognise an answer.
    static func excerpt(_ response: HTTPResponse) -> String {
        let line = response.bodyText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}

/// The answer to one routing key sent through the gateway.
public struct KeyAnswer: Sendable, Equatable {
    public var key: Int
    public var result: Result<HTTPResponse, HTTPTransportError>
    /// The unit the answer names where the chosen source reads it; nil: none.
    public var unit: String?

    public init(key: Int, result: Result<HTTPResponse, HTTPTransportError>, unit: String? = nil) {
        self.key = key
        self.result = result
        self.unit = unit
    }

    public var response: HTTPResponse? { try? result.get() }
}

/// Everything `gameday init` learnt by asking the running system.
public struct SurveyFindings: Sendable, Equatable {
    /// A `GET` of the gateway's root.
    public var gateway: EndpointAnswer
    /// The answers to the sample keys, in the order they were sent.
    public var samples: [KeyAnswer] = []
    /// Where the answers name their unit, and what each sample's answer names there; nil: nowhere.
    public var unitSource: UnitCandidate?
    /// Keys sent after the samples to find where one unit's keys end and the next one's begin.
    public var boundaryProbes: [KeyAnswer] = []
    /// A `GET` of the control plane's URL, without credentials.
    public var controlPlane: EndpointAnswer

    public init(gateway: EndpointAnswer, controlPlane: EndpointAnswer) {
        self.gateway = gateway
        self.controlPlane = controlPlane
    }

    /// A control plane that refused a request without credentials (401 or 403) needs a token.
    public var controlPlaneNeedsToken: Bool { [401, 403].contains(controlPlane.status ?? 0) }

    /// Every key whose answer named a unit, samples and boundary probes, as (slot, unit).
    public func observations(modulo: Int) -> [(slot: Int, unit: String)] {
        (samples + boundaryProbes).compactMap { answer in
            answer.unit.map { (((answer.key % modulo) + modulo) % modulo, $0) }
        }
    }

    /// The units the answers named, in the order first seen.
    public var namedUnits: [String] {
        var seen: [String] = []
        for answer in samples + boundaryProbes {
            if let unit = answer.unit, !seen.contains(unit) { seen.append(unit) }
        }
        return seen
    }
}

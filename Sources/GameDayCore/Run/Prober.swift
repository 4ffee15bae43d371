/// Sends one probe for a test user and judges the answer against the drill's criteria.
public struct Prober: Sendable {
    public let spec: ProbeSpec
    public let transport: any HTTPTransport
    public let context: TemplateContext
    /// An answer that names no unit fails, saying why (`no unit at /unit`): for the preflight, which
    /// checks each user's unit. Otherwise a missing unit only leaves the sample without one.
    public let requiresUnit: Bool

    public init(spec: ProbeSpec, transport: any HTTPTransport, context: TemplateContext, requiresUnit: Bool = false) {
        self.spec = spec
        self.transport = transport
        self.context = context
        self.requiresUnit = requiresUnit
    }

    /// The request for `user`, rendered (with its redacted form for display).
    public func request(for user: TestUser) throws(TemplateError) -> RenderedRequest {
        try RenderedRequest(
            spec.request, context: context.adding(user: user),
            timeout: spec.timeout)
    }

    /// Probes `user` once; `clock` stamps the sample.
    public func probe(_ user: TestUser, clock: any RunClock) async -> ProbeSample {
        let sentAt = clock.now()
        let rendered: RenderedRequest
        do {
            rendered = try request(for: user)
        } catch {
            return ProbeSample(sentAt: sentAt, ok: false, failure: "\(error)")
        }
        let outcome: Result<HTTPResponse, HTTPTransportError>
        do {
            outcome = .success(try await transport.send(rendered.request))
        } catch {
            outcome = .failure(error)
        }
        return sample(outcome, sentAt: sentAt, latency: clock.now() - sentAt)
    }

    /// The sample for an exchange that ended with `outcome`, judged against the drill's criteria.
    /// Every probe engine builds its samples here, so they all judge alike.
    public func sample(
        _ outcome: Result<HTTPResponse, HTTPTransportError>, sentAt: Duration, latency: Duration,
        lag: Duration = .zero
    ) -> ProbeSample {
        switch outcome {
        case .success(let response):
            let unit = spec.unitFrom.read(response)
            var failure = judge(response)
            if requiresUnit, let problem = unit.problem { failure = failure.map { "\($0); \(problem)" } ?? problem }
            return ProbeSample(
                sentAt: sentAt, latency: latency, status: response.status, unit: unit.unit, ok: failure == nil,
                failure: failure, timings: response.timings, lag: lag)
        case .failure(let error):
            return ProbeSample(
                sentAt: sentAt, latency: latency, ok: false, failure: error.kind.rawValue.replacingUnderscores,
                timings: error.timings, lag: lag)
        }
    }

    /// Nil when the answer meets the success criteria, else why not.
    public func judge(_ response: HTTPResponse) -> String? {
        let criteria = spec.success
        if !criteria.status.contains(response.status) { return "status \(response.status)" }
        for (name, expected) in criteria.headers.sorted(by: { $0.key < $1.key }) {
            let actual = response.header(name)
            if actual != expected { return "header \(name) is \(actual ?? "missing"), expected \(expected)" }
        }
        let body = response.bodyText
        for needle in criteria.bodyContains where !body.contains(needle) {
            return "body lacks \(needle)"
        }
        return nil
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

/// Asks a running system what `gameday init` needs: whether the gateway answers, where its answers
/// name the serving unit and which unit serves which key, and whether the control plane answers
/// (and refuses a request without credentials). Only `GET`s: nothing is changed.
public struct SystemSurvey: Sendable {
    public var settings: StarterSettings
    public var transport: any HTTPTransport
    public var timeout: Duration
    /// At most this many keys asked per boundary between two units (a bisection: 14 find a
    /// boundary among 10,000 slots to the slot).
    public var bisectionSteps: Int

    public init(
        settings: StarterSettings, transport: any HTTPTransport, timeout: Duration = .seconds(5),
        bisectionSteps: Int = 16
    ) {
        self.settings = settings
        self.transport = transport
        self.timeout = timeout
        self.bisectionSteps = bisectionSteps
    }

    /// What the system answered. A gateway that does not answer at all ends the survey there, as
    /// nothing else can be learnt through it; the control plane is asked all the same.
    public func run() async -> SurveyFindings {
        let gateway = EndpointAnswer(await get(settings.gatewayURL))
        var findings = SurveyFindings(
            gateway: gateway, controlPlane: EndpointAnswer(await get(settings.controlPlaneURL)))
        guard gateway.status != nil else { return findings }

        var samples: [KeyAnswer] = []
        for key in settings.keys { samples.append(await ask(key)) }
        let candidate = UnitSourceInference.best(
            in: samples.compactMap(\.response), units: settings.units)
        findings.unitSource = candidate
        guard let source = candidate?.source else {
            findings.samples = samples
            return findings
        }
        findings.samples = samples.map { read($0, from: source) }
        if settings.routing == nil {
            findings.boundaryProbes = await probeBoundaries(findings, source: source)
        }
        return findings
    }

    // MARK: - Boundaries

    /// Asks both ends of the slot space when no sample did, then halves each gap between two
    /// units' slots until the boundary is known to the slot (or the steps run out, or a third
    /// unit shows up in between, which the guess then reports as a range of its own).
    private func probeBoundaries(_ findings: SurveyFindings, source: UnitSource) async -> [KeyAnswer] {
        let modulo = settings.modulo
        var probes: [KeyAnswer] = []
        func observations() -> [(slot: Int, unit: String)] {
            var all = findings
            all.boundaryProbes = probes
            return all.observations(modulo: modulo)
        }
        let seen = Set(observations().map(\.slot))
        for edge in Set([0, modulo - 1]).sorted() where !seen.contains(edge) {
            probes.append(read(await ask(edge), from: source))
        }
        guard let guess = RoutingGuess(observations: observations(), modulo: modulo) else { return probes }
        for boundary in guess.uncertain {
            var lower = boundary.lower
            var upper = boundary.upper
            var steps = 0
            while upper - lower > 1, steps < bisectionSteps {
                steps += 1
                let middle = lower + (upper - lower) / 2
                let answer = read(await ask(middle), from: source)
                probes.append(answer)
                if answer.unit == boundary.lowerUnit {
                    lower = middle
                } else if answer.unit == boundary.upperUnit {
                    upper = middle
                } else {
                    break
                }
            }
        }
        return probes
    }

    // MARK: - Requests

    private func ask(_ key: Int) async -> KeyAnswer {
        KeyAnswer(key: key, result: await get(settings.url(base: settings.gatewayURL, key: String(key))))
    }

    private func read(_ answer: KeyAnswer, from source: UnitSource) -> KeyAnswer {
        var answer = answer
        answer.unit = answer.response.flatMap { response in
            source.read(response).unit.flatMap { unit in
                UnitSourceInference.qualifies(unit, name: source.placeName, units: settings.units) ? unit : nil
            }
        }
        return answer
    }

    private func get(_ url: String) async -> Result<HTTPResponse, HTTPTransportError> {
        do {
            return .success(try await transport.send(HTTPRequest(url: url, timeout: timeout)))
        } catch {
            return .failure(error)
        }
    }
}

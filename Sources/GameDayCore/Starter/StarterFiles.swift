/// The starter `target.yaml` and drill `gameday init` writes, from what it was told and what the
/// system answered: a pure function of both, so the files are tested without a system.
///
/// Everything the answers tell is written as found (the URLs, where the unit is named, which unit
/// serves which key); what only the operator knows (how to find and restart a process, the
/// cut-over's request, the token) is a valid placeholder under a `# TODO:` comment, so that
/// `gameday validate` accepts the files as written and `gameday plan` shows them.
public struct StarterFiles: Sendable {
    /// A user of the drill: a key the gateway was seen to send to `unit`.
    public struct User: Sendable, Hashable {
        public var key: Int
        public var unit: String
    }

    public let settings: StarterSettings
    public let findings: SurveyFindings
    public let unitSource: UnitSource
    /// Every unit of the target: `--units` as given, else those the answers named, sorted.
    public let units: [String]
    public let ranges: [RouteRange]
    /// How the ranges were inferred; nil when `--routing` gave them.
    public let guess: RoutingGuess?
    /// The unit whose service the drill kills, and its user that must fail and recover elsewhere.
    public let faulted: User
    /// The unit the faulted user is cut over to.
    public let recoveryUnit: String
    /// One user of every other unit that was seen, which must never fail.
    public let bystanders: [User]

    /// Refuses, saying why and what to do, when the answers do not tell enough for a drill.
    public init(settings: StarterSettings, findings: SurveyFindings) throws(StarterError) {
        self.settings = settings
        self.findings = findings
        if case .unreachable(let reason) = findings.gateway {
            throw .gatewayUnreachable(url: settings.gatewayURL, reason: reason)
        }
        guard let candidate = findings.unitSource, candidate.named > 0 else {
            throw .noUnitNamed(answers: findings.samples.map(Self.summary), units: settings.units)
        }
        unitSource = candidate.source
        let seen = findings.namedUnits
        units = settings.units ?? Set(seen + (settings.routing ?? []).compactMap(\.destination.unit)).sorted()

        // Per unit, the keys seen on it: the samples, else the keys asked for boundaries.
        func keys(of unit: String) -> [Int] {
            let sampled = findings.samples.filter { $0.unit == unit }.map(\.key)
            return sampled.isEmpty ? findings.boundaryProbes.filter { $0.unit == unit }.map(\.key) : sampled
        }
        let served = units.filter { !keys(of: $0).isEmpty }
        guard served.count >= 2, let first = served.first else {
            let unit = served.first ?? seen.first ?? "one unit"
            throw .oneUnitOnly(unit: unit, keys: keys(of: unit), place: candidate.source.description)
        }
        /// The middle key of a unit's, away from the edges of its range where a guess may be off.
        func user(of unit: String) -> User {
            let sorted = keys(of: unit).sorted()
            return User(key: sorted[(sorted.count - 1) / 2], unit: unit)
        }
        faulted = user(of: first)
        recoveryUnit = served[1]
        bystanders = served.dropFirst().map(user)

        let observations = findings.observations(modulo: settings.modulo)
        if let given = settings.routing {
            let wrong = observations.compactMap { slot, unit -> String? in
                let ruled = given.first { $0.from <= slot && slot <= $0.to }?.destination.unit
                return ruled == unit ? nil : "slot \(slot) → \(unit), --routing says \(ruled ?? "nothing")"
            }
            if !wrong.isEmpty { throw .routingDisagrees(wrong) }
            ranges = given
            guess = nil
        } else {
            // There are observations: at least two units were seen.
            let guess = RoutingGuess(observations: observations, modulo: settings.modulo)!
            ranges = guess.ranges
            self.guess = guess
        }
    }

    /// `drill:` of the drill, and its file's usual name: `beijing-product-down`.
    public var drillName: String { Self.slug("\(faulted.unit)-\(settings.service)-down") }

    /// `userId=50: 200, X-Unit hangzhou`, `userId=50: connection refused`.
    static func summary(_ answer: KeyAnswer) -> String {
        switch answer.result {
        case .success(let response):
            let excerpt = EndpointAnswer.excerpt(response)
            return "key \(answer.key): \(response.status)" + (excerpt.isEmpty ? "" : " \(excerpt)")
        case .failure(let error): return "key \(answer.key): \(error.message)"
        }
    }

    // MARK: - YAML

    /// Lowercase letters, digits and `-`, as drill and fault names must be.
    static func slug(_ text: String) -> String {
        let mapped = text.lowercased().map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? $0 : "-" }
        let trimmed = String(mapped).split(separator: "-").joined(separator: "-")
        return trimmed.isEmpty ? "starter" : trimmed
    }

    /// A scalar YAML reads back as the same text: plain when that is unambiguous, else double-quoted.
    static func scalar(_ text: String) -> String {
        let special = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
        let plain =
            text.first?.isLetter == true && text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            && !special.contains(text.lowercased())
        return plain ? text : quoted(text)
    }

    /// Always double-quoted, `"` and `\` escaped.
    static func quoted(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}

extension TemplateContext {
    /// The values every template of a run can use; the token is a secret.
    public static func run(
        drill: Drill, target: Target, runId: String, token: String?,
        environment: @escaping @Sendable (String) -> String?
    ) -> TemplateContext {
        let moving = drill.users.filter { $0.recoversOn != nil }
        let destinations = Set(moving.compactMap(\.recoversOn))
        let moves = drill.shardMoves(under: target.routing)
        let integers = target.routing.model.integerKeys
        let users = moving.map { integers && Int($0.id) != nil ? $0.id : JSONText.quote($0.id) }
        return TemplateContext(
            values: [
                TemplateVariables.gatewayURL: target.gatewayURL,
                TemplateVariables.controlPlaneURL: target.controlPlane.url,
                TemplateVariables.drillName: drill.name, TemplateVariables.runID: runId,
                TemplateVariables.faultUnit: drill.faultedUnit ?? "",
                TemplateVariables.cutoverUsers: "[" + users.joined(separator: ",") + "]",
                TemplateVariables.cutoverShards: "[" + moves.keys.sorted().map(JSONText.quote).joined(separator: ",")
                    + "]",
                TemplateVariables.cutoverMoves: "{"
                    + moves.keys.sorted().map { JSONText.quote($0) + ":" + JSONText.quote(moves[$0]!) }.joined(
                        separator: ",") + "}",
                TemplateVariables.cutoverFrom: drill.faultedUnit ?? "",
                // The validator refuses `{{cutover.to}}` when the moving users do not share one unit.
                TemplateVariables.cutoverTo: destinations.count == 1 ? destinations.first! : "",
            ],
            secrets: token.map { [TemplateVariables.controlPlaneToken: $0] } ?? [:], environment: environment)
    }

    /// The values of `user`'s requests (`{{user.id}}`, `{{user.name}}`): probes and canaries.
    public static func userValues(_ user: TestUser) -> [String: String] {
        [TemplateVariables.userID: "\(user.id)", TemplateVariables.userName: user.name]
    }

    /// A copy with `user`'s values.
    public func adding(user: TestUser) -> TemplateContext { adding(Self.userValues(user)) }

    /// Replaces every secret value in `text` by `***`.
    public func redact(_ text: String) -> String {
        values.values.filter(\.secret).map(\.value).filter { !$0.isEmpty }
            .reduce(text) { $0.replacing($1, with: RenderedString.mask) }
    }
}

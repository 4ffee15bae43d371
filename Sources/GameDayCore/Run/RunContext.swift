/// Why a secret could not be read.
public struct SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension SecretSource {
    /// Reads the secret's value; the message of a failure says what to do.
    public func read(
        environment: (String) -> String?, readFile: (String) throws -> String
    ) throws(SecretError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment(name), !value.isEmpty else {
                throw SecretError(
                    message:
                        "the control plane token is read from the environment variable \(name), which is not set: export it and run again"
                )
            }
            return value
        case .file(let path):
            let value: String
            let file = "the control plane token file \(path)"
            let key = "'control_plane.token.file' in the target"
            do {
                value = try readFile(path).trimmingWhitespace()
            } catch {
                let problem = FileProblem(path: path, error: error)
                let remedy =
                    switch problem {
                    case .missing: "write the token to it, or point \(key) at the file that holds it"
                    case .permissionDenied: "run gameday as a user who may read it, or change its mode"
                    case .directory: "point \(key) at the file in it that holds the token"
                    case .notUTF8: "it must hold the token as text"
                    case .other: "check the file, or point \(key) at another"
                    }
                throw SecretError(message: "\(file) \(problem): \(remedy)")
            }
            guard !value.isEmpty else { throw SecretError(message: "\(file) is empty: write the token to it") }
            return value
        }
    }
}

extension TemplateContext {
    /// The values every template of a run can use; the token is a secret.
    public static func run(
        drill: Drill, target: Target, runId: String, token: String?,
        environment: @escaping @Sendable (String) -> String?
    ) -> TemplateContext {
        let moving = drill.users.filter { $0.recoversOn != nil }
        let destinations = Set(moving.compactMap(\.recoversOn))
        return TemplateContext(
            values: [
                TemplateVariables.gatewayURL: target.gatewayURL,
                TemplateVariables.controlPlaneURL: target.controlPlane.url,
                TemplateVariables.drillName: drill.name, TemplateVariables.runID: runId,
                TemplateVariables.faultUnit: drill.faultedUnit ?? "",
                TemplateVariables.cutoverUsers: "[" + moving.map { String($0.id) }.joined(separator: ",") + "]",
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

import Foundation

extension SecretSource {
    /// Reads the secret's value from the environment or from `files`; the message of a failure
    /// says what to do, naming the secret as `what` ("the Prometheus token") and its place in the
    /// target as `key` (`prometheus.token`).
    public func read(
        environment: (String) -> String?, files: any FileSystem, what: String = "the control plane token",
        key: String = "control_plane.token"
    ) throws(SecretError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment(name), !value.isEmpty else {
                throw SecretError(
                    message:
                        "\(what) is read from the environment variable \(name), which is not set: export it and run again"
                )
            }
            return value
        case .file(let path):
            let value: String
            let file = "\(what) file \(path)"
            let key = "'\(key).file' in the target"
            // "the token", "the password": what the file must hold.
            let held = "the " + (what.split(separator: " ").last.map(String.init) ?? "secret")
            do throws(FileProblem) {
                guard let text = String(data: try files.contents(of: path), encoding: .utf8) else {
                    throw FileProblem.notUTF8
                }
                value = text.trimmingWhitespace()
            } catch let problem {
                let remedy =
                    switch problem {
                    case .missing: "write \(held) to it, or point \(key) at the file that holds it"
                    case .permissionDenied: "run gameday as a user who may read it, or change its mode"
                    case .directory: "point \(key) at the file in it that holds \(held)"
                    case .notUTF8: "it must hold \(held) as text"
                    case .other: "check the file, or point \(key) at another"
                    }
                throw SecretError(message: "\(file) \(problem): \(remedy)")
            }
            guard !value.isEmpty else { throw SecretError(message: "\(file) is empty: write \(held) to it") }
            return value
        }
    }
}

/// Why a secret could not be read.
public struct SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

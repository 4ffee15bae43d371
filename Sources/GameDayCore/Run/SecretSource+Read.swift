import Foundation

extension SecretSource {
    /// Reads the secret's value from the environment or from `files`; the message of a failure
    /// says what to do.
    public func read(environment: (String) -> String?, files: any FileSystem) throws(SecretError) -> String {
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
            do throws(FileProblem) {
                guard let text = String(data: try files.contents(of: path), encoding: .utf8) else {
                    throw FileProblem.notUTF8
                }
                value = text.trimmingWhitespace()
            } catch let problem {
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

/// Why a secret could not be read.
public struct SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

import Foundation
import GameDayCore

/// What a decision file or `POST /cutover` says: `go` or `abort`, as a word or as JSON
/// (`{"decision": "go", "by": "alice"}`, the same body for both).
public struct ExternalDecisionText: Sendable, Hashable {
    public var go: Bool
    /// `by`, when the answer names who gave it.
    public var who: String?

    /// Nil for anything else (an empty file being written, a typo): the wait goes on.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed.lowercased() {
        case "go":
            go = true
        case "abort":
            go = false
        default:
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
                let word = object["decision"] as? String, ["go", "abort"].contains(word)
            else { return nil }
            go = word == "go"
            who = (object["by"] as? String).map { String($0.prefix(200)) }
        }
    }

    /// `gameday` words for how to answer.
    static let usage = #"'go' or 'abort', or JSON {"decision": "go"} / {"decision": "abort"} (optionally with "by")"#
}

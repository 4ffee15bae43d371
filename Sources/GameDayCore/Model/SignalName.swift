/// A POSIX signal named in a drill (`KILL`, `SIGTERM`, `9`...).
public struct SignalName: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var number: Int32

    public static let known: [(String, Int32)] = [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("KILL", 9), ("USR1", 10), ("USR2", 12), ("TERM", 15),
        ("CONT", 18), ("STOP", 19),
    ]

    public init?(_ text: String) {
        var upper = text.uppercased()
        if upper.hasPrefix("SIG") { upper.removeFirst(3) }
        if let entry = Self.known.first(where: { $0.0 == upper }) {
            (name, number) = entry
        } else if let number = Int32(text), let entry = Self.known.first(where: { $0.1 == number }) {
            (name, self.number) = entry
        } else {
            return nil
        }
    }

    public var description: String { "SIG\(name)" }
}

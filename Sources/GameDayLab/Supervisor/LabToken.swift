import Foundation

/// The bearer token of a lab's control plane, kept in a file only its owner can read.
public enum LabToken {
    /// The environment variable that, when set, provides the token instead of a generated one.
    public static let environmentVariable = "GAMEDAY_LAB_TOKEN"

    /// 32 random hex characters from the system's secure generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Writes `token` to `path` with mode 0600, created that way so it is never readable by others.
    public static func write(_ token: String, to path: String) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LabError.tokenUnreadable(path: path) }
        defer { close(fd) }
        let bytes = Array((token + "\n").utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw LabError.tokenUnreadable(path: path) }
    }

    /// The token in `path`, without surrounding whitespace.
    public static func read(from path: String) throws(LabError) -> String {
        guard let data = FileManager.default.contents(atPath: path),
            case let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        else { throw .tokenUnreadable(path: path) }
        return token
    }

    /// Compares in time independent of where the strings differ, so the token cannot be guessed
    /// byte by byte from response times.
    static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

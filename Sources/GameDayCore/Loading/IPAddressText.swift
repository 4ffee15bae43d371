/// Checks IP addresses and CIDR networks as drill files spell them: `10.231.0.1`, `10.231.0.0/16`,
/// `fd00::1`, `fd00::/64`, `::ffff:10.0.0.1`.
///
/// Written out rather than asking `inet_pton` so the loader reads the same on every platform,
/// and stricter than it where tools disagree: no leading zeros in IPv4 parts (some read them
/// as octal) and no IPv6 zone (`%eth0`), which firewall rules do not take.
enum IPAddressText {
    /// An IPv4 or IPv6 address, with or without a `/prefix`.
    static func isAddressOrNetwork(_ text: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = parts[0]
        let maxPrefix: Int
        if isIPv4(address) {
            maxPrefix = 32
        } else if isIPv6(address) {
            maxPrefix = 128
        } else {
            return false
        }
        guard parts.count == 2 else { return true }
        return decimal(parts[1], max: maxPrefix) != nil
    }

    /// Four decimal parts from 0 to 255: `10.231.0.1`.
    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { decimal($0, max: 255) != nil }
    }

    /// Eight groups of one to four hex digits, a single `::` standing for one or more zero groups,
    /// and an IPv4 address in place of the last two groups.
    static func isIPv6(_ text: Substring) -> Bool {
        guard text.contains(":") else { return false }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let fields = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, field) in fields.enumerated() {
                let isLast = index == halves.count - 1 && position == fields.count - 1
                if isLast, field.contains(".") {
                    guard isIPv4(field) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    /// A decimal number without a sign or leading zeros, at most `max`.
    private static func decimal(_ text: Substring, max: Int) -> Int? {
        guard (1...3).contains(text.count), text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
            text == "0" || text.first != "0", let value = Int(text), value <= max
        else { return nil }
        return value
    }
}

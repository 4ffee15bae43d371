/// The spelling of SSH hosts and users in a target file: nothing that ssh could read as an option
/// or that a shell would split.
enum HostText {
    /// `10.0.1.11`, `db-3.example`, `10.0.1.12:2222`, `[fd00::7]:22`, `fd00::7`.
    static func parse(_ text: String) -> HostTarget? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard IPAddressText.isAddressOrNetwork(host), !host.contains("/") else { return nil }
            if rest.isEmpty { return HostTarget(host: host) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            return HostTarget(host: host, port: port)
        }
        if text.filter({ $0 == ":" }).count > 1 {
            return IPAddressText.isAddressOrNetwork(text) && !text.contains("/") ? HostTarget(host: text) : nil
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = String(parts[0])
        guard isHostName(host) else { return nil }
        guard parts.count == 2 else { return HostTarget(host: host) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return HostTarget(host: host, port: port)
    }

    /// Letters, digits, '-' and '.', each label starting and ending with a letter or digit (an IPv4
    /// address is such a name too).
    static func isHostName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }
        }
    }

    /// A login name: letters, digits, '_', '.', '-', not starting with '-'.
    static func isUser(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.first != "-"
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
            }
    }
}

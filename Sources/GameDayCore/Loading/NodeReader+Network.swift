import Yams

// MARK: - Numbers and network values

extension NodeReader {
    /// A plain number such as `1.5` or `2` (not `"1.5"`, not `.nan`), within `range`.
    func number(_ node: Node, in range: ClosedRange<Double>, what: String) -> Double? {
        guard isPlain(node), case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            error("expected a number, found \(describe(node))", at: node)
            return nil
        }
        return within(range, value, written: scalar.string, what: what, at: node)
    }

    /// A percentage from 0 to 100: a plain number (`1.5`) or one with a percent sign (`1.5%`).
    func percentage(_ node: Node, what: String) -> Double? {
        if isPlain(node), case .scalar(let scalar) = node, Double(scalar.string) != nil {
            return number(node, in: 0...100, what: what)
        }
        guard case .scalar(let scalar) = node, scalar.string.hasSuffix("%"),
            let value = Double(scalar.string.dropLast()), value.isFinite
        else {
            error("expected \(what) such as 1.5 or '1.5%', found \(describe(node))", at: node)
            return nil
        }
        return within(0...100, value, written: "'\(scalar.string)'", what: what, at: node)
    }

    private func within(_ range: ClosedRange<Double>, _ value: Double, written: String, what: String, at node: Node)
        -> Double?
    {
        guard range.contains(value) else {
            func text(_ bound: Double) -> String { bound == bound.rounded() ? "\(Int(bound))" : "\(bound)" }
            error(
                "expected \(what) between \(text(range.lowerBound)) and \(text(range.upperBound)), found \(written)",
                at: node)
            return nil
        }
        return value
    }

    /// A name the kernel takes as is (an interface, a network namespace): 1 to `maxLength`
    /// letters, digits, '_', '.' or '-', so it can be passed in an argv without surprises.
    func systemName(_ node: Node, what: String, maxLength: Int) -> String? {
        guard let name = text(node) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }
        guard allowed, name.count <= maxLength else {
            error("\(what) '\(name)' must be 1 to \(maxLength) letters, digits, '_', '.' or '-'", at: node)
            return nil
        }
        return name
    }

    /// An IPv4 or IPv6 address, or a CIDR network: `10.231.0.1`, `10.231.0.0/16`, `fd00::/64`.
    func address(_ node: Node, what: String) -> String? {
        guard let value = text(node) else { return nil }
        guard IPAddressText.isAddressOrNetwork(value) else {
            error(
                "\(what) '\(value)' is not an IPv4 or IPv6 address or CIDR network "
                    + "(such as '10.231.0.1', '10.231.0.0/16' or 'fd00::/64')", at: node)
            return nil
        }
        return value
    }

    /// `9311`, `"9400-9410"`, or a list of them.
    func portRanges(_ node: Node, path: String) -> [PortRange]? {
        guard let items = oneOrMany(node, path: path) else { return nil }
        let ranges = items.compactMap { portRange($0) }
        return ranges.count == items.count ? ranges : nil
    }

    /// One port (`9311`) or an inclusive range (`"9400-9410"`), each from 1 to 65535.
    func portRange(_ node: Node) -> PortRange? {
        let ports = 1...65535
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("expected a port or a range of ports such as '9000-9100', found \(describe(node))", at: node)
            return nil
        }
        if isPlain(node), Int(scalar.string) != nil {
            return integer(node, in: ports, what: "a port").map { PortRange($0) }
        }
        let bounds = scalar.string.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = bounds.compactMap { $0.allSatisfy { $0.isASCII && $0.isNumber } ? Int($0) : nil }
        guard numbers.count == bounds.count, let from = numbers.first, let to = numbers.last else {
            error("expected a port or a range of ports such as '9000-9100', found \(describe(node))", at: node)
            return nil
        }
        if let outside = numbers.first(where: { !ports.contains($0) }) {
            error("expected a port between 1 and 65535, found \(outside) in '\(scalar.string)'", at: node)
            return nil
        }
        guard from <= to else {
            error("port range '\(scalar.string)' runs backwards; write it as '\(to)-\(from)'", at: node)
            return nil
        }
        return PortRange(from, to)
    }

    /// A `tc` quantity: a number greater than zero and one of `units` (`1mbit`, `32kbit`), at most
    /// `largest` (`"100gbit"`) once each unit is turned into `scale`'s common measure.
    func tcQuantity(
        _ node: Node, what: String, units: [String], scale: [String: Double], largest: String, example: String
    ) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("expected a \(what) such as '\(example)', found \(describe(node))", at: node)
            return nil
        }
        let text = scalar.string
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = String(text.dropFirst(digits.count))
        guard let value = Double(digits), digits.first != ".", digits.last != "." else {
            error("expected a \(what) such as '\(example)', found \(describe(node))", at: node)
            return nil
        }
        guard units.contains(unit) else {
            let problem =
                unit.isEmpty
                ? "\(what) '\(text)' needs a unit; expected one of: \(units.joined(separator: ", "))"
                : "unknown \(what) unit '\(unit)' in '\(text)'" + Suggestion.hint(for: unit, among: units)
            error(problem, at: node)
            return nil
        }
        guard value > 0 else {
            error("expected a \(what) greater than zero, found \(describe(node))", at: node)
            return nil
        }
        if let most = Self.measure(largest, scale: scale), let size = Self.measure(text, scale: scale), size > most {
            error("expected a \(what) of at most \(largest), found \(describe(node))", at: node)
            return nil
        }
        return text
    }

    /// `2mbit` in `scale`'s measure (2e6 bits per second); infinite when the digits overflow a Double.
    private static func measure(_ text: String, scale: [String: Double]) -> Double? {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard let value = Double(digits), let factor = scale[String(text.dropFirst(digits.count))] else { return nil }
        return value * factor
    }
}

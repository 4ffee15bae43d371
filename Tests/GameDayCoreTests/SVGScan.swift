/// Finds elements in the report's SVG and HTML by their class, to check where things were drawn.
enum SVGScan {
    /// Every `<name …>` start tag whose `class` attribute is exactly `class`.
    static func elements(_ name: String, class value: String, in text: String) -> [String] {
        text.matches(of: try! Regex("<\(name) [^>]*>")).map { String(text[$0.range]) }
            .filter { attribute("class", of: $0) == value }
    }

    static func element(_ name: String, class value: String, in text: String) -> String? {
        elements(name, class: value, in: text).first
    }

    /// The value of `name` in a start tag.
    static func attribute(_ name: String, of tag: String) -> String? {
        guard let match = tag.firstMatch(of: try! Regex(" \(name)=\"([^\"]*)\"")) else { return nil }
        return match.output[1].substring.map(String.init)
    }
}

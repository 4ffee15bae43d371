/// The few SVG elements the report draws; every attribute value and text is escaped here.
enum SVG {
    typealias Attributes = KeyValuePairs<String, String>

    static func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, _ attributes: Attributes = [:],
        title: String? = nil
    ) -> String {
        let geometry = "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(width, 0)))\" height=\"\(n(max(height, 0)))\""
        return element("rect", "\(geometry) fill=\"\(e(fill))\"\(render(attributes))", title: title)
    }

    static func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, _ attributes: Attributes = [:],
        title: String? = nil
    ) -> String {
        let geometry = "x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\""
        return element("line", "\(geometry) stroke=\"\(e(stroke))\"\(render(attributes))", title: title)
    }

    /// `content` at (x, y), `anchor` being `start`, `middle` or `end`.
    static func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", _ attributes: Attributes = [:],
        title: String? = nil
    ) -> String {
        let tooltip = title.map { "<title>\(e($0))</title>" } ?? ""
        return
            "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(e(anchor))\"\(render(attributes))>\(tooltip)\(e(content))</text>"
    }

    /// An element, with a tooltip when `title` is given (a child `<title>`, which browsers show on hover).
    private static func element(_ name: String, _ attributes: String, title: String?) -> String {
        guard let title else { return "<\(name) \(attributes)/>" }
        return "<\(name) \(attributes)><title>\(e(title))</title></\(name)>"
    }

    private static func render(_ attributes: Attributes) -> String {
        attributes.map { " \($0.key)=\"\(e($0.value))\"" }.joined()
    }

    private static func n(_ value: Double) -> String { ReportText.number(value) }
    private static func e(_ text: String) -> String { ReportText.escape(text) }
}

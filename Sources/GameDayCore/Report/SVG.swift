/// The few SVG elements the report draws; every attribute value and text is escaped here.
enum SVG {
    typealias Attributes = KeyValuePairs<String, String>

    static func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, _ attributes: Attributes = [:],
        title: String? = nil
    ) -> String {
        let geometry = [("x", x), ("y", y), ("width", max(width, 0)), ("height", max(height, 0))]
        return shape("rect", geometry, paint: ("fill", fill), attributes, title: title)
    }

    static func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, _ attributes: Attributes = [:],
        title: String? = nil
    ) -> String {
        shape(
            "line", [("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)], paint: ("stroke", stroke), attributes,
            title: title)
    }

    static func circle(
        cx: Double, cy: Double, r: Double, fill: String, _ attributes: Attributes = [:], title: String? = nil
    ) -> String {
        shape("circle", [("cx", cx), ("cy", cy), ("r", r)], paint: ("fill", fill), attributes, title: title)
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

    /// A shape with its coordinates and paint, and a tooltip when `title` is given (a child `<title>`,
    /// which browsers show on hover).
    private static func shape(
        _ name: String, _ geometry: [(String, Double)], paint: (String, String), _ attributes: Attributes,
        title: String?
    ) -> String {
        let coordinates = geometry.map { "\($0.0)=\"\(n($0.1))\"" }.joined(separator: " ")
        let start = "<\(name) \(coordinates) \(paint.0)=\"\(e(paint.1))\"\(render(attributes))"
        guard let title else { return start + "/>" }
        return start + "><title>\(e(title))</title></\(name)>"
    }

    private static func render(_ attributes: Attributes) -> String {
        attributes.map { " \($0.key)=\"\(e($0.value))\"" }.joined()
    }

    private static func n(_ value: Double) -> String { ReportText.number(value) }
    private static func e(_ text: String) -> String { ReportText.escape(text) }
}

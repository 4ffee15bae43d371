import Yams

// MARK: - Requests, cut-overs and polls

extension NodeReader {
    /// `request: { method, url, headers, body }`
    func request(_ node: Node, path: String) -> RequestTemplate? {
        guard let fields = mapping(node, path: path, shape: DrillFormat.request) else { return nil }
        let methods = DrillFormat.methods.map { ($0, $0) }
        let method = fields["method"].flatMap { choice($0, what: "HTTP method", options: methods) }
        let headers = fields["headers"].flatMap { headerTemplates($0, path: fields.path("headers")) }
        let body = fields["body"].flatMap { json($0, path: fields.path("body")) }
        guard let url = fields["url"].flatMap({ template($0) }) else { return nil }
        return RequestTemplate(
            method: method ?? "GET", url: url, headers: headers ?? [], body: body, location: location(of: node))
    }

    /// `headers: { Authorization: "Bearer {{control_plane.token}}" }`, in file order.
    func headerTemplates(_ node: Node, path: String) -> [HeaderTemplate]? {
        guard let fields = anyMapping(node, path: path) else { return nil }
        return fields.keys.compactMap { name, _ in
            fields[name].flatMap { template($0) }.map { HeaderTemplate(name: name, value: $0) }
        }
    }

    /// A request body: mappings keep their order, strings are templates, numbers stay numbers.
    func json(_ node: Node, path: String) -> JSONTemplate? {
        switch node {
        case .mapping:
            guard let fields = anyMapping(node, path: path) else { return nil }
            return .object(
                fields.keys.compactMap { name, _ in
                    fields[name].flatMap { json($0, path: fields.path(name)) }.map { (key: name, value: $0) }
                })
        case .sequence(let sequence):
            return .array(sequence.compactMap { json($0, path: path) })
        case .scalar(let scalar):
            guard isPlain(node) else { return template(node, allowEmpty: true).map { .string($0) } }
            if isNull(node) { return .null }
            let text = scalar.string
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let integer = Int(text) { return .integer(integer) }
            if text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }), let number = Double(text), number.isFinite {
                return .number(number)
            }
            return template(node, allowEmpty: true).map { .string($0) }
        case .alias:
            error("expected a JSON value, found \(describe(node))", at: node)
            return nil
        }
    }

    /// A template that may be empty (`""` is a fine JSON string).
    private func template(_ node: Node, allowEmpty: Bool) -> Template? {
        guard let source = text(node, allowEmpty: allowEmpty, allowSecret: true) else { return nil }
        do {
            return try Template(parsing: source)
        } catch {
            self.error("invalid template: \(error.message)", at: node)
            return nil
        }
    }
}

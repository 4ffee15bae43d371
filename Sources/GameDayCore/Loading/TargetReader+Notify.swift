import Yams

extension TargetReader {
    /// `notify:` — the webhooks told of the run's start, abort, cut-over and end.
    func notify(_ node: Node) -> [Webhook]? {
        let r = reader
        guard let items = r.list(node, path: "notify") else { return nil }
        let webhooks = items.enumerated().compactMap { index, item in webhook(item, path: "notify[\(index)]") }
        return webhooks.count == items.count ? webhooks : nil
    }

    /// `{ url: https://… | { env: NAME } | { file: PATH }, format: json | slack }`.
    private func webhook(_ node: Node, path: String) -> Webhook? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.webhook) else { return nil }
        let format = fields["format"].flatMap { node in
            r.choice(node, what: "webhook format", options: Webhook.Format.allCases.map { ($0.rawValue, $0) })
        }
        guard let urlNode = fields["url"] else { return nil }
        let address: Webhook.Address?
        if case .mapping = urlNode {
            address = secret(urlNode, path: fields.path("url")).map { .secret($0) }
        } else {
            address = r.url(urlNode).map { .url($0) }
        }
        guard let address else { return nil }
        return Webhook(address: address, format: format ?? .json, location: r.location(of: node))
    }
}

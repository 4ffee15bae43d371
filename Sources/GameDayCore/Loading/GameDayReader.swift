import Foundation
import Yams

/// Reads the tree of a game-day file into a `GameDayPlan`, reporting every problem to its `NodeReader`.
struct GameDayReader {
    let reader: NodeReader

    func gameDay(_ root: Node) -> GameDayPlan? {
        let r = reader
        guard let top = r.mapping(root, path: "", shape: GameDayFormat.top) else { return nil }
        let name = top["gameday"].flatMap { r.slug($0, what: "game day name", example: "storefront-morning") }
        let description = top["description"].flatMap { r.text($0) }
        let stopOn = top["stop_on"].flatMap { node in
            r.choice(node, what: "'stop_on'", options: GameDayPlan.StopPolicy.allCases.map { ($0.rawValue, $0) })
        }
        let pause = top["pause"].flatMap { r.duration($0, allowZero: true) }
        let variables = top["vars"].flatMap { self.variables($0, path: "vars") }
        let entries = top["drills"].flatMap { self.entries($0) }
        guard let name, let entries else { return nil }
        return GameDayPlan(
            name: name, description: description, stopOn: stopOn ?? .fail, pause: pause ?? .zero,
            variables: variables ?? [], entries: entries, file: r.file)
    }

    private func entries(_ node: Node) -> [GameDayPlan.Entry]? {
        let r = reader
        guard let items = r.list(node, path: "drills", nonEmpty: true) else { return nil }
        let entries = items.enumerated().compactMap { index, item -> GameDayPlan.Entry? in
            let path = "drills[\(index)]"
            guard let fields = r.mapping(item, path: path, shape: GameDayFormat.entry) else { return nil }
            let pause = fields["pause"].flatMap { r.duration($0, allowZero: true) }
            let variables = fields["vars"].flatMap { self.variables($0, path: fields.path("vars")) }
            guard let file = fields["drill"].flatMap({ r.text($0) }) else { return nil }
            return GameDayPlan.Entry(
                drill: resolve(file), variables: variables ?? [], pause: pause, location: r.location(of: item))
        }
        return entries.count == items.count ? entries : nil
    }

    /// `vars: { NAME: value }`, as a var file's variables.
    private func variables(_ node: Node, path: String) -> [Variables.Variable]? {
        DrillLoader.variables(in: node, path: path, reader: reader)
    }

    /// A drill's path, relative to the game-day file's folder.
    private func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: reader.file).deletingLastPathComponent().appendingPathComponent(path)
            .standardizedFileURL.path
    }
}

/// Every mapping of the game-day format. `schemas/gameday.schema.json` says the same.
enum GameDayFormat {
    static let top = MappingShape(
        ["gameday", "description", "stop_on", "pause", "vars", "drills"], required: ["gameday", "drills"])
    static let entry = MappingShape(["drill", "vars", "pause"], required: ["drill"])
}

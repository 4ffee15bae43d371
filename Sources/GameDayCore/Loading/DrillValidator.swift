/// Cross-checks a drill against the target it runs on: what a drill file alone cannot tell.
public enum DrillValidator {
    /// Every problem of running `drill` on `target`, located at the drill's elements, by position;
    /// empty when the drill fits the target.
    public static func check(_ drill: Drill, against target: Target) -> [Diagnostic] {
        let fallback = SourceLocation(file: drill.file, line: 1, column: 1)
        var diagnostics: [Diagnostic] = []
        func report(_ message: String, at location: SourceLocation?) {
            diagnostics.append(Diagnostic(location ?? fallback, message))
        }
        let unitNames = target.units.map(\.name)
        let targetName = "target '\(target.name)'"

        for fault in drill.faults {
            guard let unit = target.unit(named: fault.unit) else {
                let hint = Suggestion.hint(for: fault.unit, among: unitNames, listing: "its units are")
                report("fault '\(fault.name)' hits unit '\(fault.unit)', which \(targetName) does not define\(hint)", at: fault.location)
                continue
            }
            guard let service = unit.service(named: fault.service) else {
                let hint = Suggestion.hint(for: fault.service, among: unit.services.map(\.name), listing: "its services are")
                report("unit '\(unit.name)' of \(targetName) has no service '\(fault.service)'\(hint)", at: fault.location)
                continue
            }
            switch fault.action {
            case .killProcess(_, let restart):
                if service.process == nil {
                    report(
                        "fault '\(fault.name)' kills service '\(service.name)' of '\(unit.name)', but \(targetName) gives no 'process:' to find it",
                        at: fault.location)
                }
                if restart, service.restart == nil {
                    report(
                        "fault '\(fault.name)' restarts service '\(service.name)' of '\(unit.name)' afterwards, but \(targetName) gives no 'restart:' command; add one or set 'restart: false'",
                        at: fault.location)
                }
            }
        }

        for user in drill.users {
            if let home = user.home {
                switch target.routing.unit(for: user.id) {
                case home?: break
                case let routed?:
                    report("user \(user.id) has home '\(home)' but the routing rule sends it to '\(routed)'", at: user.location)
                case nil:
                    report("user \(user.id) has home '\(home)' but no routing range of \(targetName) covers it", at: user.location)
                }
            }
            if let unit = user.recoversOn, !unitNames.contains(unit) {
                let hint = Suggestion.hint(for: unit, among: unitNames, listing: "its units are")
                report("user \(user.id) recovers on '\(unit)', which \(targetName) does not define\(hint)", at: user.location)
            }
        }

        for (request, scope) in requests(of: drill) {
            for name in variables(of: request) where !TemplateVariables.known(in: scope).contains(name) {
                let message: String
                if let only = TemplateVariables.onlyScope(of: name) {
                    message = "'{{\(name)}}' is only available in \(only), not in \(scope)"
                } else {
                    let hint = Suggestion.hint(for: name, among: TemplateVariables.known(in: scope), listing: "known values are")
                    message = "'{{\(name)}}' names no value\(hint)"
                }
                report(message, at: request.location)
            }
        }

        return diagnostics.sortedByPosition()
    }

    /// Every request of the drill, with the values its templates may use.
    private static func requests(of drill: Drill) -> [(RequestTemplate, TemplateVariables.Scope)] {
        var requests: [(RequestTemplate, TemplateVariables.Scope)] = [(drill.probe.request, .probe)]
        for cutover in [drill.cutover, drill.rollback.cutback].compactMap({ $0 }) {
            requests.append((cutover.request, .cutover))
            if let poll = cutover.poll { requests.append((poll.request, .poll)) }
        }
        return requests
    }

    /// The distinct `{{variables}}` of a request, in the order they first appear.
    private static func variables(of request: RequestTemplate) -> [String] {
        let templates = [request.url] + request.headers.map(\.value) + (request.body?.templates ?? [])
        var seen: [String] = []
        for name in templates.flatMap(\.variables) where !seen.contains(name) { seen.append(name) }
        return seen
    }
}

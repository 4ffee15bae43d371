import ArgumentParser
import Foundation
import GameDayCore

extension GameDay {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a running system what it can and write a starter target.yaml and drill.yaml.",
            discussion: """
                Sends only GETs: the gateway's root; the sample keys through --path with the key in --key-param, \
                to learn which response header or JSON body field names the serving unit and which unit serves \
                which key (then a few more keys to find where one unit's keys end and the next one's begin); and \
                the control plane's URL without credentials (a 401 or 403 means it needs a token). It writes \
                DIR/target.yaml and DIR/drill.yaml, a strong-dependency drill (kill --service in the first unit, \
                cut its user over to the next one), which 'gameday validate' accepts as written; '# TODO:' comments \
                mark what only you know: how to find and restart the process, the cut-over's request, the token. \
                Without --gateway or --control-plane on a terminal, it asks for them.

                Exit codes: 0 written; 1 a file exists (without --force) or cannot be written; 3 the system did not \
                tell enough (the gateway did not answer, no answer named a unit, only one unit was seen).
                """)

        @Option(help: "The gateway's base URL, where users' requests go (asked on a terminal when left out).")
        var gateway: String?

        @Option(help: "The control plane's base URL (asked on a terminal when left out).")
        var controlPlane: String?

        @Option(help: "The units' names as the system's answers spell them, comma-separated (default: recognised).")
        var units: String?

        @Option(help: "The path of a request that reaches a unit; the key is added as a query parameter.")
        var path: String?

        @Option(help: "The query parameter that carries the routing key.")
        var keyParam = "userId"

        @Option(
            name: .customLong("key"),
            help: "A key to ask which unit serves (repeatable; default 50, 2500, 5000, 6000, 9999).")
        var keys: [Int] = []

        @Option(help: "The service the drill kills in the first unit.")
        var service = "product"

        @Option(help: "The routing modulo: a key's slot is key % modulo.")
        var modulo = 10000

        @Option(
            help: ArgumentHelp(
                "The routing ranges, when you know them: FROM-TO=UNIT,... (such as 0-4999=hangzhou,5000-9999=beijing).",
                discussion: "Without it the ranges are inferred from the answers, with TODOs where they are guesses."))
        var routing: String?

        @Option(help: "The target's name.")
        var name = "my-system"

        @Option(name: .shortAndLong, help: "Where to write target.yaml and drill.yaml.")
        var output = "."

        @Flag(help: "Replace target.yaml and drill.yaml when they exist.")
        var force = false

        func validate() throws {
            for (option, url) in [("--gateway", gateway), ("--control-plane", controlPlane)] {
                if let url, !Self.isURL(url) {
                    throw ValidationError("\(option) takes an http:// or https:// URL, not '\(url)'")
                }
            }
            if let units = unitList, units.isEmpty || !units.allSatisfy(Self.isName) {
                throw ValidationError(
                    "--units takes unit names (letters, digits, '.', '_', '-') separated by commas, not '\(self.units ?? "")'"
                )
            }
            if !Self.isName(service) {
                throw ValidationError(
                    "--service takes a service name (letters, digits, '.', '_', '-'), not '\(service)'")
            }
            if !Self.isName(keyParam) {
                throw ValidationError("--key-param takes a query parameter name (letters, digits, '.', '_', '-')")
            }
            if let path, !path.hasPrefix("/") { throw ValidationError("--path must start with '/', not '\(path)'") }
            if !(1...1_000_000_000).contains(modulo) {
                throw ValidationError("--modulo takes a number from 1 to 1000000000, not \(modulo)")
            }
            if keys.contains(where: { $0 < 0 }) { throw ValidationError("--key takes keys from 0 up") }
            _ = try routingRanges()
            // Asked for in run() on a terminal; refused here otherwise, with the command's usage.
            if gateway == nil || controlPlane == nil, isatty(0) != 1 {
                throw ValidationError(
                    "give --gateway URL and --control-plane URL: stdin is not a terminal, so gameday init cannot ask for them"
                )
            }
        }

        func run() async throws {
            let settings = try settings()
            let service = StarterService(settings: settings, directory: output, force: force)
            do throws(StarterError) {
                for line in try await service.run() { Terminal.out(line) }
            } catch {
                Terminal.err("gameday: \(error.localizedDescription)")
                switch error {
                case .wouldOverwrite, .unwritable: throw ExitCode.failure
                default: throw ExitCode(RunOutcome.error.exitCode)
                }
            }
        }

        // MARK: - Settings

        /// The settings, the URLs left out asked for on a terminal.
        private func settings() throws -> StarterSettings {
            var gateway = self.gateway
            var controlPlane = self.controlPlane
            var path = self.path
            if gateway == nil || controlPlane == nil {
                gateway = try gateway ?? Self.ask("gateway URL (where users' requests go)", check: Self.isURL)
                controlPlane = try controlPlane ?? Self.ask("control plane URL", check: Self.isURL)
                path =
                    try path
                    ?? Self.ask("path of a request that reaches a unit [/]", check: { $0.hasPrefix("/") }, empty: "/")
            }
            return StarterSettings(
                gatewayURL: Self.trimmed(gateway!), controlPlaneURL: Self.trimmed(controlPlane!), units: unitList,
                path: path ?? "/", keyParameter: keyParam, keys: keys.isEmpty ? StarterSettings.sampleKeys : keys,
                service: service, modulo: modulo, routing: try routingRanges(), targetName: name)
        }

        private var unitList: [String]? {
            units.map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            }
        }

        /// `0-4999=hangzhou,5000-9999=beijing`: whole, in order, without gaps or overlaps.
        private func routingRanges() throws -> [RouteRange]? {
            guard let routing else { return nil }
            var ranges: [RouteRange] = []
            for part in routing.split(separator: ",") {
                let sides = part.split(separator: "=", maxSplits: 1).map(String.init)
                let bounds = sides.first?.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard sides.count == 2, let bounds, bounds.count == 2, let from = bounds[0], let to = bounds[1],
                    Self.isName(sides[1])
                else {
                    throw ValidationError("--routing takes FROM-TO=UNIT,... (such as 0-4999=hangzhou), not '\(part)'")
                }
                ranges.append(RouteRange(from: from, to: to, unit: sides[1]))
            }
            var next = 0
            for range in ranges.sorted(by: { $0.from < $1.from }) {
                guard range.from == next, range.to >= range.from else {
                    throw ValidationError(
                        "--routing must cover slots 0 to \(modulo - 1) once each, in ranges FROM-TO; "
                            + "\(range.from)-\(range.to) does not start at \(next)")
                }
                next = range.to + 1
            }
            guard next == modulo else {
                throw ValidationError("--routing must cover slots 0 to \(modulo - 1) once each; it ends at \(next - 1)")
            }
            if let units = unitList, let stray = ranges.first(where: { !units.contains($0.destination.unit ?? "") }) {
                throw ValidationError("--routing sends keys to '\(stray.destination)', which --units does not name")
            }
            return ranges
        }

        // MARK: - Questions

        /// Asks on the terminal until the answer passes `check` (an empty line is `empty`, when given).
        private static func ask(_ question: String, check: (String) -> Bool, empty: String? = nil) throws -> String {
            while true {
                FileHandle.standardError.write(Data("\(question): ".utf8))
                guard let line = readLine() else {
                    throw ValidationError("no answer to '\(question)' (end of input)")
                }
                let answer = line.trimmingCharacters(in: .whitespaces)
                if answer.isEmpty, let empty { return empty }
                if check(answer) { return answer }
                Terminal.err("'\(answer)' will not do; try again (Ctrl-C to stop)")
            }
        }

        private static func isURL(_ text: String) -> Bool {
            (text.hasPrefix("http://") || text.hasPrefix("https://")) && !text.contains(where: \.isWhitespace)
        }

        private static func isName(_ text: String) -> Bool {
            !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        }

        /// A base URL without its trailing `/`: templates add the path.
        private static func trimmed(_ url: String) -> String {
            url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }
}

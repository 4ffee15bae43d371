import ArgumentParser

extension GameDay {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "(not yet)")
        func run() async throws {}
    }
}

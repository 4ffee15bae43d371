import ArgumentParser

extension GameDay {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "(not yet)")
        func run() async throws {}
    }
}

import ArgumentParser

extension GameDay {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "(not yet)")
        func run() async throws {}
    }
}

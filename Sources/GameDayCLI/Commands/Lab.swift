import ArgumentParser

extension GameDay {
    struct Lab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lab", abstract: "(not yet)")
        func run() async throws {}
    }
}

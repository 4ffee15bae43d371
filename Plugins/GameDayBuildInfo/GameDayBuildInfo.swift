import Foundation
import PackagePlugin

/// Gives the target a `BuildInfo` enum with gameday's version (from `VERSION`) and the git commit it is
/// built from, written by `scripts/build-info.sh` before every build, so `gameday --version` names
/// both in debug and release builds alike without a generated file in the source tree.
@main
struct GameDayBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let generated = context.pluginWorkDirectoryURL.appending(path: "generated")
        // A prebuild command, not a build command: it runs before every build, so a new commit is
        // seen even though no input file of SwiftPM's changed; the script leaves the file alone when
        // its text is the same, so nothing recompiles then.
        return [
            .prebuildCommand(
                displayName: "Recording gameday's version and commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    package.appending(path: "scripts/build-info.sh").path,
                    package.path,
                    generated.appending(path: "BuildInfo.swift").path,
                ],
                outputFilesDirectory: generated
            )
        ]
    }
}

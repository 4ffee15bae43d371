import ArgumentParser

/// `--run-dir`, shared by every `lab` command.
struct LabRunDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("run-dir"), help: "The lab's run directory (pid files, logs, lab.json, target.yaml).")
    var runDirectory: String = ".gameday/lab"
}

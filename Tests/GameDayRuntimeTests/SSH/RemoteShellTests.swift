import GameDayRuntime
import Testing

@Suite struct RemoteShellTests {
    @Test(arguments: [
        ("plain", "'plain'"),
        ("", "''"),
        ("it's", #"'it'\''s'"#),
        ("'", #"''\'''"#),
        ("$HOME; rm -rf / *", "'$HOME; rm -rf / *'"),
        ("a\nb", "'a\nb'"),
        (#"back\slash "double""#, #"'back\slash "double"'"#),
    ])
    func quotesOneWord(word: String, quoted: String) {
        #expect(RemoteShell.quote(word) == quoted)
    }

    @Test func joinsQuotedWordsWithSpaces() {
        #expect(RemoteShell.commandLine(["kill", "-STOP", "42"]) == "'kill' '-STOP' '42'")
        #expect(RemoteShell.commandLine(["echo", "", "x y"]) == "'echo' '' 'x y'")
    }

    /// The local `sh` reads the quoted line back into exactly the words: the same parser the remote side uses.
    @Test func aPOSIXShellReadsTheWordsBack() async throws {
        let words = ["$HOME; rm -rf / *", "it's", "\"q\"", "new\nline", "", "  ", "`id`", "$(id)", "-n", "*", "ü"]
        let line = RemoteShell.commandLine(["printf", "%s\\0"] + words)
        let output = try await LocalExecutor().run(["sh", "-c", line], timeout: .seconds(10))
        #expect(output.exitCode == 0)
        #expect(
            output.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init) == words)
    }
}

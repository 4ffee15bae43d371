import Foundation
import Testing

@testable import GameDayCore

/// `hooks:` of targets and drills and `notify:` of targets: their grammar, where a misuse is
/// reported, and that a secret URL is never shown.
@Suite struct HookLoaderTests {
    static func target(adding extra: String) throws -> String {
        try Fixture.text("valid/target.yaml") + "\n" + extra
    }

    @Test func readsHooksAndWebhooksOfATarget() throws {
        let file = "valid/target.yaml"
        let yaml = try Self.target(
            adding: """
                notify:
                  - url: { env: SLACK_WEBHOOK_URL }
                    format: slack
                  - url: "https://hooks.example.com/gameday/T0KEN"
                hooks:
                  - name: change-ticket
                    before: inject
                    run: [./scripts/open-ticket.sh, "{{drill.name}}"]
                    timeout: 30s
                    on_failure: abort
                  - name: smoke
                    after: rollback
                    run: [sh, -c, "make smoke"]
                  - name: report
                    after: run
                    run: [/usr/local/bin/report]
                """)
        let target = try DrillLoader.parseTarget(yaml: yaml, file: file)
        #expect(target.notify.map(\.format) == [.slack, .json])
        #expect(target.notify.first?.address == .secret(.environment("SLACK_WEBHOOK_URL")))
        #expect(target.notify.map(\.display) == ["*** (env SLACK_WEBHOOK_URL)", "https://hooks.example.com/***"])
        #expect(target.hooks.map(\.name) == ["change-ticket", "smoke", "report"])
        #expect(target.hooks.map(\.moment) == [.before(.inject), .after(.rollback), .afterRun])
        #expect(target.hooks.map(\.onFailure) == [.abort, .warn, .warn])
        #expect(target.hooks[0].timeout == .seconds(30))
        #expect(target.hooks[1].timeout == Hook.defaultTimeout)
        // A program with a slash is relative to the target file's folder; a bare name stays for PATH.
        let program = URL(fileURLWithPath: "valid/scripts/open-ticket.sh").standardizedFileURL.path
        #expect(target.hooks[0].run.argv.map(\.source) == [program, "{{drill.name}}"])
        #expect(target.hooks[1].run.argv.map(\.source) == ["sh", "-c", "make smoke"])
    }

    @Test func readsHooksOfADrill() throws {
        let yaml =
            try Fixture.text("valid/minimal-drill.yaml") + """

                hooks:
                  - { name: steady-note, after: steady_state, run: [echo, ok], on_failure: abort }
                  - { name: verify, before: verify_rollback, run: [echo, ok] }
                """
        let drill = try DrillLoader.parseDrill(yaml: yaml, file: "valid/minimal-drill.yaml")
        #expect(drill.hooks.map(\.moment) == [.after(.steadyState), .before(.verifyRollback)])
        #expect(drill.hooks.map(\.moment.description) == ["after steady_state", "before verify_rollback"])
    }

    @Test func refusesAbortOnceFaultsMayBeAppliedAtItsLine() throws {
        let yaml = try Self.target(
            adding: """
                hooks:
                  - name: fine
                    before: inject
                    run: [true]
                    on_failure: abort
                  - name: too-late
                    after: inject
                    run: [true]
                    on_failure: abort
                """)
        let base = try Fixture.text("valid/target.yaml").split(separator: "\n", omittingEmptySubsequences: false).count
        let error = try #require(throws: DiagnosticsError.self) {
            try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml")
        }
        #expect(error.diagnostics.count == 1)
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.location.line == base + 9)
        #expect(diagnostic.message.contains("hook 'too-late' runs after inject"))
        #expect(diagnostic.message.contains("can only be 'warn'"))
    }

    @Test func reportsEveryMistakeOfAHook() throws {
        let yaml = try Self.target(
            adding: """
                hooks:
                  - { name: a, before: inject, after: rollback, run: [true] }
                  - { name: b, run: [true] }
                  - { name: c, before: injcet, run: [true] }
                  - { name: d, after: run, run: "echo hi" }
                  - { name: d, after: rollback, run: [true], on_failure: ignore }
                  - { name: e, after: rollback, run: ["{{drill.name}}"] }
                notify:
                  - { url: { env: A, file: b } }
                  - { url: "ftp://x", format: teams }
                """)
        let error = try #require(throws: DiagnosticsError.self) {
            try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml")
        }
        let messages = error.diagnostics.map(\.message).joined(separator: "\n")
        #expect(messages.contains("takes either 'before' or 'after', not both"))
        #expect(messages.contains("needs 'before: PHASE' or 'after: PHASE'"))
        #expect(messages.contains("unknown phase 'injcet' (did you mean 'inject'?)"))
        #expect(messages.contains("argv, never a shell string"))
        #expect(messages.contains("duplicate hook name 'd'"))
        #expect(messages.contains("unknown on_failure 'ignore'"))
        #expect(messages.contains("the program of 'hooks[5].run' must be written out"))
        #expect(messages.contains("'notify[0].url' takes exactly one of 'env' or 'file'"))
        #expect(messages.contains("expected an http:// or https:// URL, found 'ftp://x'"))
        #expect(messages.contains("unknown webhook format 'teams'"))
    }

    @Test func redactsAWebhookURL() {
        #expect(Webhook.redacted("https://hooks.slack.com/services/T0/B0/XyZ") == "https://hooks.slack.com/***")
        #expect(Webhook.redacted("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(Webhook.redacted("http://127.0.0.1:8080/?key=s3cret") == "http://127.0.0.1:8080/***")
        #expect(Webhook.redacted("https://user:pw@example.com") == "https://example.com/***")
        #expect(Webhook(address: .secret(.file("/etc/url"))).display == "*** (file /etc/url)")
    }
}

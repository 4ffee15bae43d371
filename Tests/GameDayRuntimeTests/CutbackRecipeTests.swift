import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayRuntime

/// The cut-back a watchdog or `recover` sends from the ledger: when it fails, what they log says
/// the cut-back failed, in the control plane's words where they are its own.
@Suite struct CutbackRecipeTests {
    /// A control plane that accepts the cut-back and then reports `state`, or answers `status`.
    struct ControlPlane: HTTPTransport {
        var state = "done"
        var status = 202
        var body = #"{"id":"c-back"}"#

        func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
            if request.method == "POST" { return HTTPResponse(status: status, body: Array(body.utf8)) }
            return HTTPResponse(status: 200, body: Array(#"{"state":"\#(state)"}"#.utf8))
        }
    }

    /// A drill whose cut-back is polled until done (or `failed`) for at most `timeout`, and a target.
    static func files(in scratch: Scratch, timeout: String = "5s") throws -> RevertRecipe {
        let drill = """
            drill: cutback-only
            probe:
              interval: 100ms
              request: { url: "{{gateway.url}}/storefront?userId={{user.id}}" }
            users:
              - { id: 6000, home: beijing, impact: none }
            steady_state: { duration: 500ms }
            faults:
              - { name: product-down, unit: beijing, service: product, kind: kill-process }
            observe: { duration: 1s }
            rollback:
              cutback:
                request: { method: POST, url: "{{control_plane.url}}/v1/cutback" }
                accept: [202]
                id_field: id
                poll:
                  request: { url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}" }
                  field: state
                  done: done
                  failed: [failed]
                  interval: 10ms
                  timeout: \(timeout)
            """
        let target =
            TargetText.twoUnits(name: "lab", gateway: "http://gateway.test", controlPlane: "http://control-plane.test")
            + "  beijing:\n    services:\n      product: { process: { pid_file: /nonexistent } }\n"
        try drill.write(toFile: scratch.path("drill.yaml"), atomically: true, encoding: .utf8)
        try target.write(toFile: scratch.path("target.yaml"), atomically: true, encoding: .utf8)
        return RevertRecipe(steps: [.cutback(drill: scratch.path("drill.yaml"), target: scratch.path("target.yaml"))])
    }

    static func failure(_ recipe: RevertRecipe, _ controlPlane: ControlPlane) async -> String? {
        do {
            _ = try await RecipeRunner(transport: controlPlane).run(recipe)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aCutbackThatSucceedsSaysSo() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let recipe = try Self.files(in: scratch)
        #expect(try await RecipeRunner(transport: ControlPlane()).run(recipe) == "routing cut back (c-back)")
    }

    @Test func aFailedCutbackIsCalledACutback() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let recipe = try Self.files(in: scratch, timeout: "300ms")
        #expect(
            await Self.failure(recipe, ControlPlane(state: "failed"))
                == "could not cut back: the control plane reports the cut-back failed")
        #expect(
            await Self.failure(recipe, ControlPlane(state: "switching"))
                == "could not cut back: the cut-back was not done after 300ms (last state 'switching')")
        // The control plane's own words are quoted as they are.
        #expect(
            await Self.failure(recipe, ControlPlane(status: 500, body: "cut-over engine down"))
                == "could not cut back: the control plane failed with 500 at http://control-plane.test/v1/cutback: "
                + "cut-over engine down")
    }
}

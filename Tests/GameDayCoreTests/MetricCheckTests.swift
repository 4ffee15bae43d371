import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// `checks:` and `prometheus:` read from files, Prometheus's answers read, and each answer judged.
@Suite struct MetricCheckTests {
    static let head = """
        drill: d
        probe: { request: { url: "{{gateway.url}}/x?u={{user.id}}" } }
        users: [{ id: 6000 }]
        faults: [{ name: a, kind: kill-process, unit: beijing, service: product }]

        """

    static func drill(_ checks: String, recovery: Bool = true) throws(DiagnosticsError) -> Drill {
        try DrillLoader.parseDrill(
            yaml: head + (recovery ? "recovery: { rto: 5s }\n" : "") + checks, file: "d.yaml")
    }

    static func problems(_ checks: String, recovery: Bool = true) -> [String] {
        do {
            _ = try drill(checks, recovery: recovery)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func readsEveryFieldOfACheck() throws {
        let drill = try Self.drill(
            """
            checks:
              - name: hangzhou-5xx
                query: 'sum(rate(lab_http_requests_total{unit="{{fault.unit}}",code=~"5.."}[5s]))'
                expect: "<= 0.5"
                phase: [steady_state, guardrail, recovery, guardrail]
                every: 1s
                window: 10s
                on_no_data: skip
              - name: up
                query: up
                expect: "== 1"
                phase: guardrail
            """)
        let first = try #require(drill.checks.first)
        #expect(first.name == "hangzhou-5xx")
        #expect(first.query.variables == ["fault.unit"])
        #expect(first.expect == MetricComparison(.atMost, 0.5))
        #expect(first.phases == [.steadyState, .guardrail, .recovery])
        #expect(first.every == .seconds(1) && first.window == .seconds(10) && first.onNoData == .skip)
        #expect(first.location?.line == 7)
        let second = try #require(drill.checks.last)
        #expect(second.phases == [.guardrail] && second.every == .seconds(5) && second.window == nil)
        #expect(second.onNoData == .fail)
    }

    @Test func refusesWhatCannotBeACheckAtItsLine() {
        let cases: [(String, Bool, String)] = [
            (
                "checks: [{ name: a, query: up, expect: '=< 1', phase: guardrail }]", true,
                "expected a comparison such as '< 0.5'"
            ),
            ("checks: [{ name: a, query: up, expect: '< 0x10', phase: guardrail }]", true, "expected a comparison"),
            (
                "checks: [{ name: a, query: up, expect: '< 1', phase: guardrial }]", true,
                "unknown check phase 'guardrial'"
            ),
            (
                "checks: [{ name: a, query: up, expect: '< 1', phase: recovery }]", false,
                "the drill has no 'recovery' section"
            ),
            ("checks: [{ name: a, query: up, expect: '< 1', phase: guardrail, every: 100ms }]", true, "at least 500ms"),
            (
                "checks: [{ name: a, query: up, expect: '< 1', phase: guardrail, on_no_data: ignore }]", true,
                "unknown 'on_no_data' 'ignore'"
            ),
            ("checks: [{ name: a, query: up, expect: '< 1', phase: guardrail, treshold: 1 }]", true, "treshold"),
            ("checks: [{ name: a, query: '{{fault.unit', expect: '< 1', phase: guardrail }]", true, "invalid template"),
            ("checks: [{ name: a, query: up, phase: guardrail }]", true, "missing required key 'expect'"),
            ("checks: []", true, "'checks'"),
            (
                "checks: [{ name: a, query: up, expect: '< 1', phase: guardrail }, { name: a, query: up, expect: '< 1', phase: guardrail }]",
                true, "duplicate check name 'a'"
            ),
        ]
        for (yaml, recovery, expected) in cases {
            let problems = Self.problems(yaml, recovery: recovery)
            #expect(problems.contains { $0.contains(expected) && $0.hasPrefix("d.yaml:") }, "\(yaml): \(problems)")
        }
    }

    static let targetHead = """
        target: t
        gateway: { url: "http://127.0.0.1:1" }
        control_plane: { url: "http://127.0.0.1:2" }
        routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
        units: { beijing: {} }

        """

    @Test func readsTheTargetsPrometheusAndRefusesTwoKindsOfCredentials() throws {
        let target = try DrillLoader.parseTarget(
            yaml: Self.targetHead
                + "prometheus: { url: 'http://127.0.0.1:9090/prom', basic_auth: { username: sre, password: { env: P } }, timeout: 2s }\n",
            file: "/etc/gameday/t.yaml")
        let prometheus = try #require(target.prometheus)
        #expect(prometheus.url == "http://127.0.0.1:9090/prom" && prometheus.timeout == .seconds(2))
        #expect(prometheus.basicAuth == .init(username: "sre", password: .environment("P")) && prometheus.token == nil)
        let withFile = try DrillLoader.parseTarget(
            yaml: Self.targetHead + "prometheus: { url: 'http://p:9090', token: { file: prom-token } }\n",
            file: "/etc/gameday/t.yaml")
        #expect(withFile.prometheus?.token == .file("/etc/gameday/prom-token"))
        #expect(withFile.prometheus?.timeout == .seconds(5))
        #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseTarget(
                yaml: Self.targetHead
                    + "prometheus: { url: 'http://p', token: { env: T }, basic_auth: { username: u, password: { env: P } } }\n",
                file: "t.yaml")
        }
        do {
            _ = try DrillLoader.parseTarget(
                yaml: Self.targetHead + "prometheus: { token: { env: T } }\n", file: "t.yaml")
            Issue.record("a prometheus without url was accepted")
        } catch {
            #expect(error.description.contains("missing required key 'url'"), "\(error)")
        }
    }

    @Test func theValidatorWantsAPrometheusAndNoSecretInAQuery() throws {
        let drill = try Self.drill(
            """
            checks:
              - { name: a, query: 'up{unit="{{fault.unit}}"}', expect: '== 1', phase: guardrail }
              - { name: b, query: 'up{t="{{control_plane.token}}"}', expect: '== 1', phase: guardrail }
              - { name: c, query: 'up{u="{{user.id}}"}', expect: '== 1', phase: guardrail }
              - { name: d, query: 'up{x="${SECRET}"}', expect: '== 1', phase: guardrail }
              - { name: e, query: 'up{x="{{fault.unti}}"}', expect: '== 1', phase: guardrail }
            """)
        var target = try DrillLoader.parseTarget(yaml: Self.targetHead, file: "t.yaml")
        let without = DrillValidator.check(drill, against: target).map(\.message)
        #expect(
            without.contains { $0.contains("names none (add 'prometheus: { url: http://HOST:9090 }'") }, "\(without)")
        target.prometheus = PrometheusTarget(url: "http://127.0.0.1:9090")
        let messages = DrillValidator.check(drill, against: target).map { "\($0.location.line): \($0.message)" }
            .filter { !$0.contains("has no service") }
        #expect(messages.count == 4, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("8:") && $0.contains("must not hold '{{control_plane.token}}'") })
        #expect(messages.contains { $0.hasPrefix("9:") && $0.contains("only available in 'probe.request'") })
        #expect(messages.contains { $0.hasPrefix("10:") && $0.contains("must not hold '${SECRET}'") })
        #expect(
            messages.contains { $0.hasPrefix("11:") && $0.contains("did you mean 'fault.unit'") || $0.hasPrefix("11:") }
        )
    }

    // MARK: - Comparisons and answers

    @Test func aComparisonHoldsAsItSaysAndNaNNeverDoes() throws {
        let cases: [(String, Double, Bool)] = [
            ("< 0.5", 0.4, true), ("< 0.5", 0.5, false), ("<= 0.5", 0.5, true), ("> 1e3", 1001, true),
            (">= -1", -1, true), ("== 0", 0, true), ("== 0", 0.1, false), ("!= 0", 1, true), ("< 1", .nan, false),
            ("!= 0", .nan, false), ("> 0", .infinity, true),
        ]
        for (text, value, holds) in cases {
            let comparison = try #require(MetricComparison(parsing: text), "\(text)")
            #expect(comparison.holds(value) == holds, "\(text) of \(value)")
        }
        #expect(MetricComparison(parsing: "<=1")?.description == "<= 1")
        #expect(MetricComparison(parsing: "< 0.25")?.description == "< 0.25")
        for bad in ["1", "<", "< nan", "< inf", "=> 1", "< 1 2", "<< 1"] {
            #expect(MetricComparison(parsing: bad) == nil, "\(bad)")
        }
    }

    static func answer(_ status: Int, _ body: String) -> PrometheusAnswer {
        PrometheusQuery.read(HTTPResponse(status: status, body: Array(body.utf8)), url: "http://p/api/v1/query")
    }

    @Test func readsEachShapeOfPrometheussAnswer() {
        let vector = Self.answer(
            200,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"unit":"hangzhou","code":"500"},"value":[1765000000.5,"0.25"]},{"metric":{},"value":[1765000000.5,"NaN"]}]}}"#
        )
        guard case .values(let series) = vector else {
            Issue.record("\(vector)")
            return
        }
        #expect(series.map(\.labels) == [#"{code="500", unit="hangzhou"}"#, "{}"])
        #expect(series[0].samples == [QuerySample(time: 1_765_000_000.5, value: 0.25)])
        #expect(series[1].samples[0].value.isNaN)
        #expect(
            Self.answer(200, #"{"status":"success","data":{"resultType":"scalar","result":[1765000000,"+Inf"]}}"#)
                == .values([
                    QuerySeries(
                        labels: "scalar", samples: [QuerySample(time: 1_765_000_000, value: .infinity)])
                ]))
        #expect(
            Self.answer(
                200,
                #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"lab"},"values":[[1,"1"],[2,"3"]]}]}}"#
            )
                == .values([
                    QuerySeries(
                        labels: #"{job="lab"}"#, samples: [.init(time: 1, value: 1), .init(time: 2, value: 3)])
                ]))
        #expect(Self.answer(200, #"{"status":"success","data":{"resultType":"vector","result":[]}}"#) == .noData)
        let bad = Self.answer(
            400,
            #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected right parenthesis ')'"}"#)
        #expect(bad == .failed(.badQuery("1:5: parse error: unexpected right parenthesis ')'")))
        #expect("\(bad)".contains("does not parse"))
        guard case .failed(.refused(let refused)) = Self.answer(401, "Unauthorized") else {
            Issue.record("a 401 is not a refusal")
            return
        }
        #expect(refused.contains("refused the credentials (401"))
        guard case .failed(.badAnswer(let garbage)) = Self.answer(200, "<html>Grafana</html>") else {
            Issue.record("garbage is not a bad answer")
            return
        }
        #expect(garbage.contains("no Prometheus API answer: '<html>Grafana</html>'"))
        guard
            case .failed(.badAnswer(let timeout)) = Self.answer(
                503, #"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#)
        else {
            Issue.record("a timeout is not a bad answer")
            return
        }
        #expect(timeout.contains("503, timeout: query timed out"))
        guard
            case .failed(.badAnswer(let string)) = Self.answer(
                200, #"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#)
        else {
            Issue.record("a string result is not a bad answer")
            return
        }
        #expect(string.contains("not a number"))
    }

    static let check = MetricCheck(
        name: "errors", query: "q", expect: MetricComparison(.below, 0.5), phases: [.guardrail], onNoData: .fail)

    static func series(_ values: [Double]) -> PrometheusAnswer {
        .values(
            values.enumerated().map {
                QuerySeries(labels: "{i=\"\($0.offset)\"}", samples: [.init(time: 1, value: $0.element)])
            })
    }

    @Test func judgesEachAnswerAsADistinctOutcome() {
        func judge(_ answer: PrometheusAnswer, onNoData: NoDataPolicy = .fail) -> CheckEvaluation {
            var check = Self.check
            check.onNoData = onNoData
            return CheckEvaluation.judge(answer, of: check, phase: .guardrail, at: .milliseconds(1500))
        }
        let pass = judge(Self.series([0.1, 0.3]))
        #expect(pass.status == .pass && pass.counts == .pass && pass.value == 0.3 && pass.series == "{i=\"1\"}")
        #expect(pass.atMs == 1500 && pass.seriesCount == 2 && pass.detail == "0.3 < 0.5 (2 series)")
        let fail = judge(Self.series([0.1, 0.7, 2]))
        #expect(fail.status == .fail && fail.counts == .fail && fail.value == 2 && fail.series == "{i=\"2\"}")
        #expect(fail.detail == "2 of {i=\"2\"} is not < 0.5 (2 of 3 values breach)")
        let nan = judge(Self.series([.nan]))
        #expect(nan.status == .nan && nan.counts == .fail && nan.value == nil)
        #expect(judge(Self.series([.nan, 0.1])).status == .pass)
        #expect(judge(.noData).status == .noData && judge(.noData).counts == .fail)
        #expect(judge(.noData, onNoData: .pass).counts == .pass)
        #expect(judge(.noData, onNoData: .skip).counts == .skipped)
        #expect(judge(.noData, onNoData: .skip).detail == "no series matched the query (on_no_data: skip)")
        let down = judge(.failed(.unreachable("Prometheus at http://p did not answer: refused")), onNoData: .pass)
        #expect(down.status == .error && down.counts == .fail, "an unreachable Prometheus is never no data")
        let infinite = judge(Self.series([.infinity]))
        #expect(infinite.status == .fail && infinite.value == nil, "JSON holds no infinity")
    }

    @Test func anEvaluationIsArchivedAndReadBack() throws {
        let record = CheckRecord(
            Self.check, query: "sum(up)",
            evaluations: [CheckEvaluation.judge(Self.series([0.2]), of: Self.check, phase: .guardrail, at: .seconds(2))]
        )
        let data = try JSONEncoder().encode(record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(
            text.contains(#""at_ms":2000"#) && text.contains(#""on_no_data":"fail""#)
                && text.contains(#""every_ms":5000"#))
        #expect(try JSONDecoder().decode(CheckRecord.self, from: data) == record)
    }
}

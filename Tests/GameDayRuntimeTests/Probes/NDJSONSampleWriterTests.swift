import Dispatch
import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@Suite struct NDJSONSampleWriterTests {
    @Test func everyLineParsesBackAndTheCountsMatch() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let writer = try NDJSONSampleWriter(path: scratch.path("samples.ndjson"))
        let recorded = RecordingSink()
        let sink = TeeProbeSink([writer, recorded])
        let failed = ProbeSample(
            sentAt: .milliseconds(1234.567), latency: .milliseconds(3.1), ok: false,
            failure: "header X-Unit is \"bei\\jing\"\n", lag: .microseconds(210))
        // Four threads at once, enough lines for several 64 KiB blocks.
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for sequence in 0..<2000 {
                let sample = ProbeSample(
                    sentAt: .milliseconds(sequence), latency: .microseconds(3100), status: 200, unit: "beijing",
                    ok: true,
                    timings: HTTPTimings(
                        connect: .microseconds(100), firstByte: .microseconds(2900), total: .microseconds(3000)),
                    lag: .microseconds(210), focused: sequence == 9)
                sink.deliver(sequence == 7 ? failed : sample, user: "\(6000 + thread)", sequence: sequence)
                if sequence % 10 == 0 { sink.skipped(user: "\(6000 + thread)", scheduled: .milliseconds(1300)) }
            }
        }
        try writer.close()

        let text = try String(contentsOfFile: scratch.path("samples.ndjson"), encoding: .utf8)
        let objects = try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let samples = objects.filter { $0["seq"] != nil }
        let skipped = objects.filter { $0["skipped_ms"] != nil }
        #expect(samples.count == recorded.deliveries.count)
        #expect(samples.count == 8000)
        #expect(skipped.count == recorded.skipped.count)
        #expect(skipped.count == 800)
        #expect(skipped.allSatisfy { ($0["skipped_ms"] as? Double) == 1300 && $0.count == 2 })
        for user in 6000..<6004 {
            let sequences = samples.filter { $0["user"] as? String == "\(user)" }.compactMap { $0["seq"] as? Int }
            #expect(sequences == Array(0..<2000))
        }
        let ok = try #require(samples.first { $0["user"] as? String == "6001" && $0["seq"] as? Int == 8 })
        #expect(ok["status"] as? Int == 200)
        #expect(ok["unit"] as? String == "beijing")
        #expect(ok["ok"] as? Bool == true)
        #expect(ok["failure"] is NSNull)
        #expect(ok["sent_ms"] as? Double == 8)
        #expect(ok["lag_ms"] as? Double == 0.21)
        #expect(ok["latency_ms"] as? Double == 3.1)
        #expect(ok["connect_ms"] as? Double == 0.1)
        #expect(ok["first_byte_ms"] as? Double == 2.9)
        #expect(ok["total_ms"] as? Double == 3)
        #expect(ok["focused"] == nil)
        let focused = try #require(samples.first { $0["user"] as? String == "6001" && $0["seq"] as? Int == 9 })
        #expect(focused["focused"] as? Bool == true)
        #expect(samples.count { $0["focused"] != nil } == 4)
        let bad = try #require(samples.first { $0["user"] as? String == "6002" && $0["seq"] as? Int == 7 })
        #expect(bad["ok"] as? Bool == false)
        #expect(bad["status"] is NSNull)
        #expect(bad["unit"] is NSNull)
        #expect(bad["failure"] as? String == "header X-Unit is \"bei\\jing\"\n")
        #expect(bad["sent_ms"] as? Double == 1234.567)
    }

    @Test func aFailedWriteIsReportedAtClose() throws {
        // /dev/full takes the open and refuses every write (ENOSPC).
        let writer = try NDJSONSampleWriter(path: "/dev/full")
        writer.skipped(user: "1", scheduled: .zero)
        #expect(throws: NDJSONWriteError.self) { try writer.close() }
    }
}

import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayLab

extension LabIntegration {
    /// Raw TCP through a lab's fault proxy, to an echo server on 127.0.0.1.
    @Suite("Fault proxy forwarding")
    struct FaultProxyForwarding {
        /// Runs `body` with a lab, an echo server, and a proxy `echo` to it on beijing's fault proxy.
        func withEchoProxy(_ body: (TestLab, FaultProxyAdmin, Int) async throws -> Void) async throws {
            let echo = try EchoServer()
            defer { echo.stop() }
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                let port = try await admin.createProxy("echo", upstreamPort: echo.port)
                try await body(lab, admin, port)
            }
        }

        @Test func bytesPassBothWaysAndHalfClosesArePassedOn() async throws {
            try await withEchoProxy { _, _, port in
                var generator = SystemRandomNumberGenerator()
                let payload = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let outcome = await RawTCP.exchange(port: port, sending: payload)
                #expect(outcome.connectError == nil)
                #expect(outcome.readError == nil, "the echo ends with the close the client's half-close caused")
                #expect(outcome.received.count == payload.count)
                #expect(outcome.received == payload)
            }
        }

        @Test func bandwidthLimitsThroughput() async throws {
            try await withEchoProxy { _, admin, port in
                try await admin.addToxic(#"{"type":"bandwidth","attributes":{"rate":100}}"#, to: "echo")
                let payload = [UInt8](repeating: 0x2A, count: 60_000)
                let outcome = await RawTCP.exchange(port: port, sending: payload)
                #expect(outcome.received == payload)
                // 60 000 bytes at 100 KB/s cannot arrive in less than 600 ms.
                #expect(outcome.elapsed >= .milliseconds(600), "\(outcome.elapsed)")
            }
        }

        @Test func resetPeerResetsTheConnection() async throws {
            try await withEchoProxy { _, admin, port in
                try await admin.addToxic(#"{"type":"reset_peer","attributes":{"timeout":0}}"#, to: "echo")
                let outcome = await RawTCP.exchange(port: port, sending: Array("hello".utf8))
                #expect(outcome.readError == ECONNRESET, "\(outcome)")
                #expect(outcome.received.isEmpty)
            }
        }

        @Test func timeoutDropsDataAndClosesAfterItsTime() async throws {
            try await withEchoProxy { _, admin, port in
                try await admin.addToxic(#"{"type":"timeout","attributes":{"timeout":300}}"#, to: "echo")
                // No half-close: the echo server would answer it by closing, and a close passes a
                // timeout toxic as it does in Toxiproxy. Only the toxic's timer may end this one.
                let outcome = await RawTCP.exchange(port: port, sending: Array("hello".utf8), halfClose: false)
                #expect(outcome.received.isEmpty, "nothing gets through a timeout toxic")
                #expect(outcome.readError == nil, "closed, not reset")
                #expect(outcome.elapsed >= .milliseconds(300), "\(outcome.elapsed)")
            }
        }

        @Test func aDisabledProxyRefusesConnectionsUntilEnabledAgain() async throws {
            try await withEchoProxy { _, admin, port in
                try await admin.setEnabled(false, proxy: "echo")
                #expect(await RawTCP.exchange(port: port, sending: [1]).connectError == ECONNREFUSED)
                try await admin.setEnabled(true, proxy: "echo")
                #expect(await RawTCP.exchange(port: port, sending: [1, 2, 3]).received == [1, 2, 3])
            }
        }

        @Test func toxicsAndDisablingActOnConnectionsAlreadyOpen() async throws {
            try await withEchoProxy { _, admin, port in
                let connection = try await RawConnection(port: port)
                await connection.send([1])
                #expect(await connection.receive() == .success([1]))

                try await admin.addToxic(#"{"type":"latency","attributes":{"latency":300}}"#, to: "echo")
                let (echoed, elapsed) = await timed {
                    await connection.send([2])
                    return await connection.receive()
                }
                #expect(echoed == .success([2]))
                #expect(elapsed >= .milliseconds(300), "the toxic acts on a connection opened before it: \(elapsed)")

                try await admin.setEnabled(false, proxy: "echo")
                #expect(await connection.receive() == .success([]), "disabling closes open connections")
            }
        }

        @Test func aDeletedProxyStopsListening() async throws {
            try await withEchoProxy { _, admin, port in
                let deleted = try await admin.call("DELETE", "/proxies/echo")
                #expect(deleted.status == 204)
                #expect(await RawTCP.exchange(port: port, sending: [1]).connectError == ECONNREFUSED)
                let gone = try await admin.call("GET", "/proxies/echo")
                #expect(gone.status == 404)
            }
        }
    }
}

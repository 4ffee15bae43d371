import GameDayCore
import Testing

@testable import GameDayRuntime

@Suite struct SSHChannelGuardTests {
    let channel = SSHChannelGuard(
        destination: try! SSHDestination(host: "10.0.0.5", port: 2222),
        serving: [.init(pid: 900, name: "sshd"), .init(pid: 1, name: "init"), .init(pid: 700, name: "sshd")])

    @Test(arguments: [
        (FirewallDirection.inbound, "2222"), (.outbound, "2222"), (.inbound, "2000-3000"), (.inbound, "22,2222"),
    ])
    func refusesABlockCoveringTheSSHPort(direction: FirewallDirection, ports: String) throws {
        let block = try PortBlock(direction: direction, ports: try Self.ranges(ports))
        #expect(throws: FaultError.self) { try channel.refuse(block) }
        #expect(channel.protectedEndpoint.isCut(by: block))
    }

    @Test func refusesItWhateverThePeer() throws {
        let block = try PortBlock(
            direction: .inbound, ports: try Self.ranges("2222"), peer: try IPNetwork("192.0.2.0/24"))
        #expect(throws: FaultError.self) { try channel.refuse(block) }
    }

    @Test func letsOtherPortsAndUDPThrough() throws {
        try channel.refuse(try PortBlock(direction: .inbound, ports: try Self.ranges("22,8080")))
        try channel.refuse(try PortBlock(direction: .inbound, transport: .udp, ports: try Self.ranges("2222")))
    }

    @Test func theRefusalSaysWhatAndWhatToDo() throws {
        let block = try PortBlock(direction: .inbound, ports: try Self.ranges("2222"))
        #expect {
            try channel.refuse(block)
        } throws: { error in
            let message = (error as? FaultError)?.message ?? ""
            return message.contains("root@10.0.0.5:2222") && message.contains("leave port 2222 out")
        }
    }

    @Test func refusesASignalToAProcessServingTheSession() throws {
        #expect(throws: FaultError.self) { try channel.refuseSignal(to: [4000, 700]) }
        try channel.refuseSignal(to: [4000, 4001])
    }

    @Test func parsesTheHostsAnswer() {
        let parsed = SSHChannelGuard.parse("812 bash\n811 sshd\n10 sshd\n1 init\nnot a line\n")
        #expect(parsed == [.init(pid: 812, name: "bash"), .init(pid: 811, name: "sshd"), .init(pid: 10, name: "sshd")])
    }

    static func ranges(_ text: String) throws -> [FirewallPortRange] {
        try text.split(separator: ",").map { try FirewallPortRange(parsing: String($0)) }
    }
}

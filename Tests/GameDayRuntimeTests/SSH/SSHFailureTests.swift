import GameDayRuntime
import Testing

@Suite struct SSHFailureTests {
    @Test(arguments: [
        ("ssh: connect to host 10.0.0.5 port 22: Connection refused", SSHFailure.unreachable),
        ("ssh: connect to host 10.0.0.5 port 22: Connection timed out", .unreachable),
        ("ssh: Could not resolve hostname nowhere: Name or service not known", .unreachable),
        ("kex_exchange_identification: read: Connection reset by peer", .unreachable),
        ("Connection closed by 10.0.0.5 port 22", .unreachable),
        (
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                + "Host key for 10.0.0.5 has changed and you have requested strict checking.\n"
                + "Host key verification failed.", .hostKeyChanged
        ),
        (
            "No ED25519 host key is known for 10.0.0.5 and you have requested strict checking.\n"
                + "Host key verification failed.", .hostKeyUnknown
        ),
        ("root@10.0.0.5: Permission denied (publickey).", .authenticationRefused),
        ("command-line line 0: Bad configuration option: frob", .other),
    ])
    func readsSshsOwnFailures(stderr: String, failure: SSHFailure) {
        #expect(SSHFailure.classify(exitCode: 255, stderr: stderr) == failure)
    }

    @Test func aRemoteCommandsOwnExitCodeIsNotSshs() {
        #expect(SSHFailure.classify(exitCode: 1, stderr: "ssh: connect to host x port 22: Connection refused") == nil)
        #expect(SSHFailure.classify(exitCode: 255, stderr: "") == nil)
        #expect(SSHFailure.classify(exitCode: 255, stderr: "my tool: gave up\n") == nil)
    }

    @Test func messagesNameTheHostAndWhatToDo() throws {
        let destination = try SSHDestination(host: "10.0.0.5")
        let message = SSHError.connection(
            .hostKeyChanged, destination: destination, detail: "Host key verification failed."
        )
        .description
        #expect(message.contains("root@10.0.0.5:22"))
        #expect(message.contains("known_hosts"))
        #expect(message.contains("Host key verification failed."))
    }
}

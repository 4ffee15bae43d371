import GameDayRuntime
import Testing

@testable import GameDayCore

/// A file of the malformed corpus and every diagnostic it must produce, in order.
struct MalformedFile: Sendable, CustomTestStringConvertible {
    var name: String
    var expected: [String]

    init(_ name: String, _ expected: String...) {
        self.name = name
        self.expected = expected
    }

    var testDescription: String { name }
}

/// Every file under `Fixtures/malformed/` must be refused with exactly these lines.
/// Files named `target-*.yaml` are read as targets, the others as drills.
@Suite struct MalformedFileTests {
    @Test(arguments: Self.corpus)
    func reportsEveryProblem(_ file: MalformedFile) throws {
        let relative = "malformed/\(file.name)"
        let text = try Fixture.text(relative)
        let error = #expect(throws: DiagnosticsError.self) {
            if file.name.hasPrefix("target-") {
                _ = try DrillLoader.parseTarget(yaml: text, file: relative)
            } else {
                _ = try DrillLoader.parseDrill(yaml: text, file: relative)
            }
        }
        #expect(error?.diagnostics.map(\.description) == file.expected)
    }

    @Test func everyFixtureHasExpectations() {
        let onDisk = Fixture.names(in: "malformed")
        #expect(onDisk.count >= 50)
        #expect(onDisk == Self.corpus.map(\.name).sorted())
    }

    @Test func loadingFromAPathNamesThePath() throws {
        let path = try Fixture.path("malformed/zero-interval.yaml")
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.loadDrill(path: path) }
        #expect(error?.description == "\(path):3:13: error: expected a duration greater than zero, found '0ms'")
    }

    @Test func aMissingFileIsOneDiagnostic() {
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.loadTarget(path: "/nonexistent/lab.yaml") }
        #expect(error?.description == "/nonexistent/lab.yaml:1:1: error: the file does not exist; check the path")
    }

    static let corpus: [MalformedFile] = [
        MalformedFile(
            "alias-expansion.yaml",
            "malformed/alias-expansion.yaml:14:51: error: aliases expand this file to more than 100000 values here ('*l3' repeats the 11111 values of '&l3' at line 13); a drill or target needs far fewer: write the values out, or reuse fewer of them"
        ),
        MalformedFile(
            "alias-long-scalar.yaml",
            "malformed/alias-long-scalar.yaml:14:56: error: aliases expand this file to more than 1000000 bytes of text here ('*l2' repeats the 100000 bytes of '&l2' at line 13); a drill or target needs far less: write the values out, or reuse fewer of them"
        ),
        MalformedFile(
            "colon-in-value.yaml",
            "malformed/colon-in-value.yaml:2:21: error: invalid YAML: ': ' cannot appear in this value; put the value in quotes, or fix the indentation if a new key starts here"
        ),
        MalformedFile(
            "deep-nesting.yaml",
            "malformed/deep-nesting.yaml:5:12: error: invalid YAML: mappings and lists nest more than 1000 levels deep here; a drill or target needs a few levels, so flatten them"
        ),
        MalformedFile(
            "huge-duration.yaml",
            "malformed/huge-duration.yaml:4:12: error: expected a duration of at most 24h, found '9999999999999999999999999999999999999999...'",
            "malformed/huge-duration.yaml:8:21: error: expected a duration of at most 24h, found '9300000000s'",
            "malformed/huge-duration.yaml:9:18: error: expected a duration of at most 24h, found '25h'",
            "malformed/huge-duration.yaml:9:32: error: expected a duration of at most 24h, found '1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h...'",
            "malformed/huge-duration.yaml:11:9: error: expected a duration of at most 24h, found '24h0.001s'"
        ),
        MalformedFile(
            "numbers-out-of-range.yaml",
            "malformed/numbers-out-of-range.yaml:9:74: error: expected a rate of at most 100gbit, found '101gbit'",
            "malformed/numbers-out-of-range.yaml:9:90: error: expected a burst of at most 100mb, found '101mb'",
            "malformed/numbers-out-of-range.yaml:10:88: error: expected a rate in KB/s between 1 and 10000000, found 10000001",
            "malformed/numbers-out-of-range.yaml:11:35: error: expected a count of probes between 1 and 10000, found 10001",
            "malformed/numbers-out-of-range.yaml:11:45: error: expected a count of probes between 1 and 10000, found 20000",
            "malformed/numbers-out-of-range.yaml:12:27: error: expected a count of probes between 1 and 10000, found 0"
        ),
        MalformedFile(
            "reserved-character.yaml",
            "malformed/reserved-character.yaml:2:14: error: invalid YAML: '@' cannot start a value; put the value in quotes"
        ),
        MalformedFile(
            "tab-indentation.yaml",
            "malformed/tab-indentation.yaml:4:1: error: invalid YAML: a tab indents this line; YAML indents with spaces only, so replace the tab with spaces"
        ),
        MalformedFile(
            "target-numbers-out-of-range.yaml",
            "malformed/target-numbers-out-of-range.yaml:5:11: error: expected a modulo between 1 and 1000000000, found 1000000001",
            "malformed/target-numbers-out-of-range.yaml:7:22: error: expected a routing slot between 0 and 999999999, found 1000000000",
            "malformed/target-numbers-out-of-range.yaml:9:5: error: expected a user id between 0 and 9007199254740991, found '9007199254740992'",
            "malformed/target-numbers-out-of-range.yaml:12:18: error: expected an SSH port between 1 and 65535, found 70000",
            "malformed/target-numbers-out-of-range.yaml:12:42: error: expected a duration of at most 24h, found '48h'",
            "malformed/target-numbers-out-of-range.yaml:14:24: error: expected a TCP port between 1 and 65535, found 65536"
        ),
        MalformedFile(
            "undefined-alias.yaml",
            "malformed/undefined-alias.yaml:3:48: error: invalid YAML: alias '*headers' names no anchor defined before it; put '&headers' on an earlier value, or write the value out"
        ),
        MalformedFile(
            "fault-hosts.yaml",
            "malformed/fault-hosts.yaml:6:76: error: expected a number of hosts between 1 and 100000, found 0",
            "malformed/fault-hosts.yaml:7:76: error: expected a share of the hosts between 0 and 100, found '150%'",
            "malformed/fault-hosts.yaml:8:77: error: 'hosts' takes all, a number of hosts (3) or a share of them ('40%'), found 'some'",
            "malformed/fault-hosts.yaml:8:95: error: unknown on_partial 'later'; expected one of: abort, continue",
            "malformed/fault-hosts.yaml:9:92: error: 'hosts' belongs to kill-process, pause-process, block-port, latency and bandwidth faults, not proxy"
        ),
        MalformedFile(
            "fault-pods.yaml",
            "malformed/fault-pods.yaml:6:75: error: expected a number of pods between 1 and 100000, found 0",
            "malformed/fault-pods.yaml:7:76: error: 'pods' takes all, a number of pods (3) or a share of them ('40%'), found 'lots'",
            "malformed/fault-pods.yaml:8:85: error: fault 'c' takes 'hosts' (a service on SSH hosts) or 'pods' (a service in pods), not both"
        ),
        MalformedFile(
            "target-kubernetes.yaml",
            "malformed/target-kubernetes.yaml:9:17: error: missing required key 'namespace' in 'units.beijing.kubernetes'",
            "malformed/target-kubernetes.yaml:9:37: error: unknown key 'tools_imag' in 'units.beijing.kubernetes' (did you mean 'tools_image'?)",
            "malformed/target-kubernetes.yaml:13:18: error: 'units.beijing.services.product.restart' does not apply to a service in pods: its kubelet restarts the container",
            "malformed/target-kubernetes.yaml:14:18: error: 'units.beijing.services.product.process' of a service in pods takes only 'name' (the process name pidof finds in the container)",
            "malformed/target-kubernetes.yaml:16:15: error: missing required key 'container' in 'units.beijing.services.search.pods'",
            "malformed/target-kubernetes.yaml:18:15: error: service 'units.beijing.services.cart' names both 'hosts' and 'pods'; a service runs on SSH hosts or in pods, not both",
            "malformed/target-kubernetes.yaml:22:7: error: service 'units.hangzhou.services.order' runs in pods (selector app=order) but unit 'hangzhou' has no 'kubernetes:' saying which namespace and cluster; add kubernetes: { namespace: ... } to the unit"
        ),
        MalformedFile(
            "target-ssh-hosts.yaml",
            "malformed/target-ssh-hosts.yaml:9:18: error: ssh user '-oProxyCommand=x' must be letters, digits, '_', '.' or '-', not starting with '-'",
            "malformed/target-ssh-hosts.yaml:9:57: error: unknown host_key_checking 'off'; expected one of: strict, accept-new",
            "malformed/target-ssh-hosts.yaml:9:62: error: unknown key 'conect_timeout' in 'units.beijing.ssh' (did you mean 'connect_timeout'?)",
            "malformed/target-ssh-hosts.yaml:12:28: error: host '10.0.1.11' is listed twice under 'units.beijing.services.product.hosts'",
            "malformed/target-ssh-hosts.yaml:12:41: error: host 'bad host' must be a host name or an IP address, with an optional port (such as 10.0.1.11, 10.0.1.12:2222, [fd00::7]:22 or db-3.example)",
            "malformed/target-ssh-hosts.yaml:12:53: error: host '10.0.1.12:99999' must be a host name or an IP address, with an optional port (such as 10.0.1.11, 10.0.1.12:2222, [fd00::7]:22 or db-3.example)",
            "malformed/target-ssh-hosts.yaml:12:72: error: host '-oProxyCommand=x' must be a host name or an IP address, with an optional port (such as 10.0.1.11, 10.0.1.12:2222, [fd00::7]:22 or db-3.example)",
            "malformed/target-ssh-hosts.yaml:13:18: error: 'units.beijing.services.product.process.pid_file' of a service on SSH hosts must be an absolute path on the hosts, not 'run/product.pid' (a relative path is read from this file's folder, here)",
            "malformed/target-ssh-hosts.yaml:15:16: error: 'units.beijing.services.cart.hosts' must not be empty"
        ),
        MalformedFile(
            "bad-duration-unit.yaml",
            "malformed/bad-duration-unit.yaml:3:12: error: expected a duration such as '250ms', '5s' or '2m', found '5sec'",
            "malformed/bad-duration-unit.yaml:7:22: error: expected a duration such as '250ms', '5s' or '2m', found '1 m'"
        ),
        MalformedFile(
            "bad-impact.yaml",
            "malformed/bad-impact.yaml:6:13: error: unknown impact 'fial' (did you mean 'fail'?)",
            "malformed/bad-impact.yaml:8:13: error: unknown impact 'broken'; expected one of: fail, none, any"
        ),
        MalformedFile(
            "bad-kind.yaml",
            "malformed/bad-kind.yaml:7:11: error: unknown fault kind 'netem-delay'; expected one of: kill-process, pause-process, block-port, latency, bandwidth, proxy",
            "malformed/bad-kind.yaml:11:11: error: unknown fault kind 'kill-proces' (did you mean 'kill-process'?)"
        ),
        MalformedFile(
            "bad-method.yaml",
            "malformed/bad-method.yaml:3:22: error: unknown HTTP method 'get' (did you mean 'GET'?)",
            "malformed/bad-method.yaml:7:22: error: unknown HTTP method 'SEND'; expected one of: GET, POST, PUT, PATCH, DELETE, HEAD"
        ),
        MalformedFile(
            "bad-signal.yaml",
            "malformed/bad-signal.yaml:10:13: error: unknown signal 'SIGKIL' (did you mean 'KILL'?)",
            "malformed/bad-signal.yaml:15:13: error: unknown signal '99'; expected one of: HUP, INT, QUIT, KILL, USR1, USR2, TERM, CONT, STOP"
        ),
        MalformedFile(
            "bad-template.yaml",
            "malformed/bad-template.yaml:4:10: error: invalid template: '{{' is never closed with '}}'",
            "malformed/bad-template.yaml:5:31: error: invalid template: '${' is never closed with '}'",
            "malformed/bad-template.yaml:5:58: error: invalid template: '{{ }}' does not name a value",
            "malformed/bad-template.yaml:6:19: error: invalid template: '{{' is never closed with '}}'"
        ),
        MalformedFile(
            "bandwidth-bad-rate-unit.yaml",
            "malformed/bandwidth-bad-rate-unit.yaml:10:11: error: unknown rate unit 'mbits' in '1mbits' (did you mean 'mbit'?)",
            "malformed/bandwidth-bad-rate-unit.yaml:11:12: error: burst '32' needs a unit; expected one of: b, kb, k, mb, m, kbit, mbit, gbit, bit",
            "malformed/bandwidth-bad-rate-unit.yaml:16:11: error: expected a rate greater than zero, found '0kbit'",
            "malformed/bandwidth-bad-rate-unit.yaml:17:14: error: expected a duration greater than zero, found '0ms'"
        ),
        MalformedFile(
            "bare-number-duration.yaml",
            "malformed/bare-number-duration.yaml:3:13: error: expected a duration such as '250ms', '5s' or '2m', found '5'"
        ),
        MalformedFile(
            "block-port-bad-direction.yaml",
            "malformed/block-port-bad-direction.yaml:10:16: error: unknown direction 'inbund' (did you mean 'inbound'?)",
            "malformed/block-port-bad-direction.yaml:11:15: error: unknown protocol 'tpc' (did you mean 'tcp'?)",
            "malformed/block-port-bad-direction.yaml:12:14: error: unknown firewall backend 'nft'; expected one of: auto, nftables, iptables"
        ),
        MalformedFile(
            "block-port-bad-peer.yaml",
            "malformed/block-port-bad-peer.yaml:10:11: error: peer '10.0.0.300' is not an IPv4 or IPv6 address or CIDR network (such as '10.231.0.1', '10.231.0.0/16' or 'fd00::/64')",
            "malformed/block-port-bad-peer.yaml:15:11: error: peer 'fd00::/129' is not an IPv4 or IPv6 address or CIDR network (such as '10.231.0.1', '10.231.0.0/16' or 'fd00::/64')",
            "malformed/block-port-bad-peer.yaml:20:11: error: peer 'gateway.local' is not an IPv4 or IPv6 address or CIDR network (such as '10.231.0.1', '10.231.0.0/16' or 'fd00::/64')"
        ),
        MalformedFile(
            "block-port-no-ports.yaml",
            "malformed/block-port-no-ports.yaml:6:5: error: 'faults[0]' needs 'ports', or a 'service' whose 'port:' the target gives, for a block-port fault"
        ),
        MalformedFile(
            "block-port-port-zero.yaml",
            "malformed/block-port-port-zero.yaml:9:13: error: expected a port between 1 and 65535, found 0",
            "malformed/block-port-port-zero.yaml:9:22: error: expected a port between 1 and 65535, found 70000",
            "malformed/block-port-port-zero.yaml:9:29: error: expected a port between 1 and 65535, found 0 in '0-10'",
            "malformed/block-port-port-zero.yaml:9:50: error: expected a port or a range of ports such as '9000-9100', found a list"
        ),
        MalformedFile(
            "block-port-range-reversed.yaml",
            "malformed/block-port-range-reversed.yaml:9:12: error: port range '9100-9000' runs backwards; write it as '9000-9100'"
        ),
        MalformedFile(
            "comments-only.yaml",
            "malformed/comments-only.yaml:1:1: error: the file is empty; a drill file starts with 'drill: NAME'"
        ),
        MalformedFile(
            "duplicate-fault-name.yaml",
            "malformed/duplicate-fault-name.yaml:7:13: error: duplicate fault name 'down'; first used at line 6"
        ),
        MalformedFile(
            "duplicate-key.yaml",
            "malformed/duplicate-key.yaml:5:3: error: duplicate key 'interval' in 'probe'; first given at line 3"
        ),
        MalformedFile(
            "duplicate-keys-flow.yaml",
            "malformed/duplicate-keys-flow.yaml:3:61: error: duplicate key 'Accept' in 'probe.request.headers'; first given at line 3",
            "malformed/duplicate-keys-flow.yaml:3:72: error: duplicate key 'Accept' in 'probe.request.headers'; first given at line 3",
            "malformed/duplicate-keys-flow.yaml:3:93: error: unknown HTTP method 'GTE' (did you mean 'GET'?)",
            "malformed/duplicate-keys-flow.yaml:4:18: error: duplicate key 'id' in 'users[0]'; first given at line 4",
            "malformed/duplicate-keys-flow.yaml:6:1: error: duplicate key 'drill' in the drill file; first given at line 1"
        ),
        MalformedFile(
            "duplicate-user-id.yaml",
            "malformed/duplicate-user-id.yaml:7:9: error: duplicate user id 6000; first listed at line 5"
        ),
        MalformedFile(
            "empty-users.yaml",
            "malformed/empty-users.yaml:4:8: error: 'users' must not be empty",
            "malformed/empty-users.yaml:5:9: error: 'faults' must not be empty"
        ),
        MalformedFile(
            "empty.yaml",
            "malformed/empty.yaml:1:1: error: the file is empty; a drill file starts with 'drill: NAME'"
        ),
        MalformedFile(
            "faults-on-two-units.yaml",
            "malformed/faults-on-two-units.yaml:7:50: error: all faults of a drill hit one unit: fault 'down' hits 'beijing', this one hits 'hangzhou'"
        ),
        MalformedFile(
            "key-of-another-kind.yaml",
            "malformed/key-of-another-kind.yaml:10:5: error: 'interface' belongs to latency and bandwidth faults, not kill-process",
            "malformed/key-of-another-kind.yaml:11:5: error: 'toxic' belongs to proxy faults, not kill-process",
            "malformed/key-of-another-kind.yaml:12:5: error: 'faults[1]' needs 'interface' (for tc netem), or 'ports', 'match.port' or a 'service' with a port (for nfqueue)",
            "malformed/key-of-another-kind.yaml:15:5: error: unknown key 'intreface' in 'faults[1]' (did you mean 'interface'?)",
            "malformed/key-of-another-kind.yaml:17:5: error: 'signal' belongs to kill-process faults, not latency"
        ),
        MalformedFile(
            "latency-bad-interface.yaml",
            "malformed/latency-bad-interface.yaml:9:16: error: interface name 'gd bj0' must be 1 to 15 letters, digits, '_', '.' or '-'",
            "malformed/latency-bad-interface.yaml:14:16: error: interface name 'ethernet-uplink-0' must be 1 to 15 letters, digits, '_', '.' or '-'"
        ),
        MalformedFile(
            "latency-jitter-without-delay.yaml",
            "malformed/latency-jitter-without-delay.yaml:11:13: error: 'jitter' varies the delay, so it needs 'delay' too"
        ),
        MalformedFile(
            "latency-loss-out-of-range.yaml",
            "malformed/latency-loss-out-of-range.yaml:10:11: error: expected a packet loss percentage between 0 and 100, found 150",
            "malformed/latency-loss-out-of-range.yaml:15:11: error: expected a packet loss percentage between 0 and 100, found '100.5%'",
            "malformed/latency-loss-out-of-range.yaml:20:11: error: expected a packet loss percentage such as 1.5 or '1.5%', found 'some'"
        ),
        MalformedFile(
            "latency-no-delay-or-loss.yaml",
            "malformed/latency-no-delay-or-loss.yaml:6:5: error: 'faults[0]' needs 'delay', 'loss' or both: a latency fault without them changes nothing",
            "malformed/latency-no-delay-or-loss.yaml:16:12: error: 'faults[1].match' needs 'port', 'address' or both"
        ),
        MalformedFile(
            "many-errors.yaml",
            "malformed/many-errors.yaml:4:3: error: unknown key 'intreval' in 'probe' (did you mean 'interval'?)",
            "malformed/many-errors.yaml:5:12: error: expected a duration such as '250ms', '5s' or '2m', found '5'",
            "malformed/many-errors.yaml:10:13: error: unknown impact 'fial' (did you mean 'fail'?)",
            "malformed/many-errors.yaml:11:18: error: 'recovers_on' needs 'cutover:' in the drill, to move the user and measure its recovery",
            "malformed/many-errors.yaml:13:5: error: missing required key 'service' in 'faults[0]'",
            "malformed/many-errors.yaml:17:8: error: expected a duration greater than zero, found '0s'"
        ),
        MalformedFile(
            "missing-required.yaml",
            "malformed/missing-required.yaml:1:1: error: missing required key 'faults' in the drill file",
            "malformed/missing-required.yaml:4:5: error: missing required key 'url' in 'probe.request'",
            "malformed/missing-required.yaml:6:5: error: missing required key 'id' in 'users[0]'",
            "malformed/missing-required.yaml:8:3: error: missing required key 'rto' in 'recovery'"
        ),
        MalformedFile(
            "pause-process-with-signal.yaml",
            "malformed/pause-process-with-signal.yaml:10:5: error: 'signal' belongs to kill-process faults, not pause-process, which sends SIGSTOP and resumes with SIGCONT",
            "malformed/pause-process-with-signal.yaml:11:5: error: 'restart' belongs to kill-process faults, not pause-process, which sends SIGSTOP and resumes with SIGCONT",
            "malformed/pause-process-with-signal.yaml:12:5: error: missing required key 'service' in 'faults[1]'"
        ),
        MalformedFile(
            "proxy-bandwidth-without-rate.yaml",
            "malformed/proxy-bandwidth-without-rate.yaml:6:5: error: missing required key 'rate' in 'faults[0]' for the bandwidth toxic",
            "malformed/proxy-bandwidth-without-rate.yaml:15:12: error: unknown toxic 'latncy' (did you mean 'latency'?)"
        ),
        MalformedFile(
            "proxy-toxic-key-mismatch.yaml",
            "malformed/proxy-toxic-key-mismatch.yaml:12:5: error: 'rate' belongs to the bandwidth toxic, not latency",
            "malformed/proxy-toxic-key-mismatch.yaml:18:5: error: 'timeout' belongs to the timeout and reset_peer toxics, not down"
        ),
        MalformedFile(
            "proxy-toxicity-out-of-range.yaml",
            "malformed/proxy-toxicity-out-of-range.yaml:12:15: error: expected a toxicity between 0 and 1, found 2",
            "malformed/proxy-toxicity-out-of-range.yaml:13:13: error: unknown stream 'downsteam' (did you mean 'downstream'?)"
        ),
        MalformedFile(
            "recovers-on-without-cutover.yaml",
            "malformed/recovers-on-without-cutover.yaml:7:18: error: 'recovers_on' needs 'cutover:' in the drill, to move the user and measure its recovery"
        ),
        MalformedFile(
            "status-out-of-range.yaml",
            "malformed/status-out-of-range.yaml:5:19: error: expected an HTTP status between 100 and 599, found 700",
            "malformed/status-out-of-range.yaml:10:11: error: expected an HTTP status between 100 and 599, found 99"
        ),
        MalformedFile(
            "syntax-error.yaml",
            "malformed/syntax-error.yaml:7:1: error: invalid YAML: the quoted string that starts at line 4, column 10 is never closed; end it with the quote it starts with"
        ),
        MalformedFile(
            "target-bad-netns.yaml",
            "malformed/target-bad-netns.yaml:7:12: error: network namespace 'gameday beijing' must be 1 to 64 letters, digits, '_', '.' or '-'",
            "malformed/target-bad-netns.yaml:10:12: error: network namespace '0123456789012345678901234567890123456789012345678901234567890123456789' must be 1 to 64 letters, digits, '_', '.' or '-'"
        ),
        MalformedFile(
            "target-bad-range.yaml",
            "malformed/target-bad-range.yaml:7:25: error: 'to' (10000) must be less than the modulo (10000)",
            "malformed/target-bad-range.yaml:8:15: error: 'from' (3000) must not be greater than 'to' (2000)",
            "malformed/target-bad-range.yaml:9:15: error: expected a routing slot between 0 and 999999999, found -1"
        ),
        MalformedFile(
            "target-missing-sections.yaml",
            "malformed/target-missing-sections.yaml:1:1: error: missing required key 'control_plane' in the target file",
            "malformed/target-missing-sections.yaml:1:1: error: missing required key 'routing' in the target file",
            "malformed/target-missing-sections.yaml:2:10: error: missing required key 'url' in 'gateway'",
            "malformed/target-missing-sections.yaml:5:5: error: unknown key 'servics' in 'units.beijing' (did you mean 'services'?)"
        ),
        MalformedFile(
            "target-modulo-zero.yaml",
            "malformed/target-modulo-zero.yaml:5:11: error: expected a modulo between 1 and 1000000000, found 0",
            "malformed/target-modulo-zero.yaml:6:11: error: 'routing.ranges' must not be empty",
            "malformed/target-modulo-zero.yaml:7:16: error: expected a user id between 0 and 9007199254740991, found 'abc'"
        ),
        MalformedFile(
            "target-proxy-url-without-scheme.yaml",
            "malformed/target-proxy-url-without-scheme.yaml:7:19: error: expected an http:// or https:// URL, found '127.0.0.1:9313'",
            "malformed/target-proxy-url-without-scheme.yaml:9:12: error: missing required key 'url' in 'units.hangzhou.proxy'"
        ),
        MalformedFile(
            "target-service-port-out-of-range.yaml",
            "malformed/target-service-port-out-of-range.yaml:8:24: error: expected a TCP port between 1 and 65535, found 70000",
            "malformed/target-service-port-out-of-range.yaml:9:21: error: expected an integer, found the string '9312'"
        ),
        MalformedFile(
            "target-token-both.yaml",
            "malformed/target-token-both.yaml:5:10: error: 'control_plane.token' takes exactly one of 'env' or 'file', found both"
        ),
        MalformedFile(
            "target-token-neither.yaml",
            "malformed/target-token-neither.yaml:2:17: error: expected an http:// or https:// URL, found '127.0.0.1:9300'",
            "malformed/target-token-neither.yaml:5:10: error: 'control_plane.token' needs 'env: NAME' or 'file: PATH'",
            "malformed/target-token-neither.yaml:5:12: error: unknown key 'environment' in 'control_plane.token'; allowed keys are: env, file"
        ),
        MalformedFile(
            "target-top-level-scalar.yaml",
            "malformed/target-top-level-scalar.yaml:1:1: error: expected a mapping at the top level, found 'just a sentence'; a target file starts with 'target: NAME'"
        ),
        MalformedFile(
            "target-two-locators.yaml",
            "malformed/target-two-locators.yaml:10:18: error: 'units.beijing.services.product.process' takes exactly one of 'pid_file', 'name', 'cmdline' or 'port', found 'pid_file' and 'port'",
            "malformed/target-two-locators.yaml:11:18: error: 'units.beijing.services.product.restart' must not be empty",
            "malformed/target-two-locators.yaml:13:18: error: 'units.beijing.services.cart.process' needs one of 'pid_file', 'name', 'cmdline' or 'port'",
            "malformed/target-two-locators.yaml:15:26: error: expected a TCP port between 1 and 65535, found 70000",
            "malformed/target-two-locators.yaml:16:17: error: expected an http:// or https:// URL, found 'localhost:9313/health'"
        ),
        MalformedFile(
            "target-unit-missing.yaml",
            "malformed/target-unit-missing.yaml:7:37: error: unit 'bejing' is not defined under 'units' (did you mean 'beijing'?)",
            "malformed/target-unit-missing.yaml:8:22: error: unit 'shanghai' is not defined under 'units'; defined units are: hangzhou, beijing",
            "malformed/target-unit-missing.yaml:10:13: error: expected a mapping for 'units.hangzhou', found '5'"
        ),
        MalformedFile(
            "top-level-list.yaml",
            "malformed/top-level-list.yaml:1:1: error: expected a mapping at the top level, found a list; a drill file starts with 'drill: NAME'"
        ),
        MalformedFile(
            "two-documents.yaml",
            "malformed/two-documents.yaml:2:1: error: invalid YAML: a file holds one document, but a second one starts here"
        ),
        MalformedFile(
            "unknown-key-no-match.yaml",
            "malformed/unknown-key-no-match.yaml:3:39: error: unknown key 'colour' in 'probe.request'; allowed keys are: method, url, headers, body"
        ),
        MalformedFile(
            "unknown-key-suggestion.yaml",
            "malformed/unknown-key-suggestion.yaml:3:3: error: unknown key 'intreval' in 'probe' (did you mean 'interval'?)"
        ),
        MalformedFile(
            "unit-from-bad-pointer.yaml",
            "malformed/unit-from-bad-pointer.yaml:5:22: error: 'probe.unit_from.body': a JSON Pointer is empty (the whole body) or starts with '/', found 'unit' (did you mean '/unit'?)"
        ),
        MalformedFile(
            "unit-from-both-forms.yaml",
            "malformed/unit-from-both-forms.yaml:6:3: error: 'probe' takes either 'unit_header' or 'unit_from', not both ('unit_header: NAME' is short for 'unit_from: { header: NAME }')",
            "malformed/unit-from-both-forms.yaml:7:5: error: 'probe.unit_from' takes either 'header' or 'body', not both"
        ),
        MalformedFile(
            "window-both-forms.yaml",
            "malformed/window-both-forms.yaml:8:11: error: 'recovery.window' takes either 'consecutive' or 'k' and 'n', not both"
        ),
        MalformedFile(
            "window-incomplete.yaml",
            "malformed/window-incomplete.yaml:8:11: error: missing required key 'n' in 'recovery.window'",
            "malformed/window-incomplete.yaml:8:16: error: expected a count of probes between 1 and 10000, found 0"
        ),
        MalformedFile(
            "window-k-greater-than-n.yaml",
            "malformed/window-k-greater-than-n.yaml:8:16: error: 'k' (10) must not be greater than 'n' (8)",
            "malformed/window-k-greater-than-n.yaml:14:17: error: expected a duration greater than zero, found '0s'"
        ),
        MalformedFile(
            "wrong-types.yaml",
            "malformed/wrong-types.yaml:1:8: error: drill name 'Wrong_Types' must be lowercase letters, digits and '-' (such as 'storefront-strong-dependency')",
            "malformed/wrong-types.yaml:2:14: error: expected a string, found a list",
            "malformed/wrong-types.yaml:3:8: error: expected a mapping for 'probe', found '5'",
            "malformed/wrong-types.yaml:5:3: error: expected a list for 'users', found a mapping",
            "malformed/wrong-types.yaml:6:15: error: expected a mapping for 'steady_state', found '1s'",
            "malformed/wrong-types.yaml:12:14: error: expected true or false, found 'yes'",
            "malformed/wrong-types.yaml:13:5: error: expected a mapping for 'faults[1]', found 'not a mapping'"
        ),
        MalformedFile(
            "focus-interval-bad-value.yaml",
            "malformed/focus-interval-bad-value.yaml:4:19: error: expected a duration such as '10ms', or 'off', found 'fast'"
        ),
        MalformedFile(
            "focus-interval-not-finer.yaml",
            "malformed/focus-interval-not-finer.yaml:4:19: error: expected a focus interval shorter than the probe interval (50ms), found '50ms'; 'off' probes every user at the probe interval only"
        ),
        MalformedFile(
            "interval-below-engine.yaml",
            "malformed/interval-below-engine.yaml:3:13: error: expected a duration of at least 1ms, found '1us': gameday cannot send requests at a shorter interval and keep its schedule",
            "malformed/interval-below-engine.yaml:11:15: error: expected a duration of at least 1ms, found '1ns': gameday cannot send requests at a shorter interval and keep its schedule"
        ),
        MalformedFile(
            "zero-interval.yaml",
            "malformed/zero-interval.yaml:3:13: error: expected a duration greater than zero, found '0ms'"
        ),
    ]
}

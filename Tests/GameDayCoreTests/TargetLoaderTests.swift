import Foundation
import GameDayRuntime
import Testing

@testable import GameDayCore

/// Valid target files read into exactly the model values they describe.
@Suite struct TargetLoaderTests {
    /// A path of a target file as the loader makes it: relative to the file's folder, absolute
    /// (here, against this process's working directory, as the file's own path is relative to it).
    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    @Test func readsEveryKeyOfAFullTarget() throws {
        let file = "valid/target.yaml"
        func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
        let target = try DrillLoader.parseTarget(yaml: Fixture.text(file), file: file)

        let hangzhou = UnitTarget(
            name: "hangzhou",
            services: [
                ServiceTarget(
                    name: "product", process: .name("product"),
                    restart: ["gameday", "lab", "restart-service", "--unit", "hangzhou", "--service", "product"],
                    location: at(17, 7))
            ], location: at(15, 3))
        let beijing = UnitTarget(
            name: "beijing",
            services: [
                ServiceTarget(
                    name: "product", process: .pidFile(Self.absolute("valid/run/beijing-product.pid")),
                    restart: [
                        "/usr/local/bin/gameday", "lab", "restart-service", "--unit", "beijing", "--service", "product",
                    ],
                    health: "http://127.0.0.1:9311/health", port: 9311, location: at(24, 7)),
                ServiceTarget(name: "cart", process: .port(9312), location: at(29, 7)),
                ServiceTarget(
                    name: "storefront", process: .commandLine("lab serve storefront --unit beijing"),
                    location: at(31, 7)),
            ], netns: "gameday-beijing", proxyURL: "http://127.0.0.1:9313", location: at(20, 3))
        let expected = Target(
            name: "lab", gatewayURL: "http://127.0.0.1:9300",
            controlPlane: ControlPlaneTarget(
                url: "http://127.0.0.1:9301", token: .file(Self.absolute("valid/secrets/token"))),
            routing: RoutingRule(
                key: "userId", modulo: 10000,
                ranges: [
                    RouteRange(from: 0, to: 4999, unit: "hangzhou"), RouteRange(from: 5000, to: 9999, unit: "beijing"),
                ], overrides: [6001: "hangzhou"]),
            units: [hangzhou, beijing], file: file)

        #expect(target.units == expected.units)
        #expect(target.routing == expected.routing)
        #expect(target == expected)
    }

    @Test func readsSSHSettingsAndHosts() throws {
        let file = "valid/ssh-target.yaml"
        let target = try DrillLoader.parseTarget(yaml: Fixture.text(file), file: file)
        let beijing = try #require(target.unit(named: "beijing"))
        #expect(
            beijing.ssh
                == SSHTarget(
                    user: "gameday", port: 2200, identityFile: Self.absolute("valid/keys/gameday_ed25519"),
                    knownHosts: Self.absolute("valid/keys/known_hosts"), hostKeyChecking: .acceptNew,
                    connectTimeout: .seconds(3)))
        let product = try #require(beijing.service(named: "product"))
        #expect(
            product.hosts == [
                HostTarget(host: "10.0.1.11"), HostTarget(host: "10.0.1.12", port: 2222),
                HostTarget(host: "fd00::7", port: 22), HostTarget(host: "product-4.beijing.example"),
            ])
        #expect(
            product.hosts.map(\.description) == [
                "10.0.1.11", "10.0.1.12:2222", "[fd00::7]:22", "product-4.beijing.example",
            ])
        #expect(product.process == .pidFile("/run/product.pid"), "an absolute pid file stays as it is")
        #expect(target.unit(named: "hangzhou")?.ssh == nil)
    }

    @Test(arguments: [
        ("10.0.1.11", HostTarget(host: "10.0.1.11")),
        ("db-3.example:2222", HostTarget(host: "db-3.example", port: 2222)),
        ("fd00::7", HostTarget(host: "fd00::7")), ("[::1]:22", HostTarget(host: "::1", port: 22)),
    ])
    func hostSpellings(_ text: String, _ host: HostTarget) {
        #expect(HostText.parse(text) == host)
    }

    @Test(arguments: [
        "", "-oProxyCommand=x", "a b", "host:0", "host:65536", "[::1", "[nothost]:22", "a..b", "-a.b", "x:1:2:z",
    ])
    func badHostSpellings(_ text: String) {
        #expect(HostText.parse(text) == nil)
    }

    @Test func aFaultChoosesAShareOfTheHostsAndWhatAPartialInjectionDoes() throws {
        let file = "valid/ssh-drill.yaml"
        let drill = try DrillLoader.parseDrill(yaml: Fixture.text(file), file: file)
        #expect(drill.faults.map(\.hosts) == [.count(2), .percent(40)])
        #expect(drill.faults.map(\.onPartial) == [.continue, .abort])
        #expect(HostShare.percent(40).description == "40% of the hosts")
    }

    @Test func readsKubernetesSettingsAndPods() throws {
        let file = "valid/k8s-target.yaml"
        let target = try DrillLoader.parseTarget(yaml: Fixture.text(file), file: file)
        let beijing = try #require(target.unit(named: "beijing"))
        var expected = KubernetesTarget(
            namespace: "shop-beijing", context: "prod-bj", kubeconfig: Self.absolute("valid/kube/config"),
            kubectl: "kubectl",
            toolsImage: "busybox:1.36", debugImage: "nicolaka/netshoot:v0.13")
        expected.locations = beijing.kubernetes?.locations ?? [:]
        #expect(beijing.kubernetes == expected)
        #expect(beijing.kubernetes?.locations["namespace"] == SourceLocation(file: file, line: 13, column: 18))
        let product = try #require(beijing.service(named: "product"))
        #expect(product.pods?.selector == "app=product,tier in (web,api)")
        #expect(product.pods?.container == "product")
        #expect(product.pods?.locations["container"] == SourceLocation(file: file, line: 21, column: 71))
        #expect(product.process == .name("product"))
        #expect(beijing.service(named: "cart")?.process == nil, "without a process a kill deletes the pods")
        #expect(target.unit(named: "hangzhou")?.kubernetes == nil)

        let drillFile = "valid/k8s-drill.yaml"
        let drill = try DrillLoader.parseDrill(yaml: Fixture.text(drillFile), file: drillFile)
        #expect(drill.faults.map(\.hosts) == [.count(2), .percent(50)])
        #expect(drill.faults.map(\.shareKey) == [.pods, .pods])
        #expect(DrillValidator.check(drill, against: target).isEmpty)
    }

    @Test func aShareMustNameWhatTheServiceRunsOn() throws {
        let target = try DrillLoader.parseTarget(yaml: Fixture.text("valid/k8s-target.yaml"), file: "t.yaml")
        let yaml = """
            drill: mixed
            probe: { request: { url: "{{gateway.url}}/" } }
            users: [{ id: 6000 }]
            faults:
              - { name: a, kind: kill-process, unit: beijing, service: product, hosts: 2 }
              - { name: b, kind: pause-process, unit: beijing, service: cart }
              - { name: c, kind: block-port, unit: beijing, service: product, ports: [8080] }
              - { name: d, kind: latency, unit: beijing, service: product, interface: eth0, delay: 50ms }
            """
        let drill = try DrillLoader.parseDrill(yaml: yaml, file: "d.yaml")
        #expect(
            DrillValidator.check(drill, against: target).map(\.description) == [
                "d.yaml:5:5: error: fault 'a' chooses 'hosts', but 'beijing/product' of target 'shop' runs in pods: use 'pods:'",
                "d.yaml:6:5: error: fault 'b' pauses service 'cart' of 'beijing' in pods, but target 'shop' gives no 'process: { name: ... }' to find in the container",
                "d.yaml:8:5: error: fault 'd' shapes traffic of service 'product' of 'beijing', which runs in pods: latency in pods is not supported (a qdisc left in a pod would have no dead-man's switch); use a proxy fault or block-port",
            ])
    }

    @Test func readsAnEnvironmentTokenAndRoutingDefaults() throws {
        let file = "valid/env-token-target.yaml"
        let target = try DrillLoader.parseTarget(yaml: Fixture.text(file), file: file)
        #expect(target.controlPlane.token == .environment("GAMEDAY_STAGING_TOKEN"))
        #expect(target.routing.key == "userId")
        #expect(target.routing.modulo == 10000)
        #expect(target.routing.overrides.isEmpty)
        #expect(
            target.units == [
                UnitTarget(name: "east", services: [], location: SourceLocation(file: file, line: 9, column: 3))
            ])
    }

    @Test func resolvesRelativePathsAgainstTheTargetFile() throws {
        let path = try Fixture.path("valid/target.yaml")
        let directory = String(path.dropLast("target.yaml".count))
        let target = try DrillLoader.loadTarget(path: path)
        #expect(target.controlPlane.token == .file(directory + "secrets/token"))
        #expect(
            target.unit(named: "beijing")?.service(named: "product")?.process
                == .pidFile(directory + "run/beijing-product.pid"))
    }

    /// One rule for every path: a restart command's argv[0] with a slash in it is a path of the
    /// target's folder too (it ran from the working directory before); a bare name is left to PATH.
    @Test func aRestartCommandWithASlashIsReadFromTheTargetsFolder() throws {
        func restart(_ command: String) throws -> [String]? {
            try DrillLoader.parseTarget(
                yaml: """
                    target: lab
                    gateway: { url: "http://127.0.0.1:9300" }
                    control_plane: { url: "http://127.0.0.1:9301" }
                    routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
                    units: { beijing: { services: { product: { process: { name: p }, restart: [\(command), --now] } } } }
                    """, file: "/etc/gameday/lab.yaml"
            ).units.first?.services.first?.restart
        }
        #expect(try restart("bin/restart") == ["/etc/gameday/bin/restart", "--now"])
        #expect(try restart("./restart.sh") == ["/etc/gameday/restart.sh", "--now"])
        #expect(try restart("../tools/up") == ["/etc/tools/up", "--now"])
        #expect(try restart("systemctl") == ["systemctl", "--now"])
        #expect(try restart("/usr/bin/up") == ["/usr/bin/up", "--now"])
    }

    @Test func aRelativeRestartCommandOnSSHHostsIsRefused() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseTarget(
                yaml: """
                    target: lab
                    gateway: { url: "http://127.0.0.1:9300" }
                    control_plane: { url: "http://127.0.0.1:9301" }
                    routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
                    units:
                      beijing:
                        services:
                          product: { hosts: [10.0.0.1], process: { name: p }, restart: [bin/up] }
                    """, file: "t.yaml")
        }
        #expect(
            error?.description
                == "t.yaml:8:68: error: 'units.beijing.services.product.restart' of a service on SSH hosts runs on the hosts: "
                + "its command must be a name looked up in PATH there or an absolute path, not 'bin/up'")
    }

    @Test(arguments: [
        ("target.yaml", "run/p.pid", "run/p.pid"),
        ("lab/target.yaml", "run/p.pid", "lab/run/p.pid"),
        ("/etc/gameday/lab.yaml", "p.pid", "/etc/gameday/p.pid"),
        ("/etc/gameday/lab.yaml", "/run/p.pid", "/run/p.pid"),
    ])
    func pathResolution(file: String, written: String, resolved: String) throws {
        let target = try DrillLoader.parseTarget(
            yaml: """
                target: lab
                gateway: { url: "http://127.0.0.1:9300" }
                control_plane: { url: "http://127.0.0.1:9301", token: { file: \(written) } }
                routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
                units: { beijing: { services: { product: { process: { pid_file: \(written) } } } } }
                """, file: file)
        #expect(target.controlPlane.token == .file(Self.absolute(resolved)))
        #expect(target.units.first?.services.first?.process == .pidFile(Self.absolute(resolved)))
    }
}

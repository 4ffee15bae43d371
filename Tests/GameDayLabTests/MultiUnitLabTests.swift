import Foundation
import GameDayCore
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// `lab up --units` with three units, and `--unit-in`, for real.
    @Suite("Lab of three units")
    struct MultiUnit {
        static let units = ["beijing", "hangzhou", "shenzhen"]
        /// One user of each unit under the three-unit baseline (0~3333 shenzhen, 3334~6666 hangzhou,
        /// 6667~9999 beijing).
        static let users = ["beijing": 9000, "hangzhou": 5000, "shenzhen": 50]

        @Test func threeUnitsComeUpServeTheirUsersAndReplicateEveryWriteToEveryOtherUnit() async throws {
            var services: [TestLab.Service] = []
            var runDirectory = ""
            try await TestLab.withLab(units: Self.units) { lab in
                runDirectory = lab.runDirectory
                services = lab.services
                #expect(lab.units == Self.units)
                #expect(services.count == 2 + 3 * LabLayout.unitRoles.count)
                let status = try await lab.lab(["status"])
                #expect(status.exitCode == 0, "\(status.transcript)")
                #expect(
                    status.stdout.contains("units: beijing, hangzhou, shenzhen (unit named in: both; routing: modulo)"))

                // Without --units, `lab up` keeps the running lab's units.
                let again = try await lab.lab(["up"])
                #expect(again.stdout.contains("already up and healthy"), "\(again.transcript)")

                let target = try DrillLoader.loadTarget(path: lab.targetPath)
                #expect(target.units.map(\.name) == Self.units)
                #expect(target.routing == LabRouting.baseline(units: Self.units))

                for (unit, user) in Self.users {
                    let page = try await lab.gateway("/storefront?userId=\(user)")
                    #expect(page.status == 200 && page.header("X-Unit") == unit, "\(unit): \(page.bodyText)")
                    #expect(try json(page)["unit"] as? String == unit)
                    // The same user named in the path.
                    let byPath = try await lab.gateway("/users/\(user)/storefront")
                    #expect(byPath.status == 200 && byPath.header("X-Unit") == unit, "\(unit): \(byPath.bodyText)")
                    #expect(try json(byPath)["userId"] as? Int == user)
                }

                // A write in each unit reaches each other unit.
                for (unit, user) in Self.users {
                    let placed = try await lab.placeOrder(user: user, seq: 1, tag: "everywhere")
                    #expect(placed.status == 201 && placed.header("X-Unit") == unit, "\(placed.bodyText)")
                    #expect(try json(placed)["origin"] as? String == unit)
                }
                for (origin, user) in Self.users {
                    for unit in Self.units where unit != origin {
                        let arrived = try await eventually {
                            let read = try await lab.orderService(unit, "/orders?userId=\(user)&tag=everywhere")
                            return try json(read)["seqs"] as? [Int] == [1]
                        }
                        #expect(arrived, "\(origin)'s write for user \(user) did not reach \(unit)")
                    }
                }
                let positions = try json(try await lab.orderService("shenzhen", "/internal/replication"))
                #expect(positions["shipped"] as? [String: Int] == ["beijing": 1, "hangzhou": 1], "\(positions)")
                #expect(positions["applied"] as? [String: Int] == ["beijing": 1, "hangzhou": 1], "\(positions)")

                // A cut-over between the two units that are not the standard pair waits for their sync.
                let move = #"{"from":"shenzhen","to":"beijing","users":[50]}"#
                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: move).status == 202)
                let cutover = try await waitForCutover("c-1", in: lab)
                #expect(cutover["state"] as? String == "done", "\(cutover)")
                let sync = try #require((cutover["sync"] as? [[String: Any]])?.first)
                #expect(sync["from"] as? String == "shenzhen" && sync["to"] as? String == "beijing", "\(sync)")
                #expect(sync["state"] as? String == "caught_up", "\(sync)")
                let moved = try await lab.gateway("/orders?userId=50&tag=everywhere")
                #expect(moved.header("X-Unit") == "beijing", "\(moved.bodyText)")
                #expect(try json(moved)["seqs"] as? [Int] == [1], "the moved user's write is in beijing")
            }
            // `withLab` ran `lab down`: nothing of the lab is left.
            #expect(!services.isEmpty)
            for service in services {
                #expect(!FileManager.default.fileExists(atPath: service.pidFile))
                #expect(!LabProcessTable.isAlive(service.pid), "\(service.name) (pid \(service.pid)) still runs")
            }
            #expect(processes(mentioning: runDirectory).isEmpty, "no server and no supervisor is left")
        }

        @Test func withTheUnitInTheBodyTheGatewaySendsNoUnitHeader() async throws {
            try await TestLab.withLab(unitIn: "body") { lab in
                let page = try await lab.gateway("/storefront?userId=6000")
                #expect(page.status == 200 && page.header("X-Unit") == nil, "\(page.headers)")
                #expect(try json(page)["unit"] as? String == "beijing")
                let placed = try await lab.placeOrder(user: 50, seq: 1, tag: "body")
                #expect(placed.status == 201 && placed.header("X-Unit") == nil)
                #expect(try json(placed)["unit"] as? String == "hangzhou")
                // A storefront's 404 carries the unit too, and so does the gateway's own 502.
                let missing = try await lab.gateway("/nowhere?userId=6000")
                #expect(missing.status == 404 && missing.header("X-Unit") == nil)
                #expect(try json(missing)["unit"] as? String == "beijing")
                let status = try await lab.lab(["status", "--json"])
                #expect(status.stdout.contains(#""unit_in" : "body""#), "\(status.stdout)")
                let manifest = try String(contentsOfFile: lab.runDirectory + "/lab.json", encoding: .utf8)
                #expect(manifest.contains(#""unit_in" : "body""#))
            }
        }

        @Test func unusableUnitsAreRefusedBeforeAnythingStarts() async throws {
            let runDirectory = try TestLab.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: runDirectory) }
            for units in ["beijing", "beijing,beijing", "beijing,Hang Zhou"] {
                let up = try await ChildProcess.run(
                    [try GameDayBinary.path, "lab", "up", "--run-dir", runDirectory, "--units", units],
                    timeout: .seconds(30))
                #expect(up.exitCode == 64, "\(units): \(up.transcript)")
                #expect(up.stderr.contains("--units:"), "\(up.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: runDirectory + "/lab.json"))
        }

        @Test(.enabled(if: Isolated.canMakeNamespaces, "needs root and iproute2 to create network namespaces"))
        func threeUnitsInNamespacesReplicateOverTheirPairwiseLinks() async throws {
            var namespaces: [TestLab.Namespace] = []
            try await TestLab.withLab(isolation: .netns, units: Self.units) { lab in
                namespaces = lab.namespaces
                #expect(namespaces.map(\.unit) == Self.units)
                for (unit, user) in Self.users {
                    let placed = try await lab.placeOrder(user: user, seq: 7, tag: "netns")
                    #expect(placed.status == 201 && placed.header("X-Unit") == unit, "\(placed.bodyText)")
                }
                for (origin, user) in Self.users {
                    for unit in Self.units where unit != origin {
                        let arrived = try await eventually(timeout: .seconds(10)) {
                            let read = try await lab.orderService(unit, "/orders?userId=\(user)&tag=netns")
                            return try json(read)["seqs"] as? [Int] == [7]
                        }
                        #expect(arrived, "\(origin)'s write did not reach \(unit) across namespaces")
                    }
                }
            }
            let list = try await ChildProcess.run([LabNetwork.ipExecutable() ?? "/usr/sbin/ip", "netns", "list"])
            for namespace in namespaces {
                #expect(!list.stdout.contains(namespace.name), "\(list.stdout)")
                #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(namespace.hostInterface)"))
            }
        }
    }
}

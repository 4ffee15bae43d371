import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// Every lab service's `/metrics`, read straight from the services.
    @Suite("Lab metrics")
    struct LabMetrics {
        /// One request a service serves and one it does not, per service: each shows up once more,
        /// under its route pattern and status.
        @Test func everyServiceCountsItsRequestsByRouteAndCode() async throws {
            try await TestLab.withLab { lab in
                for service in lab.services {
                    let base = service.healthURL.replacingOccurrences(of: "/health", with: "")
                    let unit = service.unit ?? "none"
                    let before = MetricsText(try await lab.metrics(of: service.name))
                    let health = try await CurlHTTPClient().send(HTTPRequest(url: base + "/health"))
                    let missing = try await CurlHTTPClient().send(HTTPRequest(url: base + "/no-such-endpoint"))
                    #expect(health.status == 200, "\(service.name) /health")
                    // The gateway relays any path it finds a key for; without one it is a 400.
                    #expect(missing.status == (service.role == "gateway" ? 400 : 404), "\(service.name) unmatched")
                    let after = MetricsText(try await lab.metrics(of: service.name))

                    func count(_ text: MetricsText, route: String, code: Int) -> Double {
                        text.value(
                            "lab_http_requests_total",
                            ["service": service.role, "unit": unit, "route": route, "code": String(code)]) ?? 0
                    }
                    #expect(
                        count(after, route: "unmatched", code: missing.status)
                            == count(before, route: "unmatched", code: missing.status) + 1, "\(service.name)")
                    #expect(count(after, route: "/health", code: 200) >= count(before, route: "/health", code: 200) + 1)
                    #expect(
                        after.value(
                            "lab_http_request_duration_seconds_count",
                            ["service": service.role, "unit": unit, "route": "unmatched"]) ?? 0 >= 1)
                    #expect(
                        after.value(
                            "lab_http_request_duration_seconds_bucket",
                            ["service": service.role, "route": "/health", "le": "+Inf"]) ?? 0 >= 1,
                        "\(service.name): no +Inf bucket")
                    // Scrapes are not requests the service answered for anyone.
                    #expect(!after.all("lab_http_requests_total").contains { $0.labels["route"] == "/metrics" })
                }

                // A route with an id is counted under its pattern.
                let product = try lab.service("beijing-product")
                let base = product.healthURL.replacingOccurrences(of: "/health", with: "")
                _ = try await CurlHTTPClient().send(HTTPRequest(url: base + "/products?userId=6000"))
                let products = MetricsText(try await lab.metrics(of: "beijing-product"))
                #expect(
                    products.value(
                        "lab_http_requests_total",
                        ["service": "product", "unit": "beijing", "route": "/products", "code": "200"]) == 1)
                _ = try await lab.controlPlane("GET", "/v1/cutovers/c-404")
                let controlPlane = MetricsText(try await lab.metrics(of: "control-plane"))
                #expect(
                    controlPlane.value(
                        "lab_http_requests_total",
                        ["service": "control-plane", "unit": "none", "route": "/v1/cutovers/{id}", "code": "404"]) == 1)
            }
        }

        /// The gateway counts each request under the unit it routed it to, and `none` when it routed
        /// it nowhere.
        @Test func gatewayLabelsRequestsByRoutedUnit() async throws {
            try await TestLab.withLab { lab in
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
                #expect(try await lab.gateway("/storefront?userId=6001").status == 200)
                #expect(try await lab.gateway("/users/50/storefront").status == 200)
                #expect(try await lab.gateway("/storefront").status == 400)
                let metrics = MetricsText(try await lab.metrics(of: "gateway"))
                func count(_ unit: String, _ route: String, _ code: String) -> Double? {
                    metrics.value(
                        "lab_http_requests_total",
                        ["service": "gateway", "unit": unit, "route": route, "code": code])
                }
                #expect(count("beijing", "/storefront", "200") == 2)
                #expect(count("hangzhou", "/users/{userId}/storefront", "200") == 1)
                #expect(count("none", "/storefront", "400") == 1)
                #expect(count("hangzhou", "/storefront", "200") == nil)
            }
        }

        /// A real cut-over moves `lab_cutovers_total` through the control plane's phases, once each,
        /// and `lab_cutover_in_progress` back to 0; the order services report their backlog.
        @Test func cutoverCountsEveryPhase() async throws {
            try await TestLab.withLab { lab in
                let phases = ["accepted", "write_block", "sync_wait", "switch", "unblock", "done"]
                let before = MetricsText(try await lab.metrics(of: "control-plane"))
                for phase in phases + ["failed"] {
                    #expect(before.value("lab_cutovers_total", ["phase": phase]) == 0, "\(phase) before")
                }
                #expect(before.value("lab_cutover_in_progress") == 0)

                #expect(try await lab.gateway("/orders?userId=6000", method: "POST").status == 201)
                let accepted = try await lab.controlPlane(
                    "POST", "/v1/cutovers", body: #"{"from":"beijing","to":"hangzhou","users":[6000]}"#)
                #expect(accepted.status == 202)
                let cutover = try await waitForCutover("c-1", in: lab)
                #expect(cutover["state"] as? String == "done")

                let after = MetricsText(try await lab.metrics(of: "control-plane"))
                for phase in phases {
                    #expect(after.value("lab_cutovers_total", ["phase": phase]) == 1, "\(phase) after")
                }
                #expect(after.value("lab_cutovers_total", ["phase": "failed"]) == 0)
                #expect(after.value("lab_cutover_in_progress") == 0)

                // The order written before the cut-over has been replicated: nothing waits any more.
                var backlog = MetricsText("")
                let drained = try await eventually {
                    backlog = MetricsText(try await lab.metrics(of: "beijing-order"))
                    return backlog.value("lab_order_outbox_depth", ["unit": "beijing"]) == 0
                }
                #expect(drained, "beijing's outbox never drained: \(backlog.all("lab_order_outbox_depth"))")
                #expect(backlog.value("lab_order_replication_lag_seconds", ["unit": "beijing"]) == 0)
            }
        }
    }
}

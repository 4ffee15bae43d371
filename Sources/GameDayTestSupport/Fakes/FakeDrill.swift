import GameDayCore

/// The unit tests' drill and target for the in-memory `FakeStorefront`: user 6000 lives in beijing,
/// 50 in hangzhou; product in beijing goes down, 6000 is cut over to hangzhou and back.
public enum FakeDrill {
    public static let target = Target(
        name: "fake", gatewayURL: FakeStorefront.gateway,
        controlPlane: ControlPlaneTarget(url: FakeStorefront.controlPlane, token: .environment("FAKE_TOKEN")),
        routing: .storefront, units: [])

    public static func drill(
        rto: Duration = .seconds(5), cutover: Bool = true, userImpact: ImpactExpectation = .fail
    ) -> Drill {
        let auth = [HeaderTemplate(name: "Authorization", value: "Bearer {{control_plane.token}}")]
        return Drill(
            name: "fake-drill",
            probe: ProbeSpec(
                interval: .milliseconds(10), timeout: .milliseconds(500),
                request: RequestTemplate(url: "{{gateway.url}}/storefront?userId={{user.id}}")),
            users: [
                TestUser(id: 6000, home: "beijing", impact: userImpact, recoversOn: cutover ? "hangzhou" : nil),
                TestUser(id: 50, home: "hangzhou", impact: .none),
            ],
            steadyState: SteadyStateSpec(duration: .milliseconds(100)),
            faults: [
                FaultSpec(
                    name: "product-down", unit: "beijing", service: "product",
                    action: .killProcess(signal: SignalName("KILL")!, restart: true))
            ],
            observe: ObserveSpec(duration: .milliseconds(100), timeout: .seconds(10)),
            cutover: cutover
                ? CutoverSpec(
                    request: RequestTemplate(method: "POST", url: "{{control_plane.url}}/v1/cutovers", headers: auth),
                    accept: [202], idField: "id",
                    poll: PollSpec(
                        request: RequestTemplate(
                            url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}", headers: auth),
                        interval: .milliseconds(10), timeout: .seconds(2)))
                : nil,
            recovery: cutover ? RecoverySpec(rto: rto, window: .consecutive(3), timeout: .seconds(10)) : nil,
            rollback: RollbackSpec(
                cutback: cutover
                    ? CutoverSpec(
                        request: RequestTemplate(method: "POST", url: "{{control_plane.url}}/v1/cutback", headers: auth)
                    ) : nil,
                steadyState: .milliseconds(100)))
    }

}

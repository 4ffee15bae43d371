extension StarterFiles {
    /// The strong-dependency drill: kill the service in the faulted unit; its user fails, the other
    /// units' users never do; cut the user over and expect it served again within the RTO.
    public var drill: String {
        let unit = Self.scalar(faulted.unit)
        let service = Self.scalar(settings.service)
        let others = bystanders.map { "\($0.key) (\($0.unit))" }.joined(separator: ", ")
        var lines = [
            "# A starter strong-dependency drill written by `gameday init`: kill \(settings.service) in \(faulted.unit);",
            "# \(faulted.unit)'s user \(faulted.key) must fail and \(others) must never notice; cut \(faulted.key)",
            "# over to \(recoveryUnit) and expect it served again within the RTO. Lines marked TODO are what only you",
            "# know. `gameday plan` shows every request and command before anything runs.",
            "drill: \(drillName)",
            "description: >-",
            "  Kill \(settings.service) in \(faulted.unit). \(settings.keyParameter)=\(faulted.key) (\(faulted.unit)) must fail",
            "  and \(others) must never fail; cut \(faulted.key) over to \(recoveryUnit) and expect it back within 30s.",
            "",
            "probe:",
            "  interval: 200ms",
            "  timeout: 2s",
            "  # Where the answers to the keys asked named the unit that served them.",
            "  unit_from: \(unitFrom)",
            "  request:",
            "    method: GET",
            "    url: \(Self.quoted(settings.url(base: "{{gateway.url}}", key: "{{user.id}}")))",
            "  success:",
        ]
        lines += successLines
        lines += ["", "users:"]
        lines.append("  # Keys the gateway was seen to send to these units.")
        lines.append(
            "  - { id: \(faulted.key), name: \(Self.scalar(faulted.unit + "-user")), home: \(unit), impact: fail, "
                + "recovers_on: \(Self.scalar(recoveryUnit)) }")
        for user in bystanders {
            lines.append(
                "  - { id: \(user.key), name: \(Self.scalar(user.unit + "-user")), home: \(Self.scalar(user.unit)), "
                    + "impact: none }")
        }
        lines += [
            "",
            "steady_state: { duration: 5s }",
            "",
            "faults:",
            "  - name: \(Self.slug(settings.service + "-down"))",
            "    kind: kill-process",
            "    unit: \(unit)",
            "    service: \(service)",
            "    signal: KILL",
            "    # TODO: remove once the target gives \(settings.service) a 'restart:' command; until then the drill",
            "    # leaves it killed, and the rollback cannot bring \(faulted.unit)'s users home.",
            "    restart: false",
            "",
            "observe: { duration: 2s, timeout: 30s }",
            "",
            "cutover:",
            "  # TODO: your control plane's cut-over. This is the lab's API (README, \"The lab\"): POST the users to",
            "  # move, get a task id back, poll the task until its state is done. {{cutover.users}} is the moving",
            "  # users' keys as a JSON array, {{cutover.from}} the faulted unit, {{cutover.to}} the unit they recover",
            "  # on. A vendor's CLI (command:) or several calls (steps:) work too: README, \"Cut-over\".",
            "  request:",
            "    method: POST",
            #"    url: "{{control_plane.url}}/v1/cutovers""#,
            "    headers:",
            #"      Authorization: "Bearer {{control_plane.token}}""#,
            "    body:",
            #"      from: "{{cutover.from}}""#,
            #"      to: "{{cutover.to}}""#,
            #"      users: "{{cutover.users}}""#,
            "  accept: [200, 202]",
            "  id_field: id",
        ]
        lines += poll(indent: "  ")
        lines += [
            "",
            "recovery:",
            "  rto: 30s  # TODO: your RTO goal",
            "  window: { consecutive: 5 }",
            "",
            "rollback:",
            "  cutback:",
            "    # TODO: the call that puts routing back as it was before the drill (the lab's, as above).",
            "    request:",
            "      method: POST",
            #"      url: "{{control_plane.url}}/v1/cutback""#,
            "      headers:",
            #"        Authorization: "Bearer {{control_plane.token}}""#,
            "    accept: [200, 202]",
            "    id_field: id",
        ]
        lines += poll(indent: "    ")
        lines.append("  steady_state: 5s")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{ header: X-Unit }` or `{ body: /unit }`.
    private var unitFrom: String {
        switch unitSource {
        case .header(let name): "{ header: \(Self.scalar(name)) }"
        case .body(let pointer):
            // `/data/unit` reads back as written in a flow mapping; other characters are quoted.
            pointer.text.allSatisfy({ $0.isLetter || $0.isNumber || "/_.~-".contains($0) }) && !pointer.text.isEmpty
                ? "{ body: \(pointer.text) }" : "{ body: \(Self.quoted(pointer.text)) }"
        }
    }

    /// The status every sample with a unit got when they agree on a 2xx, else 200 and a TODO.
    private var successLines: [String] {
        let statuses = findings.samples.filter { $0.unit != nil }.compactMap { $0.response?.status }
        let distinct = Array(Set(statuses)).sorted()
        if distinct.count == 1, let status = distinct.first, (200..<300).contains(status) {
            return ["    status: \(status)  # what every key asked got"]
        }
        let got = distinct.map(String.init).joined(separator: ", ")
        return [
            "    # TODO: the status of a healthy answer; the keys asked got \(got.isEmpty ? "none" : got).",
            "    status: 200",
        ]
    }

    /// Following the task `id_field` named until its `state` is done.
    private func poll(indent: String) -> [String] {
        [
            "poll:",
            "  request:",
            #"    url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}""#,
            "    headers:",
            #"      Authorization: "Bearer {{control_plane.token}}""#,
            "  field: state",
            "  done: [done]",
            "  failed: [failed]",
            "  interval: 200ms",
            "  timeout: 60s",
        ].map { indent + $0 }
    }
}

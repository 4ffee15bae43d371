import GameDayCore

extension DrillSession {
    /// Writes `--metrics-file` and pushes to `--pushgateway`, once the archive is written: for
    /// every run that started, however it ended (an interrupted one too), with what it measured.
    ///
    /// A metrics file that cannot be written is, like `--junit`, a place CI reads that stays
    /// empty: the run is not a pass. A push that fails is only warned about: the Pushgateway is
    /// a convenience beside the archive, and the drill's own outcome and exit code stand.
    func publishMetrics(_ result: inout RunResult, say: @escaping @Sendable (String) -> Void) async {
        if let path = settings.metricsFile {
            do {
                try MetricsFile(path: path).write(PrometheusExposition.render(RunMetrics(result)))
            } catch {
                say("could not write the metrics file \(path): \(error)")
                Self.notAPass(&result, "its metrics file could not be written to \(path)")
            }
        }
        guard let address = settings.pushgateway else { return }
        let metrics = RunMetrics(result)
        let gateway = Pushgateway(address: address, transport: parts.transport)
        // In a task of its own: after Ctrl-C the run's task is cancelled, and the push of an
        // interrupted run's figures must still go out (the request's timeout bounds the wait).
        let failure = await Task { () -> PushgatewayError? in
            do throws(PushgatewayError) {
                try await gateway.push(metrics)
                return nil
            } catch {
                return error
            }
        }.value
        if let failure {
            say("warning: \(failure.localizedDescription); the archive is kept and the exit code is the drill's own")
        }
    }
}

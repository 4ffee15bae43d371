extension DrillRunner {
    /// Applies every fault in order. Each is prepared first (the driver's lookups and guards, once),
    /// then recorded in the ledger, whose watchdog starts, then applied; its moment is the effecting action
    /// itself, stamped by the driver through `FaultMoment`: the sample store's fault mark (impact,
    /// blast radius, the RTO) starts there, not at the preparation.
    ///
    /// Just before the first effecting action, the users expected to fail are focused (`RunFocus`).
    func inject(_ journal: RunJournal, _ store: SampleStore, focus: RunFocus?) async throws {
        try await beginBeforeHarm(.inject, journal, store)
        for fault in drill.faults {
            try Task.checkCancellation()
            let preparing = env.clock.now()
            // The ledger learns how to undo the fault before it is applied, so that a runner killed
            // at any moment leaves a record that `gameday recover` and the watchdog can act on.
            let prepared: any PreparedFault
            do {
                prepared = try await env.faults.prepare(fault, in: target)
            } catch {
                await journal.verdict(
                    Verdict("faults_applied", .fail, "fault \(fault.name) could not be prepared: \(error.message)"))
                throw RunStop(
                    .error, "fault \(fault.name) could not be prepared: \(error.message); nothing was applied")
            }
            let ticket: LedgerTicket
            do {
                ticket = try await env.ledger.intend(prepared)
            } catch {
                throw RunStop(
                    .error, "fault \(fault.name) could not be recorded in the ledger: \(error); nothing was applied")
            }
            // Interrupted while preparing: nothing was done to the unit, and nothing will be.
            if Task.isCancelled {
                await env.ledger.reverted(ticket)
                throw CancellationError()
            }
            let moment = FaultMoment(
                clock: env.clock,
                stamp: { [env, drill] in
                    let at = store.markFault(env.clock)
                    // Focused after the stamp, so that every focused probe counts from the fault.
                    focus?.fault(at: at, within: drill.observe.timeout)
                    return at
                })
            do {
                var applied = try await prepared.apply(moment)
                let proven = env.clock.now()
                applied.ticket = ticket
                if !applied.hosts.isEmpty { await env.ledger.narrow(ticket, to: applied.hosts.map(\.host)) }
                await env.ledger.applied(ticket)
                let stamp = moment.stamp ?? unstamped(fault, store)
                await journal.markFault(stamp.at)
                await journal.applied(
                    applied, timing: FaultTiming(preparedFrom: preparing, stamp: stamp, proven: proven))
                for command in applied.commands {
                    env.reporter.report(.detail("fault \(fault.name) ran: \(command.joined(separator: " "))"))
                }
                env.reporter.report(
                    .note(
                        "fault \(fault.name) applied at \(Self.ms(stamp.at)) after \(DurationText.format(stamp.at - preparing)) of preparation: \(applied.effect)"
                    ))
            } catch {
                // It may have half-happened (a signal sent, no proof; a host hit, another not; an
                // interrupt killed its commands): the rollback reverts all it prepared, through the ledger.
                let stamp = moment.stamp
                if let stamp { await journal.markFault(stamp.at) }
                await journal.halfApplied(
                    fault.name, ticket: ticket, timing: FaultTiming(preparedFrom: preparing, stamp: stamp, proven: nil))
                await journal.verdict(
                    Verdict("faults_applied", .fail, "fault \(fault.name) did not take effect: \(error.message)"))
                throw RunStop(.error, "fault \(fault.name) did not take effect: \(error.message)")
            }
        }
        await journal.verdict(
            Verdict("faults_applied", .pass, "\(drill.faults.count) fault(s) applied and proven in effect"))
    }

    /// A driver that proved its fault without saying when it took effect: the moment is when its
    /// apply returned (late by the proof), and the run says so rather than guessing earlier.
    private func unstamped(_ fault: FaultSpec, _ store: SampleStore) -> FaultMoment.Stamp {
        env.reporter.report(
            .problem(
                "fault \(fault.name): its driver did not stamp the effecting action; the fault's moment is when its apply returned"
            ))
        return FaultMoment.Stamp(at: store.markFault(env.clock), returned: nil)
    }
}

import Foundation

/// The body of `gameday delayer`: binds the queue, says it is ready (the ready file, written
/// whole), holds packets until stopped, and tells what it did.
public enum DelayerMain {
    public static func run(
        queue: UInt16, schedule: DelaySchedule, lifeline: RunnerLifeline?, ready: String?,
        stop: @escaping @Sendable () -> String?, say: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        await OwnThread.run {
            let delayer: PacketDelayer
            do {
                delayer = try PacketDelayer(queue: queue, schedule: schedule, lifeline: lifeline)
            } catch {
                say("delayer: \(error)")
                return 1
            }
            if let ready {
                let temporary = ready + ".tmp"
                guard FileManager.default.createFile(atPath: temporary, contents: Data("queue \(queue)\n".utf8)),
                    rename(temporary, ready) == 0
                else {
                    say("delayer: cannot write its ready file \(ready)")
                    return 1
                }
            }
            say("delayer: holding the packets of queue \(queue) (\(schedule.settings)), pid \(getpid())")
            let reason = delayer.run(stop: stop)
            let tally = delayer.tally
            say(
                "delayer: stopped (\(reason)): \(tally.delayed) packets delayed, \(tally.dropped) lost on purpose, "
                    + "\(tally.overflowed) let through undelayed; released late by \(String(format: "%.0f", tally.latenessMeanMicroseconds)) µs "
                    + "on average, \(tally.latenessMaxMicroseconds) µs at worst")
            return 0
        }
    }
}

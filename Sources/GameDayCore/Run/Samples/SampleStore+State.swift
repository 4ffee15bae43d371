extension SampleStore {
    /// Everything the store knows, under its lock: each user's and group's track, the phases and
    /// the marks, and the units by number.
    struct State {
        var tracks: [UserTrack]
        /// A user's track by its id.
        let index: [String: Int]
        let recovery: SuccessWindow
        let guardrail: SuccessWindow
        var groups: [GroupTrack]
        var phases: [(phase: RunPhase, at: Duration)] = []
        var unitNames: [String] = []
        var unitIndex: [String: Int] = [:]
        var fault: Duration?
        var reverted: Duration?

        init(
            tracks: [UserTrack], index: [String: Int], recovery: SuccessWindow, guardrail: SuccessWindow,
            groups: [GroupTrack]
        ) {
            self.tracks = tracks
            self.index = index
            self.recovery = recovery
            self.guardrail = guardrail
            self.groups = groups
        }

        /// Puts the sample in its place and folds every sample now in order; returns the users whose
        /// outcome or serving unit changed, with the sample that changed it.
        ///
        /// Everything is mutated in place: a copy of a track or group would copy its arrays per sample.
        mutating func deliver(_ sample: ProbeSample, user: String, sequence: Int, bucket: Duration) -> [(
            TestUser, ProbeSample
        )] {
            guard let position = index[user] else { return [] }
            var changed: [(TestUser, ProbeSample)] = []
            var next = tracks[position].order.put(sample, sequence: sequence)
            while let inOrder = next {
                fold(inOrder, position: position, bucket: bucket, changed: &changed)
                next = tracks[position].order.take()
            }
            return changed
        }

        private mutating func fold(
            _ sample: ProbeSample, position: Int, bucket: Duration, changed: inout [(TestUser, ProbeSample)]
        ) {
            let phase = phase(at: sample.sentAt)
            let unit = sample.unit.map { unitNumber($0) }
            let group = tracks[position].group
            Self.fold(sample, into: &tracks[position], fault: fault, changed: &changed)
            groups[group].aggregates[phase, default: ProbeAggregate()].add(sample)
            groups[group].buckets.add(sample, unit: unit, width: bucket)
        }

        private static func fold(
            _ sample: ProbeSample, into track: inout UserTrack, fault: Duration?,
            changed: inout [(TestUser, ProbeSample)]
        ) {
            track.count += 1
            if sample.focused { track.focused += 1 }
            track.lastSent = max(track.lastSent ?? sample.sentAt, sample.sentAt)
            if !sample.ok {
                track.lastFailed = sample
            } else if sample.unit != track.home {
                track.lastStray = sample
            }
            if track.last.map({ $0.ok != sample.ok || $0.unit != sample.unit }) ?? true {
                changed.append((track.user, sample))
            }
            track.last = (sample.ok, sample.unit)
            if track.segments.count < SampleStore.segmentLimit || TimelineSegment.extends(track.segments, with: sample)
            {
                TimelineSegment.append(sample, to: &track.segments)
            } else {
                track.truncated += 1
            }
            track.impact?.feed(sample)
            if let fault, sample.sentAt >= fault { track.guardWindow?.feed(sample) }
        }

        mutating func skip(user: String, at scheduled: Duration) {
            guard let position = index[user] else { return }
            tracks[position].skipped += 1
            groups[tracks[position].group].aggregates[phase(at: scheduled), default: ProbeAggregate()].skipped += 1
        }

        mutating func markFault(_ at: Duration) {
            guard fault == nil else { return }
            fault = at
            for position in tracks.indices {
                tracks[position].impact = ImpactTracker(
                    from: at, window: recovery, recoveryUnit: tracks[position].user.recoversOn)
                tracks[position].guardWindow = GuardWindow(guardrail)
            }
        }

        mutating func markReverted(_ at: Duration) {
            reverted = at
            for position in tracks.indices { tracks[position].impact?.until = at }
        }

        /// The index of the phase in force at `time` (-1 before the first).
        private func phase(at time: Duration) -> Int {
            var index = phases.count - 1
            while index >= 0, phases[index].at > time { index -= 1 }
            return index
        }

        private mutating func unitNumber(_ unit: String) -> Int {
            if let number = unitIndex[unit] { return number }
            // Units are few; a misbehaving server naming a new one per answer must not grow this for ever.
            let name = unitNames.count < 63 ? unit : "other"
            if let number = unitIndex[name] { return number }
            unitNames.append(name)
            unitIndex[name] = unitNames.count - 1
            return unitNames.count - 1
        }
    }
}

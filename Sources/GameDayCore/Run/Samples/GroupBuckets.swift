/// One user group's probes counted in buckets of send time: successes, failures, and answers per
/// serving unit (by the unit's number in the sample store). The group's success over time in the
/// result, and the live status, read them.
struct GroupBuckets {
    struct Bucket {
        var ok = 0
        var failed = 0
        /// Answers by unit number.
        var units: [Int] = []
    }

    /// Buckets past this one are not kept: at 100 ms a bucket, more than a day of probes.
    static let limit = 1_000_000

    private(set) var buckets: [Bucket] = []

    /// The bucket of a probe sent at `sentAt`.
    static func slot(_ sentAt: Duration, width: Duration) -> Int { max(0, Int(sentAt / width)) }

    /// Counts `sample`, answered by unit number `unit` if any, in the bucket of its send time.
    mutating func add(_ sample: ProbeSample, unit: Int?, width: Duration) {
        let slot = Self.slot(sample.sentAt, width: width)
        guard slot < Self.limit else { return }
        if buckets.count <= slot {
            buckets.append(contentsOf: repeatElement(Bucket(), count: slot - buckets.count + 1))
        }
        if sample.ok { buckets[slot].ok += 1 } else { buckets[slot].failed += 1 }
        if let unit {
            if buckets[slot].units.count <= unit {
                buckets[slot].units.append(contentsOf: repeatElement(0, count: unit - buckets[slot].units.count + 1))
            }
            buckets[slot].units[unit] += 1
        }
    }

    /// Adds the probes of the buckets `slots` to `live`; `unitNames` names the units by number.
    func count(_ slots: ClosedRange<Int>, into live: inout LiveStatus.Group, unitNames: [String]) {
        for slot in slots where slot < buckets.count {
            let bucket = buckets[slot]
            live.ok += bucket.ok
            live.failed += bucket.failed
            for (unit, count) in bucket.units.enumerated() where count > 0 {
                live.units[unitNames[unit], default: 0] += count
            }
        }
    }

    /// The buckets that counted a probe, as the result records them.
    func records(width: Duration, unitNames: [String]) -> [GroupBucket] {
        buckets.enumerated().compactMap { index, bucket in
            bucket.ok + bucket.failed == 0
                ? nil
                : GroupBucket(
                    fromMs: (width * index).milliseconds, ok: bucket.ok, failed: bucket.failed,
                    units: Dictionary(
                        uniqueKeysWithValues: bucket.units.enumerated().filter { $0.element > 0 }.map {
                            (unitNames[$0.offset], $0.element)
                        }))
        }
    }
}

extension Duration {
    /// This duration in whole nanoseconds (rounded toward zero), as timers and C clocks take it.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

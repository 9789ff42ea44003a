/// Arithmetic on numbers from outside (a server's counts, a caller's timeouts): Swift's `+`
/// traps on overflow, which would kill the process the library lives in.
extension FixedWidthInteger {
    /// The sum, or the nearest bound when it does not fit.
    func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// The difference, or the nearest bound when it does not fit.
    func saturatingSubtracting(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}

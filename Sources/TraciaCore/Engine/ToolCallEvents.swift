/// The tool-call events of one turn, numbered as the result numbers its calls: a call's index is
/// its position in order of first appearance, whatever the provider's own index. Each call gets
/// one start before any other event of it, and one end: when the provider ends it, else when
/// the turn completes. Engine thread only.
struct ToolCallEvents {
    /// The provider's index of each call → its position.
    private var positions: [Int: Int] = [:]
    /// Positions started and not yet ended, in the order they started.
    private var open: [Int] = []
    private var ended: Set<Int> = []

    /// The position of the provider's call `index`, and whether this is its first appearance.
    mutating func position(of index: Int) -> (position: Int, isNew: Bool) {
        if let known = positions[index] { return (known, false) }
        let position = positions.count
        positions[index] = position
        open.append(position)
        return (position, true)
    }

    /// The provider ended its call `index`: its position, unless it never started or has ended.
    mutating func end(_ index: Int) -> Int? {
        guard let position = positions[index], ended.insert(position).inserted else { return nil }
        return position
    }

    /// The calls still open when the turn completes, in the order they started; all end here.
    mutating func endAll() -> [Int] {
        let remaining = open.filter { !ended.contains($0) }
        open.removeAll()
        ended.formUnion(remaining)
        return remaining
    }
}

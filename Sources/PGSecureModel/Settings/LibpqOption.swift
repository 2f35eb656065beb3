/// One libpq connection keyword and its value, exactly as libpq would receive it.
public struct LibpqOption: Hashable, Sendable {
    public let keyword: String
    public let value: String

    public init(_ keyword: String, _ value: String) {
        self.keyword = keyword
        self.value = value
    }
}

extension Array where Element == LibpqOption {
    public subscript(keyword: String) -> String? {
        last(where: { $0.keyword == keyword })?.value
    }

    /// Sets `keyword`, keeping its place if it was already there; `nil` removes it.
    public mutating func set(_ keyword: String, _ value: String?) {
        let index = firstIndex { $0.keyword == keyword }
        removeAll { $0.keyword == keyword }
        guard let value else { return }
        insert(LibpqOption(keyword, value), at: index ?? count)
    }
}

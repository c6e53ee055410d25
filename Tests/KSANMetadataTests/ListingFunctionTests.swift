import KSANTestSupport
import Testing

@testable import KSANMetadata

/// The SQL functions of the skip-scan agree with the Swift they stand for.
@Suite("Listing SQL functions", .enabled(if: TestEnvironment.postgresEnabled))
struct ListingFunctionTests {
    @Test func successorAndCommonPrefixMatchKeyOrder() async throws {
        try await TestDatabase.withStore { store in
            var generator = SeededGenerator(seed: 3)
            let alphabet = ["a", "/", "é", "\u{D7FF}", "\u{E000}", "\u{10FFFF}", "z", "\u{1}"]
            var strings = ["", "\u{10FFFF}", "\u{10FFFF}\u{10FFFF}", "a\u{10FFFF}", "\u{D7FF}"]
            for _ in 0..<300 {
                let length = Int.random(in: 1...5, using: &generator)
                strings.append((0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined())
            }
            for string in strings {
                let prefixLength = Int.random(in: 0...2, using: &generator)
                let prefix = String(String.UnicodeScalarView(string.unicodeScalars.prefix(prefixLength)))
                let delimiter = ["/", "é", "a/", "\u{10FFFF}"].randomElement(using: &generator)!
                let rows = try await store.client.query(
                    """
                    SELECT key_successor(\(string)),
                           listing_common_prefix(\(string), \(prefix.unicodeScalars.count)::int, \(delimiter))
                    """)
                for try await (successor, common) in rows.decode((String?, String?).self) {
                    #expect(successor == KeyOrder.successor(of: string), "\(string.debugDescription)")
                    #expect(
                        common == KeyOrder.commonPrefix(of: string, prefix: prefix, delimiter: delimiter),
                        "\(string.debugDescription) \(prefix.debugDescription) \(delimiter.debugDescription)")
                }
            }
        }
    }
}

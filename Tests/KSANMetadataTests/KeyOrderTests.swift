import Testing

@testable import KSANMetadata

@Suite("Key byte order")
struct KeyOrderTests {
    @Test func successorIncrementsTheLastScalar() {
        #expect(KeyOrder.successor(of: "a") == "b")
        #expect(KeyOrder.successor(of: "photos/") == "photos0")
        #expect(KeyOrder.successor(of: "caf\u{E9}") == "caf\u{EA}")
    }

    @Test func successorSkipsSurrogatesAndDropsTheLastScalar() {
        #expect(KeyOrder.successor(of: "x\u{D7FF}") == "x\u{E000}")
        #expect(KeyOrder.successor(of: "a\u{10FFFF}") == "b")
        #expect(KeyOrder.successor(of: "a\u{10FFFF}\u{10FFFF}") == "b")
        #expect(KeyOrder.successor(of: "\u{10FFFF}") == nil)
        #expect(KeyOrder.successor(of: "") == nil)
    }

    @Test func successorBoundsEveryKeyWithThePrefix() throws {
        let prefixes = ["a", "a/", "é", "x\u{D7FF}", "a\u{10FFFF}", "\u{7F}", "\u{FFFF}"]
        let suffixes = ["", "a", "\u{10FFFF}\u{10FFFF}", "/", "\u{0}x", "é"]
        for prefix in prefixes {
            let upper = try #require(KeyOrder.successor(of: prefix))
            #expect(KeyOrder.precedes(prefix, upper))
            for suffix in suffixes {
                #expect(KeyOrder.precedes(prefix + suffix, upper), "\(prefix + suffix) < successor(\(prefix))")
            }
        }
    }

    @Test func byteOrderDiffersFromSwiftStringOrder() {
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect(composed == decomposed)  // Swift: canonically equal
        #expect(KeyOrder.precedes(decomposed, composed))  // bytes: "e" < "é"
        #expect(KeyOrder.hasPrefix(decomposed, "cafe"))
        #expect(KeyOrder.precedes("a/b", "a0"))
        #expect(KeyOrder.precedes("a0", "a\u{E9}"))
    }

    @Test func commonPrefixUsesTheFirstDelimiterAfterThePrefix() {
        #expect(KeyOrder.commonPrefix(of: "a/b/c", prefix: "", delimiter: "/") == "a/")
        #expect(KeyOrder.commonPrefix(of: "a/b/c", prefix: "a/", delimiter: "/") == "a/b/")
        #expect(KeyOrder.commonPrefix(of: "a/b", prefix: "a/", delimiter: "/") == nil)
        #expect(KeyOrder.commonPrefix(of: "a--b--c", prefix: "a", delimiter: "--") == "a--")
        #expect(KeyOrder.commonPrefix(of: "éàé", prefix: "é", delimiter: "é") == "éàé")
        #expect(KeyOrder.commonPrefix(of: "abc", prefix: "", delimiter: "") == nil)
    }
}

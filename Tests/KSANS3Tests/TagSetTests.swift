import Testing

@testable import KSANS3

/// Tag sets as S3 parses and validates them.
@Suite("Tag sets")
struct TagSetTests {
    func parse(_ xml: String, limit: Int = TagSet.bucketLimit) throws -> TagSet {
        try TagSet(xml: try XMLNode.parse(Array(xml.utf8)), limit: limit)
    }

    func code(_ xml: String, limit: Int = TagSet.bucketLimit) -> (String, String)? {
        do {
            _ = try parse(xml, limit: limit)
            return nil
        } catch let error as S3Error {
            return (error.code.name, error.message)
        } catch {
            return ("?", "\(error)")
        }
    }

    static func document(_ pairs: [(String, String)]) -> String {
        "<Tagging><TagSet>" + pairs.map { "<Tag><Key>\($0.0)</Key><Value>\($0.1)</Value></Tag>" }.joined()
            + "</TagSet></Tagging>"
    }

    @Test func parsedRenderedAndStored() throws {
        let set = try parse(Self.document([("a", "1"), ("b c", ""), ("한", "값 &amp; more")]))
        #expect(set.tags.map(\.key) == ["a", "b c", "한"] && set.tags.map(\.value) == ["1", "", "값 & more"])
        #expect(try TagSet(document: try set.document()) == set)
        let rendered = set.xml.document
        #expect(rendered.contains("<Tag><Key>한</Key><Value>값 &amp; more</Value></Tag>"))
        #expect(throws: S3Error.self) { try TagSet(document: "not json") }
    }

    @Test func s3RulesAreInvalidTagAndShapesMalformedXML() {
        #expect(
            code(Self.document((0..<51).map { ("k\($0)", "v") }))?.1 == "Bucket tag count cannot be greater than 50")
        #expect(
            code(Self.document((0..<11).map { ("k\($0)", "v") }), limit: TagSet.objectLimit)?.1
                == "Object tag count cannot be greater than 10")
        #expect(code(Self.document((0..<50).map { ("k\($0)", "v") })) == nil)
        #expect(code(Self.document([("d", "1"), ("d", "2")]))?.0 == "InvalidTag")
        #expect(code(Self.document([(String(repeating: "가", count: 128), String(repeating: "나", count: 256))])) == nil)
        #expect(code(Self.document([(String(repeating: "k", count: 129), "v")]))?.1.contains("max 128") == true)
        #expect(code(Self.document([("k", String(repeating: "v", count: 257))]))?.1.contains("max 256") == true)
        #expect(code(Self.document([("AWS:x", "v")]))?.1 == "System tags cannot be added/updated by requester")
        #expect(code(Self.document([("", "v")]))?.0 == "InvalidTag")
        #expect(code(Self.document([("a\u{1}", "v")]))?.0 == "MalformedXML")  // not XML 1.0
        #expect(code(Self.document([("tab\tkey", "line\nbreak")])) == nil)
        for malformed in [
            "<Tagging/>", "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
            "<Tagging><TagSet><Other/></TagSet></Tagging>", "<Tags><TagSet/></Tags>",
            "<Tagging><TagSet/><TagSet/></Tagging>",
        ] {
            #expect(code(malformed)?.0 == "MalformedXML", "\(malformed)")
        }
    }
}

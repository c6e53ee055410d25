import Foundation
import Testing

@testable import KSANS3

@Suite("XML request documents")
struct XMLDocumentParserTests {
    static func parses(_ text: String) -> XMLNode? {
        try? XMLNode.parse(Array(text.utf8))
    }

    static func isMalformed(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try XMLNode.parse(bytes)
            return false
        } catch {
            return error.code == .malformedXML
        }
    }

    @Test("well-formed documents: declaration, namespaces, entities, CDATA, comments, attributes, line ends")
    func wellFormed() throws {
        let document = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment --><?pi data?>
            <s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/" a='1' b="2">
              <Quiet>true</Quiet>
              <Object><Key>a &amp; b &lt;&gt;&quot;&apos; &#65;&#x42; caf\u{E9} 😀</Key></Object>
              <Object><Key><![CDATA[<raw> & text]]></Key><VersionId/></Object>
              <Object><Key>line\r\nend\rhere</Key></Object>
            </s3:Delete>
            <!-- trailing comment -->
            """
        let root = try #require(Self.parses(document))
        #expect(root.name == "Delete")
        let keys = root.children("Object").compactMap { $0.child("Key")?.text }
        #expect(keys == ["a & b <>\"' AB caf\u{E9} 😀", "<raw> & text", "line\nend\nhere"])
        #expect(root.children("Object")[1].child("VersionId")?.text == "")
        #expect(root.child("Quiet")?.text == "true")
    }

    @Test("S3's own request documents parse as before")
    func s3Documents() throws {
        var parts = "<CompleteMultipartUpload>"
        for number in 1...10_000 {
            parts +=
                "<Part><PartNumber>\(number)</PartNumber><ETag>\"abc\"</ETag><ChecksumCRC32>x</ChecksumCRC32></Part>"
        }
        parts += "</CompleteMultipartUpload>"
        let root = try #require(Self.parses(parts))
        #expect(root.children("Part").count == 10_000)
        #expect(root.children("Part").last?.child("PartNumber")?.text == "10000")
    }

    @Test("deep nesting is refused, without recursion, stack overflow or a slow free")
    func deepNesting() {
        let depth = 60_000
        let bytes =
            Array(String(repeating: "<a>", count: depth).utf8) + Array(String(repeating: "</a>", count: depth).utf8)
        #expect(Self.isMalformed(bytes))
        let atLimit = String(repeating: "<a>", count: 32) + String(repeating: "</a>", count: 32)
        #expect(Self.parses(atLimit) != nil)
        let overLimit = String(repeating: "<a>", count: 33) + String(repeating: "</a>", count: 33)
        #expect(Self.isMalformed(Array(overLimit.utf8)))
    }

    @Test("too many elements are refused")
    func elementCount() throws {
        let many = "<r>" + String(repeating: "<e/>", count: 70_000) + "</r>"
        #expect(Self.isMalformed(Array(many.utf8)))
        var limits = XMLDocumentParser.Limits()
        limits.maxElements = 3
        #expect(throws: S3Error.self) { try XMLDocumentParser.parse(Array("<r><a/><b/><c/></r>".utf8), limits: limits) }
        #expect(try XMLDocumentParser.parse(Array("<r><a/><b/></r>".utf8), limits: limits).children.count == 2)
    }

    @Test(
        "anything but one well-formed document is MalformedXML: no recovery",
        arguments: [
            "", " ", "not xml", "<a>", "<a></b>", "<a><b></a></b>", "<a/><b/>", "<a></a><a></a>", "<a/>junk",
            "<a/><", "<a>&unknown;</a>", "<a>& </a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#x110000;</a>",
            "<a>&#;</a>", "<a>a < b</a>", "<a>]]></a>", "<!DOCTYPE a><a/>",
            "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a><!ENTITY x \"y\"></a>", "<a x='1' x='2'/>",
            "<a x=1/>", "<a x='1'y='2'/>", "<a x='<'/>", "<a><!-- -- --></a>", "<a><!-- x ---></a>",
            "<a><![CDATA[x</a>", "<a>text", "<1a/>", "<-a/>", "< a/>", "<a></ a>", "text<a/>",
            "<a/><?xml version='1.0'?>", "<a><?xml version='1.0'?></a>", "<a>\u{1}</a>", "<a>\u{FFFE}</a>",
        ])
    func malformed(_ text: String) {
        #expect(Self.isMalformed(Array(text.utf8)), "parsed \(text.debugDescription)")
    }

    @Test("invalid UTF-8 and NUL bytes are MalformedXML")
    func invalidBytes() {
        let open = Array("<Key>".utf8)
        let close = Array("</Key>".utf8)
        for bad: [UInt8] in [
            [0x00], [0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3],
        ] {
            #expect(Self.isMalformed(open + bad + close), "accepted \(bad)")
        }
        #expect(!Self.isMalformed(open + [0xC3, 0xA9] + close))
    }
}

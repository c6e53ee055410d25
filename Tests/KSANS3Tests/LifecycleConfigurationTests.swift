import Testing

@testable import KSANS3

/// Lifecycle documents checked as S3 checks them, and stored so that a GET answers what was put.
@Suite("Lifecycle configurations")
struct LifecycleConfigurationTests {
    static func rules(_ rules: String...) -> String {
        "<LifecycleConfiguration>" + rules.joined() + "</LifecycleConfiguration>"
    }

    func code(_ xml: String) -> String? {
        do {
            _ = try LifecycleConfiguration.validate(try XMLNode.parse(Array(xml.utf8)))
            return nil
        } catch let error as S3Error {
            return error.code.name
        } catch {
            return "?"
        }
    }

    @Test func validDocumentsAreStoredAsPut() throws {
        let xml = Self.rules(
            "<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>30</Days></Expiration>"
                + "<Transition><Days>0</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
                + "<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays>"
                + "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload></Rule>",
            "<Rule><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
                + "<ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></And></Filter><Status>Disabled</Status>"
                + "<Expiration><Date>2027-01-01T00:00:00.000Z</Date></Expiration></Rule>",
            // The legacy PutBucketLifecycle form: a rule-level Prefix.
            "<Rule><ID>old</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>"
                + "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>")
        let stored = try LifecycleConfiguration.validate(try XMLNode.parse(Array(xml.utf8)))
        let read = try StoredElement(document: try stored.document())
        #expect(read == stored)
        var out = XMLWriter()
        read.write(to: &out)
        let answered = try XMLNode.parse(Array(out.document.utf8))
        #expect(StoredElement(answered) == stored)
        #expect(out.document.contains("<Rule><ID>old</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>"))
    }

    @Test func whatS3RefusesIsRefused() {
        let action = "<Expiration><Days>1</Days></Expiration>"
        let cases: [(String, String)] = [
            ("<LifecycleConfiguration/>", "MalformedXML"),
            ("<Other><Rule/></Other>", "MalformedXML"),
            (Self.rules("<Rule><Filter/><Status>On</Status>\(action)</Rule>"), "MalformedXML"),
            (Self.rules("<Rule><Status>Enabled</Status>\(action)</Rule>"), "MalformedXML"),  // no Filter, no Prefix
            (Self.rules("<Rule><Filter/><Prefix/><Status>Enabled</Status>\(action)</Rule>"), "MalformedXML"),
            (Self.rules("<Rule><Filter/><Status>Enabled</Status><Unknown/>\(action)</Rule>"), "MalformedXML"),
            (
                Self.rules(
                    "<Rule><Filter><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter>"
                        + "<Status>Enabled</Status>\(action)</Rule>"), "MalformedXML"
            ),
            (Self.rules("<Rule><Filter/><Status>Enabled</Status></Rule>"), "InvalidRequest"),
            (
                Self.rules(
                    "<Rule><ID>\(String(repeating: "i", count: 256))</ID><Filter/><Status>Enabled</Status>"
                        + "\(action)</Rule>"), "InvalidArgument"
            ),
            (
                Self.rules(
                    "<Rule><ID>a</ID><Filter/><Status>Enabled</Status>\(action)</Rule>",
                    "<Rule><ID>a</ID><Filter/><Status>Enabled</Status>\(action)</Rule>"), "InvalidArgument"
            ),
            (
                Self.rules("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule>"),
                "InvalidArgument"
            ),
            (
                Self.rules("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>x</Days></Expiration></Rule>"),
                "MalformedXML"
            ),
            (
                Self.rules(
                    "<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2027-01-01T00:00:00Z</Date>"
                        + "</Expiration></Rule>"), "MalformedXML"
            ),
            (
                Self.rules(
                    "<Rule><Filter/><Status>Enabled</Status><Expiration><Date>2027-01-01T10:00:00Z</Date>"
                        + "</Expiration></Rule>"), "InvalidArgument"
            ),
            (
                Self.rules(
                    "<Rule><Filter/><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>PAPER"
                        + "</StorageClass></Transition></Rule>"), "InvalidStorageClass"
            ),
            (
                Self.rules(
                    "<Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                        + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                        + "</AbortIncompleteMultipartUpload></Rule>"), "InvalidRequest"
            ),
            (
                Self.rules(
                    "<Rule><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1"
                        + "</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions>"
                        + "</NoncurrentVersionExpiration></Rule>"), "InvalidArgument"
            ),
            (
                Self.rules(
                    "<Rule><Filter><Tag><Key>aws:x</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                        + "\(action)</Rule>"), "InvalidTag"
            ),
        ]
        for (xml, expected) in cases {
            #expect(code(xml) == expected, "\(xml)")
        }
        let many = Self.rules(
            String(repeating: "<Rule><Filter/><Status>Enabled</Status>\(action)</Rule>", count: 1001))
        #expect(code(many) == "MalformedXML")
    }
}

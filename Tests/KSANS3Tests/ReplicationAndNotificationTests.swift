import Testing

@testable import KSANS3

/// Replication and notification documents checked as S3 checks them.
@Suite("Replication and notification configurations")
struct ReplicationAndNotificationTests {
    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as S3Error {
            return error.code.name
        } catch {
            return "?"
        }
    }

    static func replication(_ rules: String...) -> String? {
        code {
            _ = try ReplicationConfiguration.validate(
                try XMLNode.parse(
                    Array(("<ReplicationConfiguration>" + rules.joined() + "</ReplicationConfiguration>").utf8)))
        }
    }

    static func rule(
        filter: String = "<Filter><Prefix>a/</Prefix></Filter>", markers: String? = "Disabled",
        destination: String = "arn:aws:s3:::target", extra: String = ""
    ) -> String {
        "<Rule><Status>Enabled</Status>" + filter
            + (markers.map { "<DeleteMarkerReplication><Status>\($0)</Status></DeleteMarkerReplication>" } ?? "")
            + "<Destination><Bucket>\(destination)</Bucket></Destination>" + extra + "</Rule>"
    }

    @Test func replicationRules() throws {
        #expect(Self.replication(Self.rule()) == nil)
        let (_, destinations) = try ReplicationConfiguration.validate(
            try XMLNode.parse(
                Array(
                    ("<ReplicationConfiguration>" + Self.rule(destination: "arn:ksan:s3:zone2::other")
                        + Self.rule(destination: "arn:aws:s3:::local", extra: "<ID>b</ID>")
                        + "</ReplicationConfiguration>").utf8)))
        #expect(destinations == [.zone(name: "zone2", bucket: "other"), .local(bucket: "local")])
        #expect(Self.replication(Self.rule(filter: "<Prefix>legacy/</Prefix>", markers: nil)) == nil)
        #expect(Self.replication() == "MalformedXML")
        #expect(Self.replication(Self.rule(markers: nil)) == "InvalidArgument")
        #expect(Self.replication(Self.rule(markers: "Maybe")) == "MalformedXML")
        #expect(
            Self.replication(
                Self.rule(filter: "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>", markers: "Enabled"))
                == "InvalidArgument")
        #expect(Self.replication(Self.rule(destination: "arn:aws:s3:::Bad_Name")) == "InvalidArgument")
        #expect(Self.replication(Self.rule(destination: "arn:ksan:s3:::nozone")) == "InvalidArgument")
        #expect(
            Self.replication(Self.rule(extra: "<Priority>1</Priority>"), Self.rule(extra: "<Priority>1</Priority>"))
                == "InvalidArgument")
        #expect(Self.replication(Self.rule(extra: "<ID>x</ID>"), Self.rule(extra: "<ID>x</ID>")) == "InvalidArgument")
        #expect(Self.replication(Self.rule(extra: "<Unknown/>")) == "MalformedXML")
        #expect(Self.replication(Self.rule(filter: "")) == "MalformedXML")
    }

    static func notification(_ body: String) -> String? {
        code {
            _ = try NotificationConfiguration.validate(
                try XMLNode.parse(Array(("<NotificationConfiguration>" + body + "</NotificationConfiguration>").utf8)))
        }
    }

    static func queue(
        _ events: [String], prefix: String? = nil, suffix: String? = nil, arn: String = "arn:ksan:sqs:::q"
    )
        -> String
    {
        var rules = ""
        if let prefix { rules += "<FilterRule><Name>prefix</Name><Value>\(prefix)</Value></FilterRule>" }
        if let suffix { rules += "<FilterRule><Name>Suffix</Name><Value>\(suffix)</Value></FilterRule>" }
        return "<QueueConfiguration><Queue>\(arn)</Queue>" + events.map { "<Event>\($0)</Event>" }.joined()
            + (rules.isEmpty ? "" : "<Filter><S3Key>\(rules)</S3Key></Filter>") + "</QueueConfiguration>"
    }

    @Test func notificationRules() throws {
        #expect(Self.notification(Self.queue(["s3:ObjectCreated:*"], prefix: "in/", suffix: ".jpg")) == nil)
        #expect(
            try NotificationConfiguration.validate(try XMLNode.parse(Array("<NotificationConfiguration/>".utf8))) == nil
        )
        #expect(Self.notification(Self.queue(["s3:Nothing:*"])) == "InvalidArgument")
        #expect(Self.notification(Self.queue([])) == "MalformedXML")
        #expect(
            Self.notification(Self.queue(["s3:ObjectCreated:*"], arn: "arn:aws:sqs:us-east-1:1:q")) == "InvalidArgument"
        )
        #expect(
            Self.notification(
                "<TopicConfiguration><Topic>arn:aws:sns:::t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration>"
            )
                == "InvalidArgument")
        // Overlap: a shared event type for keys both could match; disjoint prefixes or other events do not.
        #expect(
            Self.notification(Self.queue(["s3:ObjectCreated:*"]) + Self.queue(["s3:ObjectCreated:Put"]))
                == "InvalidArgument")
        #expect(
            Self.notification(
                Self.queue(["s3:ObjectCreated:*"], prefix: "a/") + Self.queue(["s3:ObjectCreated:Put"], prefix: "b/"))
                == nil)
        #expect(Self.notification(Self.queue(["s3:ObjectCreated:*"]) + Self.queue(["s3:ObjectRemoved:*"])) == nil)
        #expect(
            Self.notification(
                Self.queue(["s3:ObjectCreated:*"], suffix: ".png") + Self.queue(["s3:ObjectCreated:*"], suffix: ".jpg"))
                == nil)
    }
}

"""Replication and notification configurations, stored and validated as S3 validates them (their execution is the
worker's, in a later issue): PutBucketReplication needs versioning and destinations that exist, Get answers what
was put or ReplicationConfigurationNotFoundError; notifications go to KSAN queues, with S3's event names and
filter rules, and an empty configuration removes them."""

import json

import pytest

from s3util import assert_error_response, s3_error


def rule(destination, **extra):
    base = {"ID": "r1", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "docs/"},
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": destination}}
    base.update(extra)
    return base


def test_replication_configuration(s3, make_bucket, raw):
    source = make_bucket("smoke-repl-src")
    target = make_bucket("smoke-repl-dst")
    config = {"Role": "arn:aws:iam::000000000000:role/replication", "Rules": [rule(f"arn:aws:s3:::{target}")]}
    with s3_error("InvalidRequest", 400):
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=config)  # not versioned
    with s3_error("ReplicationConfigurationNotFoundError", 404):
        s3.get_bucket_replication(Bucket=source)
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=config)
    got = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]
    assert got["Role"] == config["Role"] and got["Rules"] == config["Rules"]
    # Refusals change nothing.
    bad = [
        ({"Rules": [rule("arn:aws:s3:::no-such-bucket-here-1")]}, "InvalidRequest"),
        ({"Rules": [rule(f"arn:aws:s3:::{source}")]}, "InvalidRequest"),
        ({"Rules": [rule("arn:ksan:s3:nowhere::bucket")]}, "InvalidRequest"),
        ({"Rules": [rule("not-an-arn")]}, "InvalidArgument"),
        ({"Rules": [rule(f"arn:aws:s3:::{target}"), rule(f"arn:aws:s3:::{target}", ID="r2")]}, "InvalidArgument"),
        ({"Rules": [rule(f"arn:aws:s3:::{target}", Filter={"Tag": {"Key": "a", "Value": "b"}},
                         DeleteMarkerReplication={"Status": "Enabled"})]}, "InvalidArgument"),
        ({"Rules": [rule(f"arn:aws:s3:::{target}", Status="On")]}, "MalformedXML"),
    ]
    for configuration, code in bad:
        configuration["Role"] = config["Role"]
        with s3_error(code, 400):
            s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=configuration)
    assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"] == config["Rules"]
    no_dmr = ('<ReplicationConfiguration><Rule><Status>Enabled</Status><Filter><Prefix/></Filter>'
              f'<Destination><Bucket>arn:aws:s3:::{target}</Bucket></Destination></Rule></ReplicationConfiguration>')
    assert_error_response(raw.request("PUT", f"/{source}", query="replication", body=no_dmr.encode()), 400,
                          "InvalidArgument")
    legacy = ('<ReplicationConfiguration><Rule><Prefix>logs/</Prefix><Status>Enabled</Status>'
              f'<Destination><Bucket>arn:aws:s3:::{target}</Bucket></Destination></Rule></ReplicationConfiguration>')
    assert raw.request("PUT", f"/{source}", query="replication", body=legacy.encode()).status_code == 200
    assert s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]["Prefix"] == "logs/"
    s3.delete_bucket_replication(Bucket=source)
    with s3_error("ReplicationConfigurationNotFoundError", 404):
        s3.get_bucket_replication(Bucket=source)


QUEUE = "arn:ksan:sqs:::ksan-events"


def test_notification_configuration(s3, bucket):
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    config = {"QueueConfigurations": [
        {"Id": "created", "QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".jpg"}]}}},
        {"Id": "removed", "QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:Delete"]},
    ]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"] == config["QueueConfigurations"]
    bad = [
        {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectExploded:*"]}]},
        {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:1:elsewhere", "Events": ["s3:ObjectCreated:*"]}]},
        {"TopicConfigurations": [{"TopicArn": "arn:aws:sns:us-east-1:1:topic", "Events": ["s3:ObjectCreated:*"]}]},
        {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"],
                                  "Filter": {"Key": {"FilterRules": [{"Name": "middle", "Value": "x"}]}}}]},
        {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"]},
                                 {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Put"]}]},
    ]
    for configuration in bad:
        with s3_error("InvalidArgument", 400):
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"] == config["QueueConfigurations"]
    # Disjoint filters on one event type do not overlap.
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [
            {"Name": "prefix", "Value": "a/"}]}}},
        {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Put"], "Filter": {"Key": {"FilterRules": [
            {"Name": "prefix", "Value": "b/"}]}}}]})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_the_aws_cli_stores_replication_and_notification(aws, s3, make_bucket):
    source = make_bucket("smoke-cli-repl-src")
    target = make_bucket("smoke-cli-repl-dst")
    aws("s3api", "put-bucket-versioning", "--bucket", source, "--versioning-configuration", "Status=Enabled")
    config = {"Role": "arn:aws:iam::000000000000:role/replication", "Rules": [rule(f"arn:aws:s3:::{target}")]}
    aws("s3api", "put-bucket-replication", "--bucket", source, "--replication-configuration", json.dumps(config))
    got = json.loads(aws("s3api", "get-bucket-replication", "--bucket", source).stdout)["ReplicationConfiguration"]
    assert got["Rules"] == config["Rules"]
    aws("s3api", "delete-bucket-replication", "--bucket", source)
    missing = aws("s3api", "get-bucket-replication", "--bucket", source, check=False)
    assert missing.returncode != 0 and "ReplicationConfigurationNotFoundError" in missing.stderr, missing.stderr
    notification = {"QueueConfigurations": [{"Id": "created", "QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}]}
    aws("s3api", "put-bucket-notification-configuration", "--bucket", source, "--notification-configuration",
        json.dumps(notification))
    got = json.loads(aws("s3api", "get-bucket-notification-configuration", "--bucket", source).stdout)
    assert got["QueueConfigurations"] == notification["QueueConfigurations"]

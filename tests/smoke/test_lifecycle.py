"""PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration and DeleteBucketLifecycle as boto3 and the aws
CLI send them: a configuration is validated as S3 validates it, stored and answered back as put (the worker will
execute it: not yet), NoSuchLifecycleConfiguration when there is none, and what is refused changes nothing.
"""

import json

from s3util import assert_error_response, s3_error

RULES = [
    {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}},
    {"ID": "tagged", "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "kind", "Value": "scratch"}]}},
     "Status": "Disabled", "Transitions": [{"Days": 60, "StorageClass": "STANDARD_IA"}]},
]


def test_a_configuration_is_stored_answered_and_deleted(s3, bucket):
    with s3_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": RULES})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["ID"] == "logs" and got[0]["Filter"] == {"Prefix": "logs/"} and got[0]["Expiration"] == {"Days": 30}
    assert got[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
    assert got[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 7
    assert got[1]["Filter"]["And"] == {"Prefix": "tmp/", "Tags": [{"Key": "kind", "Value": "scratch"}]}
    assert got[1]["Status"] == "Disabled" and got[1]["Transitions"] == [{"Days": 60, "StorageClass": "STANDARD_IA"}]
    # A put replaces the whole configuration.
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "dated", "Filter": {}, "Status": "Enabled", "Expiration": {"Date": "2030-01-01T00:00:00Z"}}]})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in got] == ["dated"] and got[0]["Expiration"]["Date"].year == 2030
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with s3_error("NoSuchLifecycleConfiguration", 404):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    s3.delete_bucket_lifecycle(Bucket=bucket)  # nothing to delete: no error


def test_the_legacy_put_bucket_lifecycle_body(s3, raw, bucket):
    body = (b"<LifecycleConfiguration><Rule><ID>old</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>"
            b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")
    assert raw.request("PUT", f"/{bucket}", query="lifecycle", body=body).status_code == 200
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got == [{"ID": "old", "Prefix": "tmp/", "Status": "Enabled", "Expiration": {"Days": 1}}]
    s3.delete_bucket_lifecycle(Bucket=bucket)


def test_what_s3_refuses_is_refused_and_changes_nothing(s3, raw, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": RULES[:1]})
    refused = [
        ({"ID": "x", "Filter": {}, "Status": "Enabled"}, "InvalidRequest"),  # no action
        ({"ID": "x", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 0}}, "InvalidArgument"),
        ({"ID": "x" * 256, "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}, "InvalidArgument"),
        ({"ID": "x", "Filter": {}, "Status": "Enabled",
          "Expiration": {"Date": "2030-01-01T12:00:00Z"}}, "InvalidArgument"),
        ({"ID": "x", "Filter": {}, "Status": "Enabled",
          "Transitions": [{"Days": 1, "StorageClass": "STANDARD"}]}, "InvalidStorageClass"),
        ({"ID": "x", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled",
          "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}, "InvalidRequest"),
        ({"ID": "x", "Filter": {}, "Status": "Sometimes", "Expiration": {"Days": 1}}, "MalformedXML"),
    ]
    for rule, code in refused:
        with s3_error(code, 400):
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    two = [{"ID": "same", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}] * 2
    with s3_error("InvalidArgument", 400):
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": two})
    for body in [b"<LifecycleConfiguration/>", b"<LifecycleConfiguration><Rule><Status>Enabled</Status>"
                 b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>"]:
        assert_error_response(raw.request("PUT", f"/{bucket}", query="lifecycle", body=body), 400, "MalformedXML")
    assert [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]] == ["logs"]
    assert_error_response(raw.request("POST", f"/{bucket}", query="lifecycle"), 405, "MethodNotAllowed")
    with s3_error("NoSuchBucket", 404):
        s3.get_bucket_lifecycle_configuration(Bucket="no-such-bucket-lifecycle")


def test_the_aws_cli_sets_a_lifecycle(aws, bucket):
    config = {"Rules": [{"ID": "cli", "Filter": {"Prefix": "cli/"}, "Status": "Enabled",
                         "Expiration": {"Days": 10}}]}
    aws("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
        "--lifecycle-configuration", json.dumps(config))
    got = json.loads(aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket).stdout)
    assert got["Rules"] == config["Rules"]
    aws("s3api", "delete-bucket-lifecycle", "--bucket", bucket)
    missing = aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket, check=False)
    assert missing.returncode != 0 and "NoSuchLifecycleConfiguration" in missing.stderr
